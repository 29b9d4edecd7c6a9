"""A case folder and a stored case are two views of one case: import one, export the other.

A folder holds a case's documents as ``tcdocs status`` reads them: the YAML and JSON files
in it, naming each other by file name. Import keeps each file's text exactly (its bytes,
as UTF-8); export writes the latest version of each document back, so export, import and
export again give the same bytes. The versions before the latest and the audit log stay in
the database: back it up to keep them (see the README).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..data import read_file
from ..errors import LoadError, Problem, UsageError, os_reason, shown
from ..messages import Message
from ..output import safe_stem, write_all_atomic
from ..road import ROAD_SUFFIXES
from .cases import Store
from .records import CaseInfo, User, Version

__all__ = ["export_all", "export_case", "import_folder", "read_folder"]


def _documents_in(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if path.suffix.lower() in ROAD_SUFFIXES and path.is_file())


def read_folder(folder: Path) -> dict[str, str]:
    """The documents in *folder* (its YAML and JSON files, not its subfolders) by file name, each
    text exactly as the file holds it. Raises :class:`LoadError` for a file that is not UTF-8 or
    cannot be read, :class:`UsageError` if *folder* is not a folder or holds no documents."""
    if not folder.is_dir():
        raise UsageError(Message("{folder} is not a folder; give the folder that holds the case's documents", folder=shown(folder)))
    files: dict[str, str] = {}
    for path in _documents_in(folder):
        raw = read_file(path)
        try:
            files[path.name] = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = raw[: exc.start]
            line, column = before.count(b"\n") + 1, exc.start - (before.rfind(b"\n") + 1) + 1
            message = Message("byte 0x{byte:02X} is not UTF-8; save the file as UTF-8", byte=raw[exc.start])
            raise LoadError([Problem(message, "", shown(path), line, column)]) from None
    if not files:
        raise UsageError(Message("{folder}: no YAML or JSON documents in this folder", folder=shown(folder)))
    return files


def import_folder(
    store: Store, folder: Path, *, by: User, case: int | None = None, region: str | None = None, note: str | None = None
) -> tuple[CaseInfo, list[Version]]:
    """Import the documents in *folder* into a new case (or into *case*), all or none: see
    :meth:`Store.import_files`. The versions' note says where they came from unless *note* is given."""
    files = read_folder(folder)
    return store.import_files(files, by=by, case=case, region=region, note=note if note is not None else f"import {folder.name}")


def _outputs(files: Mapping[str, str], folder: Path) -> dict[Path, bytes]:
    """The files to write to export *files* into *folder*; refuses a folder that holds other documents,
    which would make the folder another case than the store's."""
    if folder.is_dir():
        strangers = [path.name for path in _documents_in(folder) if path.name not in files]
        if strangers:
            raise UsageError(
                Message(
                    "{folder} holds documents that are not the case's ({names}); export into an empty folder",
                    folder=shown(folder),
                    names=", ".join(shown(name) for name in strangers),
                )
            )
    return {folder / name: text.encode("utf-8") for name, text in files.items()}


def export_case(store: Store, case: int, folder: Path, *, by: User) -> list[Path]:
    """Write the latest version of each of the case's documents into *folder* (made if its parent
    exists), all or none, and return the files written."""
    outputs = _outputs(store.files(case, by=by), folder)
    _make(folder)
    write_all_atomic(outputs, create_folder=False)
    return list(outputs)


def case_folder(case: CaseInfo) -> str:
    """The name of a case's folder in an export of all cases: its number and region (``1-Nordvik``)."""
    return f"{case.id}-{safe_stem(case.region)}"


def export_all(store: Store, folder: Path, *, by: User) -> list[tuple[CaseInfo, Path]]:
    """Export every case *by* may see into a folder of its own in *folder* (:func:`case_folder`),
    all or none, and return each case with its folder."""
    cases = [(case, folder / case_folder(case)) for case in store.cases(by=by)]
    outputs: dict[Path, bytes] = {}
    for case, target in cases:
        outputs.update(_outputs(store.files(case.id, by=by), target))
    _make(folder)
    for _, target in cases:
        _make(target)
    write_all_atomic(outputs, create_folder=False)
    return cases


def _make(folder: Path) -> None:
    if folder.is_dir():
        return
    if not folder.parent.is_dir():
        raise UsageError(
            Message(
                "the folder {folder} does not exist, so {what} cannot be written there",
                folder=shown(folder.parent),
                what=Message("the documents"),
            )
        )
    try:
        folder.mkdir()
    except OSError as exc:
        raise UsageError(Message("cannot make the folder {folder}: {reason}", folder=shown(folder), reason=os_reason(exc))) from None
