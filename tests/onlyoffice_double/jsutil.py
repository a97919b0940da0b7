"""JavaScript/Node semantics the double has to reproduce byte for byte: encodeURIComponent,
the npm `utf7` package's encode, parseInt, .NET ticks and DS's document-key sanitising."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from jupyter_wopi.wopi.proof_keys import ticks_from_unix_ms

_URI_COMPONENT_SAFE = "-_.!~*'()"  # what encodeURIComponent leaves alone (besides A-Za-z0-9)
# npm utf7 (kkaefer) `encode(str)` keeps only RFC 2152 Set D; everything else, spaces
# included, becomes "+<base64 of UTF-16BE without padding>-" and a lone "+" becomes "+-".
_UTF7_DIRECT = re.compile(r"[^A-Za-z0-9'(),\-./:?]+")
_PARSE_INT = re.compile(r"^\s*([+-]?\d+)")
# client-behavior §3: constants.DOC_ID_REPLACE_REGEX / DOC_ID_MAX_LENGTH
_DOC_ID_REPLACE = re.compile(r"[^0-9A-Za-z.=_-]")
DOC_ID_MAX_LENGTH = 240


def encode_uri_component(value: str) -> str:
    """JavaScript's encodeURIComponent (UTF-8, upper-case escapes)."""
    return quote(value, safe=_URI_COMPONENT_SAFE)


def utf7_encode(value: str) -> str:
    """`require('utf7').encode(value)` as DS uses it for X-WOPI-SuggestedTarget and
    X-WOPI-RequestedName (spec §5.7). Python's own codec keeps spaces and Set O direct;
    both decode to the same text, but the double sends what DS sends."""

    def block(match: re.Match[str]) -> str:
        chunk = match.group(0)
        if chunk == "+":
            return "+-"
        raw = base64.b64encode(chunk.encode("utf-16-be")).decode("ascii").rstrip("=")
        return f"+{raw}-"

    return _UTF7_DIRECT.sub(block, value)


def parse_int(value: str | None) -> int:
    """`parseInt(value) || 0`: leading integer digits, anything else 0."""
    match = _PARSE_INT.match(value or "")
    return int(match.group(1)) if match else 0


def ticks_now(offset_s: float = 0.0) -> int:
    """`utils.getDateTimeTicks(new Date())`: .NET ticks of the current millisecond."""
    return ticks_from_unix_ms(int((time.time() + offset_s) * 1000))


def sanitize_doc_id(doc_id: str) -> str:
    """client-behavior §3: characters outside [0-9A-Za-z.=_-] become "_", cut to 240."""
    return _DOC_ID_REPLACE.sub("_", doc_id)[:DOC_ID_MAX_LENGTH]


def truthy(value: Any) -> bool:
    """JavaScript truthiness for JSON values (CheckFileInfo fields)."""
    return value not in (None, False, 0, "") and value == value  # NaN is falsy


def deep_merge(target: Mapping[str, Any], source: Mapping[str, Any]) -> dict[str, Any]:
    """editor-wopi.ejs `mergeDeep`: objects merge recursively, any other value (None standing
    for `undefined` included) overwrites; an object never replaces a truthy non-object."""
    out = dict(target)
    for key, value in source.items():
        if isinstance(value, Mapping):
            current = out.get(key) or {}
            if isinstance(current, Mapping):
                out[key] = deep_merge(current, value)
        else:
            out[key] = value
    return out


def drop_undefined(value: Any) -> Any:
    """JSON.stringify drops `undefined` members; None plays `undefined` in the double."""
    if isinstance(value, Mapping):
        return {k: drop_undefined(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_undefined(v) for v in value]
    return value
