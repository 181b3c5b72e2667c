"""The one Qt-free signal type for model-to-view notifications.

Engines, controllers and providers announce changes through a `Signal`; views connect to it.
Emitting calls every listener synchronously on the emitting thread, so a listener that must
touch widgets hands the work to the GUI thread itself (`console.ui.taskman.to_gui`).
A failing listener is logged and isolated: it never stops the emitter or the other listeners
(one broken UI listener must not end the run loop).
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

log = logging.getLogger(__name__)

Listener = Callable[..., Any]


class Signal:
    __slots__ = ("name", "_listeners", "_lock", "errors")

    def __init__(self, name: str = "") -> None:
        self.name = name
        self._listeners: tuple[Listener, ...] = ()
        self._lock = threading.Lock()
        self.errors = 0

    def connect(self, fn: Listener) -> Listener:
        """Add a listener (usable as a decorator); returns it so it can be disconnected."""
        with self._lock:
            self._listeners = (*self._listeners, fn)
        return fn

    def disconnect(self, fn: Listener) -> None:
        with self._lock:
            # `!=`, not `is not`: `obj.method` is a new bound-method object on every access.
            self._listeners = tuple(f for f in self._listeners if f != fn)

    def emit(self, *args: Any, **kwargs: Any) -> None:
        # Copy-on-write tuple: a listener may connect/disconnect or emit again without deadlock.
        for fn in self._listeners:
            try:
                fn(*args, **kwargs)
            except Exception:  # noqa: BLE001 — isolation is the point
                self.errors += 1
                log.exception("listener %r of signal %s failed", fn, self.name or "?")

    def __len__(self) -> int:
        return len(self._listeners)
