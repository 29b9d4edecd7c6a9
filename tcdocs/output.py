"""Writing finished documents safely: sanitised names, atomic replacement, no debris."""

from __future__ import annotations

import errno
import os
import re
import secrets
import unicodedata
from pathlib import Path

from .errors import OutputError

__all__ = ["output_path", "safe_stem", "write_atomic"]

_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{prefix}{digit}" for prefix in ("COM", "LPT") for digit in "123456789¹²³"}
)
MAX_STEM_BYTES = 200


def safe_stem(name: str, default: str = "dokument") -> str:
    """A file name stem that is safe on Windows, macOS and Linux alike.

    Path separators, reserved characters and names (``CON``, ``com1``), leading dots
    and dashes, trailing dots and spaces are replaced or removed; the result is NFC
    and at most 200 bytes of UTF-8.
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
        raise OutputError(path, "the name would leave the output folder")
    return path


def write_atomic(path: Path | str, data: bytes) -> None:
    """Write *data* to *path* so that readers see the old file or the whole new one, never a part.

    The bytes go to a temporary file beside the target, are flushed to disk and then
    renamed over it. Raises :class:`OutputError` naming the path and the reason; no
    temporary file is left behind.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary, handle = _temporary_beside(path)
    except OSError as exc:
        raise OutputError(path, _reason(exc)) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise OutputError(path, _reason(exc)) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


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
        return "permission denied; is the folder read-only, or the file open in another program?"
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    return exc.strerror or str(exc)
