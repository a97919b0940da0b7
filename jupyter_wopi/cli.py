"""`jupyter wopi doctor`: ask a running Jupyter server to check every hop between the
browser, Jupyter and ONLYOFFICE, showing progress, and print the verdicts.
`jupyter wopi team-service`: run the team-folder service for JupyterHub (team/service.py)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import requests

MARKS = {"ok": "✔", "warning": "!", "error": "✘", "skipped": "·"}


def running_server() -> tuple[str, str]:
    from jupyter_server.serverapp import list_running_servers

    for server in list_running_servers():
        return str(server["url"]), str(server.get("token", ""))
    raise SystemExit(
        "No running Jupyter server found. Start JupyterLab, or pass --url and --token."
    )


def doctor(url: str, token: str) -> int:
    status_url = url.rstrip("/") + "/api/wopi/status?progress=1"
    headers = {"Authorization": f"token {token}"} if token else {}
    print(f"Checking jupyter_wopi through {url} …", flush=True)
    try:
        response = requests.get(status_url, headers=headers, stream=True, timeout=120)
    except requests.RequestException as err:
        print(f"Cannot reach the Jupyter server at {url}: {err}", file=sys.stderr)
        return 2
    if response.status_code != 200:
        print(explain_refusal(response, url), file=sys.stderr)
        return 2
    result: dict[str, Any] = {}
    for line in response.iter_lines(decode_unicode=True):
        if not line:
            continue
        event = json.loads(line)
        if "progress" in event:
            print(f"  … {event['progress']}", flush=True)
        result = event.get("result", result)
    for check in result.get("checks", []):
        mark = MARKS.get(check["verdict"], "?")
        print(f"{mark} {check['hop']}: {check['message']}")
        if check.get("fix"):
            print(f"    → {check['fix']}")
        for cause in check.get("more", []):  # the other likely causes (the lab's "More")
            print(f"    · {cause}")
    verdict = "all hops work" if result.get("ok") else "something needs fixing (see ✘ above)"
    print(f"Verdict: {verdict}.")
    return 0 if result.get("ok") else 1


def explain_refusal(response: requests.Response, url: str) -> str:
    """A sentence for a non-200 answer (never a page of HTML)."""
    if response.status_code == 404:
        return (
            f"The Jupyter server at {url} does not serve jupyter_wopi's API: the server "
            "extension is not enabled or failed to load. Look for 'jupyter_wopi | extension "
            "failed loading' in the server's log, and run `jupyter server extension list`."
        )
    if response.status_code in (401, 403):
        return (
            f"The Jupyter server at {url} refused the request (HTTP {response.status_code}): "
            "pass its token with --token (see `jupyter server list`)."
        )
    try:
        message = str(response.json().get("message") or "")
    except ValueError:
        message = ""
    return f"The Jupyter server at {url} answered HTTP {response.status_code}. {message}".strip()


def main(argv: list[str] | None = None) -> int:
    args_in = sys.argv[1:] if argv is None else argv
    if args_in[:1] == ["team-service"]:  # a traitlets application: it parses its own options
        from .team.service import main as team_service

        team_service(args_in[1:])
        return 0
    parser = argparse.ArgumentParser(prog="jupyter wopi", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("doctor", help="check the connection to ONLYOFFICE")
    check.add_argument("--url", help="the Jupyter server's URL (default: a running server)")
    check.add_argument("--token", default="", help="the Jupyter server's token")
    commands.add_parser(
        "team-service",
        help="run the team-folder service for JupyterHub (options: --config FILE, "
        "--TeamService.<setting>=...)",
    )
    args = parser.parse_args(args_in)
    url, token = (args.url, args.token) if args.url else running_server()
    return doctor(url, token)


if __name__ == "__main__":
    sys.exit(main())
