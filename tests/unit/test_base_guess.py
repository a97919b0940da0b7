"""The doctor's guess at the address ONLYOFFICE reaches Jupyter at, when the one it was
given fails (issue 23 item 4): pure functions, no server."""

from __future__ import annotations

import pytest

from jupyter_wopi.host.base_guess import (
    candidates,
    docker_address,
    guess,
    is_loopback,
    other_causes,
)

NAME = "this Jupyter server's address for ONLYOFFICE"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("localhost", True), ("127.0.0.1", True), ("[::1]", True), ("10.0.0.2", False), ("", False)],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_the_addresses_worth_a_probe_are_this_servers_own_and_dockers() -> None:
    own = "http://localhost:8888/user/a/"
    assert docker_address(own) == "http://host.docker.internal:8888/user/a/"
    assert candidates("http://wrong:1/", own) == [own, "http://host.docker.internal:8888/user/a/"]
    assert candidates(own, own) == ["http://host.docker.internal:8888/user/a/"]  # not again
    assert candidates("http://wrong:1/", "") == []
    assert docker_address("https://localhost/") == "https://host.docker.internal:443/"


def test_onlyoffice_on_this_machine_unreached_is_most_likely_the_readme_docker_line() -> None:
    """ONLYOFFICE at localhost:8080 (the README's `docker run -p 127.0.0.1:8080:80`) and Jupyter
    started as `jupyter lab`: the container cannot reach localhost:8888."""
    found = guess(NAME, "http://localhost:8080/", "http://localhost:8888/", loopback_only=True)
    assert found.suggestion == "http://host.docker.internal:8888/"
    assert found.fix == (
        "If ONLYOFFICE runs in Docker on this machine (as in the README), set this Jupyter "
        "server's address for ONLYOFFICE to http://host.docker.internal:8888/, and start "
        "Jupyter with --ip=0.0.0.0 so that the container can reach it."
    )
    listening = guess(NAME, "http://127.0.0.1:8080/", "http://localhost:8888/", False)
    assert "--ip" not in listening.fix


def test_onlyoffice_elsewhere_gives_no_guess() -> None:
    found = guess(NAME, "http://office.example/", "http://localhost:8888/", loopback_only=True)
    assert (found.fix, found.suggestion) == ("", "")


def test_the_other_causes_fit_the_address() -> None:
    plain = other_causes("http://j/", loopback_only=False, suggested="")
    assert not any("TLS" in cause or "--ip" in cause for cause in plain)
    assert any("ALLOW_PRIVATE_IP_ADDRESS" in cause for cause in plain)
    tls = other_causes("https://j/", loopback_only=True, suggested="")
    assert any("TLS" in cause for cause in tls) and any("--ip=0.0.0.0" in cause for cause in tls)
    # The fix already says to listen on every interface: not again among the causes.
    docker = other_causes("http://j/", True, "http://host.docker.internal:8888/")
    assert not any("--ip" in cause for cause in docker)
