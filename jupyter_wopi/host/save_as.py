"""PutRelativeFile (spec §5.5) and RenameFile (spec §5.6): new names for a document's bytes.
A write stays inside what the token was for: an existing file is replaced only when it is a
regular, writable office document, and the new file's token gets the permission an editor
session on it would get."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NoReturn

from jupyter_server.utils import ensure_async

from ..errors import Refused
from ..files.ids import FileRef
from ..files.io import AtomicWriter
from ..files.permissions import can_create_in, is_replaceable, require_writable
from ..state import Store
from ..wopi import lock_rules
from ..wopi.names import (
    InvalidName,
    candidates,
    check_name,
    decode_utf7,
    encode_utf7,
    sanitize_name,
)
from ..wopi.tokens import TokenClaims
from .saving import create_unique
from .services import Opener, WopiHost
from .sessions import token_can_write
from .version_upkeep import tidy_soon
from .versions import Made, discard, precopy, replace_keeping_version


@dataclass(frozen=True)
class RelativePlan:
    source: FileRef
    claims: TokenClaims
    name: str
    exact: bool  # relative (specific) mode: use `name` exactly
    overwrite: bool = False  # may replace an existing file (exact mode only)

    @property
    def target(self) -> str:
        return os.path.join(self.source.folder, self.name)


def plan_put_relative(
    source: FileRef, claims: TokenClaims, headers: Mapping[str, str]
) -> RelativePlan:
    """Validate PutRelativeFile's headers before the body is read."""
    if not claims.can_write or not can_create_in(source.folder):
        raise Refused(501, "This user cannot create files in this folder.")
    suggested = headers.get("X-WOPI-SuggestedTarget")
    relative = headers.get("X-WOPI-RelativeTarget")
    if (suggested is None) == (relative is None):
        raise Refused(400, "Send exactly one of X-WOPI-SuggestedTarget and X-WOPI-RelativeTarget.")
    overwrite = headers.get("X-WOPI-OverwriteRelativeTarget", "").lower() == "true"
    stem = os.path.splitext(source.name)[0]
    try:
        if relative is not None:
            name = check_name(decode_utf7(relative))
            return RelativePlan(source, claims, name, exact=True, overwrite=overwrite)
        wanted = decode_utf7(suggested or "")
    except InvalidName as err:
        raise Refused(400, str(err), {"X-WOPI-InvalidFileNameError": str(err)}) from err
    # Suggested mode never fails: "." + ext means "same name, this extension".
    name = sanitize_name(stem + wanted if wanted.startswith(".") else wanted, stem)
    return RelativePlan(source, claims, name, exact=False)


async def check_relative_target(host: WopiHost, plan: RelativePlan) -> None:
    """Refuse an exact-name target that exists and may not be replaced: checked before the
    body is read (fail fast) and again before the bytes land (the disk may have changed)."""
    if plan.exact and os.path.lexists(plan.target):
        await _check_replaceable(host, plan)


async def commit_put_relative(
    host: WopiHost, plan: RelativePlan, writer: AtomicWriter
) -> dict[str, str]:
    folder = plan.source.folder
    if not plan.exact:
        name = create_unique(writer, folder, plan.name)
    else:
        name = plan.name
        if writer.create(plan.target) is None:
            await _replace_existing(host, plan, writer)
    new_file = await host.files.file_id_for(plan.source.sibling(name))
    await host.state.write(lambda store: store.record_copy(plan.source.file_id, new_file.api_path))
    host.events.emit("copied", plan.source.file_id, plan.source.api_path, new_file.api_path)
    can_write = await token_can_write(host, new_file, may_write=plan.claims.can_write)
    claims = host.mint_token(new_file, Opener.of(plan.claims), can_write)
    token = host.signer.mint(claims)
    return {
        "Name": name,
        "Url": f"{host.wopi_src(new_file.file_id)}?access_token={token}",
        "HostViewUrl": host.lab_url(claims, new_file.api_path),
        "HostEditUrl": host.lab_url(claims, new_file.api_path),
    }


async def _replace_existing(host: WopiHost, plan: RelativePlan, writer: AtomicWriter) -> None:
    target_id = await _check_replaceable(host, plan)
    if target_id is None:  # an id first, so that the bytes replaced become its version
        target_id = (await host.files.file_id_for(plan.source.sibling(plan.name))).file_id
    made = Made("save", plan.claims.user_name)
    copied = await precopy(host, target_id, plan.target)

    def replace(store: Store) -> bool:
        # The target's lock checked again in the transaction that replaces it: no editor
        # of the target can lock it in between, through any process.
        store.serialize(target_id)
        _check_target_lock(plan, store, target_id)
        _, kept = replace_keeping_version(host, store, target_id, plan.target, writer, made, copied)
        # the target's id follows it to the new bytes
        host.files.ids.rebind(store, target_id, plan.source.sibling(plan.name))
        return kept is not None

    try:
        versioned = await host.state.write(replace)
    except BaseException:
        discard(host, copied)
        raise
    if versioned:
        tidy_soon(host)


async def _check_replaceable(host: WopiHost, plan: RelativePlan) -> str | None:
    """The existing target's file id when the upload may replace it; else 409 with a name
    that is free (spec §5.5: X-WOPI-ValidRelativeTarget) and the file left untouched."""
    if not plan.overwrite:
        _refuse_target(plan, f"{plan.name} already exists.")
    if not is_replaceable(plan.target):
        _refuse_target(plan, f"{plan.name} exists and is read-only, a link or not a regular file.")
    ext = os.path.splitext(plan.name)[1].lstrip(".")
    if host.discovery.configured and not (await host.discovery.get()).actions_for(ext):
        _refuse_target(plan, f"{plan.name} is not a document ONLYOFFICE Docs can open.")
    target_id = await host.files.ids.known_id(plan.source.sibling(plan.name))
    if target_id is not None:
        await host.state.read(lambda store: _check_target_lock(plan, store, target_id))
    return target_id


def _check_target_lock(plan: RelativePlan, store: Store, target_id: str) -> None:
    try:
        lock_rules.check_change(store.get_lock(target_id), None)
    except lock_rules.LockConflict as err:
        _refuse_target(plan, f"{plan.name} is locked.", {"X-WOPI-Lock": err.current})


def _refuse_target(
    plan: RelativePlan, message: str, headers: dict[str, str] | None = None
) -> NoReturn:
    folder = plan.source.folder
    free = next(
        (name for name in candidates(plan.name) if not os.path.lexists(os.path.join(folder, name))),
        "",
    )
    raise Refused(
        409, message, {"X-WOPI-ValidRelativeTarget": encode_utf7(free), **(headers or {})}
    )


async def rename_in_place(host: WopiHost, file: FileRef, requested_stem: str) -> str:
    """Rename within the folder keeping the extension and the file id; a taken name becomes
    `name (2)`; returns the new file name (spec §5.6)."""
    ext = os.path.splitext(file.name)[1]
    name = check_name(requested_stem + ext)
    require_writable(file.os_path, file.name, "renamed")
    if name == file.name:
        return name
    for candidate in candidates(name):
        if os.path.lexists(os.path.join(file.folder, candidate)):
            continue
        await ensure_async(
            host.files.contents_manager.rename(file.api_path, file.sibling(candidate))
        )
        return candidate
    raise InvalidName(f"Could not find a free name for {name} in its folder.")
