"""Write three small sample documents (Welcome.docx, Budget.xlsx, Slides.pptx) for trying
jupyter_wopi, using only the standard library: each file is a minimal, valid Office Open XML
package. Binder's postBuild runs it; run it yourself with

    python binder/make_samples.py [FOLDER]        # default: ./samples

Every package is checked after it is written (zip integrity, well-formed XML, a content type
for every part, every relationship target present), so a broken sample fails the build.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path, PurePosixPath

# A fixed timestamp keeps the files byte-for-byte reproducible.
ZIP_DATE = (2026, 1, 1, 0, 0, 0)

XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
R_NS = DOC_REL  # the r: prefix inside parts
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OOXML = "application/vnd.openxmlformats-officedocument."
PKG = "application/vnd.openxmlformats-package."

Part = tuple[str, str, str]  # (path in the zip, content type or "" for .rels, XML text)


def rels(*targets: tuple[str, str]) -> str:
    """A relationships part: (type suffix or full type URI, target), ids rId1, rId2..."""
    items = []
    for n, (kind, target) in enumerate(targets, start=1):
        uri = kind if "://" in kind else f"{DOC_REL}/{kind}"
        items.append(f'<Relationship Id="rId{n}" Type="{uri}" Target="{target}"/>')
    return f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">{"".join(items)}</Relationships>'


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def doc_props(title: str, application: str) -> list[Part]:
    core = (
        f"{XML_HEAD}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{esc(title)}</dc:title><dc:creator>jupyter_wopi</dc:creator>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:modified>'
        "</cp:coreProperties>"
    )
    app = (
        f"{XML_HEAD}<Properties "
        'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>{application}</Application></Properties>"
    )
    return [
        ("docProps/core.xml", f"{PKG}core-properties+xml", core),
        ("docProps/app.xml", f"{OOXML}extended-properties+xml", app),
    ]


def root_rels(main_part: str) -> Part:
    return (
        "_rels/.rels",
        "",
        rels(
            ("officeDocument", main_part),
            (f"{PKG_REL_NS}/metadata/core-properties", "docProps/core.xml"),
            ("extended-properties", "docProps/app.xml"),
        ),
    )


def write_package(path: Path, parts: list[Part]) -> None:
    overrides = "".join(
        f'<Override PartName="/{name}" ContentType="{ctype}"/>' for name, ctype, _ in parts if ctype
    )
    content_types = (
        f'{XML_HEAD}<Types xmlns="{CT_NS}">'
        f'<Default Extension="rels" ContentType="{PKG}relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{overrides}</Types>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in [("[Content_Types].xml", content_types)] + [(n, t) for n, _, t in parts]:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))


def verify(path: Path) -> None:
    """Raise ValueError unless the package is internally consistent."""
    with zipfile.ZipFile(path) as archive:
        bad = archive.testzip()
        if bad is not None:
            raise ValueError(f"{path}: corrupt zip member {bad}")
        names = set(archive.namelist())
        for name in names:
            ET.fromstring(archive.read(name))  # well-formed XML, or ParseError
        types = ET.fromstring(archive.read("[Content_Types].xml"))
        overridden = {o.get("PartName", "").lstrip("/") for o in types.iter(f"{{{CT_NS}}}Override")}
        for name in names - {"[Content_Types].xml"}:
            if not name.endswith(".rels") and name not in overridden:
                raise ValueError(f"{path}: {name} has no content type")
        for missing in overridden - names:
            raise ValueError(f"{path}: content type for missing part {missing}")
        for name in (n for n in names if n.endswith(".rels")):
            source_dir = PurePosixPath(name).parent.parent  # word/_rels/x.rels → word
            for rel in ET.fromstring(archive.read(name)).iter(f"{{{PKG_REL_NS}}}Relationship"):
                target = str(PurePosixPath(source_dir, rel.get("Target", "")))
                parts = []
                for piece in target.split("/"):
                    if piece == "..":
                        parts.pop()
                    elif piece not in ("", "."):
                        parts.append(piece)
                if "/".join(parts) not in names:
                    raise ValueError(f"{path}: {name} points at missing {target}")


# -- Word ----------------------------------------------------------------------------------


def w_para(text: str, style: str | None = None, bold: bool = False) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{esc(text)}</w:t></w:r></w:p>'


def w_table(rows: list[list[str]]) -> str:
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
    borders = "".join(border.format(side) for side in ("top", "left", "bottom", "right"))
    borders += "".join(border.format(side) for side in ("insideH", "insideV"))
    grid = "".join('<w:gridCol w:w="3000"/>' for _ in rows[0])
    body = "".join(
        "<w:tr>"
        + "".join(
            '<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr>'
            f"{w_para(cell, bold=i == 0)}</w:tc>"
            for cell in row
        )
        + "</w:tr>"
        for i, row in enumerate(rows)
    )
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>{borders}</w:tblBorders>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>"
    )


def docx() -> list[Part]:
    body = "".join(
        [
            w_para("Welcome to jupyter_wopi", "Title"),
            w_para(
                "This document lives in your Jupyter workspace. ONLYOFFICE Docs edits it in a "
                "JupyterLab tab and saves every change back into this file."
            ),
            w_para("Things to try", "Heading1"),
            w_para("Type something here; the tab title shows a dot while there are changes."),
            w_para("Open the same file in a second browser window and edit together."),
            w_para(
                "Change this file from a notebook while it is open: your next save is kept as a "
                "conflict copy beside it, and nothing is overwritten."
            ),
            w_para("A small table", "Heading1"),
            w_table(
                [
                    ["Format", "Editor", "Sample"],
                    ["docx", "Document", "Welcome.docx"],
                    ["xlsx", "Spreadsheet", "Budget.xlsx"],
                    ["pptx", "Presentation", "Slides.pptx"],
                ]
            ),
            w_para(""),
        ]
    )
    document = (
        f'{XML_HEAD}<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{body}'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" '
        'w:bottom="1440" w:left="1440" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>'
        "</w:body></w:document>"
    )

    def style(style_id: str, name: str, size: int, bold: bool, space_before: int) -> str:
        b = "<w:b/>" if bold else ""
        return (
            f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name}"/>'
            '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>'
            f'<w:pPr><w:keepNext/><w:spacing w:before="{space_before}" w:after="120"/></w:pPr>'
            f'<w:rPr>{b}<w:sz w:val="{size}"/></w:rPr></w:style>'
        )

    styles = (
        f'{XML_HEAD}<w:styles xmlns:w="{W_NS}">'
        '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" '
        'w:cs="Calibri" w:eastAsia="Calibri"/><w:sz w:val="22"/><w:lang w:val="en-US"/></w:rPr>'
        '</w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="160" w:line="259" '
        'w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>'
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
        "<w:qFormat/></w:style>"
        + style("Title", "Title", 48, False, 0)
        + style("Heading1", "heading 1", 32, True, 240)
        + "</w:styles>"
    )
    return [
        root_rels("word/document.xml"),
        ("word/document.xml", f"{OOXML}wordprocessingml.document.main+xml", document),
        ("word/_rels/document.xml.rels", "", rels(("styles", "styles.xml"))),
        ("word/styles.xml", f"{OOXML}wordprocessingml.styles+xml", styles),
        *doc_props("Welcome to jupyter_wopi", "jupyter_wopi sample generator"),
    ]


# -- Excel ---------------------------------------------------------------------------------


def xlsx() -> list[Part]:
    rows: list[list[str | float]] = [
        ["Item", "Q1", "Q2", "Total"],
        ["Compute", 1200, 1350],
        ["Storage", 300, 320],
        ["Licences", 800, 800],
        ["Travel", 450, 150],
    ]
    xml_rows = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{'ABCD'[c]}{r}"
            if isinstance(value, str):
                style = ' s="1"' if r == 1 else ""
                cells.append(f'<c r="{ref}" t="inlineStr"{style}><is><t>{esc(value)}</t></is></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value:g}</v></c>')
        if r > 1:
            cells.append(f'<c r="D{r}"><f>SUM(B{r}:C{r})</f></c>')
        xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    last = len(rows)
    total_row = last + 1
    xml_rows.append(
        f'<row r="{total_row}"><c r="A{total_row}" t="inlineStr" s="1"><is><t>Total</t></is></c>'
        + "".join(
            f'<c r="{col}{total_row}" s="1"><f>SUM({col}2:{col}{last})</f></c>' for col in "BCD"
        )
        + "</row>"
    )
    sheet = (
        f'{XML_HEAD}<worksheet xmlns="{S_NS}" xmlns:r="{R_NS}">'
        f'<dimension ref="A1:D{total_row}"/>'
        '<cols><col min="1" max="1" width="16" customWidth="1"/></cols>'
        f"<sheetData>{''.join(xml_rows)}</sheetData></worksheet>"
    )
    workbook = (
        f'{XML_HEAD}<workbook xmlns="{S_NS}" xmlns:r="{R_NS}">'
        '<sheets><sheet name="Budget" sheetId="1" r:id="rId1"/></sheets>'
        '<calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>'
    )
    styles = (
        f'{XML_HEAD}<styleSheet xmlns="{S_NS}">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )
    return [
        root_rels("xl/workbook.xml"),
        ("xl/workbook.xml", f"{OOXML}spreadsheetml.sheet.main+xml", workbook),
        (
            "xl/_rels/workbook.xml.rels",
            "",
            rels(("worksheet", "worksheets/sheet1.xml"), ("styles", "styles.xml")),
        ),
        ("xl/worksheets/sheet1.xml", f"{OOXML}spreadsheetml.worksheet+xml", sheet),
        ("xl/styles.xml", f"{OOXML}spreadsheetml.styles+xml", styles),
        *doc_props("Budget", "jupyter_wopi sample generator"),
    ]


# -- PowerPoint ----------------------------------------------------------------------------

SLIDE_W, SLIDE_H = 12192000, 6858000  # 16:9


def p_shape(
    shape_id: int,
    name: str,
    ph: str,
    paragraphs: list[str],
    box: tuple[int, ...] | None,
    centered: bool = False,
) -> str:
    """A placeholder shape; `box` (x, y, cx, cy) only on masters and layouts; `centered`
    (layouts) drops the master's bullets and centres the text."""
    xfrm = (
        f'<a:xfrm><a:off x="{box[0]}" y="{box[1]}"/><a:ext cx="{box[2]}" cy="{box[3]}"/></a:xfrm>'
        if box
        else ""
    )
    lst_style = (
        '<a:lstStyle><a:lvl1pPr marL="0" indent="0" algn="ctr"><a:buNone/></a:lvl1pPr></a:lstStyle>'
        if centered
        else "<a:lstStyle/>"
    )
    body = "".join(
        f'<a:p><a:r><a:rPr lang="en-US" dirty="0"/><a:t>{esc(text)}</a:t></a:r></a:p>'
        if text
        else '<a:p><a:endParaRPr lang="en-US"/></a:p>'
        for text in paragraphs
    )
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{esc(name)}"/>'
        '<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>'
        f"<p:nvPr>{ph}</p:nvPr></p:nvSpPr><p:spPr>{xfrm}</p:spPr>"
        f"<p:txBody><a:bodyPr/>{lst_style}{body}</p:txBody></p:sp>"
    )


