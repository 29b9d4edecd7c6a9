"""Reading data into a validated document model, with every problem located by line and column.

The data comes from :mod:`tcdocs.data` (YAML or JSON, every position kept); here it
becomes the model its ``kind`` names, the documents it refers to are read from the
:class:`Sources` the caller chose, and each pydantic error is said as a person filling
in the document needs it said, at its line in the file.
"""

from __future__ import annotations

import io
import os
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML

from .consistency import Finding, findings
from .data import DEFAULT_LIMITS, Limits, Path_, Position, dotted, read_data, read_file
from .errors import LoadError, Problem, shown
from .fieldnames import label_of
from .messages import N_, Lines, Message
from .models import KINDS, Document, model_for
from .models.base import RuleError

__all__ = [
    "Checked",
    "Files",
    "Sources",
    "Uploads",
    "check_data",
    "load",
    "load_checked",
    "load_text",
    "read_document",
]


class Checked(NamedTuple):
    """A validated document and the warnings about it, located like problems.

    The warnings include those of the documents it refers to, located in their files.
    """

    doc: Document
    warnings: list[Problem]


class Sources(ABC):
    """Where the documents a document refers to are read from, by the name the data gives.

    A hängavtal names its samverkansavtal, a beslut its granskningsprotokoll. Whoever
    reads the first document decides where such names lead: :class:`Files` to files
    beside it on the disk, :class:`Uploads` to files given together with it in one
    request, so that no request can make the service read a file of the server.

    A name is a file name alone, never a path (:meth:`refuses`): the named document lies
    in the same folder as the one that names it, or was uploaded with it. One *Sources* is
    one run's (or one request's) view of the documents: each is read and validated once,
    however many documents name it, and a document that cannot be used is remembered as
    such, so a case of many documents costs each file once.
    """

    limits: Limits = DEFAULT_LIMITS

    @abstractmethod
    def locate(self, name: str, referrer: Hashable | None) -> tuple[str, Hashable]:
        """Where the document *name* is, as the document *referrer* names it (*referrer* is a key
        this method gave, or None for a document named by the caller): its name as messages
        show it, and a key that is the same for the same document. Reads nothing.

        Raises :class:`LoadError` if there is no such document.
        """

    @abstractmethod
    def read(self, key: Hashable, shown_name: str) -> bytes:
        """The bytes of the document *key* (:meth:`locate`). Raises :class:`LoadError`."""

    def refuses(self, name: str) -> str | None:
        """Why *name* cannot name a document, or None: a document names another by its file name
        alone, which lies beside it (no folder, no ``/``, no control character)."""
        return _not_a_file_name(name)

    def proceed(self) -> None:  # noqa: B027 - a hook with nothing to do unless a caller needs it
        """Called before each document is read; a caller whose work must stop (a request whose
        client went away, or that ran out of time) raises here."""

    def _memo(self) -> dict[Hashable, Located | LoadError]:
        # Kept on the instance (a subclass need not call an __init__ of ours): one run, one memory.
        memo: dict[Hashable, Located | LoadError] | None = self.__dict__.get("_read")
        if memo is None:
            memo = self.__dict__["_read"] = {}
        return memo

    def _document(self, key: Hashable, shown_name: str, resolver: _Resolver) -> Located:
        """The document *key*, read and validated the first time it is asked for; then as remembered."""
        memo = self._memo()
        found = memo.get(key)
        if found is None:
            self.proceed()
            try:
                data, positions = read_data(self.read(key, shown_name), shown_name, self.limits)
                resolver.reading.append((key, shown_name))
                try:
                    checked = _check(data, shown_name, positions, resolver)
                finally:
                    resolver.reading.pop()
                found = Located(shown_name, checked.doc, checked.warnings, positions)
            except LoadError as exc:
                found = exc
            memo[key] = found
        if isinstance(found, LoadError):
            raise found
        return found


def _not_a_file_name(name: str) -> str | None:
    if (
        not name
        or name in (".", "..")
        or "/" in name
        or "\\" in name
        or any(unicodedata.category(char) == "Cc" for char in name)
    ):
        return Message(
            "'{name}' is not a file name: a document names another by its file name alone, which lies in the same folder",
            name=shown(name),
        )
    return None


