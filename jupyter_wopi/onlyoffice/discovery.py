"""WOPI discovery: parse the XML, rebase its URLs and build action URLs.

Pure functions only (no network). References are to ``shared/spec/onlyoffice-wopi.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import quote, urlsplit

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as defused_fromstring

__all__ = [
    "Discovery",
    "DiscoveryAction",
    "DiscoveryApp",
    "DiscoveryError",
    "build_action_url",
    "language_tag",
    "parse_discovery",
    "rebase_url",
]


class DiscoveryError(ValueError):
    """The discovery document cannot be used."""


@dataclass(frozen=True)
class DiscoveryAction:
    """One ``<action>`` of a discovery ``<app>`` (§2.2, §2.3)."""

    app: str
    name: str
    ext: str
    urlsrc: str
    requires: frozenset[str] = frozenset()
    default: bool = False
    targetext: str | None = None


@dataclass(frozen=True)
class DiscoveryApp:
    """One ``<app>`` of the net-zone (§2.2)."""

    name: str
    fav_icon_url: str | None = None


def _norm_ext(ext: str) -> str:
    return ext.strip().lstrip(".").lower()


@dataclass(frozen=True)
class Discovery:
    """A parsed discovery document: actions of one net-zone plus the proof key."""

    actions: tuple[DiscoveryAction, ...]
    apps: tuple[DiscoveryApp, ...] = ()
    # Attributes of <proof-key> (value, modulus, exponent, old*), §2.2 / §4.3.
    proof_key: dict[str, str] | None = field(default=None, hash=False)
    net_zone: str = ""

    def actions_for(self, ext: str) -> list[DiscoveryAction]:
        """Actions offered for an extension (no dot, any case), in document order."""
        wanted = _norm_ext(ext)
        if not wanted:
            # MIME-named apps carry ext="" and are ignored (§2.2, §2.5).
            return []
        return [a for a in self.actions if a.ext and _norm_ext(a.ext) == wanted]

    def find(self, ext: str, action: str) -> DiscoveryAction | None:
        """First action named ``action`` (case-insensitive, §2.3) for ``ext``."""
        name = action.strip().casefold()
        for candidate in self.actions_for(ext):
            if candidate.name.casefold() == name:
                return candidate
        return None

    def extensions(self) -> set[str]:
        """All (lower-case) extensions that have at least one action."""
        return {_norm_ext(a.ext) for a in self.actions if _norm_ext(a.ext)}

    def favicon_for(self, action: DiscoveryAction) -> str | None:
        """``favIconUrl`` of the app that offers ``action``."""
        for app in self.apps:
            if app.name == action.app:
                return app.fav_icon_url
        return None

    def rebased(self, internal_base: str, public_base: str) -> Discovery:
        """Copy with every urlsrc/favicon moved from ``internal_base`` to ``public_base``."""
        actions = tuple(
            replace(a, urlsrc=rebase_url(a.urlsrc, internal_base, public_base))
            for a in self.actions
        )
        apps = tuple(
            replace(
                app,
                fav_icon_url=None
                if app.fav_icon_url is None
                else rebase_url(app.fav_icon_url, internal_base, public_base),
            )
            for app in self.apps
        )
        proof_key = None if self.proof_key is None else dict(self.proof_key)
        return replace(self, actions=actions, apps=apps, proof_key=proof_key)


# --------------------------------------------------------------------------- parsing


def _local(tag: str) -> str:
    """Tag name without an XML namespace."""
    return tag.rsplit("}", 1)[-1]


def parse_discovery(xml_bytes: bytes, *, net_zone: str | None = None) -> Discovery:
    """Parse a discovery document (ONLYOFFICE or Microsoft style, §2.2).

    Uses the named ``net_zone`` if given, else the first zone that has apps
    (ONLYOFFICE emits exactly one, §2.2).
    """
    # It comes from the network: defusedxml refuses DTDs and entities (discovery never has
    # them), which rules out entity-expansion and external-entity tricks.
    try:
        root = defused_fromstring(xml_bytes, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise DiscoveryError(
            "The discovery document contains a DTD, which is not allowed."
        ) from exc
    except ParseError as exc:
        raise DiscoveryError(f"The discovery document is not well-formed XML ({exc}).") from exc
    if _local(root.tag) != "wopi-discovery":
        raise DiscoveryError(
            f"The discovery document has root element <{_local(root.tag)}>, "
            "expected <wopi-discovery>."
        )

    zones = [z for z in root if _local(z.tag) == "net-zone"]
    if net_zone is not None:
        zones = [z for z in zones if z.get("name", "") == net_zone]
    zone = next((z for z in zones if any(_local(c.tag) == "app" for c in z)), None)
    if zone is None:
        where = f" named {net_zone!r}" if net_zone is not None else ""
        raise DiscoveryError(f"The discovery document has no net-zone{where} with any app.")

    apps: list[DiscoveryApp] = []
    actions: list[DiscoveryAction] = []
    for app_el in zone:
        if _local(app_el.tag) != "app":
            continue
        app_name = app_el.get("name", "")
        apps.append(DiscoveryApp(name=app_name, fav_icon_url=app_el.get("favIconUrl") or None))
        for act in app_el:
            if _local(act.tag) != "action":
                continue
            name = act.get("name", "").strip()
            urlsrc = act.get("urlsrc", "").strip()
            if not name or not urlsrc:
                continue
            requires = frozenset(
                r.strip().lower() for r in act.get("requires", "").split(",") if r.strip()
            )
            actions.append(
                DiscoveryAction(
                    app=app_name,
                    name=name,
                    ext=_norm_ext(act.get("ext", "")),
                    urlsrc=urlsrc,
                    requires=requires,
                    default=act.get("default", "").strip().lower() == "true",
                    targetext=act.get("targetext") or None,
                )
            )

    proof_el = next((e for e in root if _local(e.tag) == "proof-key"), None)
    # <proof-key> is optional: DS omits it unless both keys are configured (§2.2).
    proof_key = dict(proof_el.attrib) if proof_el is not None and proof_el.attrib else None
    return Discovery(
        actions=tuple(actions),
        apps=tuple(apps),
        proof_key=proof_key,
        net_zone=zone.get("name", ""),
    )


# --------------------------------------------------------------------------- base URL (§2.6)

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _split_base(base: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path prefix without trailing slash) of an absolute base URL."""
    parts = urlsplit(base.strip())
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"Invalid port in base URL {base!r}.") from exc
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"Base URL {base!r} must be an absolute http(s) URL.")
    if parts.query or parts.fragment:
        raise ValueError(f"Base URL {base!r} must not have a query or fragment.")
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme], parts.path.rstrip("/")


