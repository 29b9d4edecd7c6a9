"""The errors tcdocs raises, each able to format its own message.

All of them derive from one root, so a caller can catch everything tcdocs
means to report with a single ``except TcdocsError``::

    TcdocsError                 exit code 1 unless stated
    ├── LoadError               the data cannot become a document (one or more Problems)
    ├── TemplateError           a wording or house template is broken or unsafe
    ├── RenderError             a backend could not produce the file
    │   └── RenderTimeout       ... within the time limit
    ├── OutputError             the file could not be written
    ├── StoreError              the case store could not do what was asked (tcdocs.store)
    │   ├── NotFound            ... no such case, document, version or user
    │   ├── Forbidden           ... the user's role does not allow it
    │   └── SaveConflict        ... another version was saved since the one a save was based on
    └── UsageError              the caller asked for something that does not exist (exit 2)

A :class:`Problem` is one located complaint about the data: the file, the
line and column in it, the dotted field path and the message. ``LoadError``
carries all of them at once, so a user fixes a file in one round.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .messages import N_, Message, from_environment, say

__all__ = [
    "Forbidden",
    "LoadError",
    "NotFound",
    "OutputError",
    "Problem",
    "RenderError",
    "RenderTimeout",
    "SaveConflict",
    "StoreError",
    "TcdocsError",
    "TemplateError",
    "UsageError",
    "os_reason",
    "shown",
]


WARNING = Message("warning")
"""How a warning is marked in a line of problems (``avtal.yaml:5:1: warning: ...``)."""


def printable(text: str) -> str:
    """*text* with any lone surrogate replaced by U+FFFD, so it can be encoded as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


def shown(path: str | os.PathLike[str]) -> str:
    """*path* as a line of text can show it: bytes of a file name that are not UTF-8 become U+FFFD, the
    name is in NFC (one name looks one way), and a character that would break the line or reorder
    it (a line break, a control or format character such as a right-to-left override) is written
    as its escape, ``\\n`` or ``\\u202e``, so that no file name can forge a line of what tcdocs prints."""
    text = os.fspath(path)
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join(_escaped(char) for char in unicodedata.normalize("NFC", text))


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(char: str) -> str:
    if unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp"):
        return char
    return _ESCAPES.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


