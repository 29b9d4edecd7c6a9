"""The bad-input and fault checklist of security.md §8 (the rows not covered by test_loader and test_output),
archival PDF variants, provenance and verification."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest

import tcdocs
from tcdocs.backends.docx_house import WORD_FONTS, build
from tcdocs.cli import main
from tcdocs.house import house
from tcdocs.options import RenderOptions
from tcdocs.resources import builtin_templates, template_roots
from tcdocs.timelimit import alarm
from tcdocs.wording import house_css

from .conftest import EXAMPLES, ROOT
from .reading import docx_body, docx_header, pdf_body_pages, pdf_pages

SAMVERKANSAVTAL = (EXAMPLES / "samverkansavtal.yaml").read_text(encoding="utf-8")


def load_with(old: str, new: str) -> tcdocs.Document:
    assert old in SAMVERKANSAVTAL
    return tcdocs.load_text(SAMVERKANSAVTAL.replace(old, new), "avtal.yaml")


def document_xml(docx: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode("utf-8")


# --- row 8: a schema error deep in a list points at its line --------------------------------------

def test_schema_error_deep_in_a_list_points_at_its_line():
    track = "            tracks: [Produkt- och maskinteknik]"
    text = SAMVERKANSAVTAL.replace(track, track + "\n            form: gymnasium")
    with pytest.raises(tcdocs.LoadError) as caught:
        tcdocs.load_text(text, "avtal.yaml")
    [problem] = caught.value.problems
    assert (problem.path, problem.line, problem.column) == ("parties[1].school_units[0].programmes[0].form", 47, 13)
    assert problem.message == "choose one of: 'gymnasieskola', 'vuxenutbildning', 'yrkeshogskola'"
    assert problem.text("sv") == "välj något av: 'gymnasieskola', 'vuxenutbildning', 'yrkeshogskola'"
    assert problem.field("sv") == "Parter › 2 › Skolenheter › 1 › Utbildningar › 1 › Skolform"


# --- rows 9-10: special characters and markup in data are text, in body, header, footer and properties ----

INJECTIONS = ["</w:t></w:r><w:r><w:t>X", '<img src="file:///etc/passwd">', "A & B <c> \"d\" 'e'"]


@pytest.mark.parametrize("value", INJECTIONS, ids=["word-xml", "html-img", "xml-specials"])
def test_markup_in_data_is_rendered_literally_everywhere(value, agreement):
    region = f"Nordvik {value}"
    doc = agreement.model_copy(update={"region": region, "dnr": value})
    control = agreement.model_copy(update={"region": "N" * len(region), "dnr": "D" * len(value)})
    out, plain = tcdocs.render_formats(doc), tcdocs.render_formats(control)
    body, header = " ".join(docx_body(out["docx"]).split()), " ".join(docx_header(out["docx"]).split())
    assert f"Samverkansavtal för Teknikcollege {region}" in body
    assert f"Teknikcollege {region}" in header and value in header
    core = zipfile.ZipFile(io.BytesIO(out["docx"])).read("docProps/core.xml").decode()
    properties = tcdocs_core_properties(out["docx"])
    assert properties["title"] == f"Samverkansavtal för Teknikcollege {region}"
    assert properties["identifier"] == value
    assert "<img" not in core
    # The same number of runs and paragraphs as a plain value of the same length.
    xml, plain_xml = document_xml(out["docx"]), document_xml(plain["docx"])
    for tag in ("<w:r>", "<w:p>", "<w:p "):
        assert xml.count(tag) == plain_xml.count(tag)
    pdf_text = " ".join(" ".join(pdf_pages(out["pdf"])).split())
    assert f"Samverkansavtal för Teknikcollege {region}" in pdf_text and f"Dnr {value}" in pdf_text
    pdf = pikepdf.open(io.BytesIO(out["pdf"]))
    assert all(not page.get_images() for page in pdf.pages)
    assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})


def tcdocs_core_properties(docx: bytes) -> dict[str, str]:
    import docx as python_docx

    props = python_docx.Document(io.BytesIO(docx)).core_properties
    return {"title": props.title, "identifier": props.identifier}


# --- rows 11-12: characters a document cannot hold, alike in body and header fields ---------------

@pytest.mark.parametrize("escape", ["\\0", "\\x01", "\\x0b", "\\x1f", "\\ufffe", "\\ud800"])
def test_illegal_character_is_the_same_error_in_body_and_header_fields(escape):
    text = SAMVERKANSAVTAL.replace("dnr: KS 2026/0412", f'dnr: "KS {escape}"').replace(
        "  - name: Åsby kommun", f'  - name: "Åsby {escape}kommun"'
    )
    with pytest.raises(tcdocs.LoadError) as caught:
        tcdocs.load_text(text, "avtal.yaml")
    found = {p.path: p.message for p in caught.value.problems}
    assert set(found) == {"dnr", "parties[2].name"}
    code = f"U+{ord(escape.encode().decode('unicode_escape', 'surrogatepass')):04X}"
    message = f"the text holds the control character {code}, which a document cannot hold; remove it"
    assert found["dnr"] == found["parties[2].name"] == message


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_every_docx_body_ends_with_its_section_properties(example):
    xml = document_xml(tcdocs.render(tcdocs.load(EXAMPLES / example), "docx"))
    assert re.search(r"<w:sectPr[ >].*</w:sectPr></w:body></w:document>$", xml, re.S)


# --- row 13: every kind of line break is one break, in DOCX and PDF ------------------------------

@pytest.mark.parametrize(
    "address",
    ['"Ab\\nCd"', '"Ab\\r\\nCd"', '"Ab\\rCd"', "|\n      Ab\n      Cd"],
    ids=["lf", "crlf", "cr", "block-scalar"],
)
def test_line_breaks_in_an_address_are_one_break_in_both_formats(address):
    doc = load_with("address: Kommunhuset, Torget 3, 873 30 Åsby", f"address: {address}")
    out = tcdocs.render_formats(doc)
    xml = document_xml(out["docx"])
    cell = re.search(r"<w:tc>(?:(?!</w:tc>).)*?>Ab</w:t>.*?</w:tc>", xml, re.S)
    assert cell is not None
    assert cell.group(0).count("<w:br/>") == 1
    assert "\n" not in "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))
    # "Ab" ends its line in the PDF, and "Cd" stands on the next one, by itself.
    assert re.search(r"212999-0038 Ab\n+Cd\n+Kommunstyrelsen", "\n".join(pdf_body_pages(out["pdf"])))


def test_address_without_a_break_stays_on_one_line():
    out = tcdocs.render_formats(load_with("address: Kommunhuset, Torget 3, 873 30 Åsby", "address: Ab Cd"))
    assert "212999-0038 Ab Cd" in "\n".join(pdf_body_pages(out["pdf"]))
    assert "Ab Cd" in docx_body(out["docx"])


# --- rows 14-17: user templates run sandboxed, fetch nothing outside, and cannot run away --------

HEADER = '{% set doc_type = "AVTAL" %}{% set issuer = "Teknikcollege " ~ doc.region %}{% set title = "Eget avtal" %}'
"""What a wording template sets for the page header, on its first line so that line numbers stay."""


def user_templates(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """A template folder with *files*; a document's wording gets :data:`HEADER` in front unless it sets a title."""
    folder = tmp_path / "mallar"
    for name, text in files.items():
        wording = name.endswith(".html.j2") and not name.startswith("house/")
        if wording and isinstance(text, str) and "set title" not in text:
            text = HEADER + text
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return folder


