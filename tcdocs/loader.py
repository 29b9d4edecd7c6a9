"""Reading data into a validated document model, with every problem located by line and column.

The data comes from :mod:`tcdocs.data` (YAML or JSON, every position kept); here it
becomes the model its ``kind`` names, the documents it refers to are read from the
:class:`Sources` the caller chose, and each pydantic error is said as a person filling
in the document needs it said, at its line in the file.
"""

from __future__ import annotations

import io
from abc import ABC, abstractmethod
from collections.abc import Mapping
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
    """

    limits: Limits = DEFAULT_LIMITS

    @abstractmethod
    def find(self, name: str, referrer: str | None) -> tuple[str, bytes, object]:
        """The document *name* (as the file *referrer* names it): its name as messages
        show it, its bytes, and a key that is the same for the same document.

        Raises :class:`LoadError` if there is no such document or it cannot be read.
        """


class Files(Sources):
    """References are files on the disk, relative to the folder of the file that names them.

    *folder* is where a document given as text (:func:`load_text`, named without a
    folder) finds the files it names; without it, the working directory.
    """

    def __init__(self, folder: Path | None = None, limits: Limits = DEFAULT_LIMITS) -> None:
        self.folder = folder
        self.limits = limits

    def find(self, name: str, referrer: str | None) -> tuple[str, bytes, object]:
        base = Path(referrer).parent if referrer else None
        if self.folder is not None and base in (None, Path()):
            base = self.folder
        path = Path(name) if base is None else base / name
        try:
            key: object = path.resolve()
        except (OSError, RuntimeError):  # a symlink loop: Python 3.11 raises RuntimeError
            raise LoadError([Problem(Message("cannot read the file: its symbolic links form a loop"), "", shown(path))]) from None
        return shown(path), read_file(path, self.limits), key


class Uploads(Sources):
    """References are files given together with the document, found by their file names."""

    def __init__(self, files: Mapping[str, bytes], limits: Limits = DEFAULT_LIMITS) -> None:
        self.files = dict(files)
        self.limits = limits

    def find(self, name: str, referrer: str | None) -> tuple[str, bytes, object]:
        for given, raw in self.files.items():
            if given == name or Path(given).name == Path(name).name:
                return given, raw, Path(given).name
        if self.files:
            message = Message("no file named '{name}' was given with the document (given: {names}); add it",
                              name=name, names=", ".join(sorted(self.files)))
        else:
            message = Message("no file named '{name}' was given with the document; add it", name=name)
        raise LoadError(
            [
                Problem(
                    message,
                    "",
                    referrer,
                )
            ]
        )


class _Resolver:
    """What a model calls, through its validation context, to turn a reference into a document."""

    def __init__(self, sources: Sources, first: object = None) -> None:
        self.sources = sources
        # The keys of the documents being read, the first one included: a loop is an error.
        self.reading: list[object] = [] if first is None else [first]
        self.warnings: list[Problem] = []
        # Each file is read once however many documents name it (a beslut names the protocol
        # and the svar, which names it too), so its warnings are said once.
        self.read: dict[object, Document] = {}

    def __call__(self, name: str, expected: type[Document], referrer: str | None) -> Document:
        shown_name, raw, key = self.sources.find(name, referrer)
        if key in self.read:
            return self.read[key]
        if key in self.reading:
            raise LoadError(
                [
                    Problem(
                        Message("'{name}' refers back to a file that is being read; a document cannot refer to itself", name=name),
                        "",
                        referrer,
                    )
                ]
            )
        data, positions = read_data(raw, shown_name, self.sources.limits)
        self.reading.append(key)
        try:
            checked = _check(data, shown_name, positions, self)
        finally:
            self.reading.pop()
        self.warnings.extend(checked.warnings)
        self.read[key] = checked.doc
        return checked.doc


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
    earlier = len(resolver.warnings) if resolver is not None else 0
    try:
        doc = model.model_validate(data, context={"resolve": resolver, "file": file})
    except ValidationError as exc:
        problems: list[Problem] = []
        for error in exc.errors(include_url=False):
            for path, text in _explain(error, model):
                line, column = locate(path)
                problems.append(Problem(text, dotted(path), file, line, column, label=label_of(model, path)))
        raise LoadError(problems) from None
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
    referred = resolver.warnings[earlier:] if resolver is not None else []
    return Checked(doc, [*referred, *warnings])


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
    shown_name, raw, key = sources.find(name, None)
    data, positions = read_data(raw, shown_name, sources.limits)
    checked = _check(data, shown_name, positions, _Resolver(sources, first=key))
    return Located(shown_name, checked.doc, checked.warnings, positions)


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

