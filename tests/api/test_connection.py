"""The ONLYOFFICE addresses (issue 11 §2, §3): a wrong one is explained, never fatal; the lab
may set them live when the admin allows it, and what the admin set wins."""

from __future__ import annotations

import json
from typing import Any

import pytest
from support.editing import open_in_editor
from support.server_process import free_port
from support.wopi_client import WopiClient
from tornado.httpclient import HTTPClientError

from jupyter_wopi.host.live_addresses import LiveAddresses
from jupyter_wopi.onlyoffice.addresses import InvalidAddress, checked_url, corrected, resolve

pytest_plugins = ("onlyoffice_double.fixtures",)


@pytest.mark.parametrize(
    "value",
    [
        "office:8000",  # no scheme: the commonest slip
        "office.example.com",
        "ftp://office/",
        "http:///path",
        "http://office/?x=1",
        "http://office/#top",
        "http://office:port/",
        "http://off ice/",
    ],
)
def test_unusable_addresses_are_refused_naming_the_variable(value: str) -> None:
    with pytest.raises(
        InvalidAddress, match="JUPYTER_WOPI_ONLYOFFICE_URL in the server's environment must be"
    ) as err:
        checked_url("onlyoffice_url", value)
    assert repr(value.strip()) in str(err.value)


@pytest.mark.parametrize(
    ("value", "meant"),
    [
        ("localhost:8090", "http://localhost:8090/"),
        (" office.example.com/docs ", "http://office.example.com/docs/"),
        ("office:443", "https://office:443/"),
        ("http://office:port/", ""),  # a scheme is there: something else is wrong
        ("office:port", ""),
        ("off ice", ""),
    ],
)
def test_an_address_without_its_scheme_is_understood(value: str, meant: str) -> None:
    assert corrected(value) == meant


def test_a_refusal_names_the_address_as_the_user_knows_it() -> None:
    """In the lab's words when the lab set it (issue 23 item 2), with the likely meaning."""
    with pytest.raises(InvalidAddress) as err:
        checked_url("onlyoffice_url", "localhost:8090", "lab")
    assert str(err.value) == (
        "The ONLYOFFICE Docs address must be an absolute http(s) URL with a host name and "
        "without a query string; got 'localhost:8090'. Did you mean http://localhost:8090/?"
    )
    with pytest.raises(InvalidAddress, match=r"^c\.JupyterWopi\.base_url in Jupyter's config"):
        checked_url("base_url", "ftp://j/", "config")


def test_addresses_are_normalised() -> None:
    assert checked_url("base_url", " https://j.example/user/a ") == "https://j.example/user/a/"
    assert checked_url("base_url", "http://[::1]:8888/") == "http://[::1]:8888/"
    assert checked_url("base_url", "  ") == ""


def test_config_wins_over_environment_over_lab() -> None:
    given = {"config": "http://c/", "environment": "http://e/", "lab": "http://l/"}
    assert resolve("onlyoffice_url", given).source == "config"  # type: ignore[arg-type]
    assert resolve("onlyoffice_url", {"environment": "http://e", "lab": "http://l/"}) == (
        resolve("onlyoffice_url", {"environment": "http://e/"})
    )
    lab = resolve("onlyoffice_url", {"lab": "http://l"})
    assert (lab.value, lab.source) == ("http://l/", "lab")
    assert resolve("onlyoffice_url", {}).source == "default"
    refused = resolve("onlyoffice_url", {"environment": "office:8000", "lab": "http://l/"})
    # A wrong admin value is not quietly replaced by the lab's: the admin must hear of it.
    assert (refused.value, refused.source, refused.given) == ("", "environment", "office:8000")
    assert "JUPYTER_WOPI_ONLYOFFICE_URL" in refused.error


async def connection(jp_fetch: Any) -> dict[str, Any]:
    return json.loads((await jp_fetch("api", "wopi", "connection")).body)  # type: ignore[no-any-return]


async def set_addresses(jp_fetch: Any, **values: str) -> dict[str, Any]:
    response = await jp_fetch("api", "wopi", "connection", method="PUT", body=json.dumps(values))
    return json.loads(response.body)  # type: ignore[no-any-return]


async def refusal(jp_fetch: Any, **values: str) -> tuple[int, str]:
    with pytest.raises(HTTPClientError) as err:
        await set_addresses(jp_fetch, **values)
    assert err.value.response is not None
    return err.value.code, json.loads(err.value.response.body)["message"]