def house_stylesheet() -> str:
    """The built-in house stylesheet, filled with the house style's measures: what a folder's own may replace."""
    return house_css(template_roots())[0]


def house_word_file() -> bytes:
    """The built-in house Word file: what a folder's own ``house/base.docx`` may replace."""
    return build(house(), builtin_templates() / WORD_FONTS)


def render_with(folder: Path, agreement, fmt: str = "pdf") -> bytes:
    return tcdocs.render(agreement, fmt, options=RenderOptions(templates=folder))


PAYLOADS = [
    "{{ self.__init__.__globals__ }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ 'a'|attr('format') }}",
    "{{ ('{0.__class__.__mro__}'|attr('format'))('x') }}",
    "{{ cycler.__init__.__globals__.os }}",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_template_injection_in_a_wording_template_is_refused(payload, tmp_path, agreement):
    folder = user_templates(tmp_path, {"agreements/samverkansavtal.html.j2": f"<article><p>{payload}</p></article>"})
    with pytest.raises(tcdocs.TemplateError, match="refused") as caught:
        render_with(folder, agreement, "docx")
    # Named as a template, not by its place on the disk: no message shows a path of the machine.
    assert str(caught.value).startswith("agreements/samverkansavtal.html.j2:1: template error:")


@pytest.mark.parametrize("payload", PAYLOADS[:3])
def test_template_injection_in_the_house_word_file_is_refused(payload, tmp_path, agreement):
    original = house_word_file()
    source, out = zipfile.ZipFile(io.BytesIO(original)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/header1.xml":
                data = data.replace(b"{{ header.issuer }}", payload.replace("'", "&apos;").encode())
            target.writestr(info, data)
    folder = user_templates(tmp_path, {"house/base.docx": out.getvalue()})
    with pytest.raises(tcdocs.TemplateError, match="could not be filled"):
        render_with(folder, agreement, "docx")


def test_a_template_that_does_not_name_its_header_is_told_what_to_set(tmp_path, agreement):
    folder = user_templates(tmp_path, {"agreements/samverkansavtal.html.j2": b"{% set title = 'Eget' %}<article><p>Text</p></article>"})
    with pytest.raises(tcdocs.TemplateError) as caught:
        render_with(folder, agreement)
    assert str(caught.value) == (
        "agreements/samverkansavtal.html.j2: template error: set doc_type, issuer at the top of the template, as the built-in ones do"
    )


def test_a_user_template_overrides_the_wording(tmp_path, agreement):
    folder = user_templates(tmp_path, {"agreements/samverkansavtal.html.j2": "<article><h1>Eget avtal för {{ doc.region }}</h1></article>"})
    assert docx_body(render_with(folder, agreement, "docx")).startswith("Eget avtal för Nordvik")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ 'x' * 10**9 }}", "a product longer than 100000 items is refused"),
        ("{{ 2 ** 100000 }}", "the power 100000 is too large for a template"),
        ("{% for i in range(10**7) %}{% endfor %}", "Range too big"),
    ],
    ids=["string-product", "power", "range"],
)
def test_resource_blow_up_in_a_template_is_refused_at_once(body, message, tmp_path, agreement):
    folder = user_templates(tmp_path, {"agreements/samverkansavtal.html.j2": f"<article><p>{body}</p></article>"})
    started = time.monotonic()
    with pytest.raises(tcdocs.TemplateError, match=re.escape(message)):
        render_with(folder, agreement, "docx")
    assert time.monotonic() - started < 10


