"""What the ONLYOFFICE client double serves before any WOPI call: its discovery (parsed by the
host's own parser; its base URL from forwarded headers or the public URL; its knobs), the
editor route's 404 on GET, and its convert-to endpoint."""

from __future__ import annotations

import json

import pytest
from onlyoffice_double import OnlyOfficeDouble
from onlyoffice_double.formats import convert_bytes
from support.stub_host import Factory, fetch
from tornado.httpclient import HTTPResponse

from jupyter_wopi.onlyoffice.discovery import DiscoveryError, build_action_url, parse_discovery

pytest_plugins = ("onlyoffice_double.fixtures",)


async def get_discovery(double: OnlyOfficeDouble, **headers: str) -> HTTPResponse:
    return await fetch(double.discovery_url, headers=headers)


async def test_discovery_parses_with_the_host_parser(onlyoffice: OnlyOfficeDouble) -> None:
    response = await get_discovery(onlyoffice)
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    discovery = parse_discovery(response.body)
    assert discovery.net_zone == "external-http"
    assert [a.name for a in discovery.actions_for("docx")] == [
        "view",
        "embedview",
        "mobileView",
        "edit",
        "mobileEdit",
        "editnew",
    ]
    assert [a.name for a in discovery.actions_for("odt")] == [
        "view",
        "embedview",
        "mobileView",
        "edit",
        "mobileEdit",
    ]
    for ext, target in (("doc", "docx"), ("xls", "xlsx"), ("ppt", "pptx")):
        names = [a.name for a in discovery.actions_for(ext)]
        assert names == ["view", "embedview", "mobileView", "convert"], ext
        convert = discovery.find(ext, "convert")
        assert convert is not None and convert.targetext == target
        assert convert.requires == {"update"}
    assert [a.name for a in discovery.actions_for("pdf")] == [
        "view",
        "embedview",
        "mobileView",
        "edit",
        "formsubmit",
        "mobileEdit",
    ]
    for ext in ("xlsx", "pptx", "ods", "odp", "txt", "csv"):
        assert discovery.find(ext, "edit") is not None, ext

    edit = discovery.find("docx", "edit")
    assert edit is not None and edit.default and edit.requires == {"locks", "update"}
    assert edit.urlsrc == (
        f"{onlyoffice.url}/hosting/wopi/word/edit?<rs=DC_LLCC&><dchat=DISABLE_CHAT&>"
        "<embed=EMBEDDED&><fs=FULLSCREEN&><hid=HOST_SESSION_ID&><rec=RECORDING&>"
        "<sc=SESSION_CONTEXT&><thm=THEME_ID&><ui=UI_LLCC&><wopisrc=WOPI_SOURCE&>&"
    )
    embed = discovery.find("xlsx", "embedview")
    assert embed is not None and "/hosting/wopi/cell/view?embed=1&<rs=" in embed.urlsrc
    assert discovery.favicon_for(edit) == (
        f"{onlyoffice.url}/web-apps/apps/documenteditor/main/resources/img/favicon.ico"
    )
    app_names = [app.name for app in discovery.apps]
    assert app_names[:4] == ["Word", "Excel", "PowerPoint", "Pdf"]
    assert "application/vnd.openxmlformats-officedocument.wordprocessingml.document" in app_names
    assert app_names[-1] == "Capabilities"

    # proof-key: what the double signs with; the Docker default has value == oldvalue
    assert discovery.proof_key == onlyoffice.proof_key_attributes()
    assert discovery.proof_key is not None
    assert discovery.proof_key["value"] == discovery.proof_key["oldvalue"]
    assert discovery.proof_key["exponent"] == "AQAB"

    url = build_action_url(edit.urlsrc, wopi_src="http://j/wopi/files/abc", ui_lang="de-DE")
    wopisrc = "http%3A%2F%2Fj%2Fwopi%2Ffiles%2Fabc"
    assert url == f"{onlyoffice.url}/hosting/wopi/word/edit?ui=de-DE&wopisrc={wopisrc}"


