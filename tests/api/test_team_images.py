"""Images inserted into team-folder documents (issue 22, item 4): ONLYOFFICE reaches a team
document's WOPI host, the team service, so the image URL is the service's. A user's server
relays the image's bytes there; the service issues URLs only for documents the user may
change, and answers the same 404 as for a missing file to those without any rule."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from support.images import JPEG, png
from support.team_service_fixtures import Service
from tornado.httpclient import AsyncHTTPClient

from jupyter_wopi.host.services import WopiHost


@pytest.fixture
def jp_server_config(alice_server_config: dict[str, Any]) -> dict[str, Any]:
    return alice_server_config


async def issue(jp_fetch: Any, **body: Any) -> tuple[int, dict[str, Any]]:
    response = await jp_fetch(
        "api", "wopi", "images", method="POST", body=json.dumps(body), raise_error=False
    )
    return response.code, json.loads(response.body)


async def fetched(url: str) -> tuple[int, bytes]:
    response = await AsyncHTTPClient().fetch(url, raise_error=False)
    return response.code, response.body


def lab_host(jp_serverapp: Any) -> WopiHost:
    return jp_serverapp.web_app.settings["jupyter_wopi"]  # type: ignore[no-any-return]


async def test_an_image_for_a_team_document_is_served_by_the_team_service(
    jp_fetch: Any, jp_serverapp: Any, jp_root_dir: Path, service: Service, team_root: Path
) -> None:
    (team_root / "analytics" / "q3.docx").write_bytes(b"doc")
    figure = png(b"from a notebook")
    code, answer = await issue(
        jp_fetch,
        data=base64.b64encode(figure).decode(),
        name="analysis.ipynb [3]",
        document="shared/analytics/q3.docx",
    )
    assert code == 200, answer
    assert answer["url"].startswith(service.url + "wopi/images/")
    assert await fetched(answer["url"]) == (200, figure)
    assert len(service.app.host.images) == 1 and len(lab_host(jp_serverapp).images) == 0
    # A workspace file of alice's (outside the team folder) goes there as bytes too.
    (jp_root_dir / "plot.jpg").write_bytes(JPEG)
    code, answer = await issue(jp_fetch, path="plot.jpg", document="shared/analytics/q3.docx")
    assert code == 200 and answer["url"].startswith(service.url)
    assert answer["content_type"] == "image/jpeg"
    assert await fetched(answer["url"]) == (200, JPEG)
    # The same image for one of alice's own documents: her server's URL.
    code, answer = await issue(jp_fetch, path="plot.jpg", document="report.docx")
    assert code == 200 and answer["url"].startswith(lab_host(jp_serverapp).wopi_base)


async def test_the_services_refusals_reach_the_lab_as_sentences(
    jp_fetch: Any, jp_root_dir: Path, service: Service, team_root: Path
) -> None:
    (team_root / "analytics" / "q3.docx").write_bytes(b"doc")
    (jp_root_dir / "plot.svg").write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    code, answer = await issue(jp_fetch, path="plot.svg", document="shared/analytics/q3.docx")
    assert code == 415 and "SVG images cannot be inserted" in answer["message"]
    code, answer = await issue(
        jp_fetch, data=base64.b64encode(b"text").decode(), document="shared/analytics/q3.docx"
    )
    assert code == 415 and "Only PNG, JPEG, GIF and BMP" in answer["message"]
    code, answer = await issue(
        jp_fetch, data=base64.b64encode(png()).decode(), document="shared/analytics/nope.docx"
    )
    assert code == 404 and answer["message"] == (
        "There is no such file in the team folders you may read."
    )


async def test_only_writers_of_a_team_document_get_image_urls(
    service: Service, team_root: Path
) -> None:
    (team_root / "analytics" / "q3.docx").write_bytes(b"doc")
    body = {"document": "analytics/q3.docx", "data": base64.b64encode(png()).decode()}
    # bob may read analytics: a sentence why not; dan has no rule: the 404 of a missing file.
    refused = await service.call("POST", "api/images", "bob-token", body)
    assert refused.code == 403
    assert "read-only for you" in json.loads(refused.body)["message"]
    for token, code in (("dan-token", 404), (None, 403)):
        answer = await service.call("POST", "api/images", token, body)
        assert answer.code == code
    missing = await service.call(
        "POST", "api/images", "dan-token", {**body, "document": "analytics/none.docx"}
    )
    assert (
        missing.code == 404
        and missing.body == (await service.call("POST", "api/images", "dan-token", body)).body
    )
    allowed = await service.call("POST", "api/images", "alice-token", body)
    assert allowed.code == 200
    assert len(service.app.host.images) == 1  # the refusals held nothing
    bad = await service.call("POST", "api/images", "alice-token", {**body, "data": 3})
    assert bad.code == 400


async def test_the_services_image_urls_are_one_time_capabilities(
    service: Service, team_root: Path
) -> None:
    (team_root / "analytics" / "q3.docx").write_bytes(b"doc")
    figure = png(b"x")
    body = {"document": "analytics/q3.docx", "data": base64.b64encode(figure).decode()}
    url = json.loads((await service.call("POST", "api/images", "alice-token", body)).body)["url"]
    downloads = [await fetched(url) for _ in range(4)]
    assert downloads[:3] == [(200, figure)] * 3
    assert downloads[3][0] == 404
    # The secret opens nothing else on the service: not a WOPI file, not its API.
    secret = url.rsplit("/", 1)[1]
    for other in (f"wopi/files/{secret}", f"api/files/{secret}", f"wopi/images/{secret}x"):
        assert (await fetched(service.url + other))[0] in (401, 403, 404)
