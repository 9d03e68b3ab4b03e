"""Inputs that crashed or lied (issue 11, item 3): each ends in one line naming the input
and exit 2, never a traceback, a RecursionError or a silently created tree of folders."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.clients.ctgov import CTGovClient
from kg.errors import CTGovError, TrialParseError
from kg.io import OutputError, check_output
from kg.sources import load_trial_file
from tests.support.standin import Reply, stand_in

DEPTH = 100_000
TRIAL = "tests/fixtures/trials/synthetic-two-arms.txt"


def kg(*args) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    return result.exit_code, result.output.strip().splitlines()


# --------------------------------------------------------------------------- nested JSON


@pytest.mark.parametrize("shape", ["array", "object"])
def test_deeply_nested_json_trial_is_one_line(tmp_path, shape):
    path = tmp_path / f"synthetic-deep-{shape}.json"
    text = ("[" * DEPTH + "]" * DEPTH if shape == "array"
            else '{"a":' * DEPTH + "1" + "}" * DEPTH)
    path.write_text(text, encoding="utf-8")
    code, lines = kg("build", "--store", "memory", "--trial", path, "--output", tmp_path / "o")
    assert code == 2
    assert lines == [f"kg: error: {path}: JSON nested too deeply to be a ClinicalTrials.gov "
                     "study"]
    with pytest.raises(TrialParseError, match="nested too deeply"):
        load_trial_file(path)
    assert not (tmp_path / "o").exists()


def test_deeply_nested_json_from_the_api_is_one_error():
    body = "[" * DEPTH + "]" * DEPTH
    with stand_in(lambda req: Reply(body=body, content_type="application/json")) as server:
        client = CTGovClient(base_url=server.url, retries=1, min_interval=0)
        with pytest.raises(CTGovError, match="JSON nested too deeply to be an API answer"):
            client.fetch_study("NCT05807880")


# --------------------------------------------------------------------------- --output


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot create files in (root ignores mode bits: use /sys)."""
    if os.geteuid() != 0:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o500)
        return folder
    folder = Path("/sys")
    try:
        fd, name = tempfile.mkstemp(dir=folder)
    except OSError:
        return folder
    os.close(fd)
    os.unlink(name)
    pytest.skip("no folder here refuses new files to this user")


# (command args, the option checked, whether it names a folder of outputs)
COMMANDS = [
    (["build", "--store", "memory", "--trial", TRIAL], "--output", True),
    (["run", "--store", "memory", "--trial", TRIAL], "--output", True),
    (["discover", "--condition", "nasopharyngeal carcinoma", "--offline"], "--output", True),
    (["export", "--store", "memory", "--trial", TRIAL], "--output", False),
    (["related", "--store", "memory"], "--output", False),
    (["viz", "--store", "memory"], "--output", False),
    (["viz", "--store", "memory", "--output", "{tmp}/page.html"], "--graphml", False),
    (["viz", "--store", "memory", "--output", "{tmp}/page.html"], "--gexf", False),
]


@pytest.mark.parametrize(("args", "option", "folder"), COMMANDS,
                         ids=[f"{c[0][0]}{c[1]}" for c in COMMANDS])
def test_bad_output_paths_are_one_line(tmp_path, args, option, folder):
    a_file = tmp_path / "a-file"
    a_file.write_text("keep me\n")
    a_folder = tmp_path / "a-folder"
    a_folder.mkdir()
    missing = tmp_path / "no-such-folder" / ("out" if folder else "out.txt")
    locked = unwritable_folder(tmp_path) / ("out" if folder else "out.txt")
    cases = [(missing, f"the folder {missing.parent} does not exist"),
             (locked, f"cannot write into {locked.parent}: Permission denied"),
             (a_file / "x", f"{a_file} is not a folder")]
    cases.append((a_file, "is a file; give a folder for the outputs") if folder
                 else (a_folder, "is a folder; give a file name"))
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    for path, problem in cases:
        code, lines = kg(*args, option, path)
        assert (code, lines) == (2, [f"kg: error: {option} {path}: {problem}"])
    assert a_file.read_text() == "keep me\n" and list(a_folder.iterdir()) == []
    assert not missing.parent.exists() and not (tmp_path / "page.html").exists()


def test_output_check_accepts_what_can_be_written(tmp_path):
    assert check_output(tmp_path / "graph.ttl") == tmp_path / "graph.ttl"
    assert check_output(tmp_path / "new-folder", folder=True) == tmp_path / "new-folder"
    assert check_output(tmp_path, folder=True) == tmp_path
    assert sorted(tmp_path.iterdir()) == []  # the write probe left nothing behind
    with pytest.raises(OutputError, match="does not exist"):
        check_output(tmp_path / "a" / "b", folder=True)


# --------------------------------------------------------------------------- SERVICE via -e


@pytest.mark.parametrize("store", ["oxigraph:", "disk"])
def test_service_through_e_on_oxigraph_is_one_line(tmp_path, store):
    spec = f"oxigraph:{tmp_path / 'store'}" if store == "disk" else store
    code, lines = kg("query", "--store", spec, "--trial", TRIAL, "-e",
                     "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert code == 2
    assert lines[-1].startswith("kg: error: SERVICE (a federated query to another endpoint) "
                                "is refused")
