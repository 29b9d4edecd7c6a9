"""Where tcdocs finds its templates: the built-in folder (in the wheel, or beside the package in a checkout) and a user's."""

from __future__ import annotations

from pathlib import Path

from .data import read_file
from .errors import LoadError, TemplateError
from .messages import Message

__all__ = ["MAX_TEMPLATE_BYTES", "builtin_templates", "template_file", "template_roots"]

MAX_TEMPLATE_BYTES = 10 * 1024 * 1024
"""The largest file of a template folder that tcdocs reads: a template, a stylesheet, a font, the house Word file."""

_PACKAGE = Path(__file__).resolve().parent


def builtin_templates() -> Path:
    """The templates shipped with tcdocs: inside the wheel, or beside the package in a checkout."""
    for candidate in (_PACKAGE / "templates", _PACKAGE.parent / "templates"):
        if (candidate / "house").is_dir():
            return candidate
    raise TemplateError(Message("the built-in templates are missing; reinstall tcdocs"))


def template_roots(user: Path | None = None) -> tuple[Path, ...]:
    """Where templates are looked up, a user's folder first so it can override."""
    builtin = builtin_templates()
    return (user.resolve(), builtin) if user is not None else (builtin,)


def template_file(path: Path, name: str) -> bytes:
    """The bytes of the template folders' file *path*, read as every file is (:func:`tcdocs.data.read_file`:
    a regular file, at most :data:`MAX_TEMPLATE_BYTES`). Raises :class:`TemplateError` naming it *name*,
    never by its place on the disk."""
    try:
        return read_file(path, MAX_TEMPLATE_BYTES)
    except LoadError as exc:
        raise TemplateError(exc.problems[0].message, name) from None
