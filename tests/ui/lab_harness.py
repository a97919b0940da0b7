"""Pieces of the browser tests: a JupyterLab server subprocess that loads this repository's
built lab extension, the ONLYOFFICE double in a background thread, and a small driver for the
lab page in Chromium (Playwright's sync API)."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import nbformat
import requests
from onlyoffice_double import DocumentSession, EditorUser, OnlyOfficeDouble
from onlyoffice_double.fixtures import TEST_KNOBS
from support.loop_thread import LoopThread
from support.server_process import REPO, JupyterServerProcess
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

if TYPE_CHECKING:
    from playwright.sync_api import FrameLocator, Locator, Page, Response

T = TypeVar("T")

CHROMIUM = os.environ.get("JUPYTER_WOPI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BUILT_EXTENSION = REPO / "jupyter_wopi" / "labextension"
EXTENSION_NAME = "jupyter-wopi"
PLUGIN_ID = "jupyter-wopi:plugin"
ARTIFACTS = Path(os.environ.get("JUPYTER_WOPI_ARTIFACTS") or Path(__file__).parent / "artifacts")

# Waits, in milliseconds (Playwright) or seconds (polling Python-side state).
LAB_LOAD_MS = 30_000
UI_MS = 10_000
EDITOR_MS = 15_000
PY_WAIT_S = 15.0
KERNEL_MS = 60_000  # a notebook's kernel starting, and a cell's first run

# The panel's DOM (labextension/src/widget.ts, views.ts, frame.ts, notices.ts, factory.ts).
DOCUMENT = ".jp-wopi-document"  # the DocumentWidget (tab content)
PANEL = ".jp-wopi-panel"  # its content, with jp-mod-{idle,loading,ready,error}
FRAME = ".jp-wopi-panel-frame"
LOADING = ".jp-wopi-panel-loading"
ERROR_BOX = ".jp-wopi-panel-error"
NOTICE = ".jp-wopi-panel-notice"  # data-notice="theme" | "slow" | "expiry" | "legacy"
SAVE_STATUS = ".jp-wopi-save-status"  # in the document's toolbar: data-status="none" | ...
FACTORY = "ONLYOFFICE"
CHECK_CONNECTION = "Check ONLYOFFICE Connection"  # the doctor's command (Help menu, palette)
TOAST = ".Toastify__toast"  # the lab's notifications (apputils Notification)
# Screenshots for the user guide: written there only when JUPYTER_WOPI_DOC_IMAGES=1.
DOC_IMAGES = REPO / "docs" / "images"
# The accessibility audit: npm axe-core (a devDependency of labextension/), injected into
# the page; violations of these impacts fail a test (minor and moderate ones are reported
# by axe but left to judgement).
AXE_JS = REPO / "labextension" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


def artifacts_dir() -> Path:
    """The artifacts folder, made on first use; the default one (in the work tree) ignores
    itself in git, like .pytest_cache."""
    if not ARTIFACTS.is_dir():
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        if not os.environ.get("JUPYTER_WOPI_ARTIFACTS"):
            (ARTIFACTS / ".gitignore").write_text("# made by tests/ui (browser test output)\n*\n")
    return ARTIFACTS


def save_doc_image(page: Page, name: str) -> Path | None:
    """Keep a picture for docs/images (as `name`) when JUPYTER_WOPI_DOC_IMAGES=1, so that a
    plain test run never changes the work tree."""
    if os.environ.get("JUPYTER_WOPI_DOC_IMAGES") != "1":
        return None
    path = DOC_IMAGES / name
    page.screenshot(path=str(path), timeout=UI_MS)
    return path


def missing_prerequisite() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python Playwright is not installed (pip install playwright)"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium; or JUPYTER_WOPI_CHROMIUM)"
    if not (BUILT_EXTENSION / "package.json").is_file():
        return f"the lab extension is not built ({BUILT_EXTENSION}): cd labextension && jlpm build"
    return None


def axe_missing() -> str | None:
    """Why the accessibility audit cannot run here, or None."""
    if not AXE_JS.is_file():
        return f"axe-core is not installed ({AXE_JS}): cd labextension && jlpm install"
    return None


# axe.run on the given part of the page: only its serious and critical violations, as plain
# data. Frames are left out (iframes: false): an editor frame holds ONLYOFFICE's page, from
# another origin, which is ONLYOFFICE's to make accessible, and axe would wait for an answer
# from inside it that never comes.
AXE_RUN = """async ([include, exclude, impacts]) => {
    const context = exclude.length ? { include, exclude } : { include };
    const result = await window.axe.run(context, {
        iframes: false,
        resultTypes: ['violations'],
    });
    return result.violations
        .filter(v => impacts.includes(v.impact))
        .map(v => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({
                target: n.target.join(' '),
                html: n.html.slice(0, 200),
                summary: n.failureSummary || '',
            })),
        }));
}"""


def audit(page: Page, include: str | list[str], exclude: list[str] | None = None) -> list[Any]:
    """The serious and critical accessibility violations (axe-core) in the elements that
    match `include` (CSS selectors), less those in `exclude`. Scoped to jupyter_wopi's own
    elements by the caller, so that JupyterLab's own violations elsewhere in the page do not
    count against this extension, while everything inside ours does. axe fails (an error,
    never an empty list) when `include` matches nothing."""
    reason = axe_missing()
    if reason:
        raise AssertionError(reason)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
        # The lab's shell is positioned over a body of no height that hides its overflow;
        # axe takes everything inside such a body for clipped, and would skip the checks
        # of what is on screen (colour contrast above all). The shell's layout does not
        # depend on the body's height.
        page.add_style_tag(content="html, body { height: 100%; }")
    selectors = [include] if isinstance(include, str) else include
    violations: list[Any] = page.evaluate(
        AXE_RUN, [selectors, exclude or [], list(BLOCKING_IMPACTS)]
    )
    return violations


def describe_violations(violations: list[Any]) -> str:
    """One paragraph per violated rule: its id, impact and help, then each element."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(f"  - {node['target']}: {summary}\n      {node['html']}")
    return "\n".join(lines)


