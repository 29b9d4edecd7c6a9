"""Writing finished documents safely: sanitised names, atomic replacement, no debris."""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import unicodedata
from pathlib import Path

from .errors import OutputError, os_reason, shown
from .messages import Message

__all__ = ["output_path", "safe_stem", "write_all_atomic", "write_atomic"]

# Lone surrogates stand for the bytes of a file name that are not UTF-8 (os.fsdecode): no name is made of them.
_BAD = re.compile('[<>:"/\\\\|?*\x00-\x1f\x7f\ud800-\udfff]')
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {f"{prefix}{digit}" for prefix in ("COM", "LPT") for digit in "123456789¹²³"}
)
MAX_STEM_BYTES = 200


def safe_stem(name: str, default: str = "dokument") -> str:
    """A file name stem that is safe on Windows, macOS and Linux alike.

    Path separators, reserved characters and names (``CON``, ``com1``), leading dots
    and dashes, trailing dots and spaces are replaced or removed, and so are the bytes of an
    input file's name that are not UTF-8; the result is NFC and at most 200 bytes of UTF-8.
    """
    stem = _BAD.sub("_", unicodedata.normalize("NFC", name)).strip().rstrip(". ").lstrip(".-")
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    while len(stem.encode("utf-8")) > MAX_STEM_BYTES:
        stem = stem[:-1]
    return stem or default


def output_path(directory: Path, stem: str, extension: str) -> Path:
    """The path for *stem* + *extension* directly inside *directory*, never outside it."""
    directory = directory.resolve()
    path = directory / f"{safe_stem(stem)}.{extension}"
    if path.parent != directory:
        raise OutputError(path, Message("the name would leave the output folder"))
    return path


def write_atomic(path: Path | str, data: bytes, create_folder: bool = True) -> None:
    """Write *data* to *path* so that readers see the old file or the whole new one, never a part.

    The bytes go to a temporary file beside the target, are flushed to disk and then
    renamed over it. With *create_folder*, a missing folder is made, but only if its own
    parent exists: a mistyped path does not grow folders from the root. Raises
    :class:`OutputError` naming the path and the reason; no temporary file is left behind.
    """
    write_all_atomic({Path(path): data}, create_folder)


def write_all_atomic(files: dict[Path, bytes], create_folder: bool = True) -> None:
    """Write several files all or none: a document's DOCX and PDF together.

    Every file is first written in full beside its target; only then are they renamed
    into place, and if one rename fails the targets already replaced get their earlier
    contents back. Raises :class:`OutputError` for the path that failed.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            staged.append((path, _stage(path, data, create_folder)))
        _swap_in(staged)
    finally:
        for _, temporary in staged:
            temporary.unlink(missing_ok=True)


def _stage(path: Path, data: bytes, create_folder: bool) -> Path:
    """*data* written and flushed to a new temporary file beside *path*; raises :class:`OutputError`."""
    if path.is_symlink() or (path.exists() and not path.is_file() and not path.is_dir()):
        raise OutputError(path, Message("it is a link, a device or a pipe, not a file; give another name"))
    if path.is_dir():
        raise OutputError(path, Message("a folder of that name is in the way"))
    try:
        if create_folder and not path.parent.is_dir():
            path.parent.mkdir()
        temporary, handle = _temporary_beside(path)
    except FileNotFoundError as exc:
        if path.parent.is_dir():  # a folder that takes no new files, such as /proc
            raise OutputError(path, Message("files cannot be made in this folder ({reason})", reason=os_reason(exc))) from None
        raise OutputError(path, Message("the folder {folder} does not exist", folder=shown(_missing(path.parent)))) from None
    except OSError as exc:
        raise OutputError(path, _reason(exc)) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise OutputError(path, _reason(exc)) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _swap_in(staged: list[tuple[Path, Path]]) -> None:
    """Rename each temporary file over its target; undo the earlier ones if one fails."""
    done: list[tuple[Path, Path | None]] = []  # target, and where its earlier contents wait
    try:
        for path, temporary in staged:
            backup = None
            if len(staged) > 1 and path.exists():
                backup = path.with_name(f".{path.name}.{secrets.token_hex(4)}.old")
                try:
                    os.link(path, backup)
                except OSError:  # a file system without hard links
                    shutil.copyfile(path, backup)
            try:
                os.replace(temporary, path)
            except BaseException:
                if backup is not None:
                    backup.unlink(missing_ok=True)
                raise
            done.append((path, backup))
    except OSError as exc:
        _undo(done)
        raise OutputError(path, _reason(exc)) from None
    except BaseException:
        _undo(done)
        raise
    for _, backup in done:
        if backup is not None:
            backup.unlink(missing_ok=True)


def _undo(done: list[tuple[Path, Path | None]]) -> None:
    for path, backup in reversed(done):
        if backup is None:
            path.unlink(missing_ok=True)
        else:
            os.replace(backup, path)


def _missing(folder: Path) -> Path:
    """The first folder on the way to *folder* that does not exist."""
    for parent in reversed([folder, *folder.parents]):
        if not parent.exists():
            return parent
    return folder


def _temporary_beside(path: Path) -> tuple[Path, int]:
    """A new, empty file in *path*'s folder, opened for writing.

    It is created with mode 0666 less the umask, as a plain write would create the
    target (``mkstemp`` would make it 0600, unreadable to the group after the rename).
    """
    for _ in range(100):
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return temporary, os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path.parent))


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return Message("permission denied; is the folder read-only, or the file open in another program?")
    return os_reason(exc)
