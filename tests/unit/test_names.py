"""File names from WOPI headers (spec §5.5–§5.7)."""

from __future__ import annotations

from datetime import datetime

import pytest

from jupyter_wopi.wopi.names import (
    InvalidName,
    candidates,
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
    assert numbered("report.docx", 2) == "report (2).docx"
    name = conflict_copy_name("report.docx", "al/ice", datetime(2026, 11, 27, 13, 37, 41))
    assert name == "report (conflict 2026-11-27 13-37-41 al_ice).docx"


def test_the_length_limits_are_exact() -> None:
    assert check_name("x" * 245 + ".docx") == "x" * 245 + ".docx"  # 250 characters
    with pytest.raises(InvalidName, match="250 characters"):
        check_name("x" * 246 + ".docx")
    assert check_name("é" * 125 + ".docx")  # 125 × 2 + 5 = 255 bytes
    with pytest.raises(InvalidName, match="250 characters"):
        check_name("é" * 126 + ".docx")  # 257 bytes, 131 characters


@pytest.mark.parametrize("stem", ["y" * 600, "é" * 300, "日" * 200])
def test_a_sanitized_name_keeps_room_for_a_number(stem: str) -> None:
    name = sanitize_name(stem + ".docx", "x")
    assert name.endswith(".docx")
    assert len(name) <= 200 and len(name.encode()) <= 255 - 8
    assert check_name(numbered(name, 999)) == numbered(name, 999)  # " (999)" still fits


def test_a_sanitized_name_keeps_only_a_plausible_extension() -> None:
    assert sanitize_name("report.docx", "x") == "report.docx"
    assert sanitize_name("archive.tar gz", "x") == "archive.tar gz"
    assert sanitize_name("a." + "x" * 17, "f") == "a." + "x" * 17
    assert sanitize_name(" spaced.docx ", "x") == "spaced.docx"


def test_invisible_characters_are_refused_or_removed() -> None:
    for char in ("\u202e", "\u200b", "\u200d", "\ufeff", "\u2066", "\u00ad"):
        with pytest.raises(InvalidName, match="invisible"):
            check_name(f"a{char}b.docx")
        assert sanitize_name(f"a{char}b.docx", "x") == "ab.docx"
    assert check_name("Ünïcödé ©.docx") == "Ünïcödé ©.docx"  # visible letters are fine
    when = datetime(2026, 1, 2, 3, 4, 5)
    assert (
        conflict_copy_name("r.docx", "eve\u202excod", when)
        == "r (conflict 2026-01-02 03-04-05 evexcod).docx"
    )


def test_exactly_the_windows_device_names_are_reserved() -> None:
    for name in ("COM1", "COM9", "LPT1", "LPT9", "con", "Nul"):
        with pytest.raises(InvalidName, match="reserved"):
            check_name(f"{name}.docx")
    for name in ("COM0", "COM10", "LPT0", "LPT10", "CONSOLE", "AUXILIARY"):
        assert check_name(f"{name}.docx") == f"{name}.docx"


def test_sanitizing_trims_to_exactly_the_limits() -> None:
    assert sanitize_name("a" * 195 + ".docx", "x") == "a" * 195 + ".docx"  # 200 characters
    assert sanitize_name("a" * 196 + ".docx", "x") == "a" * 195 + ".docx"
    # 247 bytes (255 less room for " (NNN)"), in two-byte characters: 121 × 2 + 5 = 247.
    assert sanitize_name("é" * 121 + ".docx", "x") == "é" * 121 + ".docx"
    assert sanitize_name("é" * 122 + ".docx", "x") == "é" * 121 + ".docx"


def test_the_user_in_a_conflict_copy_name_is_cut_at_40_characters() -> None:
    when = datetime(2026, 1, 2, 3, 4, 5)
    name = conflict_copy_name("r.docx", "u" * 41, when)
    assert name == f"r (conflict 2026-01-02 03-04-05 {'u' * 40}).docx"


def test_the_names_tried_for_a_copy_are_the_name_then_2_to_1000() -> None:
    tried = list(candidates("plan.docx"))
    assert tried[:3] == ["plan.docx", "plan (2).docx", "plan (3).docx"]
    assert tried[-1] == "plan (1000).docx" and len(tried) == 1000
