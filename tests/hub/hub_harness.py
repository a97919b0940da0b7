"""Pieces of the JupyterHub tests: a real JupyterHub (configurable-http-proxy, a local process
spawner, a shared-password login) whose single-user servers run JupyterLab with jupyter_wopi,
and a person's browser that logs in through the hub's form and its OAuth redirects."""

from __future__ import annotations

import base64
import contextlib
import html.parser
import importlib.metadata
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import requests
from support.server_process import OTHER_EXTENSIONS, REPO, free_port

from jupyter_wopi.team.hub import SERVER_ROLE_SCOPES, USER_SCOPES, access_scope

CHP_LOCAL = REPO / ".cache" / "chp" / "node_modules" / ".bin" / "configurable-http-proxy"
CHP_INSTALL = "npm install --prefix .cache/chp --no-save configurable-http-proxy@4"
MIN_HUB = (5, 3)  # sharing (5.0) and SharedPasswordAuthenticator (5.3)
PASSWORD = "wopi-hub-tests"  # every user's; SharedPasswordAuthenticator wants ≥ 8 characters
SERVICE = "wopi-tests"  # the hub service whose token the tests manage users and servers with
TIMEOUT = 30  # seconds, for one HTTP request


def checkout_python_path() -> str:
    """This checkout first, as server_process.py does: an editable install may point
    elsewhere."""
    return os.pathsep.join([str(REPO), *filter(None, [os.getenv("PYTHONPATH")])])


def find_chp() -> str | None:
    """configurable-http-proxy: the copy tests/run.sh installs, else one on PATH."""
    if os.access(CHP_LOCAL, os.X_OK):
        return str(CHP_LOCAL)
    return shutil.which("configurable-http-proxy")


def missing_prerequisite() -> str | None:
    """Why the hub tests cannot run here, or None."""
    try:
        version = importlib.metadata.version("jupyterhub")
    except importlib.metadata.PackageNotFoundError:
        return "jupyterhub is not installed (pip install -e '.[test]')"
    major_minor = tuple(int(part) for part in version.split(".")[:2] if part.isdigit())
    if major_minor < MIN_HUB:
        return f"jupyterhub {version} is too old: the tests need >= 5.3"
    if find_chp() is None:
        return f"configurable-http-proxy is neither in {CHP_LOCAL} nor on PATH ({CHP_INSTALL})"
    if shutil.which("node") is None:
        return "configurable-http-proxy needs Node.js, and there is no `node` on PATH"
    return None


def team_service_access(service: str, users: Iterable[str]) -> dict[str, Any]:
    """Hub(...) options that let the users' servers call the hub service `service` (the team
    service) with their own token, as docs/admin.md says: the servers' tokens
    ($JUPYTERHUB_API_TOKEN) ask for its access scope on top of JupyterHub's defaults, and a
    role grants that scope to `users` (a server's token gets only the scopes its user holds);
    and the service may look users up (their groups, for the folder rules)."""
    scope = access_scope(service)
    return {
        "server_token_scopes": [*SERVER_ROLE_SCOPES, scope],
        "roles": [
            {"name": f"{service}-users", "scopes": [scope], "users": list(users)},
            {"name": f"{service}-service", "scopes": list(USER_SCOPES), "services": [service]},
        ],
    }


def team_folder_hub(
    workdir: Path,
    users: tuple[str, ...],
    settings: dict[str, Any],
    onlyoffice_url: str,
    *,
    showing: Iterable[str],
    groups: dict[str, list[str]] | None = None,
    scope_holders: Iterable[str] | None = None,
    service: str = "wopi",
) -> Hub:
    """A hub that runs the team service `service` on `workdir/teams` (`settings`: its
    c.TeamService.*, root_dir and state_dir given), whose users' servers may call it (those
    of `scope_holders`, all by default) and show its folder analytics at shared/analytics
    (those of `showing`)."""
    teams = workdir / "teams"  # the shared volume
    settings = {
        "root_dir": str(teams),
        "state_dir": str(workdir / "team-state"),
        "onlyoffice_url": onlyoffice_url,
        **settings,
    }
    config = workdir / "team_service_config.py"
    config.write_text("".join(f"c.TeamService.{k} = {v!r}\n" for k, v in settings.items()))
    port = free_port()
    hub = Hub(
        workdir,
        users,
        single_user_env={
            "JUPYTER_WOPI_ONLYOFFICE_URL": onlyoffice_url,
            "JUPYTER_WOPI_TEAM_SERVICE_URL": f"http://127.0.0.1:{port}/services/{service}/",
            "JUPYTER_WOPI_TEAM_FOLDERS": json.dumps({"shared/analytics": "analytics"}),
        },
        groups=groups,
        services=[
            {
                "name": service,
                "url": f"http://127.0.0.1:{port}",
                "command": [sys.executable, "-m", "jupyter_wopi.team", "--config", str(config)],
                "environment": {"PYTHONPATH": checkout_python_path()},
            }
        ],
        **team_service_access(service, users if scope_holders is None else scope_holders),
    )
    for folder in settings["folders"]:
        (teams / folder).mkdir(parents=True, exist_ok=True)
    for name in showing:
        (hub.notebook_dir(name) / "shared").mkdir()
        (hub.notebook_dir(name) / "shared" / "analytics").symlink_to(teams / "analytics")
    return hub


