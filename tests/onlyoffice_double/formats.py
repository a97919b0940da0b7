"""Formats the double knows: discovery extension lists (onlyoffice-docs-formats.json as of
spec §2.3), MIME types (`mime.getType`), blank templates and deterministic conversions."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


def _exts(names: str) -> tuple[str, ...]:
    return tuple(names.split())


@dataclass(frozen=True)
class AppFormats:
    """One named discovery app (spec §2.2/§2.3)."""

    name: str  # Word, Excel, PowerPoint, Pdf
    document_type: str  # route type: word, cell, slide, pdf
    favicon_path: str
    targetext: str | None  # `convert` target for view-only extensions
    view: tuple[str, ...]
    edit: tuple[str, ...]


APPS: tuple[AppFormats, ...] = (
    AppFormats(
        "Word",
        "word",
        "/web-apps/apps/documenteditor/main/resources/img/favicon.ico",
        "docx",
        view=_exts("doc dot fodt gdoc hml htm hwp hwpx md mht mhtml pages stw sxw wps wpt xml"),
        edit=_exts("docm docx dotm dotx epub fb2 html odt ott rtf txt"),
    ),
    AppFormats(
        "Excel",
        "cell",
        "/web-apps/apps/spreadsheeteditor/main/resources/img/favicon.ico",
        "xlsx",
        view=_exts("et ett fods gsheet numbers sxc xls xlt"),
        edit=_exts("csv ods ots tsv xlsb xlsm xlsx xltm xltx"),
    ),
    AppFormats(
        "PowerPoint",
        "slide",
        "/web-apps/apps/presentationeditor/main/resources/img/favicon.ico",
        "pptx",
        view=_exts("dps dpt fodp gslides key odg pot pps ppt sxi"),
        edit=_exts("odp otp potm potx ppsm ppsx pptm pptx"),
    ),
    AppFormats(
        "Pdf",
        "pdf",
        "/web-apps/apps/pdfeditor/main/resources/img/favicon.ico",
        None,
        view=_exts("djvu docxf oform oxps xps"),
        edit=("pdf",),
    ),
)
FORMS = frozenset({"pdf"})  # edit + formsubmit
# DS offers `editnew` where document-templates/new/en-US/new.<ext> exists (spec §12).
TEMPLATE_EXTS = ("docx", "xlsx", "pptx")

_MIME = {
    "doc": "application/msword",
    "docm": "application/vnd.ms-word.document.macroenabled.12",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "dot": "application/msword",
    "dotm": "application/vnd.ms-word.template.macroenabled.12",
    "dotx": "application/vnd.openxmlformats-officedocument.wordprocessingml.template",
    "epub": "application/epub+zip",
    "htm": "text/html",
    "html": "text/html",
    "md": "text/markdown",
    "mht": "message/rfc822",
    "mhtml": "message/rfc822",
    "odt": "application/vnd.oasis.opendocument.text",
    "ott": "application/vnd.oasis.opendocument.text-template",
    "rtf": "application/rtf",
    "txt": "text/plain",
    "wps": "application/vnd.ms-works",
    "xml": "application/xml",
    "csv": "text/csv",
    "numbers": "application/vnd.apple.numbers",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "ots": "application/vnd.oasis.opendocument.spreadsheet-template",
    "tsv": "text/tab-separated-values",
    "xls": "application/vnd.ms-excel",
    "xlsb": "application/vnd.ms-excel.sheet.binary.macroenabled.12",
    "xlsm": "application/vnd.ms-excel.sheet.macroenabled.12",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlt": "application/vnd.ms-excel",
    "xltm": "application/vnd.ms-excel.template.macroenabled.12",
    "xltx": "application/vnd.openxmlformats-officedocument.spreadsheetml.template",
    "key": "application/vnd.apple.keynote",
    "odg": "application/vnd.oasis.opendocument.graphics",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "otp": "application/vnd.oasis.opendocument.presentation-template",
    "pot": "application/vnd.ms-powerpoint",
    "potm": "application/vnd.ms-powerpoint.template.macroenabled.12",
    "potx": "application/vnd.openxmlformats-officedocument.presentationml.template",
    "pps": "application/vnd.ms-powerpoint",
    "ppsm": "application/vnd.ms-powerpoint.slideshow.macroenabled.12",
    "ppsx": "application/vnd.openxmlformats-officedocument.presentationml.slideshow",
    "ppt": "application/vnd.ms-powerpoint",
    "pptm": "application/vnd.ms-powerpoint.presentation.macroenabled.12",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "djvu": "image/vnd.djvu",
    "oxps": "application/oxps",
    "pdf": "application/pdf",
    "xps": "application/vnd.ms-xpsdocument",
    "jpg": "image/jpeg",
    "png": "image/png",
}

# What /cool/convert-to (and the convert action) can produce, by the input's document type.
_OUTPUTS = {
    "word": _exts("docx docm dotx odt ott rtf txt html epub pdf png jpg"),
    "cell": _exts("xlsx xlsm xltx ods ots csv pdf png jpg"),
    "slide": _exts("pptx pptm potx odp otp pdf png jpg"),
    "pdf": _exts("pdf docx png jpg"),
}


def mime_type(ext: str) -> str | None:
    """`mime.getType(ext)`; None (header dropped by axios) for unknown extensions."""
    return _MIME.get(ext.lower().lstrip("."))


def document_type_of(ext: str) -> str | None:
    """word / cell / slide / pdf for an extension discovery lists, else None."""
    ext = ext.lower().lstrip(".")
    for app in APPS:
        if ext in app.view or ext in app.edit:
            return app.document_type
    return None


def blank_template(ext: str) -> bytes:
    """Stand-in for document-templates/new/<locale>/new.<ext> (deterministic)."""
    return b"ONLYOFFICE blank template ." + ext.encode("ascii")


def can_convert(in_ext: str, out_ext: str) -> bool:
    doc_type = document_type_of(in_ext)
    return doc_type is not None and out_ext.lower() in _OUTPUTS[doc_type]


def convert_bytes(data: bytes, in_ext: str, out_ext: str) -> bytes:
    """The double's 'conversion': a deterministic function of the input and the formats."""
    digest = hashlib.sha256(data).hexdigest().encode("ascii")
    return b"CONVERTED " + in_ext.encode() + b"->" + out_ext.encode() + b"\n" + digest
