"""File events on jupyter_server's event bus (jupyter_events), which the lab receives on
`api/events/subscribe`: it hears of a save, a lock or a rename at once instead of at its
next status poll. Only the process that handled the request emits; the lab's polling stays
the fallback (other processes on one PostgreSQL database, the team service)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from jupyter_events import EventLogger

FILE_EVENTS_SCHEMA = "https://events.jupyter.org/jupyter_wopi/file/v1"
SCHEMA_FILE = Path(__file__).parent.parent / "event_schemas" / "file" / "v1.yaml"

Action = Literal["saved", "kept-as-copy", "copied", "locked", "unlocked", "renamed", "restored"]

log = logging.getLogger("jupyter_wopi")


class FileEvents:
    """Emits file events; without an event logger (the team service) it does nothing."""

    def __init__(self, event_logger: EventLogger | None = None) -> None:
        self.event_logger = event_logger

    @classmethod
    def register(cls, event_logger: EventLogger | None) -> FileEvents:
        """The emitter of a server, its schema registered with the server's event logger."""
        if event_logger is None:
            return cls()
        try:
            if FILE_EVENTS_SCHEMA not in event_logger.schemas:  # registering twice raises
                event_logger.register_event_schema(SCHEMA_FILE)
        except Exception:  # the lab still polls: no reason to stop the extension
            log.warning("jupyter_wopi: file events are off", exc_info=True)
            return cls()
        return cls(event_logger)

    def emit(self, action: Action, file_id: str, path: str, copy_path: str | None = None) -> None:
        """Call on the event loop's thread (jupyter_events schedules its listeners there),
        after the state change landed. Never raises: an event must not fail a request."""
        if self.event_logger is None:
            return
        data = {"action": action, "file_id": file_id, "path": path}
        if copy_path is not None:
            data["copy_path"] = copy_path
        try:
            self.event_logger.emit(schema_id=FILE_EVENTS_SCHEMA, data=data)
        except Exception:
            # The data holds no secret, so the traceback may show it.
            log.warning(
                "jupyter_wopi: the %r event of file id %s was not emitted",
                action,
                file_id,
                exc_info=True,
            )
