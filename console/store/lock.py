"""One Live Console per session log: an OS lock on `<log>.lock`, naming who holds it.

Two consoles writing one file would number their sessions alike and merge two shows into one.
The lock is advisory and held by the OS for the life of the open file, so a crashed or killed
console never leaves a stale lock behind (the kernel drops it with the process). Readers
(verify-draw, the after-show review) do not take it.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path


class LogInUse(RuntimeError):
    """Another running console holds this log; the message names it, for the host."""


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


class LogLock:
    """Hold with `acquire()`; `release()` (or process exit) lets the next console in."""

    def __init__(self, db_path: Path) -> None:
        self.path = lock_path(Path(db_path))
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            holder = self._holder(fd)
            os.close(fd)
            raise LogInUse(
                f"The session log {self.path.with_suffix('').name} is already in use by another Live "
                f"Console{holder}. Close that one first, or start this one with --db to use another log file."
            )
        self._fd = fd
        info = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}
        data = json.dumps(info).encode()
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data.ljust(256))  # padded: Windows locks byte 0, readers read past it

    @staticmethod
    def _holder(fd: int) -> str:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            info = json.loads(os.read(fd, 4096).decode().strip() or "{}")
            started = time.strftime("%H:%M:%S", time.localtime(float(info["started"])))
            return f" (process {int(info['pid'])} on {info.get('host', '?')}, started {started})"
        except (OSError, ValueError, KeyError, TypeError):
            return ""

    def release(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)  # closing drops the lock
            finally:
                self._fd = None