def assert_accessible(
    page: Page, include: str | list[str], what: str, exclude: list[str] | None = None
) -> None:
    """Fail, listing each rule and element, when the audit finds serious or critical
    violations in `include`."""
    violations = audit(page, include, exclude)
    assert not violations, (
        f"accessibility audit of {what} ({include}):\n{describe_violations(violations)}"
    )


def wait_until(
    check: Callable[[], T | None], timeout: float = PY_WAIT_S, what: str = "condition"
) -> T:
    """Poll `check` until it returns something truthy; TimeoutError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not reached within {timeout} s")
        time.sleep(0.05)


def snapshot_extension(target: Path, attempts: int = 20) -> None:
    """Copy the built extension, so that a rebuild while the tests run (`jlpm watch`, a
    `pip install -e .`) cannot pull files from under the lab. Retries while the build is
    half-written: its package.json must name a remoteEntry that the copy holds."""
    for _ in range(attempts):
        if target.exists():
            shutil.rmtree(target)
        try:
            shutil.copytree(BUILT_EXTENSION, target)
            build = json.loads((target / "package.json").read_text())["jupyterlab"]["_build"]
            if (target / build["load"]).is_file():
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{BUILT_EXTENSION} stayed incomplete: is a build running?")


class LabServer(JupyterServerProcess):
    """`python -m jupyter_server` with JupyterLab enabled, the app object exposed to tests
    (`window.jupyterapp`), no network calls (news, update check) and this repository's built
    extension first on the lab's labextensions path: a copy of `jupyter_wopi/labextension` in
    `<workdir>/first/labextensions/jupyter-wopi`, with `<workdir>/first` on JUPYTER_PATH. The lab
    takes the first jupyter-wopi it finds, and JUPYTER_PATH comes before every other folder.
    JUPYTER_DATA_DIR would not do: in a virtualenv or conda env, jupyter_core puts sys.prefix
    first (JUPYTER_PREFER_ENV_PATH), and its copy, from `pip install .`, may be stale."""

    def __init__(self, workdir: Path, onlyoffice_url: str, notebook: bool = False) -> None:
        super().__init__(
            workdir,
            extra_config={
                "ServerApp": {
                    "jpserver_extensions": {
                        "jupyter_wopi": True,
                        "jupyterlab": True,
                        "notebook": notebook,  # Jupyter Notebook 7 (same lab extensions)
                        "jupyter_server_terminals": False,
                        "jupyter_lsp": False,
                        "notebook_shim": False,
                    },
                    "allow_unauthenticated_access": False,
                },
                "LabApp": {
                    "expose_app_in_browser": True,
                    "news_url": None,
                    "check_for_updates_class": "jupyterlab.handlers.announcements."
                    "NeverCheckForUpdate",
                },
                "JupyterWopi": {
                    "state_dir": str(workdir / "wopi-state"),
                    "onlyoffice_url": onlyoffice_url,
                },
            },
        )
        first = workdir / "first"
        self.extension_dir = first / "labextensions" / EXTENSION_NAME
        snapshot_extension(self.extension_dir)
        self.env["JUPYTER_PATH"] = os.pathsep.join(
            [str(first), *filter(None, [self.env.get("JUPYTER_PATH")])]
        )
        # The news question would put a toast over the file browser on first start.
        labconfig = workdir / "config" / "labconfig"
        labconfig.mkdir(parents=True, exist_ok=True)
        page_config = {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}
        (labconfig / "page_config.json").write_text(json.dumps(page_config))

    def lab_url(self, workspace: str) -> str:
        """A fresh workspace of its own for each test (`?reset` drops any saved layout)."""
        return self.url(f"lab/workspaces/{workspace}?reset&token={self.token}")

    def file_status(self, path: str) -> dict[str, Any]:
        """The server's status of a file (its lock, its last save): `GET api/wopi/files`."""
        response = requests.get(
            self.url("api/wopi/files"), params={"path": path}, headers=self.auth(), timeout=10
        )
        response.raise_for_status()
        return dict(response.json())

    def federated_extensions(self) -> list[dict[str, Any]]:
        """What the lab page is told to load (from the page config of /lab)."""
        html = requests.get(self.url("lab"), headers=self.auth(), timeout=30).text
        start = html.index('id="jupyter-config-data"')
        start = html.index(">", start) + 1
        end = html.index("</script>", start)
        config = json.loads(html[start:end])
        return list(config.get("federated_extensions", []))