class Files(Sources):
    """References are files on the disk, in the folder of the file that names them.

    *folder* is where a document given as text (:func:`load_text`, named without a
    folder) finds the files it names; without it, the working directory. A name is
    found whatever its Unicode normalisation (a name typed on a Mac is decomposed).

    *within* allows more: a name may then be a path, relative to the folder of the
    file that names it, to any file inside the folder *within* (cases of one region side
    by side, sharing one samverkansavtal). Nothing outside it is ever read.
    """

    def __init__(self, folder: Path | None = None, limits: Limits = DEFAULT_LIMITS, within: Path | None = None) -> None:
        self.folder = folder
        self.limits = limits
        self.within = within
        self._names: dict[Path, dict[str, str]] = {}

    def refuses(self, name: str) -> str | None:
        if self.within is None:
            return super().refuses(name)
        if not name or any(unicodedata.category(char) == "Cc" for char in name):
            return Message("'{name}' is not a file name", name=shown(name))
        return None

    def locate(self, name: str, referrer: Hashable | None) -> tuple[str, Hashable]:
        folder = referrer.parent if isinstance(referrer, Path) else (self.folder or Path())
        if self.within is not None:
            path = Path(os.path.normpath(folder / name))
            if not _inside(path, self.within):
                outside = Message("the file lies outside the folder {folder}, and is not read", folder=shown(self.within))
                raise LoadError([Problem(outside, "", shown(path))])
            return shown(path), path
        path = folder / self._spelled(folder, name)
        return shown(path), path

    def _spelled(self, folder: Path, name: str) -> str:
        """*name* as the folder spells it: the same letters in the normalisation the file system keeps."""
        if os.path.lexists(folder / name):
            return name
        names = self._names.get(folder)
        if names is None:
            try:
                names = {unicodedata.normalize("NFC", entry.name): entry.name for entry in folder.iterdir()}
            except OSError:
                names = {}
            self._names[folder] = names
        return names.get(unicodedata.normalize("NFC", name), name)

    def read(self, key: Hashable, shown_name: str) -> bytes:
        assert isinstance(key, Path)
        return read_file(key, self.limits.max_bytes)


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a symlink loop: Python 3.11 raises RuntimeError
        return False


class Uploads(Sources):
    """References are files given together with the document, found by their file names."""

    def __init__(self, files: Mapping[str, bytes], limits: Limits = DEFAULT_LIMITS) -> None:
        self.files = {unicodedata.normalize("NFC", name): raw for name, raw in files.items()}
        self.limits = limits

    def locate(self, name: str, referrer: Hashable | None) -> tuple[str, Hashable]:
        key = unicodedata.normalize("NFC", name)
        if key in self.files:
            return key, key
        if self.files:
            message = Message(
                "no file named '{name}' was given with the document (given: {names}); add it", name=key, names=", ".join(sorted(self.files))
            )
        else:
            message = Message("no file named '{name}' was given with the document; add it", name=key)
        raise LoadError([Problem(message, "", referrer if isinstance(referrer, str) else None)])

    def read(self, key: Hashable, shown_name: str) -> bytes:
        assert isinstance(key, str)
        return self.files[key]


class _Resolver:
    """What a model calls, through its validation context, to turn a reference into a document."""

    def __init__(self, sources: Sources) -> None:
        self.sources = sources
        # The documents being read (key and name), the first one included: a loop is an error.
        self.reading: list[tuple[Hashable, str]] = []
        # For each document being validated, the documents it names (its warnings include theirs),
        # and those it names that cannot be used.
        self.named: list[list[Located]] = []
        self.failed: list[set[Hashable]] = []

    def __call__(self, name: str, expected: type[Document], referrer: str | None) -> Document:
        key, shown_referrer = self.reading[-1] if self.reading else (None, referrer)
        refused = self.sources.refuses(name)
        if refused is not None:
            raise ValueError(refused)  # said at the field that gives the name
        shown_name, found = self.sources.locate(name, key)
        if any(found == reading for reading, _ in self.reading):
            raise LoadError(
                [
                    Problem(
                        Message("'{name}' refers back to a file that is being read; a document cannot refer to itself", name=name),
                        "",
                        shown_referrer,
                    )
                ]
            )
        try:
            located = self.sources._document(found, shown_name, self)
        except LoadError:
            if self.failed and found in self.failed[-1]:
                # Named again by the same document (a beslut's protocol and answer): said once, or a chain
                # of such documents would quote each problem twice as often at each step.
                raise LoadError([Problem(Message("its problems are listed above, where it is first named"), "", shown_name)]) from None
            if self.failed:
                self.failed[-1].add(found)
            raise
        if self.named:
            self.named[-1].append(located)
        return located.doc


