"""The running outputs of one session: start/stop by registry key, all stopped at shutdown.

One output failing to start (no backend, wrong key, refused connection) is reported to the host
through `note` and leaves the others and the show running.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from console.i18n import pick

from .registry import Output, OutputContext, OutputStatus, OutputUnavailable, create, label

log = logging.getLogger(__name__)


class OutputManager:
    def __init__(self, context: OutputContext) -> None:
        self.context = context
        self._running: dict[str, Output] = {}
        self._lock = threading.Lock()

    def start(self, key: str, *, name: str | None = None, **options: Any) -> Output | None:
        """Start an output; `name` tells several of one kind apart (default: the kind).
        Returns None (host told why) when it cannot start."""
        name = name or key
        self.stop(name)
        try:
            output = create(key, self.context, **options)
            output.start()
        except Exception as exc:  # noqa: BLE001 — one output must never end the session
            # Expected causes (no device, refused connection) get the host's message, not a traceback.
            expected = isinstance(exc, (OSError, OutputUnavailable))
            log.log(logging.DEBUG if expected else logging.WARNING, "output %s could not start: %s", name, exc,
                    exc_info=not expected)
            shown = label(key) if name == key else f"{label(key)} ({name})"
            self.context.note(pick(f"{shown} could not start: {exc}", f"{shown}无法启动：{exc}"))
            return None
        with self._lock:
            self._running[name] = output
        return output

    def stop(self, name: str) -> None:
        with self._lock:
            output = self._running.pop(name, None)
        if output is not None:
            try:
                output.stop()
            except Exception:  # noqa: BLE001
                log.exception("stopping output %s failed", name)

    def get(self, name: str) -> Output | None:
        with self._lock:
            return self._running.get(name)

    def statuses(self) -> dict[str, OutputStatus]:
        with self._lock:
            running = dict(self._running)
        return {name: output.status() for name, output in running.items()}

    def stop_all(self) -> None:
        with self._lock:
            names = list(self._running)
        for name in names:
            self.stop(name)