async def test_discovery_base_url_follows_forwarded_headers_or_public_url(
    onlyoffice_factory: Factory,
) -> None:
    double = onlyoffice_factory()
    forwarded = await get_discovery(
        double,
        **{
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "office.example",
            "X-Forwarded-Prefix": "/oo",
        },
    )
    edit = parse_discovery(forwarded.body).find("docx", "edit")
    assert edit is not None
    assert edit.urlsrc.startswith("https://office.example/oo/hosting/wopi/word/edit?<rs=")
    by_host = parse_discovery((await get_discovery(double, Host="ds.internal:8080")).body)
    edit = by_host.find("docx", "edit")
    assert edit is not None and edit.urlsrc.startswith("http://ds.internal:8080/hosting/")

    configured = onlyoffice_factory(public_url="https://docs.example.com")
    edit = parse_discovery((await get_discovery(configured, Host="x")).body).find("docx", "edit")
    assert edit is not None and edit.urlsrc.startswith("https://docs.example.com/hosting/wopi/")


async def test_discovery_knobs(onlyoffice_factory: Factory) -> None:
    disabled = onlyoffice_factory(wopi_enabled=False)
    assert (await get_discovery(disabled)).code == 404
    assert (await fetch(f"{disabled.url}/hosting/capabilities")).code == 404
    post = await fetch(
        disabled.action_url("word", "edit", "http://h/wopi/files/x"), method="POST", body=""
    )
    assert post.code == 404

    no_keys = onlyoffice_factory(proof_keys=False)
    assert parse_discovery((await get_discovery(no_keys)).body).proof_key is None

    failing = onlyoffice_factory(fail_discovery=503)
    assert (await get_discovery(failing)).code == 503
    failing.settings.fail_discovery = "malformed"
    with pytest.raises(DiscoveryError):
        parse_discovery((await get_discovery(failing)).body)
    failing.settings.fail_discovery = None
    assert (await get_discovery(failing)).code == 200

    capabilities = json.loads((await fetch(f"{no_keys.url}/hosting/capabilities")).body)
    assert capabilities["convert-to"] == {"available": True, "endpoint": "/lool/convert-to"}


async def test_get_on_the_editor_route_is_404(onlyoffice: OnlyOfficeDouble) -> None:
    response = await fetch(onlyoffice.action_url("word", "edit", "http://h/wopi/files/x"))
    assert response.code == 404


async def post_multipart(url: str, parts: list[tuple[str, str | None, bytes]]) -> HTTPResponse:
    boundary = "double-boundary"
    chunks = []
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        chunks.append(
            f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"
        )
    body = b"".join(chunks) + f"--{boundary}--\r\n".encode()
    return await fetch(
        url,
        method="POST",
        body=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )


async def test_convert_to(onlyoffice: OnlyOfficeDouble) -> None:
    data = b"\xd0\xcf\x11\xe0 old word file"
    for flavour in ("cool", "lool"):
        response = await post_multipart(
            f"{onlyoffice.url}/{flavour}/convert-to/docx", [("data", "report.doc", data)]
        )
        assert response.code == 200
        assert response.body == convert_bytes(data, "doc", "docx")
        assert response.body.startswith(b"CONVERTED doc->docx\n")
        assert response.headers["Content-Disposition"] == "inline; filename=report.docx"
        assert response.headers["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
    by_field = await post_multipart(
        f"{onlyoffice.url}/cool/convert-to",
        [("file", "sheet.xls", b"x"), ("format", None, b"pdf")],
    )
    assert by_field.code == 200 and by_field.body.startswith(b"CONVERTED xls->pdf\n")
    unknown = await post_multipart(
        f"{onlyoffice.url}/cool/convert-to/xlsx", [("data", "report.doc", data)]
    )
    assert unknown.code == 400 and unknown.body == b""
    no_file = await post_multipart(f"{onlyoffice.url}/cool/convert-to/pdf", [("x", None, b"1")])
    assert no_file.code == 400
