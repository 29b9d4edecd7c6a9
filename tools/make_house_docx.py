"""Build templates/house/base.docx, the Word file every DOCX is rendered into.

Run it after changing the house style: ``python tools/make_house_docx.py``. The package
is written part by part, so it holds what tcdocs documents use and nothing else: the
styles the DOCX backend names, two list definitions, the page header and footer with
their template tags, the settings of a current Word document, and a Latin subset of
Carlito embedded as obfuscated fonts (ECMA-376 Part 1, 17.8.1) under the name Calibri.

Word has Calibri; Carlito has Calibri's metrics, and LibreOffice registers an embedded
font under the name the font table gives it. So Word, LibreOffice (with or without
Carlito installed) and the PDF, which embeds Carlito, break lines alike.
"""

from __future__ import annotations

import hashlib
import io
import sys
import uuid
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "templates" / "house" / "base.docx"
FONTS = ROOT / "templates" / "house" / "fonts"
FONT_NAME = "Calibri"
FACES = (("Regular", "embedRegular"), ("Bold", "embedBold"), ("Italic", "embedItalic"), ("BoldItalic", "embedBoldItalic"))

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Latin letters of the Nordic and other European languages, the punctuation Swedish
# documents use (dashes, quotes, ellipsis, bullet, §), and the euro and per-mille signs.
LATIN = [
    *range(0x20, 0x7F), *range(0xA0, 0x180), 0x2010, 0x2011, *range(0x2013, 0x2015),
    *range(0x2018, 0x201F), 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203A, 0x20AC, 0x2122, 0x2212,
]

# --- measurements shared with the PDF's house.css (mm and pt) --------------------------
TWIPS_PER_MM = 1440 / 25.4


def mm(value: float) -> int:
    return round(value * TWIPS_PER_MM)


def pt(value: float) -> int:
    """Points as twentieths of a point, Word's unit for spacing and line height."""
    return round(value * 20)


def half_points(value: float) -> int:
    return round(value * 2)


# --- parts ---------------------------------------------------------------------------


def content_types(fonts: int) -> str:
    overrides = {
        "/word/document.xml": f"{CT}.wordprocessingml.document.main+xml",
        "/word/styles.xml": f"{CT}.wordprocessingml.styles+xml",
        "/word/settings.xml": f"{CT}.wordprocessingml.settings+xml",
        "/word/fontTable.xml": f"{CT}.wordprocessingml.fontTable+xml",
        "/word/numbering.xml": f"{CT}.wordprocessingml.numbering+xml",
        "/word/header1.xml": f"{CT}.wordprocessingml.header+xml",
        "/word/footer1.xml": f"{CT}.wordprocessingml.footer+xml",
        "/word/theme/theme1.xml": f"{CT}.theme+xml",
        "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "/docProps/app.xml": f"{CT}.extended-properties+xml",
    }
    defaults = {"rels": "application/vnd.openxmlformats-package.relationships+xml", "xml": "application/xml"}
    if fonts:
        defaults["odttf"] = f"{CT}.obfuscatedFont"
    return (
        DECLARATION
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        + "".join(f'<Default Extension="{ext}" ContentType="{kind}"/>' for ext, kind in defaults.items())
        + "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides.items())
        + "</Types>"
    )


