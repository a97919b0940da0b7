"""`POST api/wopi/convert`: conversion through ONLYOFFICE's convert-to endpoint (spec §7.2)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from support.editing import jp_server_config, server_onlyoffice, wopi_settings  # noqa: F401
from tornado.httpclient import HTTPClientError

pytest_plugins = ("onlyoffice_double.fixtures",)


async def convert(jp_fetch: Any, **body: Any) -> Any:
    return json.loads(
        (await jp_fetch("api", "wopi", "convert", method="POST", body=json.dumps(body))).body
    )


async def test_xlsx_to_csv_lands_beside_the_original(jp_fetch: Any, jp_root_dir: Path) -> None:
    (jp_root_dir / "data").mkdir()
    source = jp_root_dir / "data" / "results.xlsx"
    source.write_bytes(b"spreadsheet bytes")
    first = await convert(jp_fetch, path="data/results.xlsx", format="csv")
    assert first == {"path": "data/results.csv"}
    digest = hashlib.sha256(b"spreadsheet bytes").hexdigest().encode()
    assert (jp_root_dir / "data" / "results.csv").read_bytes() == b"CONVERTED xlsx->csv\n" + digest
    second = await convert(jp_fetch, path="data/results.xlsx", format="csv")
    assert second == {"path": "data/results (2).csv"}  # never overwrites
    assert source.read_bytes() == b"spreadsheet bytes"
    assert not [p for p in (jp_root_dir / "data").iterdir() if p.name.startswith(".~")]


@pytest.mark.parametrize(
    ("server_onlyoffice", "name", "target", "code", "message"),
    [
        ("double", "slides.pptx", "csv", 422, "pptx → .csv is unsupported"),
        # named by where its value came from (here Jupyter's configuration), never a variable
        # the administrator did not set
        (
            "unreachable",
            "a.docx",
            "pdf",
            502,
            "Check c.JupyterWopi.onlyoffice_url in Jupyter's configuration.",
        ),
    ],
    ids=["unsupported-pair", "unreachable-onlyoffice"],
)
async def test_a_conversion_that_cannot_be_done_is_explained(
    jp_fetch: Any, jp_root_dir: Path, name: str, target: str, code: int, message: str
) -> None:
    (jp_root_dir / name).write_bytes(b"x")
    with pytest.raises(HTTPClientError) as err:
        await convert(jp_fetch, path=name, format=target)
    assert err.value.code == code
    assert message in json.loads(err.value.response.body)["message"]
    assert sorted(p.name for p in jp_root_dir.iterdir()) == [name]


async def test_bad_requests(jp_fetch: Any, jp_root_dir: Path) -> None:
    (jp_root_dir / "a.docx").write_bytes(b"x")
    for body, code in (
        ({"path": "a.docx"}, 400),
        ({"path": "a.docx", "format": "p/df"}, 400),
        ({"path": "missing.docx", "format": "pdf"}, 404),
    ):
        with pytest.raises(HTTPClientError) as err:
            await convert(jp_fetch, **body)
        assert err.value.code == code, body


async def test_control_characters_in_the_name_never_reach_the_part_header(
    jp_fetch: Any, jp_root_dir: Path, onlyoffice: Any
) -> None:
    name = 'q3\r\nContent-Type: text-html\r\n\x07"x".xlsx'
    (jp_root_dir / name).write_bytes(b"cells")
    result = await convert(jp_fetch, path=name, format="csv")
    assert result == {"path": 'q3\r\nContent-Type: text-html\r\n\x07"x".csv'}
    [body] = onlyoffice.convert_to_bodies
    part_head = body[
        body.index(b'name="data"') : body.index(b"\r\n\r\n", body.index(b'name="data"'))
    ]
    assert part_head == (
        b'name="data"; filename="q3__Content-Type: text-html____x_.xlsx"\r\n'
        b"Content-Type: application/octet-stream"
    )


async def test_a_result_over_the_size_limit_is_413_and_nothing_is_saved(
    jp_serverapp: Any, jp_fetch: Any, jp_root_dir: Path
) -> None:
    host = jp_serverapp.web_app.settings["jupyter_wopi"]
    host.settings = dataclasses.replace(host.settings, max_file_size=10)
    (jp_root_dir / "big.xlsx").write_bytes(b"spreadsheet bytes")
    with pytest.raises(HTTPClientError) as err:
        await convert(jp_fetch, path="big.xlsx", format="csv")
    assert err.value.code == 413
    message = json.loads(err.value.response.body)["message"]
    assert message.startswith("The converted file is larger than the limit of 10 bytes")
    assert "JUPYTER_WOPI_MAX_FILE_SIZE" in message
    assert sorted(p.name for p in jp_root_dir.iterdir()) == ["big.xlsx"]