@contextmanager
def running_lab_server(
    workdir: Path, onlyoffice_url: str, notebook: bool = False
) -> Iterator[LabServer]:
    """A started LabServer, stopped afterwards."""
    server = LabServer(workdir, onlyoffice_url, notebook=notebook)
    server.start(timeout=60)
    try:
        yield server
    finally:
        server.stop()


class DoubleRunner:
    """The ONLYOFFICE double served from a LoopThread, with the editor page's reports driving
    it: the page's connect loads the document (GetFile), its typing edits it, and its unload
    (the tab closed) ends the session with a final save and Unlock, as ONLYOFFICE does."""

    def __init__(self, port: int = 0) -> None:
        self.thread = LoopThread()
        self.double = OnlyOfficeDouble(**{**TEST_KNOBS, "auto_load": True, "auto_close": True})
        if port:
            self.thread.run(self._listen_on(port))
        else:
            self.thread.run(self.double.start())

    async def _listen_on(self, port: int) -> None:
        """`double.listen()` on a given port (it picks a free one itself)."""
        sockets = bind_sockets(port, "127.0.0.1")
        self.double.port = port
        server = HTTPServer(self.double.app, xheaders=False)
        server.add_sockets(sockets)
        self.double._server = server

    @property
    def url(self) -> str:
        return self.double.url

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return self.thread.run(coro, timeout)

    def operations(self, key: str | None = None) -> list[str]:
        return self.double.operations(key)

    def session_for(self, name: str) -> tuple[DocumentSession, EditorUser]:
        """The newest editor session of a file (by its CheckFileInfo BaseFileName)."""

        def find() -> tuple[DocumentSession, EditorUser] | None:
            for page in reversed(list(self.double.pages)):
                info = page.user.file_info if page.user else {}
                if info.get("BaseFileName") == name and page.session and page.user:
                    return page.session, page.user
            return None

        return wait_until(find, what=f"an ONLYOFFICE session of {name}")

    def close(self) -> None:
        try:
            self.thread.run(self.double.stop(), timeout=10)
        finally:
            self.thread.close()


