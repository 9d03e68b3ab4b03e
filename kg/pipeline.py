"""What ``kg build`` and ``kg run`` do, as library functions the CLI calls.

Outputs are written only after every stage succeeded, each file atomically, so a failure
leaves the previous outputs as they were and no half-written file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kg.build import BuildOptions, BuildResult, build
from kg.errors import ValidationError
from kg.serialize import write_graph

__all__ = ["BuildOptions", "run_build", "run_all", "write_graph_files"]

Echo = Callable[[str], None]


def write_graph_files(result: BuildResult, output_dir: Path) -> list[Path]:
    graph = result.store.union()
    written = []
    for name, fmt in (("graph.ttl", "turtle"), ("graph.jsonld", "json-ld")):
        path = output_dir / name
        with result.timings.stage(f"write {name}"):
            write_graph(graph, path, fmt)
        written.append(path)
    return written


def _report(result: BuildResult, echo: Echo, verbose: bool) -> None:
    c = result.counts
    echo(f"{c.get('trials', 0)} trial(s), {c.get('articles', 0)} article(s), "
         f"{c.get('triples', 0)} triples")
    if verbose:
        for stage, seconds in result.timings.stages.items():
            echo(f"  {stage:<28} {seconds * 1000:8.1f} ms")
        for key, value in sorted(c.items()):
            if key not in ("trials", "articles", "triples"):
                echo(f"  {key:<28} {value:8d}")


def run_build(options: BuildOptions, output_dir: Path, *, verbose: bool = False,
              echo: Echo = print) -> BuildResult:
    result = build(options)
    written = write_graph_files(result, output_dir)
    _report(result, echo, verbose)
    for path in written:
        echo(f"wrote {path}")
    return result


def run_all(options: BuildOptions, output_dir: Path, *, verbose: bool = False,
            echo: Echo = print) -> BuildResult:
    from kg.validate import validate_graph

    result = build(options)
    with result.timings.stage("validate (SHACL)"):
        report = validate_graph(result.store.union())
    if not report.conforms:
        echo(report.text)
        raise ValidationError(f"the built graph has {report.violations} SHACL violation(s); "
                              "nothing was written")
    written = write_graph_files(result, output_dir)
    _report(result, echo, verbose)
    for path in written:
        echo(f"wrote {path}")
    echo("graph conforms to the SHACL shapes")
    return result
