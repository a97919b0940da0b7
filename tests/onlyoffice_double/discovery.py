"""`GET /hosting/discovery` as current DS (≥ 7.5, 9.3 format lists) builds it
(wopiClient.discovery; spec §2.2–§2.4, §2.6)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping

from .formats import APPS, FORMS, mime_type

# The optional-parameter tail of every urlsrc (spec §2.4), unescaped.
URLSRC_TAIL = (
    "<rs=DC_LLCC&><dchat=DISABLE_CHAT&><embed=EMBEDDED&><fs=FULLSCREEN&><hid=HOST_SESSION_ID&>"
    "<rec=RECORDING&><sc=SESSION_CONTEXT&><thm=THEME_ID&><ui=UI_LLCC&><wopisrc=WOPI_SOURCE&>&"
)
_ALLOWED_PROTO = re.compile(r"^https?$", re.IGNORECASE)


def base_url_from_request(scheme: str, headers: Mapping[str, str]) -> str:
    """utils.getBaseUrlByRequest (spec §2.6): X-Forwarded-Proto (or CloudFront-Forwarded-
    Proto), else the connection's scheme; X-Forwarded-Host, else Host; plus X-Forwarded-Prefix."""
    proto = headers.get("X-Forwarded-Proto") or headers.get("CloudFront-Forwarded-Proto") or ""
    if not _ALLOWED_PROTO.match(proto):
        proto = scheme if _ALLOWED_PROTO.match(scheme) else "http"
    host = headers.get("X-Forwarded-Host") or headers.get("Host") or ""
    prefix = headers.get("X-Forwarded-Prefix") or ""
    return f"{proto}://{host}{prefix}"


def _convert_url(base: str, ext: str, targetext: str) -> str:
    return f"{base}/hosting/wopi/convert-and-edit/{ext}/{targetext}?{URLSRC_TAIL}"


def _templates(base: str, doc_type: str) -> dict[str, str]:
    start = f"{base}/hosting/wopi/{doc_type}"
    return {
        "view": f"{start}/view?{URLSRC_TAIL}",
        "embedview": f"{start}/view?embed=1&{URLSRC_TAIL}",
        "mobileView": f"{start}/view?mobile=1&{URLSRC_TAIL}",
        "edit": f"{start}/edit?{URLSRC_TAIL}",
        "mobileEdit": f"{start}/edit?mobile=1&{URLSRC_TAIL}",
        "formsubmit": f"{start}/edit?formsubmit=1&{URLSRC_TAIL}",
    }


def _action(parent: ET.Element, name: str, ext: str, urlsrc: str, **extra: str) -> None:
    attrs = {"name": name, "ext": ext}
    if "default" in extra:
        attrs["default"] = extra.pop("default")
    attrs.update(extra)
    attrs["urlsrc"] = urlsrc
    ET.SubElement(parent, "action", attrs)


def _named_app(zone: ET.Element, base: str, app_index: int, template_exts: tuple[str, ...]) -> None:
    app = APPS[app_index]
    t = _templates(base, app.document_type)
    el = ET.SubElement(zone, "app", {"name": app.name, "favIconUrl": base + app.favicon_path})
    for ext in app.view:
        _action(el, "view", ext, t["view"], default="true")
        _action(el, "embedview", ext, t["embedview"])
        _action(el, "mobileView", ext, t["mobileView"])
        if app.targetext:
            convert = _convert_url(base, ext, app.targetext)
            _action(el, "convert", ext, convert, targetext=app.targetext, requires="update")
    for ext in app.edit:
        _action(el, "view", ext, t["view"])
        _action(el, "embedview", ext, t["embedview"])
        _action(el, "mobileView", ext, t["mobileView"])
        _action(el, "edit", ext, t["edit"], default="true", requires="locks,update")
        if ext in FORMS:
            _action(el, "formsubmit", ext, t["formsubmit"], requires="locks,update")
        _action(el, "mobileEdit", ext, t["mobileEdit"], requires="locks,update")
        if ext in template_exts:
            _action(el, "editnew", ext, t["edit"], requires="locks,update")


def _one_per_mime_type(exts: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Each extension with its MIME type, skipping those whose type came before."""
    seen: set[str] = set()
    for ext in exts:
        mime = mime_type(ext)
        if mime is None or mime in seen:
            continue
        seen.add(mime)
        yield ext, mime


def _mime_apps(zone: ET.Element, base: str, template_exts: tuple[str, ...]) -> None:
    """The Collabora/Nextcloud block: one app per MIME type, actions with ext=""."""
    for app in APPS:
        t = _templates(base, app.document_type)
        for ext, mime in _one_per_mime_type(app.view):
            el = ET.SubElement(zone, "app", {"name": mime})
            _action(el, "view", "", t["view"], default="true")
            _action(el, "embedview", "", t["embedview"])
            _action(el, "mobileView", "", t["mobileView"])
            if app.targetext:
                convert = _convert_url(base, ext, app.targetext)
                _action(el, "convert", "", convert, targetext=app.targetext, requires="update")
        for ext, mime in _one_per_mime_type(app.edit):
            el = ET.SubElement(zone, "app", {"name": mime})
            _action(el, "edit", "", t["edit"], default="true", requires="locks,update")
            if ext in FORMS:
                _action(el, "formsubmit", "", t["formsubmit"], requires="locks,update")
            _action(el, "mobileEdit", "", t["mobileEdit"], requires="locks,update")
            if ext in template_exts:
                _action(el, "editnew", "", t["edit"], requires="locks,update")


def discovery_xml(
    base: str,
    *,
    zone_name: str = "external-http",
    proof_key: Mapping[str, str] | None = None,
    template_exts: tuple[str, ...] = ("docx", "xlsx", "pptx"),
) -> bytes:
    """The whole document; `proof_key` holds value/modulus/exponent and old* attributes."""
    root = ET.Element("wopi-discovery")
    zone = ET.SubElement(root, "net-zone", {"name": zone_name})
    for index in range(len(APPS)):
        _named_app(zone, base, index, template_exts)
    _mime_apps(zone, base, template_exts)
    capabilities = ET.SubElement(zone, "app", {"name": "Capabilities"})
    _action(capabilities, "getinfo", "", f"{base}/hosting/capabilities", requires="locks,update")
    if proof_key:
        order = ("oldvalue", "oldmodulus", "oldexponent", "value", "modulus", "exponent")
        ET.SubElement(root, "proof-key", {name: proof_key[name] for name in order})
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>' + body).encode("utf-8")