def sp_tree(*shapes: str) -> str:
    return (
        '<p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
        '<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/>'
        f'<a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>{"".join(shapes)}</p:spTree>'
    )


def theme() -> str:
    colors = [
        ("dk1", '<a:sysClr val="windowText" lastClr="000000"/>'),
        ("lt1", '<a:sysClr val="window" lastClr="FFFFFF"/>'),
        ("dk2", '<a:srgbClr val="1F2937"/>'),
        ("lt2", '<a:srgbClr val="E5E7EB"/>'),
        ("accent1", '<a:srgbClr val="F37626"/>'),  # Jupyter orange
        ("accent2", '<a:srgbClr val="2563EB"/>'),
        ("accent3", '<a:srgbClr val="059669"/>'),
        ("accent4", '<a:srgbClr val="D97706"/>'),
        ("accent5", '<a:srgbClr val="7C3AED"/>'),
        ("accent6", '<a:srgbClr val="DC2626"/>'),
        ("hlink", '<a:srgbClr val="2563EB"/>'),
        ("folHlink", '<a:srgbClr val="7C3AED"/>'),
    ]
    scheme = "".join(f"<a:{name}>{value}</a:{name}>" for name, value in colors)
    fonts = (
        '<a:majorFont><a:latin typeface="Calibri Light"/><a:ea typeface=""/><a:cs typeface=""/>'
        '</a:majorFont><a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/>'
        '<a:cs typeface=""/></a:minorFont>'
    )
    solid = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    effect = "<a:effectStyle><a:effectLst/></a:effectStyle>"
    lines = "".join(
        f'<a:ln w="{w}" cap="flat" cmpd="sng" algn="ctr">{solid}<a:prstDash val="solid"/></a:ln>'
        for w in (6350, 12700, 19050)
    )
    return (
        f'{XML_HEAD}<a:theme xmlns:a="{A_NS}" name="jupyter_wopi"><a:themeElements>'
        f'<a:clrScheme name="jupyter_wopi">{scheme}</a:clrScheme>'
        f'<a:fontScheme name="jupyter_wopi">{fonts}</a:fontScheme>'
        '<a:fmtScheme name="jupyter_wopi">'
        f"<a:fillStyleLst>{solid * 3}</a:fillStyleLst>"
        f"<a:lnStyleLst>{lines}</a:lnStyleLst>"
        f"<a:effectStyleLst>{effect * 3}</a:effectStyleLst>"
        f"<a:bgFillStyleLst>{solid * 3}</a:bgFillStyleLst>"
        "</a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"
    )


