"""Run the ONLYOFFICE client double on its own, for demos and trying the lab by hand:

    python -m tests.onlyoffice_double [--port 8090] [--host 127.0.0.1]

(from the repository root). It is a test double, not an editor: documents do not render;
its editor page has buttons that make ONLYOFFICE's WOPI calls and PostMessages.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys

from .server import OnlyOfficeDouble

DEFAULT_PORT = 8090


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.onlyoffice_double",
        description="The ONLYOFFICE Docs client double (a test double, not an editor).",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="default %(default)s")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default %(default)s)")
    parser.add_argument(
        "--no-save-on-close",
        dest="save_on_close",
        action="store_false",
        help="closing the editor does not end the session (no final PutFile, no Unlock)",
    )
    parser.add_argument(
        "--no-forcesave",
        dest="forcesave",
        action="store_false",
        help="Save and Ctrl+S force-save only when the host's docs_api_config asks for "
        "customization.forcesave (jupyter_wopi does), as in ONLYOFFICE; else changes reach "
        "the file only when the last editor closes",
    )
    parser.add_argument("--quiet", action="store_true", help="log warnings only")
    return parser.parse_args(argv)


def banner(double: OnlyOfficeDouble, args: argparse.Namespace) -> str:
    url = f"{double.url}/"
    allow_root = " --allow-root" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""
    lines = [
        f"ONLYOFFICE client double (a test double, not an editor) on {url}",
        "",
        "Point Jupyter at it, in another terminal:",
        "",
        f"    JUPYTER_WOPI_ONLYOFFICE_URL={url} jupyter lab{allow_root}",
        "",
        "Then open a .docx, .xlsx or .pptx from the file browser; in the editor panel:",
        "  Type something  changes the document (the tab shows unsaved changes)",
    ]
    if args.forcesave:
        lines.append("  Save, Ctrl+S    writes it to the file now (force-save, PutFile)")
    else:  # as ONLYOFFICE: a force-save when the host's config asks for it (the lab's does)
        lines.append("  Save, Ctrl+S    force-save when the host sends customization.forcesave")
    if args.save_on_close:
        lines += [
            "  Close           closes the tab; the double saves the changes (PutFile) and",
            "                  unlocks the file, as ONLYOFFICE does when the last editor leaves",
        ]
    else:
        lines.append("  Close           closes the tab (the session stays: --no-save-on-close)")
    lines += ["WOPI calls are logged below. Ctrl+C stops the double.", ""]
    return "\n".join(lines)


async def serve(args: argparse.Namespace) -> None:
    # Real ONLYOFFICE timings, except that the page's reports drive the session: its
    # connect loads the document, its unload ends the session (final save, Unlock).
    double = OnlyOfficeDouble(
        auto_load=True, auto_close=args.save_on_close, forcesave=args.forcesave
    )
    double.listen(args.port, args.host)
    print(banner(double, args), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows: KeyboardInterrupt instead
            loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await double.stop()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(message)s",
        datefmt="%H:%M:%S",
    )
    # The editor page polls the double every 200 ms: no line per request.
    logging.getLogger("tornado.access").setLevel(logging.WARNING)
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        pass
    except OSError as err:  # e.g. the port is taken
        print(f"onlyoffice double: {err}", file=sys.stderr)
        return 1
    print("onlyoffice double: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