def open_in_editor(
    lab: LabPage, double: DoubleRunner, name: str, content: bytes
) -> tuple[EditorFrame, DocumentSession, EditorUser]:
    """Write `name`, open it from the file browser and wait until the editor loaded it."""
    (lab.server.root / name).write_bytes(content)
    lab.double_click_file(name)
    frame = lab.editor_frame(name=name)
    session, user = double.session_for(name)
    wait_until(lambda: session.loaded, what=f"the double loaded {name} (GetFile)")
    return frame, session, user


class EditorFrame:
    """One editor frame, found again at every use by its name (the panel names each frame it
    loads anew: frame.ts), through locators: never a handle to an element or frame that the
    panel may have replaced since (a reload, a theme change, a re-attached tab). A frame that
    was replaced fails its next use, as it is gone, instead of acting on another editor."""

    def __init__(self, page: Page, name: str) -> None:
        self.page = page
        self.name = name
        selector = f'iframe[name="{name}"]'
        self.element: Locator = page.locator(selector)  # the iframe in the lab's page
        self.content: FrameLocator = page.frame_locator(selector)  # what it shows now
        self._root = self.content.locator(":root")

    def locator(self, selector: str) -> Locator:
        """Elements of the frame's page."""
        return self.content.locator(selector)

    def evaluate(self, expression: str, arg: Any = None, timeout: float = UI_MS) -> Any:
        """The value of `expression`, a function of `arg`, in the frame's page."""
        return self._root.evaluate(f"(_root, arg) => ({expression})(arg)", arg, timeout=timeout)

    @property
    def url(self) -> str:
        return str(self.evaluate("() => location.href"))

    def wait_for_function(self, expression: str, timeout: float = UI_MS) -> Any:
        """Until `expression`, a function without arguments, returns something truthy in
        the frame's page (checked from here, so a throttled frame's timers do not matter)."""
        return wait_until(
            lambda: self.evaluate(expression),
            timeout=timeout / 1000,
            what=f"{expression} in frame {self.name}",
        )


# The double's editor (templates/editor.html): loaded, and told Host_PostmessageReady by the
# panel that handled its App_LoadingStatus; its mode.
DOUBLE_EDITOR_STATE = """() => {
    const state = window.__onlyofficeDouble;
    if (!state || !state.config) return null;
    return {
        ready: state.ready,
        answered: state.received.some(m => m.MessageId === 'Host_PostmessageReady'),
        mode: state.config.editorConfig.mode,
    };
}"""
PANEL_STATE = f"""(panel) => ({{
    ready: panel.classList.contains('jp-mod-ready'),
    frame: panel.querySelector('{FRAME}')?.name || null,
}})"""