def check_data(
    data: Any,
    file: str | None = None,
    positions: Mapping[Path_, Position] | None = None,
    sources: Sources | None = None,
) -> Checked:
    """Validate plain data (as from YAML or JSON) into the model its ``kind`` names, with its warnings.

    *positions* maps field paths to (line, column) so problems point into the file;
    *sources* is where the documents it refers to by name are read from (none: such a
    document must be given inline). The warnings include those of the documents it
    refers to, each located in its own file. Raises :class:`LoadError` with every problem found.
    """
    return _check(data, file, positions or {}, _Resolver(sources) if sources is not None else None)


def _locate(positions: Mapping[Path_, Position], path: Path_) -> Position | tuple[None, None]:
    """Where *path* is in the file: its own line and column, or its nearest enclosing field's."""
    for end in range(len(path), -1, -1):
        if path[:end] in positions:
            return positions[path[:end]]
    return (None, None)


def _check(data: Any, file: str | None, positions: Mapping[Path_, Position], resolver: _Resolver | None) -> Checked:
    def locate(path: Path_) -> Position | tuple[None, None]:
        return _locate(positions, path)

    if not isinstance(data, dict):
        raise LoadError([Problem(Message("the file must be a mapping of fields, starting with 'kind:'"), "", file, *locate(()))])
    kind = data.get("kind")
    if kind not in KINDS:
        known = ", ".join(KINDS)
        message = (
            Message("unknown document kind '{kind}'; use one of: {known}", kind=kind, known=known)
            if kind
            else Message("missing 'kind:'; use one of: {known}", known=known)
        )
        raise LoadError([Problem(message, "kind", file, *locate(("kind",)))])
    model = model_for(kind)
    named: list[Located] = []
    if resolver is not None:
        resolver.named.append(named)
        resolver.failed.append(set())
    try:
        doc = model.model_validate(data, context={"resolve": resolver, "file": file})
    except ValidationError as exc:
        problems: list[Problem] = []
        for error in exc.errors(include_url=False):
            for path, text in _explain(error, model):
                line, column = locate(path)
                problems.append(Problem(text, dotted(path), file, line, column, label=label_of(model, path)))
        raise LoadError(problems) from None
    finally:
        if resolver is not None:
            resolver.named.pop()
            resolver.failed.pop()
    warnings: list[Problem] = []
    broken: list[Problem] = []
    own = [Finding(path, text, "warning") for path, text in doc.warnings()]
    for finding in [*own, *findings(doc)]:
        line, column = locate(finding.path)
        label = label_of(model, finding.path)
        problem = Problem(finding.message, dotted(finding.path), file, line, column, severity=finding.severity, label=label)
        (warnings if finding.severity == "warning" else broken).append(problem)
    if broken:
        raise LoadError(broken)
    # A document named twice (a beslut names the protocol, and the svar it names does too) is warned about once.
    referred = [warning for located in named for warning in located.warnings]
    return Checked(doc, list(dict.fromkeys([*referred, *warnings])))


# What pydantic's own errors say, as a person filling in a document needs it said.
_PYDANTIC: dict[str, str] = {
    "missing": N_("this field is required"),
    "extra_forbidden": N_("unknown field; check its spelling (`tcdocs schema` lists the fields)"),
    "string_type": N_("write text here"),
    "string_too_short": N_("write something here"),
    "string_too_long": N_("this is longer than {max_length} characters; shorten it"),
    "too_short": N_("give at least {min_length} here"),
    "too_long": N_("give at most {max_length} here"),
    "greater_than_equal": N_("give a number of at least {ge}"),
    "greater_than": N_("give a number greater than {gt}"),
    "less_than_equal": N_("give a number of at most {le}"),
    "less_than": N_("give a number less than {lt}"),
    "int_parsing": N_("give a whole number, such as 12"),
    "int_type": N_("give a whole number, such as 12"),
    "int_from_float": N_("give a whole number, such as 12"),
    "decimal_parsing": N_("give an amount, such as 40 000 or 2,50"),
    "decimal_type": N_("give an amount, such as 40 000 or 2,50"),
    "decimal_max_digits": N_("give an amount of at most {max_digits} digits"),
    "decimal_max_places": N_("give an amount to the öre at most: two decimals"),
    "decimal_whole_digits": N_("give an amount of at most {whole_digits} digits before the decimal comma"),
    "finite_number": N_("give an amount, such as 40 000 or 2,50"),
    "date_parsing": N_("give a date as ÅÅÅÅ-MM-DD, such as 2027-01-31"),
    "date_type": N_("give a date as ÅÅÅÅ-MM-DD, such as 2027-01-31"),
    "date_from_datetime_parsing": N_("give a date as ÅÅÅÅ-MM-DD, such as 2027-01-31"),
    "date_from_datetime_inexact": N_("give a date as ÅÅÅÅ-MM-DD, such as 2027-01-31"),
    "time_parsing": N_("give a time as TT:MM, such as 13:30"),
    "time_type": N_("give a time as TT:MM, such as 13:30"),
    "bool_parsing": N_("answer ja or nej (true or false)"),
    "bool_type": N_("answer ja or nej (true or false)"),
    "enum": N_("choose one of: {expected}"),
    "literal_error": N_("choose one of: {expected}"),
    "list_type": N_("give a list here: one line for each, starting with '- '"),
    "dict_type": N_("give the fields of this part here, indented below it"),
    "model_type": N_("give the fields of this part here, indented below it"),
    "model_attributes_type": N_("give the fields of this part here, indented below it"),
}


