"""Where tcdocs finds its templates: the built-in folder (in the wheel, or beside the package in a checkout) and a user's."""

from __future__ import annotations

from pathlib import Path

from .errors import TemplateError
from .messages import Message

__all__ = ["builtin_templates", "template_roots"]

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
