"""The one way a refusal becomes an answer, for every route (the lab API, the WOPI routes
and the team service): a handler raises `Refused` (or a domain error this module knows),
and `AnswersRefusals.write_error` answers JSON `{"status", "message"}` with the refusal's
headers, logging one line without a traceback, as jupyter_server's APIHandler answers
errors in `write_error`."""

from __future__ import annotations

import json
import logging
from typing import Any

from tornado import web
from tornado.log import app_log

from ..errors import Refused, disk_refusal
from ..files.ids import FileNotFound
from ..state import StateUnavailable
from ..state.database import ServerStopping
from ..wopi.lock_rules import InvalidLockId, LockConflict
from ..wopi.names import InvalidName
from ..wopi.tokens import InvalidToken


def as_refusal(error: BaseException | None) -> Refused | None:
    """The answer for a domain error (each module raises its own kind); None for a bug."""
    if isinstance(error, Refused):
        return error
    if isinstance(error, LockConflict):
        # spec §5.4: every 409 carries the current lock, "" when the file is unlocked
        headers = {"X-WOPI-Lock": error.current, "X-WOPI-LockFailureReason": error.reason}
        return Refused(409, error.reason, headers)
    if isinstance(error, InvalidName):
        return Refused(400, str(error), {"X-WOPI-InvalidFileNameError": str(error)})
    if isinstance(error, InvalidLockId):
        return Refused(400, str(error))
    if isinstance(error, InvalidToken):
        return Refused(401, f"Access denied: {error}.")
    if isinstance(error, FileNotFound):
        return Refused(404, f"File not found: {error}.")
    if isinstance(error, FileNotFoundError):
        return Refused(404, "File not found: it vanished while the request was handled.")
    if isinstance(error, StateUnavailable):
        return Refused(503, str(error))
    if isinstance(error, OSError):
        return disk_refusal(error)
    if isinstance(error, web.HTTPError):
        return Refused(error.status_code, error.log_message or error.reason or "")
    return None


def json_object(body: bytes) -> dict[str, Any]:
    """A request body as a JSON object ({} when empty); Refused(400) with a sentence
    otherwise. Not jupyter_server's get_json_body, which logs a body it cannot parse: a
    conversion's body carries the document's password."""
    try:
        parsed = json.loads(body.decode("utf-8")) if body else {}
    except (UnicodeDecodeError, ValueError) as err:
        raise Refused(400, f"The request body is not JSON in UTF-8: {err}.") from err
    if not isinstance(parsed, dict):
        raise Refused(400, f"Send a JSON object, not {type(parsed).__name__}.")
    return parsed


class AnswersRefusals(web.RequestHandler):
    """A handler base (before jupyter_server's, in the bases) whose errors are answered by
    `write_error` here. `failure` is the sentence for a bug: what failed, where to look."""

    failure = "The WOPI host failed; see the Jupyter server log."

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None, None))[1]
        refusal = as_refusal(error)
        if refusal is None:
            return self.write_failure(status_code, **kwargs)
        self.set_status(refusal.status)
        for name, value in refusal.headers.items():
            self.set_header(name, value)
        self.answer_json(refusal.status, refusal.message)

    def write_failure(self, status_code: int, **kwargs: Any) -> None:
        """A bug's answer: no details (they go to the log)."""
        self.answer_json(self.get_status(), self.failure)

    def answer_json(self, status: int, message: str) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"status": status, "message": message}, ensure_ascii=False))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        refusal = as_refusal(value)
        if refusal is not None:
            log_refusal(self, refusal, value)
        else:  # the path, never the query: a WOPI URL's query holds the access token
            request = self.request
            app_log.error(
                "Uncaught exception %s %s (%s)",
                request.method,
                request.path,
                request.remote_ip,
                exc_info=(typ, value, tb),
            )


def log_refusal(handler: web.RequestHandler, refusal: Refused, error: BaseException) -> None:
    """One line, no traceback: the sentence says it all. The path without its query, which
    may hold a token; a server that is stopping is no cause for a warning."""
    quiet = refusal.status < 500 or isinstance(error, ServerStopping)
    request = handler.request
    app_log.log(
        logging.INFO if quiet else logging.WARNING,
        "%d %s %s (%s): %s",
        refusal.status,
        request.method,
        request.path,
        request.remote_ip,
        refusal.message,
    )