def rebase_url(url: str, internal_base: str, public_base: str) -> str:
    """Swap the ``internal_base`` prefix of ``url`` for ``public_base`` (§2.6).

    Scheme and host compare case-insensitively, default ports are implied and the path
    prefix must end on a segment boundary. Everything after the prefix is kept verbatim.
    Other URLs (or an empty ``internal_base``/``public_base``) are returned unchanged.
    """
    if not public_base.strip() or not internal_base.strip():
        return url
    i_scheme, i_host, i_port, i_path = _split_base(internal_base)
    _split_base(public_base)  # validate only
    parts = urlsplit(url)
    if not url[len(parts.scheme) :].startswith("://"):
        return url
    scheme = parts.scheme.lower()
    if scheme != i_scheme or (parts.hostname or "").lower() != i_host:
        return url
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:
        return url
    if port != i_port:
        return url
    if i_path and not (parts.path == i_path or parts.path.startswith(i_path + "/")):
        return url
    # urlsplit keeps scheme/netloc/path lengths, so slice the original string; the tail
    # (path rest, query with "<...>" groups, fragment) stays byte-for-byte identical.
    prefix_len = len(parts.scheme) + 3 + len(parts.netloc) + len(i_path)
    return public_base.strip().rstrip("/") + url[prefix_len:]


# --------------------------------------------------------------------------- action URL (§2.4)

# One optional parameter group: <name=PLACEHOLDER[&]>.
_GROUP_RE = re.compile(r"<([^<>]*)>")
_GROUP_BODY_RE = re.compile(r"^\s*([^=&<>\s]+)\s*=\s*([A-Za-z0-9_]+)\s*(&?)\s*$")
# encodeURIComponent-compatible set of unescaped characters (§2.4).
_URI_COMPONENT_SAFE = "-_.!~*'()"
_THEME_IDS = {"light": "1", "dark": "2"}


def _encode(value: str) -> str:
    return quote(value, safe=_URI_COMPONENT_SAFE)


def _tidy(url: str) -> str:
    """Remove empty query pieces: no ``?&``, ``&&`` or trailing ``&``/``?``."""
    base, hash_sign, fragment = url.partition("#")
    path, _, query = base.partition("?")
    pieces = [p for p in query.split("&") if p]
    out = path + ("?" + "&".join(pieces) if pieces else "")
    return out + hash_sign + fragment


