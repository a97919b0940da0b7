"""The addresses in force on a running server: those the admin fixed (Jupyter config, the
environment) win; the lab's settings dialog may set the others, which are kept in the state
database and applied at once: discovery is fetched again from the new address and open
panels can retry without a restart."""

from __future__ import annotations

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
    problems,
    resolve,
    variable,
)
from ..state import Store
from ..wire import ConnectionSettings
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

    def apply(self) -> None:
        found = {address.name: address for address in self.addresses()}
        refused = problems(list(found.values()))
        problem = f"ONLYOFFICE Docs cannot be used: {refused}" if refused else ""
        if not refused and not found["onlyoffice_url"].value and self.lab_may_change:
            problem = (
                "ONLYOFFICE Docs is not configured: enter its address in ONLYOFFICE Settings "
                "(the command palette or the Settings menu), or set JUPYTER_WOPI_ONLYOFFICE_URL "
                "for the server."
            )
        usable = not refused
        self.host.discovery.configure(
            found["onlyoffice_url"].value if usable else "",
            found["onlyoffice_internal_url"].value if usable else "",
            problem,
        )
        self.host.wopi_base = found["base_url"].value or self.default_base

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
                wanted[name] = checked_url(name, value)
            except InvalidAddress as err:
                raise Refused(400, str(err)) from err

        def store_all(store: Store) -> None:
            for name, value in wanted.items():
                store.set_meta(LAB_META + name, value)

        await self.host.state.write(store_all)
        self.lab = {name: value for name, value in {**self.lab, **wanted}.items() if value}
        self.apply()

    def as_json(self) -> ConnectionSettings:
        return {
            "lab_may_change": self.lab_may_change,
            "why_not": "" if self.lab_may_change else self.why_not,
            "addresses": [address.as_json(self.lab_may_change) for address in self.addresses()],
            "configured": self.host.discovery.configured,
            "problem": "" if self.host.discovery.configured else self.host.discovery.not_configured,
            "default_base_url": self.default_base,
        }