def by_name(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {address["name"]: address for address in answer["addresses"]}


@pytest.fixture
def bad_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_WOPI_ONLYOFFICE_URL", "office:8000")


@pytest.mark.usefixtures("bad_environment")
async def test_a_wrong_address_is_explained_and_the_server_keeps_working(
    open_session: Any, jp_fetch: Any, wopi: WopiClient
) -> None:
    session = await open_session("report.docx", b"v1")
    assert session["action_url"] is None
    assert (
        "JUPYTER_WOPI_ONLYOFFICE_URL in the server's environment must be an absolute http(s) URL"
        in session["problem"]
    )
    assert "Did you mean http://office:8000/?" in session["problem"]
    assert "'office:8000'" in session["problem"]
    # The rest of the extension works: WOPI answers, the doctor names the setting.
    info = await wopi.check_file_info(session["file_id"], session["access_token"])
    assert info.code == 200
    status = json.loads((await jp_fetch("api", "wopi", "status")).body)
    assert status["checks"][0]["verdict"] == "error"
    assert "'office:8000'" in status["checks"][0]["message"]
    answer = await connection(jp_fetch)
    assert answer["configured"] is False and "'office:8000'" in answer["problem"]
    shown = by_name(answer)["onlyoffice_url"]
    assert (shown["source"], shown["given"], shown["editable"]) == (
        "environment",
        "office:8000",
        False,
    )


async def test_nothing_configured_warns_once_at_start(
    capsys: pytest.CaptureFixture[str], jp_fetch: Any
) -> None:
    # (capsys first: it must be capturing before the server starts)
    log = capsys.readouterr().err
    [warning] = [line for line in log.splitlines() if "jupyter_wopi: ONLYOFFICE" in line]
    assert "ONLYOFFICE Docs is not configured" in warning
    assert "ONLYOFFICE Settings" in warning  # the lab may set it here
    assert "JUPYTER_WOPI" not in warning  # and names it by the dialog's words


async def test_the_lab_sets_onlyoffice_live(
    open_session: Any, jp_fetch: Any, onlyoffice_factory: Any
) -> None:
    before = await open_session("report.docx", b"v1")
    assert before["action_url"] is None and "ONLYOFFICE Settings" in before["problem"]
    double = onlyoffice_factory()
    assert (await connection(jp_fetch))["configured"] is False
    answer = await set_addresses(jp_fetch, onlyoffice_url=double.url)
    assert (answer["configured"], answer["problem"]) == (True, "")
    address = by_name(answer)["onlyoffice_url"]
    assert (address["value"], address["source"], address["editable"]) == (
        double.url + "/",
        "lab",
        True,
    )
    # No restart: discovery comes from the new address, the doctor passes, and the token
    # minted before the change still opens the file.
    after = await open_session("report.docx")
    assert after["action_url"].startswith(double.url + "/")
    status = json.loads((await jp_fetch("api", "wopi", "status")).body)
    assert status["ok"] is True, status
    old_token = {key: before[key] for key in ("access_token", "access_token_ttl")}
    page = await open_in_editor(double, {**after, **old_token})
    assert page.ok, page.error
    # Forgetting it goes back to "not configured".
    await set_addresses(jp_fetch, onlyoffice_url="")
    assert (await open_session("report.docx"))["action_url"] is None


async def test_an_unreachable_lab_address_is_named_as_in_the_lab_and_its_verdict_kept(
    open_session: Any, jp_fetch: Any
) -> None:
    """A well-formed address where nothing answers: opening a file says so in the dialog's
    words (not JUPYTER_WOPI_ONLYOFFICE_INTERNAL_URL), and the dialog shows that verdict beside
    the field until the address changes (issue 23 items 1, 2)."""
    wrong = f"http://127.0.0.1:{free_port()}/"
    await set_addresses(jp_fetch, onlyoffice_url=wrong)
    with pytest.raises(HTTPClientError) as err:
        await open_session("report.docx", b"v1")
    assert err.value.code == 502 and err.value.response is not None
    message = json.loads(err.value.response.body)["message"]
    assert f"Cannot reach ONLYOFFICE at {wrong}hosting/discovery" in message
    assert "that the ONLYOFFICE Docs address is its address" in message
    assert "JUPYTER_WOPI" not in message
    verdict = by_name(await connection(jp_fetch))["onlyoffice_url"]["last_check"]
    assert (verdict["verdict"], verdict["setting"], verdict["message"]) == (
        "error",
        "onlyoffice_url",
        message,
    )
    assert by_name(await connection(jp_fetch))["base_url"]["last_check"] is None
    await set_addresses(jp_fetch, onlyoffice_url="http://office.example/")
    assert by_name(await connection(jp_fetch))["onlyoffice_url"]["last_check"] is None


async def test_a_lab_address_is_checked_and_a_refusal_changes_nothing(jp_fetch: Any) -> None:
    await set_addresses(jp_fetch, onlyoffice_url="http://office.example/")
    code, message = await refusal(
        jp_fetch, onlyoffice_url="http://other.example/", base_url="jupyter:8888"
    )
    assert code == 400 and "This Jupyter server's address for ONLYOFFICE must be" in message
    assert "Did you mean http://jupyter:8888/?" in message
    assert by_name(await connection(jp_fetch))["onlyoffice_url"]["value"] == (
        "http://office.example/"
    )
    code, message = await refusal(jp_fetch, onlyoffice_url=42)  # type: ignore[arg-type]
    assert code == 400
    code, message = await refusal(jp_fetch, token_ttl="1")
    assert code == 400 and "token_ttl" in message


@pytest.fixture
def internal_url_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_WOPI_ONLYOFFICE_INTERNAL_URL", "http://office.internal/")


@pytest.mark.usefixtures("internal_url_in_environment")
async def test_what_the_admin_set_wins(jp_fetch: Any) -> None:
    shown = by_name(await connection(jp_fetch))
    assert shown["onlyoffice_internal_url"]["source"] == "environment"
    assert shown["onlyoffice_internal_url"]["editable"] is False
    assert shown["onlyoffice_url"]["editable"] is True
    code, message = await refusal(jp_fetch, onlyoffice_internal_url="http://mine/")
    assert code == 409
    assert "JUPYTER_WOPI_ONLYOFFICE_INTERNAL_URL is set in the server's environment" in message
    # Sending back the value shown read-only is no change, and not an error.
    answer = await set_addresses(
        jp_fetch,
        onlyoffice_url="http://office.example/",
        onlyoffice_internal_url="http://office.internal/",
    )
    assert by_name(answer)["onlyoffice_url"]["value"] == "http://office.example/"


async def test_lab_addresses_are_kept_for_the_next_start(jp_fetch: Any, jp_serverapp: Any) -> None:
    await set_addresses(jp_fetch, onlyoffice_url="http://office.example")
    host = jp_serverapp.web_app.settings["jupyter_wopi"]
    host.discovery.configure("", "")  # as a new server process starts
    LiveAddresses(host, {}, default_base="http://j/", lab_may_change=True).load()
    assert host.discovery.public_url == "http://office.example/"


@pytest.fixture
def jp_server_config(
    jp_server_config: dict[str, Any], request: pytest.FixtureRequest
) -> dict[str, Any]:
    allowed = request.node.get_closest_marker("lab_configuration")
    if allowed is not None:
        jp_server_config["JupyterWopi"]["allow_lab_configuration"] = allowed.args[0]
    return jp_server_config


@pytest.fixture
def under_jupyterhub(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/a%40b/")
    monkeypatch.setenv("JUPYTERHUB_PUBLIC_URL", "http://hub.example/user/a/")


@pytest.mark.lab_configuration(False)
async def test_the_admin_can_turn_lab_configuration_off(jp_fetch: Any, open_session: Any) -> None:
    answer = await connection(jp_fetch)
    assert answer["lab_may_change"] is False
    assert "c.JupyterWopi.allow_lab_configuration is off" in answer["why_not"]
    assert not any(address["editable"] for address in answer["addresses"])
    code, message = await refusal(jp_fetch, onlyoffice_url="http://office.example/")
    assert (code, message) == (403, answer["why_not"])
    problem = (await open_session("report.docx", b"v1"))["problem"]
    assert "ONLYOFFICE Settings" not in problem  # nothing the user could do in the lab


@pytest.mark.usefixtures("under_jupyterhub")
async def test_under_jupyterhub_the_lab_may_not_set_addresses(jp_fetch: Any) -> None:
    answer = await connection(jp_fetch)
    assert answer["lab_may_change"] is False and "JupyterHub" in answer["why_not"]
    assert answer["default_base_url"] == "http://hub.example/user/a/"
    assert (await refusal(jp_fetch, onlyoffice_url="http://evil.example/"))[0] == 403


@pytest.mark.usefixtures("under_jupyterhub")
@pytest.mark.lab_configuration(True)
async def test_a_hub_admin_may_allow_it(jp_fetch: Any) -> None:
    await set_addresses(jp_fetch, onlyoffice_url="http://office.example/")


async def test_open_editors_keep_working_when_the_lab_changes_the_base_url(
    open_session: Any, jp_fetch: Any, onlyoffice_factory: Any, jp_http_port: int, jp_base_url: str
) -> None:
    """ONLYOFFICE signs the WOPISrc it was given: a token made before the change is checked
    against the base it was made for, a new one against the new base."""
    double = onlyoffice_factory()
    await set_addresses(jp_fetch, onlyoffice_url=double.url)
    before = await open_session("report.docx", b"v1")
    assert before["wopi_src"].startswith(f"http://localhost:{jp_http_port}/")
    other_name = f"http://127.0.0.1:{jp_http_port}{jp_base_url}"  # the same server
    await set_addresses(jp_fetch, onlyoffice_url=double.url, base_url=other_name)
    page = await open_in_editor(double, before)
    assert page.ok, page.error
    after = await open_session("report.docx")
    assert after["wopi_src"].startswith(other_name)
    page = await open_in_editor(double, after)
    assert page.ok, page.error
