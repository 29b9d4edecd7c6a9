"""The house fonts: where they are, how wide their letters are, and which characters a document may hold.

Carlito, bundled under ``templates/house/fonts/``, has Calibri's metrics. Its letters in
:data:`SCRIPT_BLOCKS` are the characters a document can hold: the data is checked against
them, the DOCX embeds exactly them, and the PDF embeds those a document uses.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .resources import builtin_templates

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

__all__ = [
    "FACES",
    "MM_PER_PT",
    "SCRIPT_BLOCKS",
    "Font",
    "face",
    "font_file",
    "read_head",
    "supported",
    "text_width",
    "unsupported",
]

FACES = ("Regular", "Bold", "Italic", "BoldItalic")
"""Carlito's four faces, as its file names end: ``Carlito-Bold.ttf``."""

MM_PER_PT = 25.4 / 72

SCRIPT_BLOCKS: tuple[tuple[int, int], ...] = (
    (0x0020, 0x024F),  # Basic Latin, Latin-1, Latin Extended-A and -B
    (0x0300, 0x036F),  # combining diacritical marks
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2000, 0x206F),  # spaces, dashes, quotation marks and other punctuation
    (0x20A0, 0x20CF),  # currency signs
    (0x2100, 0x22FF),  # letterlike symbols, number forms, arrows, mathematical operators
)
"""The Unicode blocks documents are written in. With Carlito's glyphs in them they make the
characters a document can hold: the DOCX embeds exactly these, and the data is checked against them."""


def font_file(name: str = "Regular") -> Path:
    """The bundled Carlito file of face *name* (one of :data:`FACES`)."""
    return builtin_templates() / "house" / "fonts" / f"Carlito-{name}.ttf"


def read_head(font: TTFont) -> Any:
    """*font*'s ``head`` table, read from its bytes without fontTools' warning about Carlito's dates.

    Carlito gives its creation date in seconds since 1970, where the format counts from 1904;
    fontTools reads such a date as a Unix time too, but logs a warning each time it does. This
    reads the date the same way, silently, so the fonts' own dates stay in the fonts tcdocs writes.
    """
    from fontTools.misc import sstruct
    from fontTools.misc.timeTools import epoch_diff
    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables._h_e_a_d import headFormat

    head = newTable("head")
    sstruct.unpack2(headFormat, font.reader["head"], head)
    for stamp in ("created", "modified"):
        if getattr(head, stamp) < -epoch_diff:
            setattr(head, stamp, getattr(head, stamp) - epoch_diff)
    return head


class Font(NamedTuple):
    """Advance widths of one face, in ems, by code point."""

    advances: dict[int, float]
    fallback: float

    def width(self, text: str) -> float:
        """The width of *text* in ems, without kerning (neither Word nor the PDF kerns)."""
        get, fallback = self.advances.get, self.fallback
        return sum(get(ord(char), fallback) for char in text)


@lru_cache(maxsize=2)
def face(bold: bool) -> Font:
    """The advance widths of Carlito's regular or bold face, read once per process."""
    from fontTools.ttLib import TTFont

    font = TTFont(font_file("Bold" if bold else "Regular"), lazy=True)
    units = read_head(font).unitsPerEm
    metrics = font["hmtx"].metrics
    advances = {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}
    # Carlito has no glyph of its own for the no-break space; every reader sets a space.
    advances.setdefault(0xA0, advances[0x20])
    font.close()
    return Font(advances, metrics[".notdef"][0] / units)


def text_width(text: str, size_pt: float, bold: bool = False) -> float:
    """The width of *text* in mm at *size_pt*, in the house font."""
    return face(bold).width(text) * size_pt * MM_PER_PT


@lru_cache(maxsize=1)
def supported() -> frozenset[str]:
    """Every character a document can hold: a letter of :data:`SCRIPT_BLOCKS` that Carlito has, and line breaks."""
    cmap = set(face(False).advances)
    return frozenset({chr(code) for start, end in SCRIPT_BLOCKS for code in range(start, end + 1) if code in cmap} | {"\n", "\t"})


def unsupported(text: str) -> list[str]:
    """The characters of *text* that no document can show, each once, in order."""
    missing = set(text) - supported()
    return sorted(missing, key=text.index) if missing else []
