"""File names from WOPI headers (spec §5.5–§5.7)."""

from __future__ import annotations

import pytest

from jupyter_wopi.names import (
    InvalidName,
    check_name,
    conflict_copy_name,
    decode_utf7,
    encode_utf7,
    numbered,
    sanitize_name,
)


@pytest.mark.parametrize("name", ["report.docx", "Bericht ÄÖÜ.xlsx", "a+b (2).pptx", "日本語.docx"])
def test_utf7_round_trip_and_legal_names(name: str) -> None:
    assert decode_utf7(encode_utf7(name)) == name
    assert check_name(name) == name


def test_dotnet_style_utf7_underscore() -> None:
    assert decode_utf7("madeup+AF8-name.wopitestx") == "madeup_name.wopitestx"


@pytest.mark.parametrize("raw", ["+AG-", "+2D3", "é"])
def test_malformed_utf7_is_invalid(raw: str) -> None:
    with pytest.raises(InvalidName):
        decode_utf7(raw)


@pytest.mark.parametrize(
    "name",
    [
        "",
        " a.docx",
        "a.docx ",
        "a.",
        ".hidden",
        "..",
        "a/b",
        "a\\b",
        "a:b",
        "a\x01b",
        "CON.docx",
        "lpt1",
        "x" * 251,
        "é" * 200,
    ],
)
def test_illegal_names(name: str) -> None:
    with pytest.raises(InvalidName):
        check_name(name)


def test_sanitize_makes_suggested_names_legal() -> None:
    assert sanitize_name("a/b:c.docx", "fallback") == "a_b_c.docx"
    assert sanitize_name("...", "fallback") == "fallback"
    assert sanitize_name("CON.docx", "x") == "CON_.docx"
    assert len(sanitize_name("y" * 600 + ".docx", "x")) <= 250


def test_numbered_and_conflict_names() -> None:
    from datetime import datetime

    assert numbered("report.docx", 2) == "report (2).docx"
    name = conflict_copy_name("report.docx", "al/ice", datetime(2026, 11, 27, 13, 37, 41))
    assert name == "report (conflict 2026-11-27 13-37-41 al_ice).docx"
