"""Choosing the ONLYOFFICE action for a file and building its URL (spec §2.3–§2.5)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from jupyter_wopi.onlyoffice.actions import UnsupportedFile, choose_action, launch
from jupyter_wopi.onlyoffice.discovery import Discovery, DiscoveryAction, DiscoveryApp

TEMPLATE = "<rs=DC_LLCC&><embed=EMBEDDED&><thm=THEME_ID&><ui=UI_LLCC&><wopisrc=WOPI_SOURCE&>&"
DS = "https://office.example"


def action(app: str, name: str, ext: str, path: str) -> DiscoveryAction:
    return DiscoveryAction(app, name, ext, f"{DS}/hosting/wopi/{path}?{TEMPLATE}")


DISCOVERY = Discovery(
    actions=(
        action("Word", "view", "docx", "word/view"),
        action("Word", "embedview", "docx", "word/view?embed=1&"),
        action("Word", "edit", "docx", "word/edit"),
        action("Word", "editnew", "docx", "word/edit"),
        action("Word", "view", "doc", "word/view"),
        action("Word", "convert", "doc", "convert-and-edit/doc/docx"),
        action("Excel", "view", "xlsx", "cell/view"),
        action("Excel", "edit", "xlsx", "cell/edit"),
    ),
    apps=(DiscoveryApp("Word", f"{DS}/word.ico"), DiscoveryApp("Excel", f"{DS}/cell.ico")),
)


@pytest.mark.parametrize(
    ("name", "requested", "can_write", "size", "expected"),
    [
        ("a.docx", "edit", True, 10, "edit"),
        ("a.docx", "edit", True, 0, "editnew"),
        ("a.docx", "edit", False, 10, "view"),
        ("a.docx", "view", True, 10, "view"),
        ("a.DOC", "edit", True, 10, "view"),  # legacy: view, convert only on request
        ("a.doc", "convert", True, 10, "convert"),
        ("b.xlsx", "view", True, 0, "view"),
        ("a.docx", "embed", True, 10, "embedview"),  # a notebook output's preview
        ("a.docx", "embed", True, 0, "embedview"),  # never editnew: it would write
        ("b.xlsx", "embed", True, 10, "view"),  # no embedview offered: the viewer
    ],
)
def test_choose_action(
    name: str, requested: str, can_write: bool, size: int, expected: str
) -> None:
    chosen = choose_action(DISCOVERY, name, requested=requested, can_write=can_write, size=size)  # type: ignore[arg-type]
    assert chosen.name == expected


@pytest.mark.parametrize(
    ("name", "requested", "size", "reason"),
    [
        ("a.exe", "edit", 1, "cannot open"),
        ("a.docx", "convert", 1, "cannot convert"),
        ("b.xlsx", "edit", 0, "no blank .xlsx template"),  # DS fails on it (no editnew)
    ],
)
def test_unsupported(name: str, requested: str, size: int, reason: str) -> None:
    with pytest.raises(UnsupportedFile, match=reason):
        choose_action(DISCOVERY, name, requested=requested, can_write=True, size=size)  # type: ignore[arg-type]


def test_launch_substitutes_language_theme_and_wopisrc_once() -> None:
    wopi_src = "http://jupyter.internal:8888/user/a%40b/wopi/files/abc-123"
    edit = choose_action(DISCOVERY, "a.docx", requested="edit", can_write=True, size=5)
    result = launch(DISCOVERY, edit, wopi_src=wopi_src, lab_locale="de_DE", theme="dark")
    query = parse_qs(urlsplit(result.action_url).query)
    assert query["wopisrc"] == [wopi_src]
    assert query["ui"] == ["de-DE"] and query["rs"] == ["de-DE"] and query["thm"] == ["2"]
    assert "embed" not in query and "<" not in result.action_url
    assert result.mode == "edit"
    assert result.favicon_url == f"{DS}/word.ico"
    assert result.onlyoffice_origin == DS
