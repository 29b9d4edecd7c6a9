"""The Word file: valid Office Open XML, a package that holds what the documents use, Calibri named and Carlito embedded."""

from __future__ import annotations

import io
import itertools
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from openxml_audit import FileFormat, OpenXmlValidator

from .conftest import EXAMPLE_NAMES
from .reading import docx_body, docx_header

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
# The schemas import each other by their published addresses; these are the files here.
SCHEMA_FILES = {
    "http://dublincore.org/schemas/xmls/qdc/2003/04/02/dc.xsd": "dc.xsd",
    "http://dublincore.org/schemas/xmls/qdc/2003/04/02/dcterms.xsd": "dcterms.xsd",
    "http://www.w3.org/2001/03/xml.xsd": "xml.xsd",
}


def part(docx: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(docx)).read(name)


@pytest.mark.parametrize("file_format", [FileFormat.OFFICE_2013, FileFormat.MICROSOFT_365], ids=["office2013", "microsoft365"])
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_example_is_valid_office_open_xml(name, file_format, examples, tmp_path):
    path = tmp_path / f"{name}.docx"
    path.write_bytes(examples[name]["docx"])
    result = OpenXmlValidator(file_format=file_format, max_errors=0).validate(path)
    assert [str(e) for e in result.errors] == []
    assert result.warning_count == 0


class _LocalSchemas(etree.Resolver):
    def resolve(self, url, public_id, context):  # type: ignore[override]
        name = SCHEMA_FILES.get(url) or Path(url).name
        return self.resolve_filename(str(SCHEMAS / name), context)


@pytest.fixture(scope="module")
def core_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "opc-coreProperties.xsd"), parser))


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_core_properties_validate_against_the_ecma_376_schema(name, examples, core_schema):
    core = etree.fromstring(part(examples[name]["docx"], "docProps/core.xml"))
    assert core_schema.validate(core), core_schema.error_log
    fields = {element.tag.split("}")[1]: element.text for element in core}
    assert fields["creator"] == fields["lastModifiedBy"] != ""
    assert "lastPrinted" not in fields


def test_core_schema_refuses_what_an_older_tcdocs_wrote(core_schema):
    # A foreign-namespace revision, as the docxcompose prefix clash produced: the check can fail.
    foreign = (
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        b'xmlns:x="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"><x:revision>1</x:revision>'
        b"</cp:coreProperties>"
    )
    assert not core_schema.validate(etree.fromstring(foreign))


def test_the_package_holds_only_what_documents_use(examples):
    expected = {
        "[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "docProps/core.xml", "docProps/custom.xml",
        "word/document.xml", "word/_rels/document.xml.rels", "word/styles.xml", "word/settings.xml",
        "word/numbering.xml", "word/fontTable.xml", "word/_rels/fontTable.xml.rels", "word/header1.xml",
        "word/footer1.xml", "word/theme/theme1.xml",
        *(f"word/fonts/font{number}.odttf" for number in range(1, 5)),
    }
    used: Counter[str] = Counter()
    defined: set[str] = set()
    for rendered in examples.values():
        docx = rendered["docx"]
        assert set(zipfile.ZipFile(io.BytesIO(docx)).namelist()) == expected
        styles = etree.fromstring(part(docx, "word/styles.xml"))
        defined = {style.get(f"{W}styleId") for style in styles.iter(f"{W}style")}
        for name in ("word/document.xml", "word/header1.xml", "word/footer1.xml"):
            tree = etree.fromstring(part(docx, name))
            for tag in ("pStyle", "tblStyle"):
                used.update(element.get(f"{W}val") for element in tree.iter(f"{W}{tag}"))
    defaults = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}
    assert defined - defaults <= set(used), f"styles no example uses: {sorted(defined - defaults - set(used))}"


def test_word_opens_it_as_a_current_document_made_by_tcdocs(rendered):
    settings = etree.fromstring(part(rendered["docx"], "word/settings.xml"))
    modes = [s.get(f"{W}val") for s in settings.iter(f"{W}compatSetting") if s.get(f"{W}name") == "compatibilityMode"]
    assert modes == ["15"]
    app = part(rendered["docx"], "docProps/app.xml").decode()
    assert "<Application>tcdocs " in app and "Macintosh" not in app and "<Pages>" not in app


def _deobfuscate(data: bytes, key: str) -> bytes:
    digits = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    return bytes(byte ^ digits[index % 16] for index, byte in enumerate(data[:32])) + data[32:]


def test_the_docx_names_calibri_and_embeds_carlito_covering_its_text(rendered):
    docx = rendered["docx"]
    styles = etree.fromstring(part(docx, "word/styles.xml"))
    fonts = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert {fonts.get(f"{W}ascii"), fonts.get(f"{W}hAnsi")} == {"Calibri"}
    table = etree.fromstring(part(docx, "word/fontTable.xml"))
    (calibri,) = [font for font in table if font.get(f"{W}name") == "Calibri"]
    embeds = {child.tag.removeprefix(W): child for child in calibri if child.tag.startswith(f"{W}embed")}
    assert set(embeds) == {"embedRegular", "embedBold", "embedItalic", "embedBoldItalic"}
    rels = etree.fromstring(part(docx, "word/_rels/fontTable.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    regular = embeds["embedRegular"]
    data = _deobfuscate(part(docx, "word/" + targets[regular.get(f"{R}id")]), regular.get(f"{W}fontKey"))
    font = TTFont(io.BytesIO(data))
    assert font["name"].getDebugName(1) == "Carlito"
    covered = set(font.getBestCmap())
    text = docx_body(docx) + docx_header(docx)
    assert {char for char in text if ord(char) not in covered and not char.isspace()} == set()


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_a_hyphen_before_a_digit_never_breaks_a_line_in_word(name, examples):
    """Word and LibreOffice break after a hyphen; an organisation number, a phone number or a date
    is written with Word's non-breaking hyphen, so "(559999-" never ends a line there."""
    body = zipfile.ZipFile(io.BytesIO(examples[name]["docx"])).read("word/document.xml")
    texts = [t.text or "" for t in etree.fromstring(body).iter(f"{W}t")]
    split = [text for text in texts if re_digit_hyphen(text)]
    assert split == []


def re_digit_hyphen(text: str) -> bool:
    """Whether *text* holds a plain hyphen right before a digit."""
    return any(char == "-" and following.isdigit() for char, following in itertools.pairwise(text))
