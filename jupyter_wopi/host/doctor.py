"""The connection doctor: checks every hop between the three parties and names the setting
that fixes each failure (used by `GET api/wopi/status` and `jupyter wopi doctor`)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Literal
from urllib.parse import urlencode

from tornado.httpclient import AsyncHTTPClient, HTTPClientError

from ..onlyoffice.addresses import ADDRESSES, variable
from ..onlyoffice.discovery import build_action_url, rebase_url
from ..onlyoffice.discovery_client import OnlyOfficeUnavailable
from ..onlyoffice.proof_check import ProofPolicy
from ..wire import ConnectionCheck
from ..wopi.tokens import TokenClaims
from . import base_guess
from .services import WopiHost

Verdict = Literal["ok", "warning", "error", "skipped"]
PROBE_TIMEOUT = 20.0
CANDIDATE_WAIT = 8.0  # seconds a probe at another address may take to arrive


@dataclass(frozen=True)
class Check:
    hop: str
    verdict: Verdict
    message: str  # one headline sentence
    setting: str = ""  # the address the verdict is about
    fix: str = ""
    suggestion: str = ""
    more: tuple[str, ...] = ()

    def as_dict(self) -> ConnectionCheck:
        return ConnectionCheck(
            hop=self.hop,
            verdict=self.verdict,
            message=self.message,
            setting=self.setting,
            fix=self.fix,
            suggestion=self.suggestion,
            more=list(self.more),
        )


@dataclass(frozen=True)
class Addresses:
    """What the doctor knows of the addresses beyond the host: how sentences name each
    (`live_addresses.LiveAddresses.names`), which one Jupyter fetches ONLYOFFICE at, this
    server's own address and whether it listens on a loopback address only."""

    names: Mapping[str, str]
    reach: str = "onlyoffice_internal_url"
    own_base: str = ""
    loopback_only: bool = False

    @classmethod
    def by_variable(cls) -> Addresses:
        return cls({name: variable(name) for name in ADDRESSES})


async def diagnose(
    host: WopiHost, progress: Callable[[str], None], addresses: Addresses | None = None
) -> list[Check]:
    known = addresses or Addresses.by_variable()
    reach = known.reach
    checks: list[Check] = []
    discovery_client = host.discovery
    progress("Reading the settings")
    if not discovery_client.configured:
        return [Check("settings", "error", discovery_client.not_configured, "onlyoffice_url")]
    checks.append(
        Check(
            "settings",
            "ok",
            (
                f"ONLYOFFICE for the browser: {discovery_client.public_url}; for Jupyter: "
                f"{discovery_client.internal_url}; Jupyter for ONLYOFFICE: {host.wopi_base}"
            ),
        )
    )

    progress(f"Jupyter → ONLYOFFICE: fetching {discovery_client.discovery_url}")
    try:
        discovery = await discovery_client.get(force=True, stale_ok=False)
        keys = await discovery_client.proof_keys()
    except OnlyOfficeUnavailable as err:
        checks.append(Check("jupyter → onlyoffice", "error", str(err), reach))
        return [*checks, *_skipped("onlyoffice → jupyter", "proof keys")]
    view = discovery.find("docx", "view")
    if view is None:
        checks.append(
            Check(
                "jupyter → onlyoffice",
                "error",
                "ONLYOFFICE's discovery offers no view action for .docx.",
                reach,
            )
        )
        return [*checks, *_skipped("onlyoffice → jupyter", "proof keys")]
    checks.append(
        Check(
            "jupyter → onlyoffice",
            "ok",
            (
                f"Discovery answered with {len(discovery.extensions())} file types; WOPI is "
                f"enabled and {'publishes proof keys' if keys else 'publishes NO proof keys'}."
            ),
            reach,
        )
    )

    progress(f"ONLYOFFICE → Jupyter: asking ONLYOFFICE to open a probe at {host.wopi_base}")
    probe = host.probes.create()
    try:
        checks.append(await _probe_round_trip(host, view.urlsrc, probe.file_id, known))
        arrived = probe.arrived.is_set()
    finally:
        host.probes.discard(probe)
    if not arrived:
        if checks[-1].setting == "base_url":
            progress("ONLYOFFICE → Jupyter: trying the addresses it may reach Jupyter at")
            checks[-1] = await _with_likely_base(host, view.urlsrc, known, checks[-1])
        return [*checks, *_skipped("proof keys")]
    policy = host.proofs.policy
    if probe.proof_error:
        checks.append(Check("proof keys", "error", probe.proof_error))
    elif keys is None:
        verdict: Verdict = "error" if policy is ProofPolicy.REQUIRE else "warning"
        checks.append(
            Check(
                "proof keys",
                verdict,
                (
                    "ONLYOFFICE publishes no proof key, so its requests are unsigned and accepted "
                    "unchecked (JUPYTER_WOPI_PROOF_KEYS=auto). Configure wopi.privateKey/publicKey "
                    "(and the *Old pair) in ONLYOFFICE's local.json."
                ),
            )
        )
    elif policy is ProofPolicy.OFF:
        checks.append(
            Check(
                "proof keys", "warning", "JUPYTER_WOPI_PROOF_KEYS=off: signatures are not checked."
            )
        )
    else:
        checks.append(Check("proof keys", "ok", "The probe's signature is valid."))
    return checks