def test_a_runaway_template_is_stopped_by_the_alarm_of_a_process_tcdocs_owns(tmp_path, agreement):
    # The alarm the command line and the render workers arm around each document.
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    folder = user_templates(tmp_path, {"agreements/samverkansavtal.html.j2": f"<article><p>{loop}</p></article>"})
    with pytest.raises(tcdocs.RenderError, match=r"the render took longer than 1 s and was stopped"), alarm(1):
        render_with(folder, agreement, "docx")


def test_cli_time_limit_writes_nothing(tmp_path, capsys):
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    folder = user_templates(tmp_path, {"agreements/samverkansavtal.html.j2": f"<article><p>{loop}</p></article>"})
    out = tmp_path / "ut"
    argv = ["render", str(EXAMPLES / "samverkansavtal.yaml"), "--templates", str(folder), "--timeout", "1", "--out", str(out)]
    assert main(argv) == 1
    assert "dokumentet tog längre tid än 1 s och stoppades" in capsys.readouterr().err
    assert not out.exists() or list(out.iterdir()) == []


def test_a_huge_page_is_too_large(tmp_path, agreement):
    page = (ROOT / "templates" / "house" / "page.html.j2").read_text(encoding="utf-8")
    page = page.replace("</head>", "<style>@page { size: 100000cm }</style></head>")
    folder = user_templates(tmp_path, {"house/page.html.j2": page})
    with pytest.raises(tcdocs.RenderError, match=r"page 1 is too large \(1000000 × 1000000 mm\)"):
        render_with(folder, agreement)


class FetchSpy:
    """Records every URL the fetcher served, to prove that nothing outside the templates is read."""

    def __init__(self, monkeypatch):
        from tcdocs.backends import pdf

        self.served: list[str] = []
        original = pdf.BundledFetcher.fetch

        def fetch(fetcher, url, headers=None):
            response = original(fetcher, url, headers)
            self.served.append(url)
            return response

        monkeypatch.setattr(pdf.BundledFetcher, "fetch", fetch)


