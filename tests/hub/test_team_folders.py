"""Team folders under a real JupyterHub (issue 10): alice and bob, each on their own server,
co-edit one file of a shared folder in ONE ONLYOFFICE session through the team service that
the hub runs; the session outlives alice's server; carol, whom the folder's rules do not
list, is refused. The ONLYOFFICE double reaches everything through the hub's proxy."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from lab_harness import DoubleRunner
from support.documents import office_file
from support.editing import all_ok, editor, open_for_editing, signed_call, statuses
from support.postgres_cluster import PostgresCluster
from support.postgres_cluster import missing_prerequisite as postgres_missing

from .conftest import log_in_all, running, skip_unless_hubs_can_run
from .hub_harness import Hub, HubBrowser, team_folder_hub
from .test_hub import new_session, open_lab

USERS = ("alice", "bob", "carol")
RULE_CACHE_SECONDS = 1.0  # what the service remembers of a user's groups
TEAM_FILE = "shared/analytics/report.docx"  # as each user's lab shows it


@pytest.fixture(scope="module")
def team_state() -> Iterator[dict[str, str]]:
    """The service's state: in PostgreSQL when it is installed (as in a deployment with
    replicas), else SQLite (one service process needs nothing more)."""
    if postgres_missing() is not None:
        print(f"team service state in SQLite: {postgres_missing()}")
        yield {}
        return
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield {"state_url": cluster.new_database()}
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def team_hub(
    double: DoubleRunner, team_state: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Hub]:
    skip_unless_hubs_can_run()
    rules = {"analytics": {"write": ["group:analysts"]}, "secret": {"write": ["carol"]}}
    hub = team_folder_hub(
        tmp_path_factory.mktemp("team-hub"),
        USERS,
        {"folders": rules, "rule_cache_seconds": RULE_CACHE_SECONDS, **team_state},
        double.url + "/",
        showing=USERS,  # each server shows the volume at shared/analytics
        groups={"analysts": ["alice", "bob"]},
    )
    yield from running(hub)


@pytest.fixture(scope="module")
def team_browsers(team_hub: Hub) -> dict[str, HubBrowser]:
    return log_in_all(team_hub, USERS)


def test_colleagues_on_their_own_servers_co_edit_one_team_file(
    team_hub: Hub, double: DoubleRunner, team_browsers: dict[str, HubBrowser]
) -> None:
    hub, alice, bob = team_hub, team_browsers["alice"], team_browsers["bob"]
    report = hub.workdir / "teams" / "analytics" / "report.docx"
    report.write_bytes(office_file("docx", "Report v1"))
    first = new_session(hub, alice, "alice", TEAM_FILE)
    second = new_session(hub, bob, "bob", TEAM_FILE)
    # One file id and one WOPISrc, on the service: so one ONLYOFFICE document key.
    assert first["file_id"] == second["file_id"]
    assert (
        first["wopi_src"]
        == second["wopi_src"]
        == (f"{hub.url}services/wopi/wopi/files/{first['file_id']}")
    )
    assert (first["path"], first["mode"], second["mode"]) == (TEAM_FILE, "edit", "edit")

    page_a = double.run(open_for_editing(double.double, first))
    page_b = double.run(open_for_editing(double.double, second))
    session, user_a = editor(page_a)
    assert page_b.session is session and page_b.user is not None
    user_b = page_b.user
    double.run(session.load(user_a))
    session.edit(user_b, office_file("docx", "Report v2 by bob"))
    assert double.run(session.force_save(user_b))
    assert report.read_bytes() == office_file("docx", "Report v2 by bob")

    # Both labs' lock badges name both editors (one lock, held for the two of them).
    for name, browser in (("alice", alice), ("bob", bob)):
        answer = browser.call("GET", f"user/{name}/api/wopi/locks")
        [lock] = answer.json()["locks"]
        assert (lock["path"], lock["holder_name"]) == (TEAM_FILE, "alice, bob"), name
        status = browser.call("GET", f"user/{name}/api/wopi/files/{first['file_id']}").json()
        assert status["path"] == TEAM_FILE and status["last_save"]["user_name"] == "bob"

    # Alice saves last, so DS sends its lock refreshes through her callback from now on...
    session.edit(user_a, office_file("docx", "Report v3 by alice"))
    assert double.run(session.force_save(user_a))
    assert session.last_user is user_a
    # ...and her server is stopped (the idle culler): the session carries on without it.
    hub.stop_server("alice")
    double.run(session.close(user_a))
    assert double.run(session.refresh_lock())  # alice's token, to the service: it lands
    final = office_file("docx", "Report v4 by bob")
    session.edit(user_b, final)
    double.run(session.close(user_b))  # bob's exit save and the Unlock

    calls = session.calls
    assert statuses(calls) == all_ok(calls), session.errors
    assert {call.url.split("/wopi/files/")[0] for call in calls} == {
        f"{hub.url}services/wopi"
    }  # ONLYOFFICE never called a user's server
    locks = {c.header("X-WOPI-Lock") for c in calls if c.operation == "Lock"}
    assert locks == {first["file_id"]}
    assert [c.operation for c in calls][-2:] == ["PutFile", "Unlock"]
    assert report.read_bytes() == final
    assert sorted(p.name for p in report.parent.iterdir()) == ["report.docx"]  # no copies
    answer = bob.call("GET", "user/bob/api/wopi/locks")
    assert answer.json() == {"locks": []}


def test_a_user_the_folder_does_not_list_is_refused(
    team_hub: Hub, team_browsers: dict[str, HubBrowser]
) -> None:
    carol = team_browsers["carol"]
    (team_hub.workdir / "teams" / "analytics" / "budget.xlsx").write_bytes(
        office_file("xlsx", "Budget")
    )
    open_lab(carol, "carol")
    response = carol.call(
        "POST", "user/carol/api/wopi/sessions", {"path": "shared/analytics/budget.xlsx"}
    )
    assert response.status_code == 403, response.text
    message = response.json()["message"]
    assert "carol may not open files of the team folder analytics" in message
    assert "group:analysts may write" in message
    # Her own files are hers, as before.
    (team_hub.notebook_dir("carol") / "mine.docx").write_bytes(office_file("docx", "Mine"))
    assert new_session(team_hub, carol, "carol", "mine.docx")["mode"] == "edit"


def test_a_link_to_a_folder_its_maker_may_not_open_opens_nothing(
    team_hub: Hub, team_browsers: dict[str, HubBrowser]
) -> None:
    """bob may write analytics, not secret: a link he puts in analytics (as his terminal would
    on the shared volume) is judged by the folder its file is really in."""
    teams = team_hub.workdir / "teams"
    (teams / "secret" / "salaries.xlsx").write_bytes(office_file("xlsx", "Salaries"))
    (teams / "analytics" / "salaries.xlsx").symlink_to("../secret/salaries.xlsx")
    bob = team_browsers["bob"]
    open_lab(bob, "bob")
    link = "shared/analytics/salaries.xlsx"
    response = bob.call("POST", "user/bob/api/wopi/sessions", {"path": link})
    assert response.status_code == 403, response.text
    message = response.json()["message"]
    assert message.startswith("analytics/salaries.xlsx is a link to secret/salaries.xlsx."), message
    status = bob.call("GET", f"user/bob/api/wopi/files?path={link}")
    assert status.status_code == 404, status.text


def test_a_user_removed_from_the_folders_group_loses_the_document_they_have_open(
    team_hub: Hub, double: DoubleRunner, team_browsers: dict[str, HubBrowser]
) -> None:
    """The rules are checked on every WOPI call with bob's groups as JupyterHub knows them
    now: removed from analysts, his open editor reads nothing more, and its save is kept as
    a conflict copy beside the file, which stays as it was."""
    hub, bob = team_hub, team_browsers["bob"]
    plan = hub.workdir / "teams" / "analytics" / "plan.docx"
    plan.write_bytes(office_file("docx", "Plan v1"))
    opened = new_session(hub, bob, "bob", "shared/analytics/plan.docx")
    session, user = editor(double.run(open_for_editing(double.double, opened)))
    double.run(session.load(user))
    removed = hub.api("DELETE", "groups/analysts/users", {"users": ["bob"]})
    assert removed.status_code == 200, removed.text
    try:
        time.sleep(RULE_CACHE_SECONDS + 0.5)
        wopi_src, token = opened["wopi_src"], opened["access_token"]
        info = double.run(signed_call(double.double, "CheckFileInfo", wopi_src, token))
        assert info.status == 404
        session.edit(user, office_file("docx", "Plan v2 by bob"))
        assert double.run(session.force_save(user))
        assert plan.read_bytes() == office_file("docx", "Plan v1")
        [copy] = [p for p in plan.parent.iterdir() if p.name.startswith("plan (")]
        assert copy.read_bytes() == office_file("docx", "Plan v2 by bob")
    finally:
        restored = hub.api("POST", "groups/analysts/users", {"users": ["bob"]})
        assert restored.status_code == 200, restored.text