def build_action_url(
    urlsrc: str,
    *,
    wopi_src: str,
    ui_lang: str | None = None,
    region: str | None = None,
    theme: Literal["light", "dark"] | None = None,
    disable_chat: bool = False,
    session_context: str | None = None,
) -> str:
    """Fill a discovery ``urlsrc`` template into the action URL for ``wopi_src`` (§2.4).

    Known placeholders with a value are substituted; every other group is dropped
    (including EMBEDDED: DS honours only the fixed ``embed=1``). The WOPISrc appears
    exactly once, appended as ``wopisrc=`` if the template lacks WOPI_SOURCE.
    """
    if not wopi_src:
        raise ValueError("wopi_src must not be empty.")
    # DS appends "?access_token=..." to the WOPISrc verbatim (§2.4).
    if "?" in wopi_src or "#" in wopi_src:
        raise ValueError(f"WOPISrc must not contain a query or fragment: {wopi_src!r}.")
    src = urlsplit(wopi_src)
    if src.scheme.lower() not in _DEFAULT_PORTS or not src.netloc:
        raise ValueError(f"WOPISrc must be an absolute http(s) URL: {wopi_src!r}.")
    if theme is not None and theme not in _THEME_IDS:
        raise ValueError(f"theme must be 'light' or 'dark', not {theme!r}.")

    values: dict[str, str | None] = {
        "WOPI_SOURCE": wopi_src,
        "UI_LLCC": ui_lang or None,
        "DC_LLCC": region or None,
        "THEME_ID": _THEME_IDS[theme] if theme is not None else None,
        "DISABLE_CHAT": "1" if disable_chat else None,
        "SESSION_CONTEXT": session_context or None,
    }
    wopisrc_done = False

    def substitute(match: re.Match[str]) -> str:
        nonlocal wopisrc_done
        body = _GROUP_BODY_RE.match(match.group(1))
        if body is None:
            return ""  # not a placeholder group: drop
        name, placeholder, amp = body.group(1), body.group(2).upper(), body.group(3)
        value = values.get(placeholder)
        if value is None:
            return ""  # unknown placeholder, unwanted (EMBEDDED, ...) or no value
        if placeholder == "WOPI_SOURCE":
            if wopisrc_done:
                return ""  # exactly once
            wopisrc_done = True
        return f"{name}={_encode(value)}{amp}"

    url = _GROUP_RE.sub(substitute, urlsrc.strip())
    if "<" in url or ">" in url:
        raise ValueError(f"Malformed urlsrc template (unbalanced '<' or '>'): {urlsrc!r}.")
    if not wopisrc_done:
        base, hash_sign, fragment = url.partition("#")
        sep = "&" if "?" in base else "?"
        url = f"{base}{sep}wopisrc={_encode(wopi_src)}{hash_sign}{fragment}"
    url = _tidy(url)

    # A second wopisrc turns it into an array on DS and breaks the editor (§2.4).
    query = url.partition("#")[0].partition("?")[2]
    count = sum(1 for p in query.split("&") if p.partition("=")[0].lower() == "wopisrc")
    if count != 1:
        raise ValueError(f"urlsrc template already carries a fixed wopisrc: {urlsrc!r}.")
    return url


# --------------------------------------------------------------------------- language

_LANG_RE = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")


def language_tag(lab_locale: str | None) -> str:
    """Turn a JupyterLab locale (``de_DE``, ``en``, ``default``, None) into a tag like ``de-DE``.

    Used for ``ui``/``rs`` (UI_LLCC, DC_LLCC, §2.4). Bare ``en`` and unusable values
    give ``en-US``; other bare languages stay bare (DS accepts ``de``).
    """
    if not lab_locale:
        return "en-US"
    # Drop POSIX encoding/modifier parts: "de_DE.UTF-8", "sr_RS@latin".
    raw = re.split(r"[.@]", lab_locale.strip(), maxsplit=1)[0].replace("_", "-")
    if raw.lower() in ("", "default", "c", "posix") or not _LANG_RE.match(raw):
        return "en-US"
    first, *rest = raw.split("-")
    parts = [first.lower()]
    for sub in rest:
        if len(sub) == 2 and sub.isalpha():
            parts.append(sub.upper())  # region: DE, CN
        elif len(sub) == 4 and sub.isalpha():
            parts.append(sub.title())  # script: Hans
        else:
            parts.append(sub)  # numeric region (419) or variant
    if parts == ["en"]:
        return "en-US"
    return "-".join(parts)