def _double_editor(frame: EditorFrame, mode: str | None, host_answers: bool) -> str | None:
    """Why the double's editor in `frame` is not ready yet, or None when it is."""
    from playwright.sync_api import Error

    try:
        state = frame.evaluate(DOUBLE_EDITOR_STATE, timeout=1_000)
    except Error as err:  # still about:blank, or the POST's page replacing it
        return f"frame {frame.name}: {str(err).splitlines()[0]}"
    if not state or not state["ready"]:
        return f"frame {frame.name}: the double's editor has not reported App_LoadingStatus"
    if host_answers and not state["answered"]:
        return f"frame {frame.name}: no Host_PostmessageReady from the panel yet"
    if mode is not None and state["mode"] != mode:
        return f"frame {frame.name}: the editor is in {state['mode']} mode, not {mode}"
    return None


def panel_editor(
    page: Page,
    panel: Locator,
    timeout: float = EDITOR_MS,
    *,
    mode: str | None = None,
    after: EditorFrame | None = None,
) -> EditorFrame:
    """The editor of an ONLYOFFICE panel (`PANEL`: a tab's, an inline view's) once it is
    ready: the panel in jp-mod-ready (App_LoadingStatus), the double's editor loaded in the
    panel's current frame and answered Host_PostmessageReady; in `mode` if given, and in
    another frame than `after` (a reload's new editor, not the one it replaces). Each look
    asks the page again, so a frame replaced meanwhile is never the one returned."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    deadline = time.monotonic() + timeout / 1000
    waiting = "the panel is not there"
    while time.monotonic() < deadline:
        try:
            state = panel.evaluate(PANEL_STATE, timeout=1_000)
        except PlaywrightTimeout:
            state = None
        if state is None:
            waiting = "the panel is not there"
        elif not state["ready"]:
            waiting = "the panel is not in jp-mod-ready"
        elif not state["frame"] or (after is not None and state["frame"] == after.name):
            waiting = f"the panel still shows frame {state['frame']}"
        else:
            frame = EditorFrame(page, state["frame"])
            waiting = _double_editor(frame, mode, host_answers=True) or ""
            if not waiting:
                return frame
        time.sleep(0.05)
    raise TimeoutError(f"the panel's editor: not ready within {timeout / 1000} s ({waiting})")


def page_editor(page: Page, name: str = "office_frame", timeout: float = EDITOR_MS) -> EditorFrame:
    """The editor in the standalone host page (templates/host.html names its frame
    office_frame) once the double's editor has loaded in it."""
    frame = EditorFrame(page, name)
    deadline = time.monotonic() + timeout / 1000
    while (waiting := _double_editor(frame, None, host_answers=False)) is not None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the host page's editor: not ready ({waiting})")
        time.sleep(0.05)
    return frame