@pytest.mark.parametrize(
    ("head", "refused"),
    [
        ('<link rel="stylesheet" href="file:///etc/passwd">', "refused to fetch file:///etc/passwd"),
        ('<link rel="stylesheet" href="http://169.254.169.254/latest/meta-data">', "refused to fetch http://169.254.169.254/"),
        ('<link rel="stylesheet" href="../../outside.css">', "not a file inside the template folders"),
        ('<link rel="stylesheet" href="house/escape.css">', "not a file inside the template folders"),
        ('<link rel="stylesheet" href="file:///dev/urandom">', "refused to fetch file:///dev/urandom"),
        ('<link rel="attachment" href="house/house.css">', '<link rel="attachment"> is refused'),
        ("<style>@import url(http://example.com/x.css);</style>", "refused to fetch http://example.com/x.css"),
    ],
    ids=["etc-passwd", "metadata-address", "parent-folder", "symlink-escape", "dev-urandom", "attachment", "css-import"],
)
def test_resources_outside_the_templates_are_refused(head, refused, tmp_path, agreement, monkeypatch):
    spy = FetchSpy(monkeypatch)
    page = (ROOT / "templates" / "house" / "page.html.j2").read_text(encoding="utf-8").replace("</head>", head + "</head>")
    folder = user_templates(tmp_path, {"house/page.html.j2": page})
    (tmp_path / "outside.css").write_text("p { color: red }")
    (folder / "house" / "escape.css").symlink_to("/etc/passwd")
    with pytest.raises(tcdocs.TemplateError, match=re.escape(refused)):
        render_with(folder, agreement)
    allowed = ((ROOT / "templates").as_uri(), folder.as_uri())
    assert all(url.startswith(allowed) for url in spy.served)


def test_missing_bundled_asset_is_an_error_not_a_fallback_font(tmp_path, agreement):
    css = house_stylesheet().replace("fonts/Carlito-Regular.ttf", "fonts/Saknas.ttf")
    folder = user_templates(tmp_path, {"house/house.css": css})
    with pytest.raises(tcdocs.TemplateError, match=r"refused to fetch file://.*/fonts/Saknas.ttf: not a file inside the template folders"):
        render_with(folder, agreement)


# --- rows 18-19: archival and accessible PDF ------------------------------------------------------

@pytest.fixture(scope="module")
def variants(agreement) -> dict[str, bytes]:
    return {v: tcdocs.render(agreement, "pdf", options=RenderOptions(pdf_variant=v)) for v in tcdocs.PDF_VARIANTS}


def fonts_embedded(pdf: pikepdf.Pdf) -> bool:
    for page in pdf.pages:
        for font in page.Resources.Font.values():
            descendant = font.get("/DescendantFonts")
            descriptor = (descendant[0] if descendant else font).FontDescriptor
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                return False
    return True


@pytest.mark.parametrize(("variant", "part"), [("pdf/a-2b", "2"), ("pdf/a-3b", "3")])
def test_pdf_a_structure(variant, part, variants):
    pdf = pikepdf.open(io.BytesIO(variants[variant]))
    meta = pdf.open_metadata()
    assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == (part, "B")
    assert meta["dc:title"] == "Samverkansavtal för Teknikcollege Nordvik"
    [intent] = pdf.Root.OutputIntents
    assert intent.S == "/GTS_PDFA1" and "/DestOutputProfile" in intent
    assert "/ID" in pdf.trailer and not pdf.is_encrypted
    assert fonts_embedded(pdf)
    assert str(pdf.Root.Lang) == "sv"


def test_pdf_a_3b_embeds_its_data_and_2b_does_not(variants, agreement):
    with pikepdf.open(io.BytesIO(variants["pdf/a-3b"])) as pdf:
        assert list(pdf.attachments) == ["tcdocs-data.json"]
        assert pdf.attachments["tcdocs-data.json"].get_file().read_bytes() == tcdocs.canonical_data(agreement)
    with pikepdf.open(io.BytesIO(variants["pdf/a-2b"])) as pdf:
        assert list(pdf.attachments) == []


def test_pdf_ua_is_tagged_with_language_and_title(variants):
    pdf = pikepdf.open(io.BytesIO(variants["pdf/ua-1"]))
    assert pdf.Root.MarkInfo.Marked is True
    assert "/StructTreeRoot" in pdf.Root
    assert str(pdf.Root.Lang) == "sv"
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    assert pdf.open_metadata()["pdfuaid:part"] == "1"
    tags = {str(element.get("/S")) for element in _structure(pdf.Root.StructTreeRoot)}
    assert {"/H1", "/H2", "/P", "/Table"} <= tags


def _structure(node, depth=0):
    kids = node.get("/K")
    if kids is None or depth > 50:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary):
            yield kid
            yield from _structure(kid, depth + 1)


