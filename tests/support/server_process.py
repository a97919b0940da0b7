"""A real `jupyter server` subprocess with jupyter_wopi enabled, for tests that restart or
kill the server (the in-process pytest-jupyter fixtures cannot)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parents[2]
BASE_URL = "/jw%40test/"  # non-root and percent-encoded, like pytest-jupyter's
# not needed here, and they slow the start down
OTHER_EXTENSIONS = ("jupyter_server_terminals", "jupyterlab", "jupyter_lsp", "notebook_shim")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_user(uid: int, args: list[str]) -> list[str]:
    """`args` run by root as an ordinary user, so that file permissions apply to it for real.
    It keeps one capability, CAP_DAC_READ_SEARCH, to read (never write) the Python install
    under /root; the kernel does not give it to access(2), which answers as the user."""
    return [
        "setpriv",
        f"--reuid={uid}",
        f"--regid={uid}",
        "--clear-groups",
        "--inh-caps=+dac_read_search",
        "--ambient-caps=+dac_read_search",
        *args,
    ]


class JupyterServerProcess:
    """Keeps its root, state dir, port and Jupyter token across restarts."""

    def __init__(
        self,
        workdir: Path,
        extra_config: dict[str, Any] | None = None,
        uid: int | None = None,
        root: Path | None = None,
    ) -> None:
        self.workdir = workdir
        self.uid = uid  # run as this user (from root), see as_user()
        self.root = root or workdir / "root"  # several servers may serve one folder
        self.state_dir = workdir / "wopi-state"
        self.log_path = workdir / "server.log"
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.proc: subprocess.Popen[bytes] | None = None
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("JUPYTER_WOPI_", "JUPYTER_TOKEN"))
        }
        for name in ("config", "data", "runtime"):
            (workdir / name).mkdir(parents=True, exist_ok=True)
            self.env[f"JUPYTER_{name.upper()}_DIR"] = str(workdir / name)
        python_path = [str(REPO), *filter(None, [self.env.get("PYTHONPATH")])]
        self.env["PYTHONPATH"] = os.pathsep.join(python_path)
        self.root.mkdir(parents=True, exist_ok=True)
        config = {
            "ServerApp": {
                "jpserver_extensions": {
                    "jupyter_wopi": True,
                    **dict.fromkeys(OTHER_EXTENSIONS, False),
                },
                "allow_unauthenticated_access": False,
            },
            "JupyterWopi": {"state_dir": str(self.state_dir)},
            # Deleting removes: send2trash would move the file into the user's real trash
            # (tests/conftest.py's real_trash_untouched fails the run then).
            "FileContentsManager": {"delete_to_trash": False},
            **(extra_config or {}),  # whole sections replace the defaults above
        }
        (workdir / "config" / "jupyter_server_config.json").write_text(json.dumps(config))

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}{BASE_URL}"

    def url(self, path: str) -> str:
        return self.base + path.lstrip("/")

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def start(self, timeout: float = 30, poll_interval: float = 0.1) -> None:
        assert self.proc is None, "already running"
        args = [
            sys.executable,
            "-m",
            "jupyter_server",
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.base_url={BASE_URL}",
            f"--ServerApp.root_dir={self.root}",
        ]
        if self.uid is not None:
            args = as_user(self.uid, args)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                args, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if requests.get(self.url("api/status"), headers=self.auth(), timeout=2).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(poll_interval)
        code = self.proc.poll()
        self.kill()
        raise RuntimeError(f"Jupyter server did not start (exit code {code}):\n{self.log_tail()}")

    def stop(self, timeout: float = 30) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log_tail(self, lines: int = 60) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def open_session(self, path: str, action: str = "edit") -> dict[str, Any]:
        response = requests.post(
            self.url("api/wopi/sessions"),
            headers=self.auth(),
            json={"path": path, "action": action},
            timeout=30,
        )
        assert response.ok, f"{response.status_code} {response.text}\n{self.log_tail()}"
        return response.json()  # type: ignore[no-any-return]

    def wopi_post(
        self,
        session: dict[str, Any],
        suffix: str = "",
        data: bytes | None = None,
        **headers: str,
    ) -> requests.Response:
        """A WOPI POST to the session's file on this server (`suffix` "/contents" for
        PutFile), with the session's token, as ONLYOFFICE sends it."""
        return requests.post(
            self.url(f"wopi/files/{session['file_id']}{suffix}"),
            params={"access_token": session["access_token"]},
            headers=headers,
            data=data,
            timeout=30,
        )

    def __enter__(self) -> JupyterServerProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
