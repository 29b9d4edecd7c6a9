"""The house Word file every DOCX is written into, built from the house style's measures.

The package is written part by part, so it holds what tcdocs documents use and nothing
else: the styles the DOCX backend names, two list definitions, the page header and footer
with their template tags, the settings of a current Word document, and Carlito, cut down
to the characters a document can hold (``house/fonts/word/``, made by
``python tools/make_word_fonts.py``), embedded as obfuscated fonts (ECMA-376 Part 1,
17.8.1) under the name Calibri.

Word has Calibri; Carlito has Calibri's metrics, and LibreOffice registers an embedded
font under the name the font table gives it. So Word, LibreOffice (with or without
Carlito installed) and the PDF, which embeds Carlito, break lines alike. Every measure
comes from :class:`~tcdocs.house.House`, the same the PDF's stylesheet is filled from.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from pathlib import Path

from ..fonts import FACES, MM_PER_PT
from ..house import House, Rule, Type
from ..resources import template_file

__all__ = ["WORD_FONTS", "build"]

WORD_FONTS = "house/fonts/word"
"""Where the Word file's cut-down fonts are, in a template folder: ``Carlito-Regular.ttf`` and the other faces."""

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
EMBEDS = {"Regular": "embedRegular", "Bold": "embedBold", "Italic": "embedItalic", "BoldItalic": "embedBoldItalic"}

TWIPS_PER_MM = 1440 / 25.4


def mm(value: float) -> int:
    """Millimetres as twentieths of a point (twips), Word's unit for lengths."""
    return round(value * TWIPS_PER_MM)


def pt(value: float) -> int:
    """Points as twentieths of a point, Word's unit for spacing and line height."""
    return round(value * 20)


def half_points(value: float) -> int:
    return round(value * 2)


def eighths(rule: Rule) -> int:
    """A rule's width in eighths of a point, Word's unit for borders."""
    return round(rule.width * 8)


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