def test_pdf_ua_without_language_fails_on_weasyprints_error(tmp_path, agreement):
    page = (ROOT / "templates" / "house" / "page.html.j2").read_text(encoding="utf-8")
    folder = user_templates(tmp_path, {"house/page.html.j2": page.replace(' lang="{{ header.language }}"', "")})
    with pytest.raises(tcdocs.RenderError, match='WeasyPrint reported errors, so no PDF was written:\n  Missing required "lang"'):
        tcdocs.render(agreement, "pdf", options=RenderOptions(templates=folder, pdf_variant="pdf/ua-1"))


@pytest.mark.skipif(shutil.which("verapdf") is None, reason="veraPDF is not installed; pikepdf checks the structure instead")
def test_verapdf_finds_the_pdf_a_compliant(tmp_path, variants):  # pragma: no cover - needs veraPDF
    path = tmp_path / "a.pdf"
    path.write_bytes(variants["pdf/a-3b"])
    report = subprocess.run(["verapdf", str(path)], capture_output=True, text=True, check=False).stdout
    assert 'isCompliant="true"' in report


def test_unknown_variant_is_a_usage_error():
    with pytest.raises(tcdocs.UsageError, match="unknown PDF variant 'pdf/x-4'"):
        RenderOptions(pdf_variant="pdf/x-4")


# --- provenance and verify -------------------------------------------------------------------------

def test_every_pdf_carries_version_and_data_hash(agreement, rendered):
    import hashlib

    import pypdf

    info = pypdf.PdfReader(io.BytesIO(rendered["pdf"])).metadata
    assert info["/tcdocsversion"] == tcdocs.__version__
    assert info["/tcdocsdatasha256"] == hashlib.sha256(tcdocs.canonical_data(agreement)).hexdigest()


