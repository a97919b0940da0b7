"""`jupyter_wopi.Document` in a kernel (issue 12 item 1, kernel side): cheap to import, its
MIME bundle, and the link to the standalone editor page on the server that serves the file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jupyter_wopi import Document
from jupyter_wopi.document import MIME_TYPE, ServerInfo, running_servers, server_path


def test_importing_it_in_a_kernel_loads_no_server_code() -> None:
    code = (
        "import sys, jupyter_wopi; from jupyter_wopi import Document; "
        "print(sorted(m for m in ('tornado', 'jupyter_server', 'traitlets', 'cryptography') "
        "if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"


def test_the_bundle_carries_the_path_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "results.xlsx").write_bytes(b"cells")
    bundle = Document(Path("out/results.xlsx"), height=300)._repr_mimebundle_()
    assert set(bundle) == {MIME_TYPE, "text/html", "text/plain"}
    assert bundle[MIME_TYPE] == {
        "path": "out/results.xlsx",
        "height": 300,
        "mode": "view",
        "exists": True,
    }
    json.dumps(bundle)  # what the kernel sends must be JSON
    assert bundle["text/plain"] == "Document('out/results.xlsx')"


def test_a_missing_file_says_so_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    bundle = Document("report.docx", mode="edit")._repr_mimebundle_()
    assert bundle[MIME_TYPE]["exists"] is False
    assert bundle["text/plain"].endswith("(no such file)")
    assert "report.docx: no such file" in bundle["text/html"]
    assert str(tmp_path) not in json.dumps(bundle)  # saved notebooks carry no local paths
    assert bundle["text/plain"].startswith("Document('report.docx', mode='edit')")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"mode": "write"}, ValueError), ({"height": 2.5}, TypeError), ({"height": True}, TypeError)],
)
def test_bad_options_are_refused_with_a_sentence(kwargs: dict[str, object], error: type) -> None:
    with pytest.raises(error, match="must be"):
        Document("a.docx", **kwargs)  # type: ignore[arg-type]


def test_the_server_with_the_deepest_root_serves_a_file(tmp_path: Path) -> None:
    home = ServerInfo(str(tmp_path), "/")
    project = ServerInfo(str(tmp_path / "project"), "/user/ada/")
    sibling = ServerInfo(str(tmp_path / "proj"), "/other/")
    file = str(tmp_path / "project" / "out" / "q3 final.docx")
    assert server_path(file, [home, sibling, project]) == (project, "out/q3 final.docx")
    assert server_path(file, [sibling]) is None  # /proj is not a parent of /project
    assert server_path(str(tmp_path.parent / "x.docx"), [home]) is None


def test_the_html_links_to_the_editor_page_of_the_running_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(runtime))
    root = tmp_path / "work"
    (root / "out").mkdir(parents=True)
    (root / "out" / "q3 final.docx").write_bytes(b"doc")
    (runtime / "jpserver-1.json").write_text(
        json.dumps({"root_dir": str(root), "base_url": "/user/ada/", "url": "http://x/"})
    )
    (runtime / "jpserver-2.json").write_text("{not json")  # a server still writing its file
    assert running_servers() == [ServerInfo(str(root), "/user/ada/")]
    monkeypatch.chdir(root / "out")
    viewed = Document("q3 final.docx")._repr_mimebundle_()["text/html"]
    assert 'href="/user/ada/wopi/open/out/q3%20final.docx?action=view"' in viewed
    assert "View q3 final.docx in ONLYOFFICE Docs" in viewed
    edited = Document("q3 final.docx", mode="edit").editor_url()
    assert edited == "/user/ada/wopi/open/out/q3%20final.docx"
    # No server serves it: no guessed link, a sentence instead.
    (runtime / "jpserver-1.json").unlink()
    assert "href" not in Document("q3 final.docx")._repr_mimebundle_()["text/html"]