def pptx() -> list[Part]:
    ns = f'xmlns:a="{A_NS}" xmlns:r="{R_NS}" xmlns:p="{P_NS}"'
    title_box = (838200, 365125, 10515600, 1325563)
    body_box = (838200, 1825625, 10515600, 4351338)
    ctr_title_box = (1524000, 1122363, 9144000, 2387600)
    subtitle_box = (1524000, 3602038, 9144000, 1655762)
    clr_map = (
        '<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" '
        'accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" '
        'folHlink="folHlink"/>'
    )
    master = (
        f"{XML_HEAD}<p:sldMaster {ns}><p:cSld>"
        '<p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg>'
        + sp_tree(
            p_shape(2, "Title Placeholder 1", '<p:ph type="title"/>', ["Title"], title_box),
            p_shape(3, "Text Placeholder 2", '<p:ph type="body" idx="1"/>', ["Text"], body_box),
        )
        + f"</p:cSld>{clr_map}"
        '<p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/>'
        '<p:sldLayoutId id="2147483650" r:id="rId2"/></p:sldLayoutIdLst>'
        "<p:txStyles>"
        '<p:titleStyle><a:lvl1pPr><a:defRPr sz="4400"><a:solidFill><a:schemeClr val="tx1"/>'
        '</a:solidFill><a:latin typeface="+mj-lt"/></a:defRPr></a:lvl1pPr></p:titleStyle>'
        '<p:bodyStyle><a:lvl1pPr marL="228600" indent="-228600"><a:buFont typeface="Arial"/>'
        '<a:buChar char="&#8226;"/><a:defRPr sz="2800"><a:solidFill><a:schemeClr val="tx1"/>'
        '</a:solidFill><a:latin typeface="+mn-lt"/></a:defRPr></a:lvl1pPr></p:bodyStyle>'
        '<p:otherStyle><a:lvl1pPr><a:defRPr sz="1800"/></a:lvl1pPr></p:otherStyle>'
        "</p:txStyles></p:sldMaster>"
    )

    def layout(kind: str, name: str, *shapes: str) -> str:
        return (
            f'{XML_HEAD}<p:sldLayout {ns} type="{kind}" preserve="1">'
            f'<p:cSld name="{name}">{sp_tree(*shapes)}</p:cSld>'
            "<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>"
        )

    layout_title = layout(
        "title",
        "Title Slide",
        p_shape(2, "Title 1", '<p:ph type="ctrTitle"/>', ["Title"], ctr_title_box, True),
        p_shape(
            3, "Subtitle 2", '<p:ph type="subTitle" idx="1"/>', ["Subtitle"], subtitle_box, True
        ),
    )
    layout_content = layout(
        "obj",
        "Title and Content",
        p_shape(2, "Title 1", '<p:ph type="title"/>', ["Title"], None),
        p_shape(3, "Content Placeholder 2", '<p:ph idx="1"/>', ["Text"], None),
    )

    def slide(*shapes: str) -> str:
        return (
            f"{XML_HEAD}<p:sld {ns}><p:cSld>{sp_tree(*shapes)}</p:cSld>"
            "<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>"
        )

    slide1 = slide(
        p_shape(2, "Title 1", '<p:ph type="ctrTitle"/>', ["Office documents in JupyterLab"], None),
        p_shape(
            3,
            "Subtitle 2",
            '<p:ph type="subTitle" idx="1"/>',
            ["ONLYOFFICE Docs, connected over WOPI by jupyter_wopi"],
            None,
        ),
    )
    slide2 = slide(
        p_shape(2, "Title 1", '<p:ph type="title"/>', ["How it fits together"], None),
        p_shape(
            3,
            "Content Placeholder 2",
            '<p:ph idx="1"/>',
            [
                "The file stays in your Jupyter workspace",
                "ONLYOFFICE fetches it and saves it back over WOPI",
                "Notebooks can read the same file with pandas or python-pptx",
            ],
            None,
        ),
    )
    presentation = (
        f'{XML_HEAD}<p:presentation {ns} saveSubsetFonts="1">'
        '<p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>'
        '<p:sldIdLst><p:sldId id="256" r:id="rId2"/><p:sldId id="257" r:id="rId3"/></p:sldIdLst>'
        f'<p:sldSz cx="{SLIDE_W}" cy="{SLIDE_H}"/><p:notesSz cx="6858000" cy="9144000"/>'
        "</p:presentation>"
    )
    pres_props = f"{XML_HEAD}<p:presentationPr {ns}/>"
    view_props = f"{XML_HEAD}<p:viewPr {ns}/>"
    table_styles = (
        f'{XML_HEAD}<a:tblStyleLst xmlns:a="{A_NS}" '
        'def="{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}"/>'
    )
    pml = f"{OOXML}presentationml."
    return [
        root_rels("ppt/presentation.xml"),
        ("ppt/presentation.xml", f"{pml}presentation.main+xml", presentation),
        (
            "ppt/_rels/presentation.xml.rels",
            "",
            rels(
                ("slideMaster", "slideMasters/slideMaster1.xml"),
                ("slide", "slides/slide1.xml"),
                ("slide", "slides/slide2.xml"),
                ("theme", "theme/theme1.xml"),
                ("presProps", "presProps.xml"),
                ("viewProps", "viewProps.xml"),
                ("tableStyles", "tableStyles.xml"),
            ),
        ),
        ("ppt/presProps.xml", f"{pml}presProps+xml", pres_props),
        ("ppt/viewProps.xml", f"{pml}viewProps+xml", view_props),
        ("ppt/tableStyles.xml", f"{pml}tableStyles+xml", table_styles),
        ("ppt/theme/theme1.xml", f"{OOXML}theme+xml", theme()),
        ("ppt/slideMasters/slideMaster1.xml", f"{pml}slideMaster+xml", master),
        (
            "ppt/slideMasters/_rels/slideMaster1.xml.rels",
            "",
            rels(
                ("slideLayout", "../slideLayouts/slideLayout1.xml"),
                ("slideLayout", "../slideLayouts/slideLayout2.xml"),
                ("theme", "../theme/theme1.xml"),
            ),
        ),
        ("ppt/slideLayouts/slideLayout1.xml", f"{pml}slideLayout+xml", layout_title),
        ("ppt/slideLayouts/slideLayout2.xml", f"{pml}slideLayout+xml", layout_content),
        *(
            (
                f"ppt/slideLayouts/_rels/slideLayout{n}.xml.rels",
                "",
                rels(("slideMaster", "../slideMasters/slideMaster1.xml")),
            )
            for n in (1, 2)
        ),
        ("ppt/slides/slide1.xml", f"{pml}slide+xml", slide1),
        ("ppt/slides/slide2.xml", f"{pml}slide+xml", slide2),
        *(
            (
                f"ppt/slides/_rels/slide{n}.xml.rels",
                "",
                rels(("slideLayout", f"../slideLayouts/slideLayout{n}.xml")),
            )
            for n in (1, 2)
        ),
        *doc_props("Office documents in JupyterLab", "jupyter_wopi sample generator"),
    ]


SAMPLES = {"Welcome.docx": docx, "Budget.xlsx": xlsx, "Slides.pptx": pptx}


def main(argv: list[str]) -> int:
    folder = Path(argv[1] if len(argv) > 1 else "samples")
    folder.mkdir(parents=True, exist_ok=True)
    for name, build in SAMPLES.items():
        path = folder / name
        write_package(path, build())
        verify(path)
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
