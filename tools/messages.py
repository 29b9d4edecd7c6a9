"""Keep tcdocs' message catalogues in step with the code: extract, merge and compile with Babel.

    python tools/messages.py            # extract the messages, merge them into the .po files, compile the .mo files
    python tools/messages.py --check    # exit 1 if a catalogue is out of date or a message has no Swedish text

Two catalogues, both Swedish:

* ``tcdocs``: every ``Message("...")`` and ``N_("...")`` in the package, and every ``t("...")``
  of the pages (their scripts, and their Jinja templates ``{{ t("...") }}``);
* ``tcdocs-click``: click's own messages (usage errors, "Usage:"), which the command line says
  in Swedish too.

After extracting, write the Swedish of each new message in its ``.po`` file, then run the
command again to compile.
"""

from __future__ import annotations

import datetime
import gettext
import io
import sys
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "tcdocs" / "locale"
LANGUAGE = "sv"


# A fixed date, so that the same messages give the same catalogue bytes.
STAMP = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def _extracted(folder: Path, method_map: list[tuple[str, str]], keywords: dict[str, object], project: str) -> Catalog:
    catalog = Catalog(project=project, charset="utf-8", creation_date=STAMP, revision_date=STAMP)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(folder), method_map=method_map, keywords=keywords, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        catalog.add(message, None, [(str(Path(filename).as_posix()), lineno)], auto_comments=comments, context=context)
    return catalog


def templates() -> dict[str, Catalog]:
    """The message templates as the code has them now: the package's and click's."""
    ours = _extracted(
        ROOT / "tcdocs",
        [
            ("**/web/app.js", "javascript"),
            ("**/web/verify.js", "javascript"),
            ("**/web/index.html", "jinja2.ext:babel_extract"),
            ("**/web/verify.html", "jinja2.ext:babel_extract"),
            ("**/web/word.js", "javascript"),
            ("**/web/cases.js", "javascript"),
            ("**.py", "python"),
        ],
        {"Message": None, "N_": None, "t": None},
        "tcdocs",
    )
    theirs = _extracted(Path(click.__file__).parent, [("**.py", "python")], {"_": None, "ngettext": (1, 2)}, "click")
    return {"tcdocs": ours, "tcdocs-click": theirs}


def _po_path(domain: str) -> Path:
    return LOCALE / LANGUAGE / "LC_MESSAGES" / f"{domain}.po"


def merged(domain: str, template: Catalog) -> Catalog:
    """The Swedish catalogue of *domain*, with the messages of *template*: new ones without a text yet."""
    path = _po_path(domain)
    if path.exists():
        with path.open("rb") as stream:
            catalog = read_po(stream, locale=LANGUAGE, domain=domain)
    else:
        catalog = Catalog(locale=LANGUAGE, domain=domain, project=template.project, charset="utf-8")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.creation_date = catalog.revision_date = STAMP
    catalog.last_translator = catalog.language_team = "tcdocs"
    catalog.msgid_bugs_address = ""
    catalog.fuzzy = False
    catalog.header_comment = (
        f"# Swedish texts of the messages of {template.project}.\n# Kept by tools/messages.py: extract, then translate here, then compile."
    )
    return catalog


def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False, sort_output=True, ignore_obsolete=True, include_lineno=False)
    return out.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def missing(catalog: Catalog) -> list[str]:
    """The messages of *catalog* that have no Swedish text (or only a fuzzy one)."""
    return [str(m.id) for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)) or m.fuzzy)]


def _texts(catalog: Catalog) -> dict[object, object]:
    return {message.id: message.string for message in catalog if message.id}


def _compiled(mo: Path) -> dict[object, object]:
    """What a compiled catalogue says, as gettext reads it."""
    with mo.open("rb") as stream:
        translations = gettext.GNUTranslations(stream)
    return {key: value for key, value in translations._catalog.items() if key != ""}  # gettext's own table: the one way to list them


def _as_compiled(catalog: Catalog) -> dict[object, object]:
    out: dict[object, object] = {}
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for index, text in enumerate(message.string):
                out[(message.id[0], index)] = text
        else:
            out[message.id] = message.string
    return out


def problems() -> list[str]:
    """What is out of date: a .po without the code's messages, a message without Swedish, a stale .mo.

    Catalogues are compared by their messages, not their bytes, so another Babel version agrees.
    """
    found = []
    for domain, template in templates().items():
        catalog = merged(domain, template)
        po = _po_path(domain)
        if not po.exists():
            found.append(f"{po.relative_to(ROOT)} is missing; run python tools/messages.py")
            continue
        with po.open("rb") as stream:
            written = read_po(stream, locale=LANGUAGE, domain=domain)
        if _texts(written) != _texts(catalog):
            found.append(f"{po.relative_to(ROOT)} is not in step with the code; run python tools/messages.py")
        found += [f"{domain}: no Swedish text for {message!r}" for message in missing(written)]
        mo = po.with_suffix(".mo")
        if not mo.exists() or _compiled(mo) != _as_compiled(written):
            found.append(f"{mo.relative_to(ROOT)} is not compiled from its .po; run python tools/messages.py")
    return found


def main() -> int:
    if "--check" in sys.argv[1:]:
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    for domain, template in templates().items():
        catalog = merged(domain, template)
        po = _po_path(domain)
        po.parent.mkdir(parents=True, exist_ok=True)
        po.write_bytes(_po_bytes(catalog))
        po.with_suffix(".mo").write_bytes(_mo_bytes(catalog))
        untranslated = missing(catalog)
        print(f"{po.relative_to(ROOT)}: {len(catalog)} messages, {len(untranslated)} without Swedish")
    return 0


if __name__ == "__main__":
    sys.exit(main())
