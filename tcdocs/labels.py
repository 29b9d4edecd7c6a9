"""The Swedish names in ``labels.yaml``: of the data's choices, of the document kinds and of the criteria.

Wording is the templates' to own, not Python's: a document kind's name (``Kind``), a
quality criterion's title (``Criterion``), a choice's name (``PartyType``,
``Financing.model``) and a step of the road (``Step``) are all written in
``templates/labels.yaml``, and a ``--templates`` folder's own ``labels.yaml`` replaces
them one by one.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .data import read_data
from .errors import TcdocsError, TemplateError
from .messages import Message
from .resources import template_file, template_roots

__all__ = ["LABELS_FILE", "label", "labels"]

LABELS_FILE = "labels.yaml"


@lru_cache(maxsize=8)
def labels(roots: tuple[Path, ...] | None = None) -> dict[str, dict[str, str]]:
    """Every name of ``labels.yaml`` by its group, a user's folder's names before the built-in ones.

    A group is a choice's type (``PartyType``) or its model and field (``Financing.model``),
    or ``Kind``, ``Criterion``, ``Step``, ``Deadline``. *roots* are the template folders
    (default: the built-in one). Raises :class:`TemplateError` if a labels file is not valid YAML.
    """
    found: dict[str, dict[str, str]] = {}
    for root in reversed(roots or template_roots()):
        path = root / LABELS_FILE
        if not path.is_file():
            continue
        try:
            data, _ = read_data(template_file(path, LABELS_FILE), LABELS_FILE)
        except TemplateError:
            raise
        except TcdocsError as exc:
            raise TemplateError(Message("the labels cannot be read: {error}", error=exc), LABELS_FILE) from None
        for group, names in (data or {}).items():
            if isinstance(names, dict):
                found.setdefault(str(group), {}).update({str(k): str(v) for k, v in names.items()})
    return found


def label(group: str, key: str) -> str:
    """The built-in name of *key* in *group* (``label("Kind", "hangavtal")`` is ``Hängavtal``).

    Raises :class:`TemplateError` if ``labels.yaml`` has no such name.
    """
    try:
        return labels()[group][key]
    except KeyError:
        raise TemplateError(Message("labels.yaml has no name for {group} '{key}'", group=group, key=key), LABELS_FILE) from None
