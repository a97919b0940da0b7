"""`GET wopi/open/{path}`: the standalone host page (spec §3)."""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from support.editing import jp_server_config, server_onlyoffice, wopi_settings  # noqa: F401
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

pytest_plugins = ("onlyoffice_double.fixtures",)


def form_fields(page: str) -> dict[str, str]:
    action = re.search(r'<form id="office_form"[^>]* action="([^"]*)" method="post">', page)
    assert action, page
    fields = dict(re.findall(r'<input name="(\w+)" value="([^"]*)" type="hidden">', page))
    return {
        "action": html.unescape(action.group(1)),
        **{k: html.unescape(v) for k, v in fields.items()},
    }


async def test_host_page_posts_the_token_into_a_named_frame(
    jp_fetch: Any, jp_root_dir: Any, onlyoffice: Any
) -> None:
    (jp_root_dir / "docs").mkdir()
    (jp_root_dir / "docs" / "Q3 report.docx").write_bytes(b"report")
    response = await jp_fetch("wopi", "open", "docs", "Q3 report.docx")
    page = response.body.decode()
    assert '<meta name="viewport" content="width=device-width">' in page
    assert 'target="office_frame"' in page and "frame.name = 'office_frame'" in page
    assert re.search(r'<link rel="shortcut icon" type="image/x-icon" href="http://127', page)
    assert "Opening Q3 report.docx in ONLYOFFICE Docs" in page  # never a blank frame
    fields = form_fields(page)
    assert fields["action"].startswith(onlyoffice.url + "/hosting/wopi/word/edit?")
    assert "access_token" not in fields["action"]  # the token travels in the form body only
    assert int(fields["access_token_ttl"]) > 0
    # The editor's own Save reaches Jupyter (force-save), as in the lab's panel.
    config = json.loads(fields["docs_api_config"])
    assert config == {"editorConfig": {"customization": {"forcesave": True}}}
    # The form works: the double opens the document for editing, with a Save button.
    form = ("access_token", "access_token_ttl", "docs_api_config")
    body = urlencode({k: fields[k] for k in form})
    result = await AsyncHTTPClient().fetch(fields["action"], method="POST", body=body)
    assert result.code == 200 and onlyoffice.last_page.ok
    assert onlyoffice.last_page.user is not None and onlyoffice.last_page.user.forcesave
    assert onlyoffice.operations() == ["CheckFileInfo", "Lock"]
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("server_onlyoffice", ["none"])
async def test_host_page_explains_what_is_missing(jp_fetch: Any, jp_root_dir: Any) -> None:
    (jp_root_dir / "a.docx").write_bytes(b"x")
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("wopi", "open", "a.docx")
    assert err.value.code == 503
    # The lab may set the address here: the page names it as ONLYOFFICE Settings does.
    page = err.value.response.body.decode()
    assert "enter the ONLYOFFICE Docs address in ONLYOFFICE Settings" in page
    assert "JUPYTER_WOPI_ONLYOFFICE_URL" not in page


async def test_host_page_for_missing_file_is_404(jp_fetch: Any) -> None:
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("wopi", "open", "nope.docx")
    assert err.value.code == 404
    assert "There is no file at nope.docx" in err.value.response.body.decode()
