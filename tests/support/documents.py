"""Real-looking office documents for the tests: small, deterministic OOXML packages."""

from __future__ import annotations

import io
import zipfile

_MAIN_PART = {
    "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", "presentationml.presentation.main+xml"),
}


def office_file(ext: str, text: str) -> bytes:
    """A small, deterministic OOXML package (a ZIP, like the real thing) carrying `text`."""
    part, content_type = _MAIN_PART[ext]
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/{part}" ContentType="application/'
        f'vnd.openxmlformats-officedocument.{content_type}"/></Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in (("[Content_Types].xml", types), (part, f"<root>{text}</root>")):
            package.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()
