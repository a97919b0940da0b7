"""jupyter_wopi: edit office documents in JupyterLab with ONLYOFFICE Docs over WOPI."""

from __future__ import annotations

from typing import Any

try:
    from ._version import __version__  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # running from a source tree that was never built
    __version__ = "0.0.0.dev0"

from .document import Document, NotOpenWarning, Version  # standard library only: cheap in a kernel

__all__ = ["Document", "NotOpenWarning", "Version", "__version__"]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyter-wopi"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    from .app import JupyterWopi

    return [{"module": "jupyter_wopi", "app": JupyterWopi}]
