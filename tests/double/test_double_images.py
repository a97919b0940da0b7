"""The double's Image from Storage against the real Jupyter server (client-behavior §10):
only an editing session's page offers it (EnableInsertRemoteImage); Action_InsertGraphic
makes DS download the URL server side, without a login, and the image goes into the
document, whose next save carries it."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from onlyoffice_double import OnlyOfficeDouble
from support.editing import (  # noqa: F401 (fixtures)
    editor,
    jp_server_config,
    open_in_editor,
    server_onlyoffice,
    wopi_settings,
)
from support.images import png
from tornado.httpclient import AsyncHTTPClient

pytest_plugins = ("onlyoffice_double.fixtures",)


async def image_url(jp_fetch: Any, data: bytes, document: str) -> str:
    body = {"data": base64.b64encode(data).decode(), "name": "fig", "document": document}
    response = await jp_fetch("api", "wopi", "images", method="POST", body=json.dumps(body))
    return str(json.loads(response.body)["url"])


async def test_an_inserted_image_is_downloaded_by_ds_and_saved_into_the_document(
    onlyoffice: OnlyOfficeDouble, open_session: Any, jp_fetch: Any, jp_root_dir: Path
) -> None:
    doc = await open_session("report.docx", b"text")
    page = await open_in_editor(onlyoffice, doc)
    session, user = editor(page)
    assert user.file_info["EnableInsertRemoteImage"] is True
    assert page.html.count('requestInsertImage": true') == 1  # the page offers From Storage
    await session.load(user)
    figure = png(b"a notebook's figure")
    url = await image_url(jp_fetch, figure, "report.docx")
    # What the page does on Action_InsertGraphic: its editor hands the URL to DS.
    answer = await AsyncHTTPClient().fetch(
        f"{onlyoffice.url}/__double/images",
        method="POST",
        body=json.dumps({"usid": user.user_session_id, "url": url}),
    )
    assert json.loads(answer.body) == {
        "inserted": True,
        "size": len(figure),
        "content_type": "image/png",
        "error": "",
    }
    image = await onlyoffice.wait_for_image()
    assert image.data == figure and image.user_id == user.user_id and image.status == 200
    assert session.inserted_images == [image] and session.changed
    assert user.signals == ["change"]  # the page posts Edit_Notification, as for typing
    await session.close(user)
    saved = (jp_root_dir / "report.docx").read_bytes()
    assert saved.startswith(b"text") and image.sha256[:12].encode() in saved


async def test_a_viewer_is_not_offered_images_and_bad_urls_insert_nothing(
    onlyoffice: OnlyOfficeDouble, open_session: Any, jp_fetch: Any
) -> None:
    viewed = await open_session("seen.docx", b"x", action="view")
    page = await open_in_editor(onlyoffice, viewed)
    assert page.user is not None and page.user.file_info["EnableInsertRemoteImage"] is False
    assert 'requestInsertImage": false' in page.html
    doc = await open_session("report.docx", b"text")
    session, user = editor(await open_in_editor(onlyoffice, doc))
    await session.load(user)
    url = await image_url(jp_fetch, png(), "report.docx")
    spent = [await onlyoffice.insert_image(user.user_session_id, url) for _ in range(4)]
    assert [i.inserted for i in spent if i] == [True, True, True, False]  # three downloads
    assert spent[3] is not None and spent[3].status == 404
    assert spent[3].error == "the image URL answered 404"
    text = await onlyoffice.insert_image(
        user.user_session_id, f"{onlyoffice.url}/hosting/capabilities"
    )
    assert text is not None and text.error == "this is not an image"
    assert await onlyoffice.insert_image("no-such-editor", url) is None
    assert len(session.inserted_images) == 5
    assert session.content is not None and session.content.count(b"[image ") == 3