# What the operating system's errors mean to someone reading a file or writing one, in their language;
# strerror is the C library's English ("Read-only file system") whatever the reader's language.
_OS_REASONS = {
    errno.ENOENT: N_("there is no such file"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("permission denied"),
    errno.ELOOP: N_("its symbolic links form a loop"),
    errno.EROFS: N_("the file system is read-only"),
    errno.ENOSPC: N_("the disk is full"),
    errno.EDQUOT: N_("the disk quota is used up"),
    errno.EISDIR: N_("it is a folder"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.ENAMETOOLONG: N_("the name is too long"),
    errno.EEXIST: N_("a file of that name is in the way"),
    errno.EXDEV: N_("it lies on another file system"),
    errno.EBUSY: N_("the file is in use"),
    errno.ETXTBSY: N_("the file is in use"),
    errno.EMFILE: N_("too many files are open"),
    errno.ENFILE: N_("too many files are open"),
    errno.EIO: N_("the disk could not be read or written (an input/output error)"),
    errno.EINVAL: N_("the operating system does not allow it here"),
    errno.EADDRINUSE: N_("the address is already in use"),
    errno.EADDRNOTAVAIL: N_("the address is not one of this machine's"),
}


def os_reason(exc: OSError) -> Message:
    """Why an operation on a file failed, as a message a person reads in their language (never the
    C library's English)."""
    reason = _OS_REASONS.get(exc.errno or 0)
    if reason is not None:
        return Message(reason)
    name = errno.errorcode.get(exc.errno or 0)
    return Message("the operating system refused ({code})", code=name) if name else Message("the operating system refused")


class TcdocsError(Exception):
    """Root of every error tcdocs reports to a user.

    ``str(error)`` is the English text; :meth:`format` says it in a reader's language.
    """

    exit_code = 1

    def format(self, language: str | None = None) -> str:
        """The message as the command line prints it, in *language* (default: the environment's)."""
        return say(_first(self), _lang(language))


def _first(error: BaseException) -> str:
    first = error.args[0] if error.args else ""
    return first if isinstance(first, str) else str(first)


def _lang(language: str | None) -> str:
    return language or from_environment()


def _printable(text: str) -> str:
    if isinstance(text, Message):
        if printable(str(text)) == str(text):
            return text
        return Message(text.template, **{k: printable(v) if isinstance(v, str) else v for k, v in text.params.items()})
    return printable(text)


@dataclass(frozen=True)
class Problem:
    """One complaint about the data, located as precisely as the source allows.

    ``path`` names the field for programs (``parties[2].org_number``); ``label`` names it
    for a person, by the Swedish titles of the form (``Parter › 3 › Organisationsnummer``).
    """

    message: str
    path: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    severity: str = "error"
    label: str = ""

    def __post_init__(self) -> None:
        # A message may quote the data, and data may hold what no terminal or JSON answer
        # can carry (a lone surrogate); such characters are shown as U+FFFD.
        object.__setattr__(self, "message", _printable(self.message))
        object.__setattr__(self, "path", printable(self.path))

    def text(self, language: str | None = None) -> str:
        """The message alone, in *language*."""
        return say(self.message, _lang(language))

    def field(self, language: str | None = None) -> str:
        """The field as a reader of *language* knows it: by its Swedish titles, or by its path."""
        return self.label if _lang(language) == "sv" and self.label else self.path

    def format(self, language: str | None = None) -> str:
        """``file:line:col: field: message``, as the command line prints it, in *language*."""
        language = _lang(language)
        where = shown(self.file) if self.file else "<data>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = self.field(language)
        kind = f" {say(WARNING, language)}:" if self.severity == "warning" else ""
        return f"{where}:{kind}{f' {field}:' if field else ''} {self.text(language)}"

    def __str__(self) -> str:
        return self.format("en")


class LoadError(TcdocsError):
    """The data could not be read or does not describe a valid document."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self.format("en"))

    def __reduce__(self) -> tuple[type[LoadError], tuple[list[Problem]]]:
        # Rebuilt from its problems when it crosses to another process (a batch's worker).
        return (type(self), (self.problems,))

    def format(self, language: str | None = None) -> str:
        language = _lang(language)
        lines = [p.format(language) for p in self.problems]
        count = len(self.problems)
        if count > 1:
            lines.append(say(Message("{count} problems; fix them and run again.", count=count), language))
        return "\n".join(lines)


class TemplateError(TcdocsError):
    """A template failed to compile or render, or tried something unsafe."""

    def __init__(self, message: str, template: str | None = None, line: int | None = None) -> None:
        self.template = template
        self.line = line
        self.message = message
        super().__init__(self.format("en"))

    def __reduce__(self) -> tuple[type[TemplateError], tuple[str, str | None, int | None]]:
        return (type(self), (self.message, self.template, self.line))

    def format(self, language: str | None = None) -> str:
        language = _lang(language)
        where = self.template or "<template>"
        if self.line is not None:
            where += f":{self.line}"
        return say(Message("{where}: template error: {message}", where=where, message=self.message), language)


class RenderError(TcdocsError):
    """A backend failed to produce a document from valid data."""


class RenderTimeout(RenderError):
    """A render ran past its time limit and was stopped."""


class OutputError(TcdocsError):
    """A finished document could not be written to its destination."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(self.format("en"))

    def __reduce__(self) -> tuple[type[OutputError], tuple[Path, str]]:
        return (type(self), (self.path, self.reason))

    def format(self, language: str | None = None) -> str:
        return say(Message("{path}: cannot write: {reason}", path=shown(self.path), reason=self.reason), _lang(language))


class StoreError(TcdocsError):
    """The case store could not do what was asked: the database cannot be opened, or a save failed.

    A save that fails leaves the document's previous version as it was; the message says so.
    """


class NotFound(StoreError):
    """No case, document, version or user by the name or number given."""


class Forbidden(StoreError):
    """The user's role does not allow what was asked (another region's case, RTS kansli's documents)."""


class SaveConflict(StoreError):
    """Another version of the document was saved since the version this save was based on.

    Nothing was overwritten. The error carries the other version, its number, author, time,
    note and text, so whoever loses the race can take that change into theirs and save again.
    *base* is the version the refused save was based on (None: it meant to make a new document).
    """

    def __init__(
        self, case: int, document: str, base: int | None, number: int, author: str, saved: dt.datetime, note: str, text: str
    ) -> None:
        self.case = case
        self.document = document
        self.base = base
        self.number = number
        self.author = author
        self.saved = saved
        self.note = note
        self.text = text
        super().__init__(self.format("en"))

    def __reduce__(self) -> tuple[type[SaveConflict], tuple[int, str, int | None, int, str, dt.datetime, str, str]]:
        return (type(self), (self.case, self.document, self.base, self.number, self.author, self.saved, self.note, self.text))

    def format(self, language: str | None = None) -> str:
        when = self.saved.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        params = {"document": shown(self.document), "author": self.author, "when": when, "number": self.number}
        if self.base is None:
            message = Message(
                "{document} was made by {author} at {when} (version {number}) before this save; nothing was overwritten: "
                "take their text into yours and save again",
                **params,
            )
        else:
            message = Message(
                "{document} was saved by {author} at {when} (version {number}) after version {base}, which this save was based on; "
                "nothing was overwritten: take their change into yours and save again",
                base=self.base,
                **params,
            )
        return say(message, _lang(language))


class UsageError(TcdocsError):
    """The caller named a kind, format or option that does not exist."""

    exit_code = 2
