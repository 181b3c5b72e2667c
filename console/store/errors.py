"""Why the session log could not be saved, in words a host can act on mid-show."""

from __future__ import annotations

import sqlite3
from pathlib import Path

# Primary SQLite result codes (https://sqlite.org/rescode.html); extended codes carry these in
# their low byte.
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26


def _cause(exc: BaseException, path: Path) -> tuple[str, str]:
    """(what is wrong, when saving resumes) for a failure on the log file at `path`."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    name = path.name

    if primary == _FULL or "disk is full" in text:
        return "the disk is full", "when space is free"
    if primary in (_BUSY, _LOCKED) or "locked" in text:
        return f"another program is using {name}", "as soon as it lets go"
    if primary == _READONLY or "readonly" in text or "read-only" in text:
        return f"{name} is read-only", "once the file can be written again"
    if primary == _CANTOPEN or isinstance(exc, (FileNotFoundError, PermissionError)):
        return f"the folder {path.parent} can't be opened", "once it is available again"
    if primary in (_CORRUPT, _NOTADB):
        return (
            f"{name} looks damaged (move it aside after the show to start a fresh log)",
            "if the file recovers",
        )
    if primary == _IOERR or isinstance(exc, OSError):
        return "the disk reported a read/write error", "when it responds again"
    return f"an unexpected database error ({exc})", "when the problem clears"


def describe_write_error(exc: BaseException, path: Path) -> str:
    """One sentence for the host plus what happens next. Never a traceback."""
    what, when = _cause(exc, path)
    return (
        f"Can't save the session log: {what}. "
        f"Events are kept in memory and will be saved {when}."
    )


def describe_open_error(exc: BaseException, path: Path) -> str:
    what, _ = _cause(exc, path)
    return f"Can't open the session log {path}: {what}."