def relationships(items: list[tuple[str, str, str]]) -> str:
    return (
        DECLARATION
        + f'<Relationships xmlns="{PKG_RELS}">'
        + "".join(f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>' for rid, kind, target in items)
        + "</Relationships>"
    )


def run_properties(size: float | None = None, bold: bool = False, italic: bool = False, color: str | None = None) -> str:
    parts = []
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if italic:
        parts.append("<w:i/><w:iCs/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if size is not None:
        parts.append(f'<w:sz w:val="{half_points(size)}"/><w:szCs w:val="{half_points(size)}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def spacing(before: float = 0, after: float = 0, line: float | None = None) -> str:
    """Spacing in mm before and after, and an exact line height in pt, as the PDF lays them out.

    Word, like CSS, puts the larger of one paragraph's space after and the next one's
    space before between them, so these are the margins of house.css as they stand.
    """
    exact = f' w:line="{pt(line)}" w:lineRule="exact"' if line is not None else ""
    return f'<w:spacing w:before="{mm(before)}" w:after="{mm(after)}"{exact}/>'


def bottom_border(space: int = 1) -> str:
    return f'<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="{space}" w:color="000000"/></w:pBdr>'


def paragraph_style(style_id: str, name: str, *, ppr: str = "", rpr: str = "", based_on: str | None = "Normal",
                    next_style: str | None = None, default: bool = False, outline: int | None = None,
                    custom: bool = False, priority: int | None = None) -> str:
    attributes = ' w:default="1"' if default else ""
    attributes += ' w:customStyle="1"' if custom else ""
    head = f'<w:style w:type="paragraph"{attributes} w:styleId="{style_id}"><w:name w:val="{name}"/>'
    if based_on:
        head += f'<w:basedOn w:val="{based_on}"/>'
    if next_style:
        head += f'<w:next w:val="{next_style}"/>'
    if priority is not None:
        head += f'<w:uiPriority w:val="{priority}"/>'
    head += "<w:qFormat/>"
    if outline is not None:
        ppr += f'<w:outlineLvl w:val="{outline}"/>'
    body = (f"<w:pPr>{ppr}</w:pPr>" if ppr else "") + rpr
    return head + body + "</w:style>"


def styles() -> str:
    fonts = f'<w:rFonts w:ascii="{FONT_NAME}" w:hAnsi="{FONT_NAME}" w:eastAsia="{FONT_NAME}" w:cs="{FONT_NAME}"/>'
    defaults = (
        "<w:docDefaults>"
        f'<w:rPrDefault><w:rPr>{fonts}<w:sz w:val="22"/><w:szCs w:val="22"/>'
        '<w:lang w:val="sv-SE" w:eastAsia="sv-SE" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        # Widow and orphan control, as house.css keeps two lines of a paragraph together.
        f"<w:pPrDefault><w:pPr><w:widowControl/>{spacing(0, 0)}</w:pPr></w:pPrDefault>"
        "</w:docDefaults>"
    )
    # Only headings keep with the next paragraph. In a table, Word and LibreOffice read
    # "keep with next" as "keep this row with the next one", which would hold whole
    # signature tables together; a signature block stays whole as a row that cannot split.
    keep = "<w:keepNext/>"
    table_margins = (
        f'<w:tblCellMar><w:top w:w="{mm(1.2)}" w:type="dxa"/><w:left w:w="{mm(1.8)}" w:type="dxa"/>'
        f'<w:bottom w:w="{mm(1.2)}" w:type="dxa"/><w:right w:w="{mm(1.8)}" w:type="dxa"/></w:tblCellMar>'
    )
    grid_border = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="555555"/>'
    grid_borders = "<w:tblBorders>" + "".join(
        grid_border.format(side=side) for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    ) + "</w:tblBorders>"
    items = [
        paragraph_style("Normal", "Normal", ppr=spacing(after=2.5, line=14.85), based_on=None, default=True),
        paragraph_style("Heading1", "heading 1", ppr=keep + "<w:keepLines/>" + spacing(after=2, line=21.6),
                        rpr=run_properties(18, bold=True), next_style="Normal", outline=0, priority=9),
        paragraph_style("Heading2", "heading 2", ppr=keep + "<w:keepLines/>" + spacing(before=7, after=2, line=16.9),
                        rpr=run_properties(12.5, bold=True), next_style="Normal", outline=1, priority=9),
        paragraph_style("Heading3", "heading 3", ppr=keep + "<w:keepLines/>" + spacing(before=5, after=1.5, line=14.85),
                        rpr=run_properties(11, bold=True), next_style="Normal", outline=2, priority=9),
        paragraph_style("ListBullet", "List Bullet", ppr='<w:numPr><w:numId w:val="1"/></w:numPr>' + spacing(after=1, line=14.85)),
        paragraph_style("ListNumber", "List Number", ppr='<w:numPr><w:numId w:val="2"/></w:numPr>' + spacing(after=1, line=14.85)),
        paragraph_style("Lead", "Lead", ppr=spacing(after=6, line=17.55), rpr=run_properties(13), custom=True),
        paragraph_style("Note", "Note", ppr=spacing(after=2.5, line=12.8), rpr=run_properties(9.5, italic=True), custom=True),
        paragraph_style("Label", "Label", ppr=spacing(before=0.5, after=3, line=10.8),
                        rpr=run_properties(8, color="333333"), custom=True),
        paragraph_style("TableText", "Table Text", ppr=spacing(line=12.5), rpr=run_properties(10), custom=True),
        paragraph_style("TableGap", "Table Gap", ppr=spacing(after=2.5, line=1), rpr=run_properties(1), custom=True),
        paragraph_style("SignatureParty", "Signature Party", ppr=spacing(after=6, line=14.3),
                        rpr=run_properties(bold=True), custom=True),
        paragraph_style("SignaturePlace", "Signature Place", ppr=bottom_border() + spacing(line=14.3), custom=True),
        paragraph_style("SignatureLine", "Signature Line", ppr=bottom_border() + spacing(line=36.9), custom=True),
        paragraph_style("Signature", "Signature Text", ppr=spacing(line=14.3), custom=True),
        paragraph_style("Header", "header", ppr=spacing(line=12.15), rpr=run_properties(9), priority=99),
        paragraph_style("Footer", "footer", ppr=spacing(line=10.8), rpr=run_properties(8, color="444444"), priority=99),
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/>'
        '<w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
        f'<w:tblPr><w:tblInd w:w="0" w:type="dxa"/>{table_margins}</w:tblPr></w:style>',
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>'
        f'<w:uiPriority w:val="39"/><w:pPr>{spacing(line=12.5)}</w:pPr>{run_properties(10)}'
        f"<w:tblPr>{grid_borders}</w:tblPr></w:style>",
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
    ]
    return DECLARATION + f'<w:styles xmlns:w="{W}">{defaults}{"".join(items)}</w:styles>'


def numbering() -> str:
    indent = f'<w:pPr><w:ind w:left="{mm(7)}" w:hanging="{mm(7)}"/></w:pPr>'
    fonts = f'<w:rPr><w:rFonts w:ascii="{FONT_NAME}" w:hAnsi="{FONT_NAME}" w:cs="{FONT_NAME}"/></w:rPr>'
    bullet = (
        '<w:abstractNum w:abstractNumId="0"><w:nsid w:val="5C3B0F01"/><w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\u2022"/>'
        f'<w:lvlJc w:val="left"/>{indent}{fonts}</w:lvl></w:abstractNum>'
    )
    decimal = (
        '<w:abstractNum w:abstractNumId="1"><w:nsid w:val="5C3B0F02"/><w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>'
        f'<w:lvlJc w:val="left"/>{indent}</w:lvl></w:abstractNum>'
    )
    nums = '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    return DECLARATION + f'<w:numbering xmlns:w="{W}">{bullet}{decimal}{nums}</w:numbering>'


def settings() -> str:
    compat = "".join(
        f'<w:compatSetting w:name="{name}" w:uri="http://schemas.microsoft.com/office/word" w:val="{value}"/>'
        for name, value in (
            ("compatibilityMode", "15"),
            ("overrideTableStyleFontSizeAndJustification", "1"),
            ("enableOpenTypeFeatures", "1"),
            ("doNotFlipMirrorIndents", "1"),
            ("differentiateMultirowTableHeaders", "1"),
        )
    )
    return (
        DECLARATION
        + f'<w:settings xmlns:w="{W}">'
        + '<w:zoom w:percent="100"/><w:embedTrueTypeFonts/><w:saveSubsetFonts/>'
        + '<w:defaultTabStop w:val="1304"/><w:characterSpacingControl w:val="doNotCompress"/>'
        + f"<w:compat>{compat}</w:compat>"
        + '<w:themeFontLang w:val="sv-SE"/><w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/>'
        + "</w:settings>"
    )


def font_table(keys: list[tuple[str, str, str]], regular: TTFont) -> str:
    os2 = regular["OS/2"]
    panose = os2.panose
    panose_hex = "".join(
        f"{value:02X}"
        for value in (
            panose.bFamilyType, panose.bSerifStyle, panose.bWeight, panose.bProportion, panose.bContrast,
            panose.bStrokeVariation, panose.bArmStyle, panose.bLetterForm, panose.bMidline, panose.bXHeight,
        )
    )
    signature = (
        f'<w:sig w:usb0="{os2.ulUnicodeRange1:08X}" w:usb1="{os2.ulUnicodeRange2:08X}" w:usb2="{os2.ulUnicodeRange3:08X}" '
        f'w:usb3="{os2.ulUnicodeRange4:08X}" w:csb0="{os2.ulCodePageRange1:08X}" w:csb1="{os2.ulCodePageRange2:08X}"/>'
    )
    embeds = "".join(f'<w:{element} r:id="{rid}" w:fontKey="{key}" w:subsetted="1"/>' for element, rid, key in keys)
    return (
        DECLARATION
        + f'<w:fonts xmlns:w="{W}" xmlns:r="{R}">'
        + f'<w:font w:name="{FONT_NAME}"><w:altName w:val="Carlito"/><w:panose1 w:val="{panose_hex}"/><w:charset w:val="00"/>'
        + f'<w:family w:val="swiss"/><w:pitch w:val="variable"/>{signature}{embeds}</w:font>'
        + "</w:fonts>"
    )


def _field(instruction: str) -> str:
    # A complex field, so the number takes the run formatting of the header text.
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


HEADER_SPLIT = 0.55
"""Where the header's right-hand block starts, as a share of the text width (house.css: @top-left is 55 %)."""


def header() -> str:
    """The page header: the issuer at left; document type, date, Dnr and page at right, as in the PDF.

    Paragraphs with a tab stop, not a table: LibreOffice stops honouring "keep with next"
    in the body when the page header holds a table, and headings would be left at the
    foot of a page.
    """
    tab = f'<w:tabs><w:tab w:val="left" w:pos="{mm(163 * HEADER_SPLIT)}"/></w:tabs>'

    def line(text: str, first: bool = False) -> str:
        height = spacing(line=14.3 if first else 12.15)
        issuer = (
            f'<w:r>{run_properties(11, bold=True)}<w:t xml:space="preserve">{{{{ header.issuer }}}}</w:t></w:r>' if first else ""
        )
        return f'<w:p><w:pPr><w:pStyle w:val="Header"/>{tab}{height}</w:pPr>{issuer}<w:r><w:tab/></w:r>{text}</w:p>'

    def run(text: str) -> str:
        return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'

    page = run("Sida ") + _field("PAGE") + run(" (") + _field("NUMPAGES") + run(")")
    body = (
        line(run("{{ header.doc_type }}"), first=True)
        + line(run("{{ header.date }}"))
        + line(run("Dnr {{ header.dnr }}"))
        + line(page)
    )
    return DECLARATION + f'<w:hdr xmlns:w="{W}" xmlns:r="{R}">{body}</w:hdr>'


def footer() -> str:
    border = '<w:pBdr><w:top w:val="single" w:sz="4" w:space="4" w:color="888888"/></w:pBdr>'
    return (
        DECLARATION
        + f'<w:ftr xmlns:w="{W}" xmlns:r="{R}">'
        + f'<w:p><w:pPr><w:pStyle w:val="Footer"/>{border}</w:pPr><w:r><w:t xml:space="preserve">{{{{ header.title }}}}</w:t></w:r></w:p>'
        + "</w:ftr>"
    )


def document() -> str:
    section = (
        '<w:sectPr><w:headerReference w:type="default" r:id="rId6"/><w:footerReference w:type="default" r:id="rId7"/>'
        f'<w:pgSz w:w="{mm(210)}" w:h="{mm(297)}"/>'
        f'<w:pgMar w:top="{mm(38)}" w:right="{mm(22)}" w:bottom="{mm(24)}" w:left="{mm(25)}" '
        f'w:header="{mm(12)}" w:footer="{mm(13.5)}" w:gutter="0"/>'
        '<w:cols w:space="708"/></w:sectPr>'
    )
    return (
        DECLARATION
        + f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>'
        + "<w:p><w:r><w:t>{{p body }}</w:t></w:r></w:p>"
        + section
        + "</w:body></w:document>"
    )


def theme() -> str:
    """The document theme Word expects: Office colours, and Calibri for headings and body."""
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    colours = (
        ("dk1", '<a:sysClr val="windowText" lastClr="000000"/>'), ("lt1", '<a:sysClr val="window" lastClr="FFFFFF"/>'),
        ("dk2", '<a:srgbClr val="44546A"/>'), ("lt2", '<a:srgbClr val="E7E6E6"/>'),
        ("accent1", '<a:srgbClr val="4472C4"/>'), ("accent2", '<a:srgbClr val="ED7D31"/>'),
        ("accent3", '<a:srgbClr val="A5A5A5"/>'), ("accent4", '<a:srgbClr val="FFC000"/>'),
        ("accent5", '<a:srgbClr val="5B9BD5"/>'), ("accent6", '<a:srgbClr val="70AD47"/>'),
        ("hlink", '<a:srgbClr val="0563C1"/>'), ("folHlink", '<a:srgbClr val="954F72"/>'),
    )
    scheme = "".join(f"<a:{name}>{value}</a:{name}>" for name, value in colours)
    font = f'<a:latin typeface="{FONT_NAME}"/><a:ea typeface=""/><a:cs typeface=""/>'
    fill = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = f'<a:ln w="6350" cap="flat" cmpd="sng" algn="ctr">{fill}<a:prstDash val="solid"/><a:miter lim="800000"/></a:ln>'
    formats = (
        f"<a:fmtScheme name=\"Office\"><a:fillStyleLst>{fill * 3}</a:fillStyleLst>"
        f"<a:lnStyleLst>{line * 3}</a:lnStyleLst>"
        f"<a:effectStyleLst>{'<a:effectStyle><a:effectLst/></a:effectStyle>' * 3}</a:effectStyleLst>"
        f"<a:bgFillStyleLst>{fill * 3}</a:bgFillStyleLst></a:fmtScheme>"
    )
    return (
        DECLARATION
        + f'<a:theme xmlns:a="{a}" name="tcdocs"><a:themeElements>'
        + f'<a:clrScheme name="Office">{scheme}</a:clrScheme>'
        + f'<a:fontScheme name="tcdocs"><a:majorFont>{font}</a:majorFont><a:minorFont>{font}</a:minorFont></a:fontScheme>'
        + formats
        + "</a:themeElements></a:theme>"
    )


def core() -> str:
    # Replaced by every rendered document's own; this one only makes the package complete.
    return (
        DECLARATION
        + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>tcdocs</dc:title></cp:coreProperties>'
    )


def app() -> str:
    return (
        DECLARATION
        + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        + "<Application>tcdocs</Application><DocSecurity>0</DocSecurity></Properties>"
    )


# --- fonts ---------------------------------------------------------------------------


def latin_subset(face: str) -> tuple[bytes, TTFont]:
    """Carlito *face* cut down to Latin text, as a TrueType font."""
    font = TTFont(FONTS / f"Carlito-{face}.ttf", recalcTimestamp=False)
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
    subsetter.populate(unicodes=LATIN)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), font


def font_key(face: str, data: bytes) -> str:
    """A GUID for the font key, derived from the font so that a rebuild gives the same file."""
    return "{" + str(uuid.UUID(bytes=hashlib.sha256(face.encode() + data).digest()[:16])).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """ECMA-376 Part 1, 17.8.1: XOR the first 32 bytes with the key's bytes in reverse order."""
    digits = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(byte ^ digits[index % 16] for index, byte in enumerate(data[:32]))
    return head + data[32:]


# --- the package ---------------------------------------------------------------------


def build() -> bytes:
    parts: dict[str, str | bytes] = {}
    keys: list[tuple[str, str, str]] = []
    font_rels: list[tuple[str, str, str]] = []
    regular: TTFont | None = None
    for number, (face, element) in enumerate(FACES, start=1):
        data, font = latin_subset(face)
        regular = regular or font
        key = font_key(face, data)
        parts[f"word/fonts/font{number}.odttf"] = obfuscate(data, key)
        keys.append((element, f"rId{number}", key))
        font_rels.append((f"rId{number}", f"{REL}/font", f"fonts/font{number}.odttf"))
    assert regular is not None

    parts["[Content_Types].xml"] = content_types(len(keys))
    parts["_rels/.rels"] = relationships([
        ("rId1", f"{REL}/officeDocument", "word/document.xml"),
        ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "docProps/core.xml"),
        ("rId3", f"{REL}/extended-properties", "docProps/app.xml"),
    ])
    parts["word/document.xml"] = document()
    parts["word/_rels/document.xml.rels"] = relationships([
        ("rId1", f"{REL}/styles", "styles.xml"),
        ("rId2", f"{REL}/settings", "settings.xml"),
        ("rId3", f"{REL}/fontTable", "fontTable.xml"),
        ("rId4", f"{REL}/numbering", "numbering.xml"),
        ("rId6", f"{REL}/header", "header1.xml"),
        ("rId7", f"{REL}/footer", "footer1.xml"),
        ("rId8", f"{REL}/theme", "theme/theme1.xml"),
    ])
    parts["word/styles.xml"] = styles()
    parts["word/settings.xml"] = settings()
    parts["word/numbering.xml"] = numbering()
    parts["word/fontTable.xml"] = font_table(keys, regular)
    parts["word/_rels/fontTable.xml.rels"] = relationships(font_rels)
    parts["word/header1.xml"] = header()
    parts["word/footer1.xml"] = footer()
    parts["word/theme/theme1.xml"] = theme()
    parts["docProps/core.xml"] = core()
    parts["docProps/app.xml"] = app()

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            package.writestr(entry, content.encode("utf-8") if isinstance(content, str) else content)
    return out.getvalue()


__all__ = ["build", "escape", "quoteattr"]

if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET
    target.write_bytes(build())
    print(f"wrote {target}")