def run_properties(size: float | None = None, bold: bool = False, italic: bool = False, colour: str | None = None) -> str:
    parts = []
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if italic:
        parts.append("<w:i/><w:iCs/>")
    if colour:
        parts.append(f'<w:color w:val="{colour.upper()}"/>')
    if size is not None:
        parts.append(f'<w:sz w:val="{half_points(size)}"/><w:szCs w:val="{half_points(size)}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def type_properties(style: Type) -> str:
    """The run properties of text set as *style*."""
    return run_properties(style.size, style.bold, style.italic, style.colour)


def spacing(before: float = 0, after: float = 0, line: float | None = None) -> str:
    """Spacing in mm before and after, and an exact line height in pt, as the PDF lays them out.

    Word, like CSS, puts the larger of one paragraph's space after and the next one's
    space before between them, so these are the margins of the house stylesheet as they stand.
    """
    exact = f' w:line="{pt(line)}" w:lineRule="exact"' if line is not None else ""
    return f'<w:spacing w:before="{mm(before)}" w:after="{mm(after)}"{exact}/>'


def border(side: str, rule: Rule, space: int = 0) -> str:
    """A paragraph's or table's border on *side*, as the house *rule*; *space* in points from the text."""
    return f'<w:{side} w:val="single" w:sz="{eighths(rule)}" w:space="{space}" w:color="{rule.colour.upper()}"/>'


def paragraph_style(
    style_id: str,
    name: str,
    *,
    ppr: str = "",
    rpr: str = "",
    based_on: str | None = "Normal",
    next_style: str | None = None,
    default: bool = False,
    outline: int | None = None,
    custom: bool = False,
    priority: int | None = None,
) -> str:
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


def styles(house: House) -> str:
    body = house.body
    around = body.line or 1.0

    def space(style: Type) -> str:
        return spacing(style.before, style.after, style.line_pt(around))

    font = house.word_font
    fonts = f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'
    size = half_points(body.size)
    defaults = (
        "<w:docDefaults>"
        f'<w:rPrDefault><w:rPr>{fonts}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
        '<w:lang w:val="sv-SE" w:eastAsia="sv-SE" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        # Widow and orphan control, as the house stylesheet keeps two lines of a paragraph together.
        f"<w:pPrDefault><w:pPr><w:widowControl/>{spacing(0, 0)}</w:pPr></w:pPrDefault>"
        "</w:docDefaults>"
    )
    # Only headings keep with the next paragraph. In a table, Word and LibreOffice read
    # "keep with next" as "keep this row with the next one", which would hold whole
    # signature tables together; a signature block stays whole as a row that cannot split.
    keep = "<w:keepNext/><w:keepLines/>"
    top, right, bottom, left = (mm(value) for value in house.table.grid.padding)
    table_margins = (
        f'<w:tblCellMar><w:top w:w="{top}" w:type="dxa"/><w:left w:w="{left}" w:type="dxa"/>'
        f'<w:bottom w:w="{bottom}" w:type="dxa"/><w:right w:w="{right}" w:type="dxa"/></w:tblCellMar>'
    )
    grid = house.table.grid.rule
    grid_borders = (
        "<w:tblBorders>"
        + ("".join(border(side, grid) for side in ("top", "left", "bottom", "right", "insideH", "insideV")) if grid else "")
        + "</w:tblBorders>"
    )
    table = house.table.type
    signatures = house.signatures.type
    signature_line = spacing(line=signatures.line_pt(around))
    signed_on = bottom_border(house.signatures.rule, house.signatures.rule_space)
    items = [
        paragraph_style("Normal", "Normal", ppr=spacing(after=body.after, line=body.line_pt(around)), based_on=None, default=True),
        *(
            paragraph_style(
                f"Heading{level}",
                f"heading {level}",
                ppr=keep + space(style),
                rpr=type_properties(style),
                next_style="Normal",
                outline=level - 1,
                priority=9,
            )
            for level, style in ((1, house.h1), (2, house.h2), (3, house.h3))
        ),
        *(
            paragraph_style(
                style_id,
                name,
                ppr=f'<w:numPr><w:numId w:val="{number}"/></w:numPr>' + spacing(after=house.lists.item_after, line=body.line_pt(around)),
            )
            for style_id, name, number in (("ListBullet", "List Bullet", 1), ("ListNumber", "List Number", 2))
        ),
        paragraph_style("Lead", "Lead", ppr=space(house.lead), rpr=type_properties(house.lead), custom=True),
        paragraph_style("Note", "Note", ppr=space(house.note), rpr=type_properties(house.note), custom=True),
        paragraph_style("Label", "Label", ppr=space(house.label), rpr=type_properties(house.label), custom=True),
        paragraph_style("TableText", "Table Text", ppr=spacing(line=table.line_pt(around)), rpr=type_properties(table), custom=True),
        # The small paragraph that keeps two tables apart, as the space below a table does in the PDF.
        paragraph_style("TableGap", "Table Gap", ppr=spacing(after=body.after, line=1), rpr=run_properties(1), custom=True),
        paragraph_style(
            "SignatureParty",
            "Signature Party",
            ppr=spacing(after=house.signatures.party_after, line=signatures.line_pt(around)),
            rpr=run_properties(signatures.size, bold=True),
            custom=True,
        ),
        paragraph_style("SignaturePlace", "Signature Place", ppr=signed_on + signature_line, rpr=type_properties(signatures), custom=True),
        paragraph_style(
            "SignatureLine",
            "Signature Line",
            ppr=signed_on + spacing(line=house.signatures.signature / MM_PER_PT),
            rpr=type_properties(signatures),
            custom=True,
        ),
        paragraph_style("Signature", "Signature Text", ppr=signature_line, rpr=type_properties(signatures), custom=True),
        paragraph_style(
            "Header",
            "header",
            ppr=spacing(line=house.header.text.line_pt(around)),
            rpr=type_properties(house.header.text),
            priority=99,
        ),
        paragraph_style(
            "Footer",
            "footer",
            ppr=spacing(line=house.footer.text.line_pt(around)),
            rpr=type_properties(house.footer.text),
            priority=99,
        ),
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/>'
        '<w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
        f'<w:tblPr><w:tblInd w:w="0" w:type="dxa"/>{table_margins}</w:tblPr></w:style>',
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>'
        f'<w:uiPriority w:val="39"/><w:pPr>{spacing(line=table.line_pt(around))}</w:pPr>{run_properties(table.size)}'
        f"<w:tblPr>{grid_borders}</w:tblPr></w:style>",
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
    ]
    return DECLARATION + f'<w:styles xmlns:w="{W}">{defaults}{"".join(items)}</w:styles>'


def bottom_border(rule: Rule, space: float) -> str:
    return f"<w:pBdr>{border('bottom', rule, space=round(space))}</w:pBdr>"


def numbering(house: House) -> str:
    indent = f'<w:pPr><w:ind w:left="{mm(house.lists.indent)}" w:hanging="{mm(house.lists.indent)}"/></w:pPr>'
    font = house.word_font
    fonts = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:cs="{font}"/></w:rPr>'
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


def font_table(house: House, keys: list[tuple[str, str, str]], regular: bytes) -> str:
    from fontTools.ttLib import TTFont

    os2 = TTFont(io.BytesIO(regular), lazy=True)["OS/2"]
    panose = os2.panose
    panose_hex = "".join(
        f"{value:02X}"
        for value in (
            panose.bFamilyType,
            panose.bSerifStyle,
            panose.bWeight,
            panose.bProportion,
            panose.bContrast,
            panose.bStrokeVariation,
            panose.bArmStyle,
            panose.bLetterForm,
            panose.bMidline,
            panose.bXHeight,
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
        + f'<w:font w:name="{house.word_font}"><w:altName w:val="{house.font}"/><w:panose1 w:val="{panose_hex}"/><w:charset w:val="00"/>'
        + f'<w:family w:val="swiss"/><w:pitch w:val="variable"/>{signature}{embeds}</w:font>'
        + "</w:fonts>"
    )


def _field(instruction: str) -> str:
    # A complex field, so the number takes the run formatting of the header text.
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>1</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def header(house: House) -> str:
    """The page header: the issuer at left; document type, date, Dnr and page at right, as in the PDF.

    Paragraphs with a tab stop, not a table: LibreOffice stops honouring "keep with next"
    in the body when the page header holds a table, and headings would be left at the
    foot of a page.
    """
    around = house.body.line or 1.0
    issuer_style, text_style = house.header.issuer, house.header.text
    tab = f'<w:tabs><w:tab w:val="left" w:pos="{mm(house.page.text_width * house.header.split)}"/></w:tabs>'

    def line(text: str, first: bool = False, left: str = "") -> str:
        height = spacing(line=issuer_style.line_pt(around) if first else text_style.line_pt(around))
        issuer = f'<w:r>{type_properties(issuer_style)}<w:t xml:space="preserve">{{{{ {left} }}}}</w:t></w:r>' if left else ""
        return f'<w:p><w:pPr><w:pStyle w:val="Header"/>{tab}{height}</w:pPr>{issuer}<w:r><w:tab/></w:r>{text}</w:p>'

    def run(text: str) -> str:
        return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'

    page = run("Sida ") + _field("PAGE") + run(" (") + _field("NUMPAGES") + run(")")
    # Under the issuer, in its type, what sets a draft or a publication copy apart (empty for the original).
    body = (
        line(run("{{ header.doc_type }}"), first=True, left="header.issuer")
        + line(run("{{ header.date }}"), left="header.mark")
        + line(run("Dnr {{ header.dnr }}"))
        + line(page)
    )
    return DECLARATION + f'<w:hdr xmlns:w="{W}" xmlns:r="{R}">{body}</w:hdr>'


def _footer_space(house: House) -> int:
    """Points from the footer's rule down to its text, as the PDF pads it (Word counts whole points)."""
    return round(house.footer.padding / MM_PER_PT)


def footer(house: House) -> str:
    rule = f"<w:pBdr>{border('top', house.footer.rule, space=_footer_space(house))}</w:pBdr>"
    return (
        DECLARATION
        + f'<w:ftr xmlns:w="{W}" xmlns:r="{R}">'
        + f'<w:p><w:pPr><w:pStyle w:val="Footer"/>{rule}</w:pPr><w:r><w:t xml:space="preserve">{{{{ header.title }}}}</w:t></w:r></w:p>'
        + "</w:ftr>"
    )


def document(house: House) -> str:
    page, around = house.page, house.body.line or 1.0
    # Word places the footer by the distance from the page's edge to its text's foot: so
    # that its rule stands where the PDF's does, the text's height and the space above it go.
    text = house.footer.text.line_pt(around) * MM_PER_PT
    footer_at = page.bottom - house.footer.gap - house.footer.rule.width_mm - _footer_space(house) * MM_PER_PT - text
    section = (
        '<w:sectPr><w:headerReference w:type="default" r:id="rId6"/><w:footerReference w:type="default" r:id="rId7"/>'
        f'<w:pgSz w:w="{mm(page.width)}" w:h="{mm(page.height)}"/>'
        f'<w:pgMar w:top="{mm(page.top)}" w:right="{mm(page.right)}" w:bottom="{mm(page.bottom)}" w:left="{mm(page.left)}" '
        f'w:header="{mm(house.header.top)}" w:footer="{mm(footer_at)}" w:gutter="0"/>'
        '<w:cols w:space="708"/></w:sectPr>'
    )
    return (
        DECLARATION
        + f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>'
        + "<w:p><w:r><w:t>{{p body }}</w:t></w:r></w:p>"
        + section
        + "</w:body></w:document>"
    )


def theme(house: House) -> str:
    """The document theme Word expects: Office colours, and the house font for headings and body."""
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    colours = (
        ("dk1", '<a:sysClr val="windowText" lastClr="000000"/>'),
        ("lt1", '<a:sysClr val="window" lastClr="FFFFFF"/>'),
        ("dk2", '<a:srgbClr val="44546A"/>'),
        ("lt2", '<a:srgbClr val="E7E6E6"/>'),
        ("accent1", '<a:srgbClr val="4472C4"/>'),
        ("accent2", '<a:srgbClr val="ED7D31"/>'),
        ("accent3", '<a:srgbClr val="A5A5A5"/>'),
        ("accent4", '<a:srgbClr val="FFC000"/>'),
        ("accent5", '<a:srgbClr val="5B9BD5"/>'),
        ("accent6", '<a:srgbClr val="70AD47"/>'),
        ("hlink", '<a:srgbClr val="0563C1"/>'),
        ("folHlink", '<a:srgbClr val="954F72"/>'),
    )
    scheme = "".join(f"<a:{name}>{value}</a:{name}>" for name, value in colours)
    font = f'<a:latin typeface="{house.word_font}"/><a:ea typeface=""/><a:cs typeface=""/>'
    fill = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = f'<a:ln w="6350" cap="flat" cmpd="sng" algn="ctr">{fill}<a:prstDash val="solid"/><a:miter lim="800000"/></a:ln>'
    formats = (
        f'<a:fmtScheme name="Office"><a:fillStyleLst>{fill * 3}</a:fillStyleLst>'
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


def font_key(face: str, data: bytes) -> str:
    """A GUID for the font key, derived from the font so that a rebuild gives the same file."""
    return "{" + str(uuid.UUID(bytes=hashlib.sha256(face.encode() + data).digest()[:16])).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """ECMA-376 Part 1, 17.8.1: XOR the first 32 bytes with the key's bytes in reverse order."""
    digits = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(byte ^ digits[index % 16] for index, byte in enumerate(data[:32]))
    return head + data[32:]


# --- the package ---------------------------------------------------------------------


def build(house: House, fonts: Path) -> bytes:
    """The house Word file for *house*, embedding the cut-down faces in the folder *fonts*."""
    parts: dict[str, str | bytes] = {}
    keys: list[tuple[str, str, str]] = []
    font_rels: list[tuple[str, str, str]] = []
    for number, face in enumerate(FACES, start=1):
        data = template_file(fonts / f"{house.font}-{face}.ttf", f"{WORD_FONTS}/{house.font}-{face}.ttf")
        key = font_key(face, data)
        parts[f"word/fonts/font{number}.odttf"] = obfuscate(data, key)
        keys.append((EMBEDS[face], f"rId{number}", key))
        font_rels.append((f"rId{number}", f"{REL}/font", f"fonts/font{number}.odttf"))

    parts["[Content_Types].xml"] = content_types(len(keys))
    parts["_rels/.rels"] = relationships(
        [
            ("rId1", f"{REL}/officeDocument", "word/document.xml"),
            ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "docProps/core.xml"),
            ("rId3", f"{REL}/extended-properties", "docProps/app.xml"),
        ]
    )
    parts["word/document.xml"] = document(house)
    parts["word/_rels/document.xml.rels"] = relationships(
        [
            ("rId1", f"{REL}/styles", "styles.xml"),
            ("rId2", f"{REL}/settings", "settings.xml"),
            ("rId3", f"{REL}/fontTable", "fontTable.xml"),
            ("rId4", f"{REL}/numbering", "numbering.xml"),
            ("rId6", f"{REL}/header", "header1.xml"),
            ("rId7", f"{REL}/footer", "footer1.xml"),
            ("rId8", f"{REL}/theme", "theme/theme1.xml"),
        ]
    )
    parts["word/styles.xml"] = styles(house)
    parts["word/settings.xml"] = settings()
    parts["word/numbering.xml"] = numbering(house)
    regular = template_file(fonts / f"{house.font}-Regular.ttf", f"{WORD_FONTS}/{house.font}-Regular.ttf")
    parts["word/fontTable.xml"] = font_table(house, keys, regular)
    parts["word/_rels/fontTable.xml.rels"] = relationships(font_rels)
    parts["word/header1.xml"] = header(house)
    parts["word/footer1.xml"] = footer(house)
    parts["word/theme/theme1.xml"] = theme(house)
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
