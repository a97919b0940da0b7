"""When ONLYOFFICE cannot reach Jupyter at its address: the addresses worth a probe (this
server's own, for ONLYOFFICE on the same machine; host.docker.internal, for ONLYOFFICE in
Docker on this machine as the README runs it), the likely right one when no probe arrives,
and the other causes, one sentence each. Pure: the doctor probes."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

DOCKER_HOST = "host.docker.internal"


@dataclass(frozen=True)
class Guess:
    fix: str  # one sentence: what to set ("" when nothing can be told)
    suggestion: str  # the value ("" when nothing can be told)


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def docker_address(own_base: str) -> str:
    """This server's address as a container on this machine reaches it."""
    parts = urlsplit(own_base)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return urlunsplit((parts.scheme, f"{DOCKER_HOST}:{port}", parts.path, "", ""))


def candidates(configured: str, own_base: str) -> list[str]:
    """Addresses to probe after `configured` failed, most likely first."""
    if not own_base:
        return []
    found = dict.fromkeys([own_base, docker_address(own_base)])
    return [base for base in found if base != configured]


def reached(name: str, base: str) -> Guess:
    """A probe at `base` arrived."""
    return Guess(f"ONLYOFFICE reaches it at {base}: set {name} to that.", base)


def guess(name: str, onlyoffice_url: str, own_base: str, loopback_only: bool) -> Guess:
    """No probe arrived. ONLYOFFICE at a loopback address runs on this machine, and had it
    run outside a container, this server's own address would have worked: it is most
    likely in Docker, which reaches this machine as host.docker.internal."""
    onlyoffice_host = urlsplit(onlyoffice_url).hostname or ""
    if not own_base or not is_loopback(onlyoffice_host):
        return Guess("", "")
    docker = docker_address(own_base)
    listen = (
        ", and start Jupyter with --ip=0.0.0.0 so that the container can reach it"
        if loopback_only
        else ""
    )
    return Guess(
        f"If ONLYOFFICE runs in Docker on this machine (as in the README), set {name} to "
        f"{docker}{listen}.",
        docker,
    )


def other_causes(base: str, loopback_only: bool, suggested: str) -> list[str]:
    """The other reasons ONLYOFFICE may not reach `base`, one sentence each."""
    causes = [
        "The address is not reachable from the ONLYOFFICE server: a wrong host name or "
        "port, localhost as seen from inside a container, a Docker network or a firewall.",
        "The ONLYOFFICE server cannot resolve the address's host name (DNS).",
        "ONLYOFFICE refuses private addresses (Docker: ALLOW_PRIVATE_IP_ADDRESS=true) or its "
        "IP filter denies this host.",
    ]
    if base.startswith("https:"):
        causes.append(
            "ONLYOFFICE does not trust Jupyter's TLS certificate "
            "(USE_UNAUTHORIZED_STORAGE=true, or NODE_EXTRA_CA_CERTS with the CA file)."
        )
    if loopback_only and DOCKER_HOST not in suggested:
        causes.append(
            "Jupyter listens on this machine's loopback address only: start it with "
            "--ip=0.0.0.0 for an ONLYOFFICE in a container or on another machine."
        )
    causes.append(
        "ONLYOFFICE's log (docservice/out.log; in Docker under "
        "/var/log/onlyoffice/documentserver/) shows the request that failed."
    )
    return causes
