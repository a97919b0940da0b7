"""The addresses in force on a running server: those the admin fixed (Jupyter config, the
environment) win; the lab's settings dialog may set the others, which are kept in the state
database and applied at once: discovery is fetched again from the new address and open
panels can retry without a restart. Each address's last verdict (the connection doctor's,
or the last fetch of discovery) is kept for the dialog to show beside its field."""

from __future__ import annotations

import time
from typing import Any

from ..errors import Refused
from ..onlyoffice.addresses import (
    ADDRESSES,
    FIXED_SOURCES,
    LAB_META,
    Address,
    InvalidAddress,
    Source,
    checked_url,
    named,
    problems,
    resolve,
    variable,
)
from ..state import Store
from ..wire import ConnectionCheck, ConnectionSettings
from .services import WopiHost

SOURCE_WORDS = {
    "config": "Jupyter's configuration (c.JupyterWopi.{name})",
    "environment": "the server's environment ({variable})",
}


class LiveAddresses:
    def __init__(
        self,
        host: WopiHost,
        fixed: dict[str, tuple[Source, str]],
        *,
        default_base: str,
        lab_may_change: bool,
        why_not: str = "",
    ) -> None:
        """`fixed`: the admin's value of each address and its source; `default_base`: where
        ONLYOFFICE reaches Jupyter when nobody says; `why_not`: why the lab may not change
        addresses, when it may not."""
        self.host = host
        self.fixed = fixed
        self.default_base = default_base
        self.lab_may_change = lab_may_change
        self.why_not = why_not
        self.lab: dict[str, str] = {}
        # Each address's last verdict from the doctor, and when (time.monotonic()).
        self.checks: dict[str, tuple[float, ConnectionCheck]] = {}

    def load(self) -> None:
        """Read what the lab set before (a blocking read: at start only) and apply it."""
        if self.lab_may_change:
            with self.host.state.database.transaction(write=False) as store:
                saved = store.meta_with_prefix(LAB_META)
            self.lab = {name: value for name, value in saved.items() if name in ADDRESSES}
        self.apply()

    def addresses(self) -> list[Address]:
        def given(name: str) -> dict[Source, str]:
            source, value = self.fixed.get(name, ("default", ""))
            found: dict[Source, str] = {source: value} if source in FIXED_SOURCES else {}
            return {**found, "lab": self.lab.get(name, "")}

        return [resolve(name, given(name)) for name in ADDRESSES]

    def reach_address(self) -> str:
        """The address this server fetches ONLYOFFICE at: the internal one, when set."""
        found = {address.name: address for address in self.addresses()}
        return (
            "onlyoffice_internal_url"
            if found["onlyoffice_internal_url"].value
            else ("onlyoffice_url")
        )

    def names(self) -> dict[str, str]:
        """How sentences name each address in force (by its source: see `named`)."""
        return {address.name: named(address.name, address.source) for address in self.addresses()}

    def apply(self) -> None:
        found = {address.name: address for address in self.addresses()}
        refused = problems(list(found.values()))
        problem = f"ONLYOFFICE Docs cannot be used: {refused}" if refused else ""
        if not refused and not found["onlyoffice_url"].value and self.lab_may_change:
            problem = (
                "ONLYOFFICE Docs is not configured: enter the ONLYOFFICE Docs address in "
                "ONLYOFFICE Settings (the Settings menu or the command palette)."
            )
        usable = not refused
        self.host.discovery.configure(
            found["onlyoffice_url"].value if usable else "",
            found["onlyoffice_internal_url"].value if usable else "",
            problem,
            self.names()[self.reach_address()],
        )
        self.host.wopi_base = found["base_url"].value or self.default_base

    def record(self, checks: list[ConnectionCheck]) -> None:
        """Keep the doctor's verdict on each address it checked."""
        now = time.monotonic()
        for check in checks:
            if check["setting"] and check["verdict"] != "skipped":
                self.checks[check["setting"]] = (now, check)

    def last_check(self, name: str) -> ConnectionCheck | None:
        """The newest verdict on an address: the doctor's, or for the address Jupyter
        fetches ONLYOFFICE at, the last fetch of discovery (opening a file) if newer."""
        at, check = self.checks.get(name, (0.0, None))
        discovery = self.host.discovery
        if name == self.reach_address() and discovery.last_fetch_at > at:
            failed = bool(discovery.last_error)
            return ConnectionCheck(
                hop="jupyter → onlyoffice",
                verdict="error" if failed else "ok",
                message=discovery.last_error or "Jupyter fetched ONLYOFFICE's discovery.",
                setting=name,
                fix="",
                suggestion="",
                more=[],
            )
        return check

    async def change(self, values: dict[str, Any]) -> None:
        """Set addresses from the lab ("" forgets one); Refused with a sentence, changing
        nothing, when one cannot be set."""
        if not self.lab_may_change:
            raise Refused(403, self.why_not)
        current = {address.name: address for address in self.addresses()}
        wanted: dict[str, str] = {}
        for name, value in values.items():
            if name not in ADDRESSES or not isinstance(value, str):
                raise Refused(400, f"Send text for {', '.join(ADDRESSES)}; got {name!r}.")
            source = current[name].source
            if source in FIXED_SOURCES:
                if value.strip() == self.fixed[name][1].strip():
                    continue  # the dialog sends back what it showed read-only
                where = SOURCE_WORDS[source].format(name=name, variable=variable(name))
                raise Refused(409, f"{variable(name)} is set in {where}; change it there.")
            try:
                wanted[name] = checked_url(name, value, "lab")
            except InvalidAddress as err:
                raise Refused(400, str(err)) from err

        def store_all(store: Store) -> None:
            for name, value in wanted.items():
                store.set_meta(LAB_META + name, value)

        await self.host.state.write(store_all)
        self.lab = {name: value for name, value in {**self.lab, **wanted}.items() if value}
        self.checks = {}  # verdicts on the old addresses
        self.apply()

    def as_json(self) -> ConnectionSettings:
        return {
            "lab_may_change": self.lab_may_change,
            "why_not": "" if self.lab_may_change else self.why_not,
            "addresses": [
                address.as_json(self.lab_may_change, self.last_check(address.name))
                for address in self.addresses()
            ],
            "configured": self.host.discovery.configured,
            "problem": "" if self.host.discovery.configured else self.host.discovery.not_configured,
            "default_base_url": self.default_base,
        }
