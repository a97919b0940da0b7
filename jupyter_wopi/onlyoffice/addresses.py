"""The three addresses that connect browser, Jupyter and ONLYOFFICE (ONLYOFFICE for the
browser, ONLYOFFICE for Jupyter, Jupyter for ONLYOFFICE) and where each came from: Jupyter
config, the environment, the lab's settings dialog (kept in the state database) or the
default. An invalid address is set aside with a sentence; it never stops the server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from ..wire import AddressJson

ADDRESSES = ("onlyoffice_url", "onlyoffice_internal_url", "base_url")
Source = Literal["config", "environment", "lab", "default"]
FIXED_SOURCES: tuple[Source, ...] = ("config", "environment")  # the admin's: they win
LAB_META = "lab_setting."  # state-database meta rows of addresses set in the lab


class InvalidAddress(ValueError):
    """An address that cannot be used, with the sentence that says why."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def variable(name: str) -> str:
    """The environment variable of a setting."""
    return "JUPYTER_WOPI_" + name.upper()


def checked_url(name: str, value: str) -> str:
    """`value` as an absolute http(s) URL ending in '/', "" for none; InvalidAddress else."""
    value = value.strip()
    if not value:
        return ""
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # a port that is no number, a broken IPv6 literal
        parts, port_ok = None, False
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or not port_ok
        or "?" in value
        or "#" in value
        or any(char.isspace() for char in value)
    ):
        raise InvalidAddress(
            name,
            f"{variable(name)} must be an absolute http(s) URL with a host name and without "
            f"a query string, like http://office.example:8080/; got {value!r}.",
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

    def as_json(self, lab_may_change: bool) -> AddressJson:
        return AddressJson(
            name=self.name,
            value=self.value,
            source=self.source,
            given=self.given,
            error=self.error,
            variable=variable(self.name),
            editable=lab_may_change and self.source not in FIXED_SOURCES,
        )


def resolve(name: str, given: dict[Source, str]) -> Address:
    """The address from the first source that gives one (config, environment, lab)."""
    for source in ("config", "environment", "lab"):
        raw = given.get(source, "").strip()
        if raw:
            try:
                return Address(name, checked_url(name, raw), source)
            except InvalidAddress as err:
                return Address(name, "", source, raw, str(err))
    return Address(name, "", "default")


def problems(addresses: list[Address]) -> str:
    """The refusals as one text ("" when every address is usable)."""
    return " ".join(address.error for address in addresses if address.error)
