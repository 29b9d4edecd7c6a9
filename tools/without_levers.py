"""tcdocs with each of its speed levers switched off, so that tests and the benchmark can compare.

    python tools/without_levers.py digests on|off

prints the SHA-256 of every example rendered as PDF and DOCX, in a process set up as
tcdocs' own (``on``: :mod:`tcdocs.process`, and the library's levers as they are) or as
before (``off``: no process settings, and the library's levers replaced by the code they
replaced). The two lists must be equal: no lever changes a document's bytes.

The library's levers are switched in this process only, by :func:`library_levers`; the
process's are whatever :func:`tcdocs.process.start` and :func:`~tcdocs.process.settle` set.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
LIBRARY_LEVERS = ("parse", "docx")
"""The levers inside the library: the house page parsed once; docxtpl's templates compiled once."""


def _two_parses(page: str, roots: tuple[Path, ...], base: Path) -> Any:
    """The house page as it was made before: parsed by lxml for the check, then again by WeasyPrint."""
    import lxml.html

    from tcdocs.backends import pdf

    tree = lxml.html.document_fromstring(page)
    pdf._refuse_attachments(tree)
    return pdf._HousePage(string=page, base_url=base.as_uri() + "/", url_fetcher=pdf.BundledFetcher(roots))


@contextmanager
def library_levers(*off: str) -> Iterator[None]:
    """Within the block, the library's levers named in *off* (of :data:`LIBRARY_LEVERS`) are the code they replaced."""
    from tcdocs.backends import docx, pdf
    from tcdocs.wording import LimitedSandbox

    saved = pdf._house_page, docx._HEADER_ENV
    if "parse" in off:
        pdf._house_page = _two_parses
    if "docx" in off:
        docx._HEADER_ENV = LimitedSandbox(autoescape=True)
    try:
        yield
    finally:
        pdf._house_page, docx._HEADER_ENV = saved


def digests(on: bool) -> dict[str, str]:
    """Every example's PDF and DOCX by SHA-256, rendered with every lever on, or with every lever off."""
    if on:
        from tcdocs.process import start

        start()
    import tcdocs

    docs = {path.stem: tcdocs.load(path) for path in sorted(EXAMPLES.glob("*.yaml"))}
    found = {}
    with library_levers() if on else library_levers(*LIBRARY_LEVERS):
        first = next(iter(docs.values()))
        tcdocs.render_formats(first)  # warm, as a worker is before it settles
        if on:
            from tcdocs.process import settle

            settle()
        for name, doc in docs.items():
            for fmt, data in tcdocs.render_formats(doc).items():
                found[f"{name}.{fmt}"] = hashlib.sha256(data).hexdigest()
    return found


if __name__ == "__main__":
    if sys.argv[1:2] != ["digests"] or sys.argv[2:] not in (["on"], ["off"]):
        sys.exit(__doc__)
    print(json.dumps(digests(sys.argv[2] == "on"), indent=1))
