"""Image URLs for ONLYOFFICE's Image from Storage (issue 22, item 4): `POST api/wopi/images`
(Jupyter login) issues a capability, `GET wopi/images/{secret}` (no login at all) serves
the image's bytes only, a few times, for a few minutes, and opens nothing else."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest
from support.images import BMP, GIF, JPEG, held, png
from tornado.httpclient import AsyncHTTPClient, HTTPResponse

from jupyter_wopi.host.images import NOT_FOUND, ImageLimits, ImageShelf
from jupyter_wopi.host.services import WopiHost


def host_of(jp_serverapp: Any) -> WopiHost:
    return jp_serverapp.web_app.settings["jupyter_wopi"]  # type: ignore[no-any-return]


async def issue(jp_fetch: Any, **body: Any) -> tuple[int, dict[str, Any]]:
    response = await jp_fetch(
        "api", "wopi", "images", method="POST", body=json.dumps(body), raise_error=False
    )
    return response.code, json.loads(response.body)


async def download(url: str, method: str = "GET") -> HTTPResponse:
    """As ONLYOFFICE's server fetches it: no cookie, no token, no XSRF header."""
    body = b"" if method == "POST" else None
    return await AsyncHTTPClient().fetch(url, method=method, body=body, raise_error=False)


async def raw_get(port: int, target: str) -> tuple[int, bytes]:
    """A request line sent as written (clients would normalise `..` or `%2F`)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    answer = await reader.read()
    writer.close()
    status = int(answer.split(b" ", 2)[1])
    return status, answer.partition(b"\r\n\r\n")[2]


def workspace(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


async def test_a_notebook_output_is_served_without_any_login(
    jp_fetch: Any, jp_serverapp: Any, jp_root_dir: Path
) -> None:
    before = workspace(jp_root_dir)
    image = png(b"figure")
    code, answer = await issue(jp_fetch, data=base64.b64encode(image).decode(), name="Fig 1")
    assert code == 200
    host = host_of(jp_serverapp)
    assert answer["url"].startswith(host.wopi_base + "wopi/images/")
    assert "?" not in answer["url"] and "token" not in answer["url"].lower()
    assert answer["downloads"] == 3 and answer["content_type"] == "image/png"
    assert answer["size"] == len(image)
    assert list(answer) == ["url", "expires_at", "downloads", "content_type", "size"]
    response = await download(answer["url"])
    assert response.code == 200 and response.body == image
    headers = response.headers
    assert headers["Content-Type"] == "image/png"
    assert headers["Content-Length"] == str(len(image))
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "sandbox"
    assert headers["Content-Disposition"].startswith('inline; filename="Fig%201.png"')
    assert "Set-Cookie" not in headers
    assert workspace(jp_root_dir) == before  # nothing was written into the workspace


async def test_a_workspace_image_is_served_from_disk(
    jp_fetch: Any, jp_serverapp: Any, jp_root_dir: Path
) -> None:
    (jp_root_dir / "plots").mkdir()
    (jp_root_dir / "plots" / "a.jpg").write_bytes(JPEG)
    before = workspace(jp_root_dir)
    code, answer = await issue(jp_fetch, path="plots/a.jpg")
    assert code == 200 and answer["content_type"] == "image/jpeg"
    assert held(host_of(jp_serverapp).images).held_bytes == 0  # read at download, not held
    (jp_root_dir / "plots" / "a.jpg").write_bytes(JPEG + b"more")  # the file as it is then
    response = await download(answer["url"])
    assert response.code == 200 and response.body == JPEG + b"more"
    assert response.headers["Content-Type"] == "image/jpeg"
    assert 'filename="a.jpg"' in response.headers["Content-Disposition"]
    assert workspace(jp_root_dir) == before


@pytest.mark.parametrize(("data", "kind"), [(GIF, "image/gif"), (BMP, "image/bmp")])
async def test_gif_and_bmp_too(jp_fetch: Any, data: bytes, kind: str) -> None:
    code, answer = await issue(jp_fetch, data=base64.b64encode(data).decode())
    assert (code, answer["content_type"]) == (200, kind)
    response = await download(answer["url"])
    assert response.body == data and response.headers["Content-Type"] == kind


async def test_a_url_is_refused_after_its_budget_as_an_unknown_one_is(jp_fetch: Any) -> None:
    _, answer = await issue(jp_fetch, data=base64.b64encode(GIF).decode())
    head = await download(answer["url"], method="HEAD")  # counts nothing
    assert head.code == 200 and head.headers["Content-Length"] == str(len(GIF))
    assert [(await download(answer["url"])).code for _ in range(4)] == [200, 200, 200, 404]
    used_up = await download(answer["url"])
    unknown = await download(answer["url"][:-4] + "AAAA")
    assert (
        json.loads(used_up.body)
        == json.loads(unknown.body)
        == {
            "status": 404,
            "message": NOT_FOUND,
        }
    )


async def test_a_url_expires(jp_fetch: Any, jp_serverapp: Any) -> None:
    images = host_of(jp_serverapp).images
    now = [1_000_000.0]
    images.clock = lambda: now[0]
    _, answer = await issue(jp_fetch, data=base64.b64encode(GIF).decode())
    assert answer["expires_at"] == now[0] + 300
    now[0] += 301
    response = await download(answer["url"])
    assert response.code == 404 and json.loads(response.body)["message"] == NOT_FOUND
    assert held(images).held_bytes == 0


async def test_a_url_opens_no_other_file_or_route(
    jp_fetch: Any, jp_serverapp: Any, jp_root_dir: Path, jp_http_port: int, jp_base_url: str
) -> None:
    (jp_root_dir / "secret.txt").write_text("the data")
    (jp_root_dir / "a.png").write_bytes(png())
    _, answer = await issue(jp_fetch, path="a.png")
    secret = answer["url"].rsplit("/", 1)[1]
    base = f"{jp_base_url}wopi/images/"
    for target in (
        f"{base}../files/secret.txt",
        f"{base}..%2Ffiles%2Fsecret.txt",
        f"{base}{secret}/../../files/secret.txt",
        f"{base}{secret}%2F..%2F..%2Ffiles%2Fsecret.txt",
        f"{base}{secret}/",
        f"{base}{secret}/secret.txt",
        f"{base}{secret[:-1]}",
        f"{base}{secret[:20]}",
        f"{base}{secret}?path=secret.txt",
        f"{base}{secret}x",
        f"{base}",
        f"{base}../../api/contents/secret.txt",
        f"{base}..%2F..%2Fapi%2Fcontents%2Fsecret.txt",
    ):
        status, body = await raw_get(jp_http_port, target)
        if target.endswith("?path=secret.txt"):
            assert status == 200 and body == png(), target  # the query is ignored
            continue
        assert b"the data" not in body, target
        assert status in (403, 404), (target, status)
    assert (await download(answer["url"])).body == png()  # still its own image only


@pytest.mark.parametrize(
    ("make", "path", "status", "words"),
    [
        (None, "../outside.png", 404, "There is no image at ../outside.png"),
        (None, "/etc/passwd", 404, "There is no image at"),
        ("hidden", ".hidden.png", 404, "not hidden"),
        ("hidden_folder", ".plots/a.png", 404, "not hidden"),
        ("leaving_link", "link.png", 404, "There is no image at link.png"),
        ("folder", "plots", 404, "regular files"),
        ("text", "notes.png", 415, "Only PNG, JPEG, GIF and BMP"),
        ("svg", "plot.svg", 415, 'format="png"'),
        ("big", "big.png", 413, "image_max_bytes"),
        (None, "missing.png", 404, "There is no image at missing.png"),
    ],
)
async def test_what_may_not_be_served_is_refused_with_a_sentence(
    jp_fetch: Any,
    jp_serverapp: Any,
    jp_root_dir: Path,
    tmp_path: Path,
    make: str | None,
    path: str,
    status: int,
    words: str,
) -> None:
    outside = tmp_path / "outside.png"
    outside.write_bytes(png())
    if make == "hidden":
        (jp_root_dir / ".hidden.png").write_bytes(png())
    elif make == "hidden_folder":
        (jp_root_dir / ".plots").mkdir()
        (jp_root_dir / ".plots" / "a.png").write_bytes(png())
    elif make == "leaving_link":
        os.symlink(outside, jp_root_dir / "link.png")
    elif make == "folder":
        (jp_root_dir / "plots").mkdir()
    elif make == "text":
        (jp_root_dir / "notes.png").write_text("just words")
    elif make == "svg":
        (jp_root_dir / "plot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    elif make == "big":
        host = host_of(jp_serverapp)
        host.images = ImageShelf(ImageLimits(max_bytes=100))
        (jp_root_dir / "big.png").write_bytes(png(b"x" * 200))
    code, answer = await issue(jp_fetch, path=path)
    assert code == status and words in answer["message"], answer
    assert len(held(host_of(jp_serverapp).images)) == 0


async def test_oversized_or_bad_bytes_are_refused_with_a_sentence(
    jp_fetch: Any, jp_serverapp: Any
) -> None:
    host_of(jp_serverapp).images = ImageShelf(ImageLimits(max_bytes=1000))
    big = base64.b64encode(png(b"x" * 2000)).decode()  # refused before it is decoded
    just_over = png(b"x" * (1001 - len(png())))  # decoded, then refused
    assert len(just_over) == 1001
    for body, status, words in (
        ({"data": big}, 413, "JUPYTER_WOPI_IMAGE_MAX_BYTES"),
        ({"data": base64.b64encode(just_over).decode()}, 413, "image_max_bytes"),
        ({"data": base64.b64encode(b"<html></html>").decode()}, 415, "Only PNG"),
        ({"data": "not base64!"}, 400, "not base64"),
        ({"data": base64.b64encode(GIF).decode(), "name": 3}, 400, "name must be a string"),
        ({"data": "R0lG", "path": "a.png"}, 400, 'Send {"path"'),
        ({}, 400, 'Send {"path"'),
        ({"path": ""}, 400, 'Send {"path"'),
    ):
        code, answer = await issue(jp_fetch, **body)
        assert (code, words in answer["message"]) == (status, True), (body, answer)
    assert len(held(host_of(jp_serverapp).images)) == 0


async def test_a_workspace_image_replaced_by_a_link_after_issue_is_refused(
    jp_fetch: Any, jp_root_dir: Path, tmp_path: Path
) -> None:
    (jp_root_dir / "a.png").write_bytes(png())
    elsewhere = tmp_path / "elsewhere.png"
    elsewhere.write_bytes(png(b"not yours"))
    _, answer = await issue(jp_fetch, path="a.png")
    (jp_root_dir / "a.png").unlink()
    os.symlink(elsewhere, jp_root_dir / "a.png")
    response = await download(answer["url"])
    assert response.code == 404 and b"not yours" not in response.body
    assert json.loads(response.body)["message"] == NOT_FOUND


async def test_a_workspace_image_turned_into_something_else_is_refused(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    (jp_root_dir / "a.png").write_bytes(png())
    _, answer = await issue(jp_fetch, path="a.png")
    (jp_root_dir / "a.png").write_text("<html><script>alert(1)</script></html>")
    assert (await download(answer["url"])).code == 404
    (jp_root_dir / "a.png").unlink()
    assert (await download(answer["url"])).code == 404


async def test_issuing_needs_a_jupyter_login(
    jp_fetch: Any, jp_serverapp: Any, jp_http_port: int
) -> None:
    url = f"http://localhost:{jp_http_port}{jp_serverapp.base_url}api/wopi/images"
    body = json.dumps({"data": base64.b64encode(GIF).decode()})
    response = await AsyncHTTPClient().fetch(url, method="POST", body=body, raise_error=False)
    assert response.code == 403
    assert len(held(host_of(jp_serverapp).images)) == 0


async def test_the_secret_never_reaches_the_log(
    jp_fetch: Any, jp_http_port: int, jp_base_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _, answer = await issue(jp_fetch, data=base64.b64encode(GIF).decode())
    secret = answer["url"].rsplit("/", 1)[1]
    for _ in range(4):  # served, then used up (404)
        await download(answer["url"])
    await download(answer["url"], method="POST")  # 405
    await raw_get(jp_http_port, f"{jp_base_url}wopi/images/{secret}/")
    await raw_get(jp_http_port, f"{jp_base_url}wopi/images/{secret}%2F..")
    assert secret not in caplog.text and secret[:20] not in caplog.text
    assert "wopi/images/…" in caplog.text