def _skipped(*hops: str) -> list[Check]:
    return [Check(hop, "skipped", "Not checked: an earlier hop failed.") for hop in hops]


async def _probe_round_trip(host: WopiHost, urlsrc: str, probe_id: str, known: Addresses) -> Check:
    """POST a view action for the probe, as the browser would, and wait for ONLYOFFICE's
    CheckFileInfo to reach us."""
    base = host.wopi_base
    action_url, form = _open_request(host, urlsrc, probe_id, base)
    try:
        await AsyncHTTPClient().fetch(
            action_url, method="POST", body=form, request_timeout=PROBE_TIMEOUT
        )
        await asyncio.wait_for(_arrival(host, probe_id), timeout=2.0)
    except HTTPClientError as err:
        if _arrived(host, probe_id):
            return Check("onlyoffice → jupyter", "ok", "ONLYOFFICE reached Jupyter.", "base_url")
        return Check(
            "onlyoffice → jupyter",
            "error",
            f"ONLYOFFICE's editor page answered HTTP {err.code} for {action_url}.",
            known.reach,
        )
    except (OSError, asyncio.TimeoutError):
        if not _arrived(host, probe_id):
            return Check(
                "onlyoffice → jupyter",
                "error",
                f"ONLYOFFICE cannot reach this Jupyter server at {base}.",
                "base_url",
            )
    return Check("onlyoffice → jupyter", "ok", f"ONLYOFFICE reached Jupyter at {base}.", "base_url")


def _open_request(host: WopiHost, urlsrc: str, probe_id: str, base: str) -> tuple[str, str]:
    """The URL and form that ask ONLYOFFICE's editor page to open the probe as if this
    server were at `base`."""
    client = host.discovery
    claims = TokenClaims(
        probe_id,
        "jupyter-wopi-doctor",
        "Connection doctor",
        False,
        int((time.time() + 600) * 1000),
        wopi_base=base,  # what ONLYOFFICE signs: the proof check rebuilds it from this
    )
    action_url = build_action_url(urlsrc, wopi_src=f"{base}wopi/files/{probe_id}")
    # We are not the browser: post to ONLYOFFICE's address as Jupyter reaches it.
    action_url = rebase_url(action_url, client.public_url, client.internal_url)
    form = urlencode(
        {"access_token": host.signer.mint(claims), "access_token_ttl": str(claims.expires_ms)}
    )
    return action_url, form


async def _arrival(host: WopiHost, probe_id: str) -> None:
    probe = host.probes.get(probe_id)
    assert probe is not None
    await probe.arrived.wait()


def _arrived(host: WopiHost, probe_id: str) -> bool:
    probe = host.probes.get(probe_id)
    return probe is not None and probe.arrived.is_set()


async def _reaches(host: WopiHost, urlsrc: str, base: str) -> bool:
    """Whether ONLYOFFICE's CheckFileInfo arrives for a probe at `base` (not waiting for the
    editor page's answer: a page that cannot load its document may take long to say so)."""
    probe = host.probes.create()
    action_url, form = _open_request(host, urlsrc, probe.file_id, base)
    asking = asyncio.ensure_future(
        AsyncHTTPClient().fetch(
            action_url, method="POST", body=form, request_timeout=CANDIDATE_WAIT
        )
    )
    try:
        await asyncio.wait_for(probe.arrived.wait(), timeout=CANDIDATE_WAIT)
    except asyncio.TimeoutError:
        pass
    finally:
        asking.cancel()
        host.probes.discard(probe)
    with contextlib.suppress(asyncio.CancelledError, HTTPClientError, OSError):
        await asking
    return probe.arrived.is_set()


async def _with_likely_base(host: WopiHost, urlsrc: str, known: Addresses, failed: Check) -> Check:
    """The failed check, with the likely right address (probed where possible) and the other
    causes behind it."""
    name = known.names.get("base_url", variable("base_url"))
    others = base_guess.candidates(host.wopi_base, known.own_base)
    answers = await asyncio.gather(*(_reaches(host, urlsrc, base) for base in others))
    working = [base for base, ok in zip(others, answers, strict=True) if ok]
    if working:
        guess = base_guess.reached(name, working[0])
    else:
        guess = base_guess.guess(
            name, host.discovery.internal_url, known.own_base, known.loopback_only
        )
    more = base_guess.other_causes(host.wopi_base, known.loopback_only, guess.suggestion)
    return replace(failed, fix=guess.fix, suggestion=guess.suggestion, more=tuple(more))