class LabPage:
    """The lab in one browser page, with what the tests need to drive and inspect it."""

    def __init__(self, page: Page, server: LabServer, name: str) -> None:
        self.page = page
        self.server = server
        self.name = name
        self.page_errors: list[str] = []
        self.console: list[str] = []
        page.on("pageerror", lambda err: self.page_errors.append(str(err)))
        page.on("console", lambda msg: self.console.append(f"{msg.type}: {msg.text}"))
        self.failed_responses: list[str] = []
        page.on("response", self._on_response)

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed_responses.append(f"{response.status} {response.url}")

    def open(self) -> None:
        """Load the lab and wait until it is restored and the file browser lists the root."""
        self.page.goto(self.server.lab_url(self.name), timeout=LAB_LOAD_MS)
        self.page.wait_for_function(
            """() => {
                const app = window.jupyterapp;
                if (app && !window.__uiRestored) {
                    window.__uiRestored = 'waiting';
                    app.restored.then(() => { window.__uiRestored = 'yes'; });
                }
                return window.__uiRestored === 'yes';
            }""",
            timeout=LAB_LOAD_MS,
        )
        self.page.locator(".jp-DirListing-content").wait_for(timeout=UI_MS)

    def unexpected_failures(self) -> list[str]:
        """Failed HTTP responses, less the lab's LSP probe (jupyter_lsp is not enabled)."""
        return [r for r in self.failed_responses if "/lsp/status" not in r]

    # -- the lab ---------------------------------------------------------------------------

    def command(
        self, command: str, args: dict[str, Any] | None = None, timeout: float = UI_MS
    ) -> None:
        """Run a lab command and wait for it (its result is dropped: widgets don't serialize)."""
        self.page.evaluate(
            """async ([id, args, timeout]) => {
                const late = new Promise((_, reject) => setTimeout(
                    () => reject(new Error(`${id} took more than ${timeout} ms`)), timeout));
                await Promise.race([window.jupyterapp.commands.execute(id, args), late]);
            }""",
            [command, args or {}, timeout],
        )

    def plugin_activated(self, plugin_id: str) -> bool:
        return bool(
            self.page.evaluate("(id) => window.jupyterapp.isPluginActivated(id)", plugin_id)
        )

    def file_item(self, name: str) -> Locator:
        """The file browser's row of `name` (in the folder shown)."""
        return self.page.locator(".jp-DirListing-item").filter(
            has=self.page.locator(".jp-DirListing-itemText").get_by_text(name, exact=True)
        )

    def file_menu(self, name: str, label: str) -> None:
        """Right-click `name` in the file browser and choose `label`."""
        self.file_item(name).click(button="right", timeout=UI_MS)
        self.menu_item(label).click()

    def menu_item(self, label: str) -> Locator:
        """The items labelled `label` of the menus open now."""
        return self.page.locator(".lm-Menu-itemLabel").get_by_text(label, exact=True)

    def open_main_menu(self, menu: str) -> None:
        """Open the menu bar's `menu` (File, Help...)."""
        bar = self.page.locator("#jp-menu-panel .lm-MenuBar-itemLabel")
        bar.get_by_text(menu, exact=True).click()

    def toast(self, text: str) -> Locator:
        """The lab's notifications on screen that contain `text`."""
        return self.page.locator(TOAST).filter(has_text=text)

    def wait_for_toast(self, text: str, timeout: float = UI_MS) -> Locator:
        """The notification that contains `text`, once it has slid in."""
        toast = self.toast(text)
        toast.wait_for(timeout=timeout)
        toast.evaluate(
            "(node) => Promise.all(node.getAnimations().map((a) => a.finished))",
            timeout=UI_MS,
        )
        return toast

    def dismiss_notifications(self) -> None:
        """Dismiss every notification, as the notification center's "Dismiss all" does."""
        self.command("apputils:dismiss-notification")

    def double_click_file(self, name: str) -> None:
        self.command("filebrowser:refresh")
        item = self.file_item(name)
        item.wait_for(timeout=UI_MS)
        item.dblclick(timeout=UI_MS)

    def tab(self, label: str) -> Locator:
        """The main area's tab whose label is `label`."""
        return self.page.locator("#jp-main-dock-panel .lm-TabBar-tab").filter(
            has=self.page.locator(".lm-TabBar-tabLabel").get_by_text(label, exact=True)
        )

    # -- notebooks -------------------------------------------------------------------------

    def open_notebook(self, path: str, timeout: float = KERNEL_MS) -> str:
        """Open a notebook (docmanager:open) and wait until its kernel is ready; returns the
        id of its panel (for `notebook()` and `run_cell()`)."""
        self.command("docmanager:open", {"path": path}, timeout=timeout)
        panel_id = self.page.evaluate(
            """async ([path, timeout]) => {
                const late = new Promise((_, reject) => setTimeout(
                    () => reject(new Error(`the kernel of ${path}: not ready in ${timeout} ms`)),
                    timeout));
                const ready = async () => {
                    const panel = Array.from(window.jupyterapp.shell.widgets('main')).find(
                        w => w.context && w.context.path === path && w.sessionContext);
                    if (!panel) throw new Error(`no notebook panel of ${path}`);
                    await panel.context.ready;
                    await panel.sessionContext.ready;
                    const kernel = panel.sessionContext.session?.kernel;
                    if (!kernel) throw new Error(`the notebook ${path} has no kernel`);
                    await kernel.info;
                    return panel.id;
                };
                return await Promise.race([ready(), late]);
            }""",
            [path, timeout],
        )
        return str(panel_id)

    def notebook(self, panel_id: str) -> Locator:
        """A notebook's panel, by the id `open_notebook` returned."""
        return self.page.locator(f'[id="{panel_id}"]')

    def run_cell(self, panel_id: str, index: int, timeout: float = KERNEL_MS) -> None:
        """Run one cell of a notebook (notebook:run-cell on it, the notebook not brought to
        the front) and wait until the kernel has run it."""
        self.page.evaluate(
            """async ([id, index, timeout]) => {
                const app = window.jupyterapp;
                const panel = Array.from(app.shell.widgets('main')).find(w => w.id === id);
                if (!panel) throw new Error(`no notebook panel ${id}`);
                panel.content.activeCellIndex = index;
                panel.content.deselectAll();
                const late = new Promise((_, reject) => setTimeout(
                    () => reject(new Error(`cell ${index} ran more than ${timeout} ms`)),
                    timeout));
                const run = app.commands.execute(
                    'notebook:run-cell', { semanticWidget: id, activate: false });
                await Promise.race([run, late]);
            }""",
            [panel_id, index, timeout],
        )

    # -- the ONLYOFFICE panel --------------------------------------------------------------

    def panel(self) -> Locator:
        """The panel of the current (visible) ONLYOFFICE tab."""
        return self.page.locator(f"{DOCUMENT}:not(.lm-mod-hidden) {PANEL}")

    def document_panel(self, name: str) -> Locator:
        """The ONLYOFFICE panel of the tab labelled `name`, visible or not."""
        tab_id = self.tab(name).get_attribute("data-id", timeout=UI_MS)
        return self.page.locator(f'[id="{tab_id}"] {PANEL}')

    def editor_frame(
        self,
        timeout: float = EDITOR_MS,
        *,
        name: str | None = None,
        mode: str | None = None,
        after: EditorFrame | None = None,
    ) -> EditorFrame:
        """The editor of the current ONLYOFFICE tab (of the tab of `name`), once loaded: see
        `panel_editor` for `mode` and `after`."""
        panel = self.document_panel(name) if name else self.panel()
        return panel_editor(self.page, panel, timeout, mode=mode, after=after)

    def current_frame(self) -> EditorFrame:
        """The frame the current panel shows now, whatever it holds (the convert page)."""
        name = self.panel().locator(FRAME).get_attribute("name", timeout=UI_MS)
        assert name, "the panel's frame has no name"
        return EditorFrame(self.page, name)

    def save_status(self) -> Locator:
        """The save status line in the current ONLYOFFICE tab's toolbar."""
        return self.page.locator(f"{DOCUMENT}:not(.lm-mod-hidden) {SAVE_STATUS}")

    def screenshot(self, state: str, doc_image: str | None = None) -> Path:
        """Keep a picture of a main state as a test artifact (and for the user guide)."""
        path = artifacts_dir() / f"{self.name}--{state}.png"
        self.page.screenshot(path=str(path), timeout=UI_MS)
        if doc_image:
            save_doc_image(self.page, doc_image)
        return path


# -- notebooks ---------------------------------------------------------------------------


def write_notebook(server: LabServer, name: str, *sources: str) -> str:
    """A notebook of code cells (not run) in the server's root, with the python3 kernel."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(notebook, str(server.root / name))
    return name


def notebook_outputs(lab: LabPage, panel_id: str, index: int) -> list[dict[str, Any]]:
    """The outputs of a cell as the notebook's model holds them (what saving writes)."""
    outputs: list[dict[str, Any]] = lab.page.evaluate(
        """([id, index]) => {
            const panel = Array.from(window.jupyterapp.shell.widgets('main'))
                .find(w => w.id === id);
            return panel.content.model.cells.get(index).outputs.toJSON();
        }""",
        [panel_id, index],
    )
    return outputs