def free_ports(count: int) -> list[int]:
    """Distinct free ports (free_port may hand out the same one twice)."""
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


class Hub:
    """`python -m jupyterhub` in `workdir`: proxy, hub and servers on 127.0.0.1, the hub's
    database, cookie secret and log in `workdir`, each user's notebook folder in
    `workdir/notebooks/<name>`. Its single-user servers get `single_user_env` on top of what
    the hub gives them. Hub, proxy and servers all write to `hub.log`."""

    def __init__(
        self,
        workdir: Path,
        users: Iterable[str],
        single_user_env: dict[str, str],
        *,
        groups: dict[str, list[str]] | None = None,
        services: Iterable[dict[str, Any]] = (),
        server_token_scopes: Iterable[str] | None = None,
        roles: Iterable[dict[str, Any]] = (),
    ) -> None:
        self.workdir = workdir
        self.users = tuple(users)
        self.groups = groups or {}
        self.services = list(services)  # more services, run by the hub
        # c.Spawner.server_token_scopes (None: JupyterHub's default, the `server` role's) and
        # more roles for c.JupyterHub.load_roles: see team_service_access.
        self.server_token_scopes = None if server_token_scopes is None else [*server_token_scopes]
        self.roles = list(roles)
        self.proxy_port, self.hub_port, self.proxy_api_port = free_ports(3)
        self.service_token = os.urandom(16).hex()
        self.log_path = workdir / "hub.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.server_pids: dict[str, int] = {}
        for name in self.users:
            self.notebook_dir(name).mkdir(parents=True, exist_ok=True)
        self.config_path = workdir / "jupyterhub_config.py"
        self.config_path.write_text(self._hub_config(single_user_env))
        # The single-user servers' Jupyter config (JUPYTER_CONFIG_DIR): only what they need.
        single_user_config = workdir / "single-user-config"
        single_user_config.mkdir(exist_ok=True)
        server_config = {
            "ServerApp": {
                "allow_root": True,  # the tests run as root
                "jpserver_extensions": {
                    **dict.fromkeys(OTHER_EXTENSIONS, False),
                    **dict.fromkeys(("jupyter_wopi", "jupyterlab"), True),
                },
            },
            "LabApp": {"extension_manager": "readonly"},  # lab/api/extensions without PyPI
            "FileContentsManager": {"delete_to_trash": False},  # not the user's real trash
        }
        (single_user_config / "jupyter_server_config.json").write_text(json.dumps(server_config))
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("JUPYTER_WOPI_", "JUPYTERHUB_", "JUPYTER_TOKEN", "CONFIGPROXY"))
        }

    @property
    def url(self) -> str:
        """The hub's public URL: the proxy (http://127.0.0.1:<port>/)."""
        return f"http://127.0.0.1:{self.proxy_port}/"

    def user_url(self, name: str, path: str = "") -> str:
        return f"{self.url}user/{name}/{path.lstrip('/')}"

    def notebook_dir(self, name: str) -> Path:
        return self.workdir / "notebooks" / name

    def _hub_config(self, single_user_env: dict[str, str]) -> str:
        work = self.workdir
        environment = {
            **single_user_env,
            "JUPYTER_CONFIG_DIR": str(work / "single-user-config"),
            "PYTHONPATH": checkout_python_path(),
        }
        settings: dict[str, Any] = {
            "JupyterHub.bind_url": self.url,
            # Sets $JUPYTERHUB_PUBLIC_URL in the servers: jupyter_wopi's WOPISrc base.
            "JupyterHub.public_url": self.url,
            "JupyterHub.hub_bind_url": f"http://127.0.0.1:{self.hub_port}",
            "JupyterHub.db_url": f"sqlite:///{work / 'jupyterhub.sqlite'}",
            "JupyterHub.cookie_secret_file": str(work / "jupyterhub_cookie_secret"),
            "JupyterHub.pid_file": str(work / "jupyterhub.pid"),
            # POST .../server answers at once, so that servers start in parallel.
            "JupyterHub.tornado_settings": {"slow_spawn_timeout": 0},
            "ConfigurableHTTPProxy.command": [find_chp()],
            "ConfigurableHTTPProxy.api_url": f"http://127.0.0.1:{self.proxy_api_port}",
            "ConfigurableHTTPProxy.pid_file": str(work / "proxy.pid"),
            "JupyterHub.authenticator_class": "shared-password",
            "SharedPasswordAuthenticator.user_password": PASSWORD,
            "Authenticator.allowed_users": set(self.users),
            "JupyterHub.spawner_class": "simple",  # no system users needed
            "SimpleLocalProcessSpawner.home_dir_template": str(work / "home" / "{username}"),
            "Spawner.notebook_dir": str(work / "notebooks" / "{username}"),
            "Spawner.ip": "127.0.0.1",
            "Spawner.cmd": [sys.executable, "-m", "jupyterhub.singleuser"],
            "Spawner.default_url": "/lab",
            "Spawner.environment": environment,
            "Spawner.start_timeout": 60,
            "Spawner.http_timeout": 60,
            "JupyterHub.services": [
                {"name": SERVICE, "api_token": self.service_token},
                *self.services,
            ],
            "JupyterHub.load_groups": {
                name: {"users": members} for name, members in self.groups.items()
            },
            "JupyterHub.load_roles": [
                # JupyterHub 5 sharing: users may share their own servers, with users by name.
                {"name": "user", "scopes": ["self", "shares!user", "read:users:name"]},
                {
                    "name": SERVICE,
                    "services": [SERVICE],
                    "scopes": ["admin:users", "admin:servers", "admin:groups"],
                },
            ],
        }
        if self.server_token_scopes is not None:
            settings["Spawner.server_token_scopes"] = self.server_token_scopes
        settings["JupyterHub.load_roles"] += self.roles
        lines = ["c = get_config()  # noqa: F821"]
        lines += [f"c.{name} = {value!r}" for name, value in settings.items()]
        return "\n".join(lines) + "\n"

    # -- lifecycle -------------------------------------------------------------------------

    def start(self, timeout: float = 60) -> None:
        assert self.proc is None, "already running"
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(self.config_path)],
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a Ctrl-C of pytest must not skip the cleanup
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                if requests.get(self.url + "hub/api/", timeout=2).ok:  # through the proxy
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        raise RuntimeError(
            f"JupyterHub did not start (exit {self.proc.poll()}):\n{self.log_tail()}"
        )

    def api(self, method: str, path: str, body: Any = None) -> requests.Response:
        """The hub's REST API as the tests' admin service."""
        return requests.request(
            method,
            self.url + "hub/api/" + path,
            json=body,
            headers={"Authorization": f"token {self.service_token}"},
            timeout=TIMEOUT,
        )

    def spawn(self, names: Iterable[str], timeout: float = 60) -> None:
        """Start these users' servers (all at once) and wait until every one is ready."""
        waiting = list(names)
        for name in waiting:
            response = self.api("POST", f"users/{name}/server")
            assert response.status_code in (201, 202), (response.status_code, response.text)
        deadline = time.monotonic() + timeout
        while waiting:
            name = waiting[0]
            server = self.api("GET", f"users/{name}").json()["servers"].get("", {})
            if server.get("state", {}).get("pid"):
                self.server_pids[name] = int(server["state"]["pid"])
            if server.get("ready"):
                waiting.pop(0)
            elif time.monotonic() > deadline:
                raise RuntimeError(f"{name}'s server did not start:\n{self.log_tail()}")
            else:
                time.sleep(0.2)

    def server_api_token(self, name: str) -> str:
        """The token in the environment of `name`'s running server ($JUPYTERHUB_API_TOKEN):
        what the server calls the hub and the team service with."""
        environ = Path(f"/proc/{self.server_pids[name]}/environ").read_bytes().split(b"\0")
        [token] = [
            v for k, _, v in (e.partition(b"=") for e in environ) if k == b"JUPYTERHUB_API_TOKEN"
        ]
        return token.decode()

    def stop_server(self, name: str, timeout: float = 30) -> None:
        """Stop a user's server, as the idle culler does, and wait until it is gone."""
        response = self.api("DELETE", f"users/{name}/server")
        assert response.status_code in (202, 204), (response.status_code, response.text)
        deadline = time.monotonic() + timeout
        while self.api("GET", f"users/{name}").json()["servers"]:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name}'s server did not stop:\n{self.log_tail()}")
            time.sleep(0.2)

    def stop(self, timeout: float = 20) -> None:
        """Stop the hub (which stops its proxy and servers); then kill, by their pid, any of
        those that outlived it."""
        if self.proc is None:
            return
        self.proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout)
        self.proc.kill()  # does nothing if it has exited
        self.proc.wait()
        self.proc = None
        leftovers = [(pid, "jupyterhub.singleuser") for pid in self.server_pids.values()]
        pid_file = self.workdir / "proxy.pid"
        if pid_file.exists() and pid_file.read_text().strip().isdigit():
            leftovers.append((int(pid_file.read_text()), "configurable-http-proxy"))
        for pid, command in leftovers:
            if command in _command_line(pid):  # still ours, not a reused pid
                os.kill(pid, signal.SIGKILL)

    def log_tail(self, lines: int = 150) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class _HiddenInputs(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "hidden" and found.get("name"):
            self.fields.append((found["name"] or "", found.get("value") or ""))


def hidden_inputs(page: str) -> list[tuple[str, str]]:
    """A form's hidden fields (names may repeat: the OAuth form lists each scope)."""
    parser = _HiddenInputs()
    parser.feed(page)
    return parser.fields


class HubBrowser:
    """What a person's browser does with the hub: the login form, cookies, redirects, the OAuth
    consent form (shown for servers shared with them) and `X-XSRFToken` on API calls, like
    JupyterLab. No JavaScript."""

    def __init__(self, hub: Hub, name: str) -> None:
        self.hub = hub
        self.name = name
        self.http = requests.Session()

    def log_in(self, password: str = PASSWORD) -> requests.Response:
        """Submit the hub's login form; returns the answer (302 on success)."""
        form = self.http.get(self.hub.url + "hub/login", timeout=TIMEOUT)
        fields = dict(hidden_inputs(form.text))
        return self.http.post(
            self.hub.url + "hub/login",
            data={**fields, "username": self.name, "password": password},
            allow_redirects=False,
            timeout=TIMEOUT,
        )

    def visit(self, path: str) -> requests.Response:
        """GET a page of the hub's site (path below the proxy URL), following redirects and
        accepting the OAuth consent form."""
        response = self.http.get(self.hub.url + path, timeout=TIMEOUT)
        if "/hub/api/oauth2/authorize" in response.url and response.status_code == 200:
            response = self.http.post(
                response.url, data=hidden_inputs(response.text), timeout=TIMEOUT
            )
        return response

    def xsrf_token(self, path: str) -> str:
        """The `_xsrf` cookie the browser would send to `path` (hub and each server set one)."""
        cookies = [c for c in self.http.cookies if c.name == "_xsrf" and path.startswith(c.path)]
        assert cookies, f"no _xsrf cookie for {path}: open a page there first"
        return str(max(cookies, key=lambda c: len(c.path)).value)

    def call(self, method: str, path: str, body: Any = None) -> requests.Response:
        """A JSON API request with the session's cookies, as the lab makes it."""
        return self.http.request(
            method,
            self.hub.url + path,
            json=body,
            headers={"X-XSRFToken": self.xsrf_token("/" + path)},
            allow_redirects=False,
            timeout=TIMEOUT,
        )

    def api_token(self) -> str:
        """A new hub API token of this user (made through the hub's API, as on its token page)."""
        response = self.call("POST", f"hub/api/users/{self.name}/tokens", {"note": "wopi tests"})
        assert response.status_code == 201, (response.status_code, response.text)
        return str(response.json()["token"])

    def scoped_api_token(self, scopes: list[str]) -> str:
        """A new hub API token of this user that carries only `scopes` (and what JupyterHub
        adds to every token: identifying its owner)."""
        response = self.call(
            "POST", f"hub/api/users/{self.name}/tokens", {"note": "wopi tests", "scopes": scopes}
        )
        assert response.status_code == 201, (response.status_code, response.text)
        return str(response.json()["token"])

    def server_oauth_token(self, owner: str) -> str:
        """The OAuth token the hub gave this browser for `owner`'s server (after visiting it):
        the server keeps it in its cookie `jupyterhub-user-<owner>`, signed but not encrypted,
        so the server (and any code running in it) reads it on every request."""
        name = f"jupyterhub-user-{owner}"
        [cookie] = [c for c in self.http.cookies if c.name == name and c.value]
        return signed_cookie_value(str(cookie.value)).decode()


def signed_cookie_value(cookie: str) -> bytes:
    """The value inside a tornado signed cookie (version 2: `2|1:0|<n>:<time>|<n>:<name>|
    <n>:<base64 value>|<signature>`), without checking the signature."""
    fields = cookie.strip('"').split("|")
    assert len(fields) == 6 and fields[0] == "2", f"not a tornado v2 signed cookie: {cookie!r}"
    return base64.b64decode(fields[4].split(":", 1)[1])