def _explain(error: ErrorDetails, model: type[Document]) -> list[tuple[Path_, str]]:
    # A tagged union puts its tag ("<samverkansavtal>") into the location; the file has no such key.
    path: Path_ = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("<")))
    context = error.get("ctx") or {}
    cause = context.get("error")
    if isinstance(cause, RuleError):
        return [((*path, *sub), message) for sub, message in cause.problems]
    if isinstance(cause, LoadError):
        return [(path, Message("{problems}", problems=Lines(cause.problems)))]
    if isinstance(cause, ValueError) and cause.args and isinstance(cause.args[0], Message):
        return [(path, cause.args[0])]
    template = _PYDANTIC.get(error["type"])
    if template is not None:
        params = {key: _plain(value) for key, value in context.items()}
        try:
            return [(path, Message(template, **params))]
        except (KeyError, IndexError):
            pass
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return [(path, message)]


def _plain(value: Any) -> Any:
    # pydantic lists choices as "'a', 'b' or 'c'": the word "or" would be English in Swedish.
    if isinstance(value, str) and " or " in value and value.startswith("'"):
        return value.replace(" or ", ", ")
    return value


def load_text(text: str, file: str | None = None, sources: Sources | None = None, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Validate a document given as YAML text. Raises :class:`LoadError`.

    Without *sources*, a document it refers to must be written out inline.
    """
    data, positions = read_data(text, file, limits, syntax="YAML")
    return check_data(data, file, positions, sources).doc


def load(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read and validate the YAML file at *path* into its document model.

    Raises :class:`LoadError` listing every problem as ``file:line:col: field: message``.
    """
    return load_checked(path, limits).doc


def load_checked(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Checked:
    """:func:`load`, also returning the document's warnings (``Problem.severity == "warning"``).

    A warning does not stop the document: a granskningsprotokoll sent more than a
    month after the visit still renders, and the command line reports it.
    """
    path = Path(path)
    located = read_document(path.name, Files(path.parent, limits))
    return Checked(located.doc, located.warnings)


class Located(NamedTuple):
    """A document as read from its file: its warnings, and where each of its fields stands in the file,
    so that what is found about it later (by :mod:`tcdocs.road`) is located as its own problems are."""

    file: str
    doc: Document
    warnings: list[Problem]
    positions: Mapping[Path_, Position]

    def problem(self, path: Path_, message: str, severity: str = "error") -> Problem:
        """A problem at *path* of this document (or the nearest field the file has)."""
        line, column = _locate(self.positions, path)
        return Problem(message, dotted(path), self.file, line, column, severity=severity, label=label_of(type(self.doc), path))


def read_document(name: str, sources: Sources) -> Located:
    """The document *sources* hold as *name* (a file beside others, or one of files uploaded
    together), validated, with the documents it refers to read from the same *sources*.

    Raises :class:`LoadError`.
    """
    shown_name, key = sources.locate(name, None)
    return sources._document(key, shown_name, _Resolver(sources))


def dump_yaml(doc: Document) -> str:
    """*doc*'s data as a YAML file that :func:`load` reads back to the same document: ``kind`` first,
    empty fields left out."""
    data = doc.model_dump(mode="json", exclude_none=True)
    ordered = {"kind": data.pop("kind"), **data}
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    out = io.StringIO()
    yaml.dump(ordered, out)
    return out.getvalue()

