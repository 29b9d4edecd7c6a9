"""How documents are rendered: the one options object that the library, the command line and the service share."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError
from .formatting import DEFAULT_LOCALE
from .messages import Message

__all__ = ["DEFAULT_OPTIONS", "PDF_VARIANTS", "RenderOptions"]

PDF_VARIANTS: dict[str, str] = {
    "pdf/a-2b": "PDF/A-2b, for archiving",
    "pdf/a-3b": "PDF/A-3b, for archiving, with the input data embedded",
    "pdf/ua-1": "PDF/UA-1, tagged and accessible",
}
"""The PDF variants tcdocs offers besides a plain PDF, with what each is for."""


@dataclass(frozen=True)
class RenderOptions:
    """How documents are rendered; the library and the command line share these defaults.

    ``locale``: the Babel locale for dates, amounts and lists (``sv_SE``).
    ``templates``: a folder whose templates override the built-in ones, or None.
    ``pdf_variant``: None for a plain PDF, or one of :data:`PDF_VARIANTS`.
    ``publish``: the copy for the web (:mod:`tcdocs.editions`): contact details and personnummer
    left out, the signatures replaced by the signers' names, marked WEBBVERSION, no data embedded.

    A render has no time limit of its own: the library leaves signals to the program it
    runs in. The command line and the service stop a render in their own processes
    (:mod:`tcdocs.timelimit`).
    """

    locale: str = DEFAULT_LOCALE
    templates: Path | None = None
    pdf_variant: str | None = None
    publish: bool = False

    def __post_init__(self) -> None:
        if self.pdf_variant is not None and self.pdf_variant not in PDF_VARIANTS:
            raise UsageError(
                Message("unknown PDF variant '{variant}'; use one of: {known}", variant=self.pdf_variant, known=", ".join(PDF_VARIANTS))
            )
        if self.templates is not None and not Path(self.templates).is_dir():
            raise UsageError(Message("the template folder {folder} does not exist", folder=self.templates))


DEFAULT_OPTIONS = RenderOptions()
