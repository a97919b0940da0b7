"""What the lab shows about files being edited, as JSON-ready dicts: where a file is now,
what is on disk, its lock, the editor's last save, conflict copies and copies saved under
other names. The lab polls this to follow renames, clear the dirty mark after a save and
notice changes on disk."""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import Any, cast

from ..state import LockInfo
from ..wire import ConflictJson, FileStatusJson, LockedFileJson, LockJson
from ..wopi.file_state import FileState
from .services import WopiHost


async def file_status(host: WopiHost, file_id: str) -> FileStatusJson:
    """The file's current state; raises FileNotFound when it is gone."""
    file = await host.files.resolve(file_id)
    state = FileState.from_stat(os.stat(file.os_path))
    locks, save, copies = await host.state.read(
        lambda store: (
            store.list_locks(file_id),
            store.last_save(file_id),
            store.recent_copies(file_id),
        )
    )
    return {
        "file_id": file_id,
        "path": file.api_path,
        "name": file.name,
        "size": state.size,
        "content_stamp": state.content_stamp,
        "lock": _lock_json(locks[0]) if locks else None,
        "last_save": None if save is None else cast(Any, _without_file_id(asdict(save))),
        "conflicts": [
            cast(ConflictJson, _without_file_id(dict(event)))
            for event in await live_conflicts(host, file_id)
        ],
        "copies": [{"path": path, "created_at": at} for path, at in copies],
    }


async def live_conflicts(host: WopiHost, file_id: str | None = None) -> list[ConflictJson]:
    """Conflict events whose copy still exists: one the user deleted or moved away is no
    longer something to point them to. Their ids are strings on the wire: a lab lists the
    events of its server and of team folders ("team-<n>") side by side."""
    events = await host.state.read(lambda store: store.list_conflicts(file_id))
    return [
        cast(ConflictJson, {**asdict(event), "id": str(event.id)})
        for event in events
        if os.path.isfile(host.files.os_path(event.conflict_path))
    ]


async def locked_files(host: WopiHost) -> list[LockedFileJson]:
    """Every live lock with the file's current path (locks of vanished files are left out)."""
    found = []
    for lock in await host.state.read(lambda store: store.list_locks()):
        path = await host.files.ids.path_of(lock.file_id)
        if path is not None:
            found.append(
                LockedFileJson(
                    file_id=lock.file_id,
                    path=path,
                    holder_name=lock.holder_name,
                    locked_at=lock.locked_at,
                    expires_at=lock.expires_at,
                )
            )
    return found


def _lock_json(lock: LockInfo) -> LockJson:
    return {
        "holder_name": lock.holder_name,
        "locked_at": lock.locked_at,
        "expires_at": lock.expires_at,
    }


def _without_file_id(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key != "file_id"}
