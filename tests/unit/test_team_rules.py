"""Team folders: who may read or write each (the service's rules), and where each lies in a
user's lab and on the service (the folders' mapping). Pure functions, no server."""

from __future__ import annotations

import pytest

from jupyter_wopi.lab.team_folders import TeamFolders
from jupyter_wopi.team.access import (
    Access,
    HubUser,
    InvalidRules,
    access_to,
    parse_rules,
    refusal,
)

RULES = parse_rules(
    {
        "analytics": {"write": ["group:analysts", "alice"], "read": ["group:staff"]},
        "analytics/board": {"write": ["carol"]},  # more specific: replaces the rule above
        "public": {"read": ["*"]},
    }
)
ALICE = HubUser("alice", frozenset())
BOB = HubUser("bob", frozenset({"staff"}))
CAROL = HubUser("carol", frozenset({"analysts"}))
DAN = HubUser("dan", frozenset({"analysts-old"}))


@pytest.mark.parametrize(
    ("user", "path", "expected"),
    [
        (ALICE, "analytics/q3.xlsx", Access.WRITE),
        (CAROL, "analytics/q3.xlsx", Access.WRITE),  # by group
        (BOB, "analytics/deep/q3.xlsx", Access.READ),
        (DAN, "analytics/q3.xlsx", Access.NONE),  # a group name that only starts alike
        (ALICE, "analytics/board/minutes.docx", Access.NONE),  # the specific rule wins
        (CAROL, "analytics/board/minutes.docx", Access.WRITE),
        (DAN, "public/handbook.docx", Access.READ),  # "*": every hub user, when written
        (ALICE, "analytics-old/q3.xlsx", Access.NONE),  # a folder name that only starts alike
        (ALICE, "elsewhere/x.docx", Access.NONE),  # outside every listed folder
    ],
)
def test_the_most_specific_folder_decides(user: HubUser, path: str, expected: Access) -> None:
    assert access_to(RULES, user, path) is expected


def test_refusals_say_who_may_and_where_to_ask() -> None:
    text = refusal(RULES, DAN, "analytics/q3.xlsx")
    assert "dan may not open files of the team folder analytics" in text
    assert "alice, group:analysts may write" in text and "group:staff may read" in text
    assert "c.TeamService.folders" in text
    assert "not in a team folder" in refusal(RULES, DAN, "elsewhere/x.docx")


@pytest.mark.parametrize(
    "folders",
    [
        {"a": ["alice"]},  # not {"read"/"write": [...]}
        {"a": {"admin": ["alice"]}},
        {"a": {"read": "alice"}},  # a string, not a list
        {"../etc": {"read": ["*"]}},
        {"a": {"write": [""]}},
    ],
)
def test_rules_that_cannot_be_understood_are_refused(folders: dict[str, object]) -> None:
    with pytest.raises(InvalidRules):
        parse_rules(folders)


def test_lab_folders_map_to_service_folders_and_back() -> None:
    folders = TeamFolders({"shared/analytics": "analytics", "shared/analytics/old": "archive"})
    assert folders.find("shared/analytics/q3.xlsx") == (folders.mounts[1], "analytics/q3.xlsx")
    assert folders.find("shared/analytics/old/q1.xlsx")[1] == "archive/q1.xlsx"  # type: ignore[index]
    assert folders.find("shared/analytics-2/q3.xlsx") is None
    assert folders.find("notes.docx") is None
    assert folders.lab_path("analytics/sub/q3.xlsx") == "shared/analytics/sub/q3.xlsx"
    assert folders.lab_path("archive/q1.xlsx") == "shared/analytics/old/q1.xlsx"
    assert folders.lab_path("marketing/plan.docx") is None  # not shown by this server
    whole = TeamFolders({"team": ""})  # the service's whole root
    assert whole.find("team/a/b.docx")[1] == "a/b.docx"  # type: ignore[index]
    assert whole.lab_path("a/b.docx") == "team/a/b.docx"
    with pytest.raises(ValueError, match="root"):
        TeamFolders({"": "analytics"})