def test_verify_a_pdf_a_3b_from_its_embedded_data(tmp_path, capsys):
    hangavtal = EXAMPLES / "hangavtal.yaml"  # its main agreement is embedded in full
    assert main(["render", str(hangavtal), "-f", "pdf", "--pdf-variant", "pdf/a-3b", "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["verify", str(tmp_path / "hangavtal.pdf")]) == 0
    assert "hangavtal.pdf: bekräftad; den är precis vad dess uppgifter ger (SHA-256 " in capsys.readouterr().out


def test_verify_finds_a_changed_pdf(tmp_path, capsys, variants):
    pdf = pikepdf.open(io.BytesIO(variants["pdf/a-3b"]))
    pdf.docinfo["/Title"] = "Ett annat avtal"
    changed = tmp_path / "andrad.pdf"
    pdf.save(changed)
    assert main(["verify", str(changed)]) == 1
    assert "andrad.pdf: INTE bekräftad; uppgifterna ger en annan fil, så PDF-filen har ändrats" in capsys.readouterr().err


def test_verify_a_plain_pdf_needs_its_data_and_checks_the_hash(tmp_path, capsys, rendered):
    path = tmp_path / "avtal.pdf"
    path.write_bytes(rendered["pdf"])
    assert main(["verify", str(path)]) == 2
    assert "inga uppgifter är inbäddade (bara PDF/A-3b bäddar in dem); ange YAML-filen med --data" in capsys.readouterr().err
    assert main(["verify", str(path), "--data", str(EXAMPLES / "samverkansavtal.yaml")]) == 0
    assert ": bekräftad; " in capsys.readouterr().out
    assert main(["verify", str(path), "--data", str(EXAMPLES / "hangavtal.yaml")]) == 1
    assert "uppgifternas SHA-256 är" in capsys.readouterr().err


def test_verify_refuses_a_pdf_without_provenance(tmp_path, capsys):
    path = tmp_path / "annan.pdf"
    pikepdf.new().save(path)
    assert main(["verify", str(path)]) == 2
    assert "den här PDF-filen saknar tcdocs ursprungsuppgifter och kan inte bekräftas" in capsys.readouterr().err


def test_embedded_data_never_makes_tcdocs_read_a_file(tmp_path):
    data = {"kind": "hangavtal", "agreement": "/etc/passwd"}
    with pytest.raises(tcdocs.LoadError, match="not the name of its file: here no file is read"):
        tcdocs.check_data(data, "inbäddad.json")


# --- row 20: reproducible across runs, time zones, the current date and SOURCE_DATE_EPOCH --------

@pytest.mark.parametrize("variant", [None, "pdf/a-3b", "pdf/ua-1"], ids=["plain", "pdf-a-3b", "pdf-ua-1"])
def test_two_processes_with_different_tz_and_epoch_write_the_same_bytes(variant, tmp_path):
    outputs = []
    for zone, epoch in (("UTC", None), ("America/Los_Angeles", "1700000000")):
        folder = tmp_path / zone.replace("/", "-")
        env = {**os.environ, "TZ": zone}
        env.pop("SOURCE_DATE_EPOCH", None)
        if epoch:
            env["SOURCE_DATE_EPOCH"] = epoch
        command = [sys.executable, "-m", "tcdocs", "render", str(EXAMPLES / "beslut.yaml"), "--out", str(folder)]
        if variant:
            command += ["--pdf-variant", variant]
        subprocess.run(command, env=env, check=True, capture_output=True)
        outputs.append(((folder / "beslut.pdf").read_bytes(), (folder / "beslut.docx").read_bytes()))
    assert outputs[0] == outputs[1]


# --- user templates stay inside their folder and within bounds ----------------------------------------

def test_a_template_linked_to_a_file_outside_the_folder_is_not_included(tmp_path, agreement):
    secret = tmp_path / "hemligt.txt"
    secret.write_text("LÖSENORD 1234", encoding="utf-8")
    wording = "<article><p>{% include 'agreements/bit.html' %}</p></article>"
    folder = user_templates(tmp_path, {"agreements/samverkansavtal.html.j2": wording})
    (folder / "agreements" / "bit.html").symlink_to(secret)
    with pytest.raises(tcdocs.TemplateError, match="a link to a file outside the template folders") as caught:
        render_with(folder, agreement, "docx")
    assert "LÖSENORD" not in str(caught.value)


@pytest.mark.parametrize(
    "body",
    [
        "{% for i in range(100000) %}{{ 'x' * 100000 }}{% endfor %}",
        "{{ 'x' | center(1000000000) }}",
        "{{ 'x'.ljust(1000000000) }}",
        "{{ ('x' * 50000).replace('', 'y' * 50000) }}",
        "{{ ('x' * 50000) | replace('', 'y' * 50000) }}",
        "{{ '%1000000000s' | format('x') }}",
        "{% set ns = namespace(s='x' * 100000) %}{% for i in range(100) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}",
    ],
    ids=["loop-of-products", "center", "ljust", "str-replace", "replace-filter", "format", "doubling"],
)
def test_a_template_cannot_produce_gigabytes(body, tmp_path, agreement):
    folder = user_templates(tmp_path, {"agreements/samverkansavtal.html.j2": f"<article><p>{body}</p></article>"})
    started = time.monotonic()
    with pytest.raises(tcdocs.TemplateError, match="refused"):
        render_with(folder, agreement, "docx")
    assert time.monotonic() - started < 30  # refused by a bound, not by the time limit


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_letters_no_house_font_has_never_reach_a_document_from_a_template(tmp_path, agreement, fmt):
    folder = user_templates(tmp_path, {"agreements/samverkansavtal.html.j2": "<article><p>Li 東京</p></article>"})
    with pytest.raises(tcdocs.TemplateError, match="writes 東 京, which the house fonts have no letters for"):
        render_with(folder, agreement, fmt)


def test_a_pdf_that_would_need_a_font_of_the_machine_is_not_written(tmp_path, agreement):
    # A house style that asks for a font by a name the machine resolves: Pango would embed it.
    css = house_stylesheet()
    css = css.replace('font-family: "Carlito"; font-size: 11pt', "font-family: sans-serif; font-size: 11pt")
    folder = user_templates(tmp_path, {"house/house.css": css})
    shutil.copytree(ROOT / "templates" / "house" / "fonts", folder / "house" / "fonts")
    with pytest.raises(tcdocs.RenderError, match="which is not a house font"):
        render_with(folder, agreement, "pdf")


def test_verify_refuses_deeply_nested_embedded_data(tmp_path, capsys):
    nested = "[" * 5000 + "]" * 5000
    pdf = tmp_path / "avtal.pdf"
    with pikepdf.new() as document:
        document.add_blank_page()
        document.docinfo["/tcdocsversion"] = tcdocs.__version__
        document.docinfo["/tcdocsdatasha256"] = "0" * 64
        document.attachments["tcdocs-data.json"] = pikepdf.AttachedFileSpec(document, nested.encode())
        document.save(pdf)
    assert main(["verify", str(pdf)]) == 1
    _, err = capsys.readouterr()
    assert "inkapslade i mer än 40 nivåer" in err and "Traceback" not in err


# As on a machine without Debian's libharfbuzz-subset0: fontTools subsets the PDF's fonts.
WITHOUT_SUBSETTER = (
    f"import sys; sys.path.insert(0, {str(ROOT / 'tools')!r})\n"
    "from without_subsetter import _refuse_subsetter; _refuse_subsetter()\n"
)


@pytest.mark.parametrize("setup", ["", WITHOUT_SUBSETTER], ids=["harfbuzz", "fonttools"])
def test_four_threads_render_the_same_bytes_as_one_and_print_nothing(setup):
    code = setup + (
        "import sys, threading, tcdocs\n"
        f"doc = tcdocs.load({str(EXAMPLES / 'beslut.yaml')!r})\n"
        "alone = tcdocs.render_formats(doc)\n"
        "found = []\n"
        "def work():\n"
        "    for _ in range(2):\n"
        "        found.append(tcdocs.render_formats(doc))\n"
        "threads = [threading.Thread(target=work) for _ in range(4)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "assert len(found) == 8 and all(out == alone for out in found), 'the bytes differ'\n"
        "from tcdocs.backends import pdf\n"
        "print('same, subset by', pdf.SUBSETTER)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    from tcdocs.backends import pdf

    # Without the refusal, the subsetter this machine has: HarfBuzz's where libharfbuzz-subset0 is installed.
    subsetter = "fonttools" if setup else pdf.SUBSETTER
    assert (done.returncode, done.stdout, done.stderr) == (0, f"same, subset by {subsetter}\n", "")


# A program that uses tcdocs as a library: its own alarm pending, its own logging set up.
HOST = """
import io, logging, signal, sys, time
import tcdocs

rang = []
def ring(signum, frame):
    rang.append(signum)
signal.signal(signal.SIGALRM, ring)
signal.setitimer(signal.ITIMER_REAL, 600)
own = io.StringIO()
logging.basicConfig(stream=own, level=logging.WARNING, format="%(name)s: %(message)s")

def logging_set_up():
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in sorted(logging.Logger.manager.loggerDict))]
    return [(logger.name, logger.level, logger.handlers[:], logger.filters[:], logger.disabled) for logger in loggers]

before = logging_set_up()
doc = tcdocs.load(sys.argv[1])
for fmt in ("pdf", "docx"):
    tcdocs.render(doc, fmt)
after = [entry for entry in logging_set_up() if entry[0] in {name for name, *_ in before}]
assert after == before, "the logging set-up changed"
assert signal.getsignal(signal.SIGALRM) is ring, "the host's alarm handler was replaced"
remaining, _ = signal.getitimer(signal.ITIMER_REAL)
assert 0 < remaining <= 600, "the host's alarm was cancelled"
signal.setitimer(signal.ITIMER_REAL, 0.01)
time.sleep(0.5)
logging.getLogger("host").warning("still mine")
print(rang == [signal.SIGALRM], repr(own.getvalue()))
"""


@pytest.mark.parametrize("setup", ["", WITHOUT_SUBSETTER], ids=["harfbuzz", "fonttools"])
def test_a_host_programs_alarm_and_logging_are_untouched_by_a_render(setup):
    # Both renders' own modules are imported before the host takes its snapshot of the logging.
    code = setup + "import tcdocs.backends.pdf, tcdocs.backends.docx\n" + HOST
    done = subprocess.run([sys.executable, "-c", code, str(EXAMPLES / "beslut.yaml")], capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stderr) == (0, "")
    # The alarm rang for the host, and the host's log holds its own line and nothing of the render.
    assert done.stdout == "True 'host: still mine\\n'\n"


# --- every path tcdocs reads goes through one reader: a regular file of bounded size ------------------------

SPECIAL = {
    "fifo": "inte en vanlig fil (en enhet eller ett rör)",
    "device": "inte en vanlig fil (en enhet eller ett rör)",
    "folder": "det här är en mapp; ange en fil",
    "loop": "dess symboliska länkar bildar en slinga",
}


def special(path: Path, kind: str) -> Path:
    """At *path*, what is not a regular file: a pipe no one writes to, /dev/zero, a folder, or a link to itself."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    else:
        path.symlink_to(path)
    return path


def run(capsys, *arguments: object) -> tuple[int, str]:
    """The command run in this process, stopped by an alarm if it would wait for ever; its exit code and stderr."""
    with alarm(30):
        code = main([str(argument) for argument in arguments])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("kind", SPECIAL)
def test_verify_reads_no_pdf_and_no_data_that_is_not_a_file(tmp_path, capsys, rendered, kind):
    code, err = run(capsys, "verify", special(tmp_path / "avtal.pdf", kind))
    assert code in (1, 2) and "Traceback" not in err and (SPECIAL[kind] in err or kind == "folder")
    pdf = tmp_path / "riktig.pdf"
    pdf.write_bytes(rendered["pdf"])
    code, err = run(capsys, "verify", pdf, "--data", special(tmp_path / "avtal.yaml", kind))
    assert "Traceback" not in err and (SPECIAL[kind] in err if kind != "folder" else code == 2)


def test_verify_reads_no_more_of_a_pdf_than_its_limit(tmp_path, capsys, monkeypatch):
    import importlib

    monkeypatch.setattr(importlib.import_module("tcdocs.verify"), "MAX_PDF_BYTES", 1000)
    big = tmp_path / "stor.pdf"
    big.write_bytes(b"%PDF-1.7\n" + b"0" * 2000)
    code, err = run(capsys, "verify", big)
    assert code == 1 and "stor.pdf:1:1: filen är större än 1000 byte" in err


@pytest.mark.parametrize("kind", ["fifo", "device"])  # a folder and a link loop are refused by the option itself
def test_a_token_file_that_is_not_a_file_is_refused_before_the_service_starts(tmp_path, capsys, kind):
    code, err = run(capsys, "serve", "--token-file", special(tmp_path / "nyckel", kind), "--port", "1")
    assert code == 2 and f"nyckel: åtkomstnyckeln kan inte läsas: det här är {SPECIAL[kind]}; ange en fil" in err


@pytest.mark.parametrize("kind", ["fifo", "device", "loop"])
@pytest.mark.parametrize("name", ["labels.yaml", "house/house.toml", "house/house.css", "agreements/samverkansavtal.html.j2"])
def test_a_template_folders_file_that_is_not_a_file_is_passed_over_never_read(tmp_path, capsys, name, kind):
    templates = tmp_path / "mallar"
    (templates / name).parent.mkdir(parents=True, exist_ok=True)
    special(templates / name, kind)
    code, err = run(capsys, "render", EXAMPLES / "samverkansavtal.yaml", "--templates", templates, "--out", tmp_path / "ut",
                    "--jobs", "1", "-f", "pdf")
    assert (code, err) == (0, "")
    assert "Samverkansavtal för Teknikcollege Nordvik" in " ".join(pdf_pages((tmp_path / "ut" / "samverkansavtal.pdf").read_bytes()))


def test_a_template_folders_file_past_the_limit_is_a_template_error(tmp_path, capsys, monkeypatch):
    from tcdocs import resources

    monkeypatch.setattr(resources, "MAX_TEMPLATE_BYTES", 100_000)
    templates = tmp_path / "mallar"
    templates.mkdir()
    (templates / "labels.yaml").write_text("# " + "x" * 200_000 + "\n", encoding="utf-8")
    code, err = run(capsys, "render", EXAMPLES / "samverkansavtal.yaml", "--templates", templates, "--out", tmp_path / "ut",
                    "--jobs", "1", "-f", "pdf")
    assert code == 1 and ": labels.yaml: fel i mallen: filen är större än 100000 byte" in err
    assert str(tmp_path) not in err


# --- equal data, equal bytes --------------------------------------------------------------------------------

def test_amounts_written_differently_are_the_same_data_and_the_same_pdf(tmp_path, capsys):
    written = {"plain.yaml": SAMVERKANSAVTAL,
               "decimals.yaml": SAMVERKANSAVTAL.replace("  amount: 10\n", "  amount: 10.00\n")
                                              .replace("rts_fee: 25000\n", "rts_fee: '25 000,00 kr'\n")}
    assert written["plain.yaml"] != written["decimals.yaml"]
    docs = {name: tcdocs.load_text(text, name) for name, text in written.items()}
    assert tcdocs.canonical_data(docs["plain.yaml"]) == tcdocs.canonical_data(docs["decimals.yaml"])
    assert b'"rts_fee": "25000.00"' in tcdocs.canonical_data(docs["plain.yaml"])
    pdf = tmp_path / "avtal.pdf"
    pdf.write_bytes(tcdocs.render(docs["plain.yaml"], "pdf"))
    (tmp_path / "decimals.yaml").write_text(written["decimals.yaml"], encoding="utf-8")
    assert main(["verify", str(pdf), "--data", str(tmp_path / "decimals.yaml")]) == 0
    assert ": bekräftad; " in capsys.readouterr().out
