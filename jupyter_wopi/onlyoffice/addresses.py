"""The three addresses that connect browser, Jupyter and ONLYOFFICE (ONLYOFFICE for the
browser, ONLYOFFICE for Jupyter, Jupyter for ONLYOFFICE) and where each came from: Jupyter
config, the environment, the lab's settings dialog (kept in the state database) or the
default. An invalid address is set aside with a sentence; it never stops the server.

Sentences name an address where its value came from: the administrator's setting
(JUPYTER_WOPI_..., c.JupyterWopi....) when they set it, else the words of the lab's ONLYOFFICE
Settings dialog, which is where a user sees and changes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from ..wire import AddressJson, ConnectionCheck

ADDRESSES = ("onlyoffice_url", "onlyoffice_internal_url", "base_url")
Source = Literal["config", "environment", "lab", "default"]
FIXED_SOURCES: tuple[Source, ...] = ("config", "environment")  # the admin's: they win
LAB_META = "lab_setting."  # state-database meta rows of addresses set in the lab


class InvalidAddress(ValueError):
    """An address that cannot be used, with the sentence that says why."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


# The labels of the lab's ONLYOFFICE Settings dialog (labextension/src/configure.ts).
LABELS = {
    "onlyoffice_url": "the ONLYOFFICE Docs address",
    "onlyoffice_internal_url": "the ONLYOFFICE Docs address for this Jupyter server",
    "base_url": "this Jupyter server's address for ONLYOFFICE",
}
EXAMPLES = {
    "onlyoffice_url": "http://localhost:8080/",
    "onlyoffice_internal_url": "http://onlyoffice:80/",
    "base_url": "http://host.docker.internal:8888/",
}


def variable(name: str) -> str:
    """The environment variable of a setting."""
    return "JUPYTER_WOPI_" + name.upper()


def named(name: str, source: Source) -> str:
    """How a sentence names an address: by the administrator's setting when they set it,
    else by the label the user sees in ONLYOFFICE Settings."""
    if source == "environment":
        return f"{variable(name)} in the server's environment"
    if source == "config":
        return f"c.JupyterWopi.{name} in Jupyter's configuration"
    return LABELS[name]


def capitalised(words: str) -> str:
    """`words` at the start of a sentence ("the …" → "The …"; setting names stay as they are)."""
    return words[0].upper() + words[1:] if words.startswith(("the ", "this ")) else words


def _usable(value: str) -> bool:
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # a port that is no number, a broken IPv6 literal
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and port_ok
        and "?" not in value
        and "#" not in value
        and not any(char.isspace() for char in value)
    )


def corrected(value: str) -> str:
    """What an address typed without its scheme ("localhost:8090") most likely means
    ("http://localhost:8090/"); "" when adding one does not make it usable."""
    value = value.strip()
    if not value or "://" in value:
        return ""
    guess = f"http://{value}"
    if not _usable(guess):
        return ""
    if urlsplit(guess).port == 443:
        guess = f"https://{value}"
    return guess.rstrip("/") + "/"


def checked_url(name: str, value: str, source: Source = "environment") -> str:
    """`value` as an absolute http(s) URL ending in '/', "" for none; InvalidAddress else,
    naming the address as its `source` calls it."""
    value = value.strip()
    if not value:
        return ""
    if not _usable(value):
        guess = corrected(value)
        hint = f" Did you mean {guess}?" if guess else f" Use an address like {EXAMPLES[name]}."
        raise InvalidAddress(
            name,
            f"{capitalised(named(name, source))} must be an absolute http(s) URL with a host "
            f"name and without a query string; got {value!r}.{hint}",
        )
    return value.rstrip("/") + "/"


@dataclass(frozen=True)
class Address:
    """One address in force: its value ("" when unset or refused) and where it came from."""

    name: str
    value: str
    source: Source
    given: str = ""  # what was given, when it was refused
    error: str = ""  # why it was refused

    def as_json(self, lab_may_change: bool, last_check: ConnectionCheck | None) -> AddressJson:
        return AddressJson(
            name=self.name,
            value=self.value,
            source=self.source,
            given=self.given,
            error=self.error,
            variable=variable(self.name),
            editable=lab_may_change and self.source not in FIXED_SOURCES,
            last_check=last_check,
        )


def resolve(name: str, given: dict[Source, str]) -> Address:
    """The address from the first source that gives one (config, environment, lab)."""
    for source in ("config", "environment", "lab"):
        raw = given.get(source, "").strip()
        if raw:
            try:
                return Address(name, checked_url(name, raw, source), source)
            except InvalidAddress as err:
                return Address(name, "", source, raw, str(err))
    return Address(name, "", "default")


def problems(addresses: list[Address]) -> str:
    """The refusals as one text ("" when every address is usable)."""
    return " ".join(address.error for address in addresses if address.error)
