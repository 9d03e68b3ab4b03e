"""kg.io: atomic writes keep the previous file whole on every failure, and output paths are
refused before any work with one line naming the path and the problem."""

from __future__ import annotations

import os
import stat

import pytest

from kg import io
from kg.errors import KGError
from kg.io import OutputError, atomic_write_bytes, atomic_write_text, atomic_writer, check_output
from tests.support.locales import plain_c_locale


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_write_that_fails_midway_keeps_the_previous_file(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_bytes(b"the previous graph\n")
    with pytest.raises(RuntimeError, match="disk full"), atomic_writer(target) as handle:
        handle.write(b"half of the new")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"the previous graph\n"
    assert _leftovers(tmp_path) == []


def test_a_failing_rename_keeps_the_previous_file_and_removes_the_temporary(tmp_path,
                                                                              monkeypatch):
    target = tmp_path / "graph.ttl"
    target.write_text("old", encoding="utf-8")

    def refuse(src, dst):
        assert os.path.basename(src).startswith(".graph.ttl.") and str(dst) == str(target)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(io.os, "replace", refuse)
    with pytest.raises(OSError, match="No space left"):
        atomic_write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert _leftovers(tmp_path) == []


def test_an_interrupt_is_handled_like_any_failure(tmp_path):
    target = tmp_path / "cache.json"
    target.write_bytes(b"{}")
    with pytest.raises(KeyboardInterrupt), atomic_writer(target, "w", encoding="utf-8") as h:
        h.write('{"half": ')
        raise KeyboardInterrupt
    assert target.read_bytes() == b"{}" and _leftovers(tmp_path) == []


def test_a_clean_write_replaces_the_file_and_creates_missing_folders(tmp_path):
    target = tmp_path / "deep" / "er" / "out.txt"
    atomic_write_text(target, "naïve – text\n")
    assert target.read_bytes() == "naïve – text\n".encode()
    atomic_write_bytes(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert _leftovers(target.parent) == []


def test_text_is_written_as_utf8_whatever_the_locale(tmp_path):
    # a user whose locale is plain C (ASCII) or Latin-1 still gets UTF-8 files
    with plain_c_locale():
        atomic_write_text(tmp_path / "out.txt", "naïve – text\n")
    assert (tmp_path / "out.txt").read_bytes() == b"na\xc3\xafve \xe2\x80\x93 text\n"


def test_the_written_file_has_plain_open_permissions(tmp_path):
    old = os.umask(0o027)
    try:
        atomic_write_bytes(tmp_path / "a", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o640
    assert io._umask() == old  # reading the umask leaves it as it was


def test_the_data_is_flushed_and_synced_before_the_rename(tmp_path, monkeypatch):
    order = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(io.os, "fsync", lambda fd: (order.append("fsync"), real_fsync(fd)))
    monkeypatch.setattr(io.os, "replace",
                        lambda a, b: (order.append("replace"), real_replace(a, b)))
    atomic_write_text(tmp_path / "t", "x")
    assert order == ["fsync", "replace"]


# --------------------------------------------------------------------------- check_output


def test_check_output_accepts_a_writable_file_path_and_leaves_no_probe(tmp_path):
    assert check_output(tmp_path / "graph.ttl") == tmp_path / "graph.ttl"
    assert list(tmp_path.iterdir()) == []


def test_the_write_probe_is_tried_where_the_outputs_go_and_named_as_ours(tmp_path, monkeypatch):
    # A probe left behind (the process killed between creating and removing it) must be a
    # hidden file that says whose it is, in the folder the outputs go to: keep it to look.
    monkeypatch.setattr(io.os, "unlink", lambda path: None)
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    check_output(outputs, folder=True)
    (probe,) = outputs.iterdir()
    assert probe.name.startswith(".trialkg-probe.")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outputs"]  # not beside the folder


def test_check_output_refuses_a_folder_for_a_file(tmp_path):
    with pytest.raises(OutputError) as caught:
        check_output(tmp_path, option="--graph")
    assert str(caught.value) == f"--graph {tmp_path}: is a folder; give a file name"
    assert isinstance(caught.value, KGError)


def test_check_output_refuses_a_missing_parent_without_creating_it(tmp_path):
    target = tmp_path / "typo" / "graph.ttl"
    with pytest.raises(OutputError) as caught:
        check_output(target)
    assert str(caught.value) == (f"--output {target}: the folder {tmp_path / 'typo'} "
                                 "does not exist")
    assert not (tmp_path / "typo").exists()


def test_check_output_refuses_a_file_as_parent(tmp_path):
    (tmp_path / "plain").write_text("")
    target = tmp_path / "plain" / "graph.ttl"
    with pytest.raises(OutputError) as caught:
        check_output(target)
    assert str(caught.value) == f"--output {target}: {tmp_path / 'plain'} is not a folder"


def test_check_output_folders(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError) as caught:
        check_output(tmp_path / "file", folder=True, option="--out")
    assert str(caught.value) == f"--out {tmp_path / 'file'}: is a file; give a folder for " \
        "the outputs"
    # a missing folder whose parent exists is fine: it is created when written
    assert check_output(tmp_path / "new", folder=True) == tmp_path / "new"
    assert not (tmp_path / "new").exists()
    with pytest.raises(OutputError, match="the folder .*missing does not exist"):
        check_output(tmp_path / "missing" / "new", folder=True)
    assert check_output(tmp_path, folder=True) == tmp_path


def test_check_output_refuses_what_the_filesystem_refuses(tmp_path, monkeypatch):
    def refuse(**_kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(io.tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError) as caught:
        check_output(tmp_path / "x.ttl")
    assert str(caught.value) == (f"--output {tmp_path / 'x.ttl'}: cannot write into "
                                 f"{tmp_path}: Read-only file system")
