"""`kg export` on a field store: N-Quads stream out of Oxigraph (the same quads the small
path writes), other formats are refused with one line. The threshold is lowered so the
bundled graph plays the field."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from rdflib import Dataset

import kg.store
from kg import resources
from kg.cli import main
from kg.pipeline.build import BuildOptions, build


def _quads(path: Path) -> set[tuple[str, ...]]:
    ds = Dataset()
    ds.parse(path, format="nquads")
    return {tuple(str(t) for t in quad) for quad in ds.quads((None, None, None, None))
            if quad[3] is not None}


def test_a_field_store_streams_nquads_and_refuses_the_rest(tmp_path, monkeypatch):
    target = tmp_path / "db"
    build(BuildOptions(trials=[str(resources.BUNDLED_TRIAL)], corpus=True,
                       store=f"oxigraph:{target}")).store.close()
    store = f"oxigraph:{target}"
    small = tmp_path / "small.nq"
    result = CliRunner().invoke(main, ["export", "--store", store, "--format", "nquads",
                                       "--output", str(small)])
    assert result.exit_code == 0, result.output
    monkeypatch.setattr(kg.store, "LARGE_STORE", 1000)
    field = tmp_path / "field.nq"
    result = CliRunner().invoke(main, ["export", "--store", store, "--format", "nquads",
                                       "--output", str(field)])
    assert result.exit_code == 0, result.output
    assert _quads(field) == _quads(small) and len(_quads(small)) > 4000
    assert not list(tmp_path.glob(".field.nq.partial*"))
    turtle = tmp_path / "field.ttl"
    result = CliRunner().invoke(main, ["export", "--store", store, "--format", "turtle",
                                       "--output", str(turtle)])
    assert result.exit_code == 2
    assert "more than 1,000 triples: export it with --format nquads" in result.output
    assert not turtle.exists()
