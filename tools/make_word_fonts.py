"""Cut Carlito down to the characters a document can hold, for the Word file every DOCX embeds them in.

    python tools/make_word_fonts.py            # write templates/house/fonts/word/Carlito-*.ttf
    python tools/make_word_fonts.py --check    # exit 1 if they hold other characters than a document can

The characters are those the data is checked against (``tcdocs.fonts.supported()``), so
every letter that passes validation has its glyph in the DOCX's embedded fonts, as in the
PDF's. Run it after changing ``SCRIPT_BLOCKS`` or the bundled fonts; the tests run the check.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from tcdocs.backends.docx_house import WORD_FONTS
from tcdocs.fonts import FACES, font_file, read_head, supported
from tcdocs.resources import builtin_templates

TARGET = builtin_templates() / WORD_FONTS


def characters() -> list[int]:
    """The code points a document can hold: what the Word fonts must have.

    Not the line breaks, nor the no-break space, which Carlito has no glyph of its own for
    (every reader sets a space).
    """
    return sorted(ord(char) for char in supported() if char not in "\n\t\u00a0")


def cut(face: str) -> bytes:
    """Carlito *face* cut down to :func:`characters`, as a TrueType font."""
    font = TTFont(font_file(face), recalcTimestamp=False)
    font["head"] = read_head(font)  # the font's own dates, read without fontTools' warning
    options = subset.Options()
    # No kerning or ligatures: Word applies neither by default, and the PDF turns them off,
    # so a line's width is the sum of its letters' advance widths everywhere.
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters())
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def held(path: Path) -> list[int]:
    """The code points the font at *path* has glyphs for."""
    return sorted(TTFont(path, lazy=True).getBestCmap())


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        wanted = characters()
        paths = [TARGET / f"Carlito-{face}.ttf" for face in FACES]
        stale = [path for path in paths if not path.is_file() or held(path) != wanted]
        for path in stale:
            print(f"{path} does not hold exactly the characters a document can; run python tools/make_word_fonts.py")
        return 1 if stale else 0
    TARGET.mkdir(parents=True, exist_ok=True)
    for face in FACES:
        (TARGET / f"Carlito-{face}.ttf").write_bytes(cut(face))
        print(f"wrote {TARGET / f'Carlito-{face}.ttf'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
