"""Output names and writes: inside the folder, atomic, readable, no debris."""

import errno
import os
import stat
from pathlib import Path

import pytest

from tcdocs.errors import OutputError
from tcdocs.output import output_path, safe_stem, write_atomic


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../x", "_.._x"),
        ("/etc/x", "_etc_x"),
        ("C:\\x", "C__x"),
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("a:b*?", "a_b__"),
        ("name. ", "name"),
        ("-rf", "rf"),
        ("", "dokument"),
        ("Samverkansavtal Nordvik", "Samverkansavtal Nordvik"),
    ],
    ids=["traversal", "absolute", "windows", "con", "con-ext", "reserved-chars", "trailing-dot", "dash", "empty", "plain"],
)
def test_safe_stem(name, expected):
    assert safe_stem(name) == expected


def test_long_name_is_cut_to_200_bytes():
    assert len(safe_stem("å" * 300).encode()) <= 200


def test_output_path_stays_in_folder(tmp_path):
    assert output_path(tmp_path, "../../x", "pdf").parent == tmp_path.resolve()


def test_atomic_write_replaces_and_sets_normal_mode(tmp_path):
    target = tmp_path / "avtal.pdf"
    target.write_bytes(b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert sorted(p.name for p in tmp_path.iterdir()) == ["avtal.pdf"]


def test_read_only_folder_names_the_path(tmp_path, monkeypatch):
    folder = tmp_path / "låst"
    folder.mkdir()

    opened = os.open

    def refused(path, *args, **kwargs):
        if Path(path).parent == folder:  # root may write anywhere, so the refusal is simulated
            raise PermissionError(13, "Permission denied")
        return opened(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refused)
    with pytest.raises(OutputError, match="låst/avtal.pdf: cannot write: permission denied"):
        write_atomic(folder / "avtal.pdf", b"x")
    assert list(folder.iterdir()) == []


def test_failed_write_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "avtal.docx"
    target.write_bytes(b"old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError, match="the disk is full"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["avtal.docx"]


@pytest.mark.parametrize(
    ("error", "swedish"),
    [
        (OSError(errno.EROFS, "Read-only file system"), "filsystemet är skrivskyddat"),
        (OSError(errno.EIO, "Input/output error"), "disken kunde inte läsas eller skrivas (ett in- eller utmatningsfel)"),
        (OSError(errno.ENOLINK, "Link has been severed"), "operativsystemet nekade åtgärden (ENOLINK)"),
    ],
    ids=["read-only", "io", "unknown"],
)
def test_the_operating_systems_reason_is_said_in_the_readers_language(tmp_path, monkeypatch, error, swedish):
    def broken_replace(src, dst):
        raise error

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError) as refused:
        write_atomic(tmp_path / "avtal.pdf", b"new")
    assert refused.value.format("sv") == f"{tmp_path / 'avtal.pdf'}: kan inte skrivas: {swedish}"
    assert error.strerror not in refused.value.format("sv")
