"""The one way background work gets back to the GUI thread.

- `run_in_background(fn, on_done=…, on_error=…)`: run `fn()` on the shared thread pool and
  deliver its result (or exception) to the callbacks on the GUI thread.
- `to_gui(fn, *args)`: call `fn(*args)` on the GUI thread soon (queued, even when called on
  it); safe from any thread (for
  listeners of a Qt-free `console.core.signal.Signal` emitted off the GUI thread).
- `coalesced(fn)`: a callable that queues `fn()` to the GUI thread once for however many calls
  come before it runs (a panel notified per event batch repaints once, not per batch).

Modelled on Anki's `taskman`: one relay QObject living on the GUI thread and a queued signal.
A callback that raises is logged, never propagated into Qt's event loop.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Qt, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    sig_call = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        # Always queued, also from the GUI thread itself: "soon", never re-entering the caller
        # (a listener emitted mid-operation must not redraw a panel half-way through it).
        self.sig_call.connect(self._call, Qt.QueuedConnection)

    @staticmethod
    def _call(thunk: Callable[[], Any]) -> None:
        try:
            thunk()
        except Exception:  # noqa: BLE001
            log.exception("GUI-thread callback failed")


_relay: _Relay | None = None


def _get_relay() -> _Relay:
    global _relay
    if _relay is None:
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("taskman needs a QApplication")
        _relay = _Relay()
        _relay.moveToThread(app.thread())
    return _relay


def to_gui(fn: Callable[..., Any], *args: Any) -> None:
    _get_relay().sig_call.emit(lambda: fn(*args))


class coalesced:  # noqa: N801 — used like a function
    """`fn()` on the GUI thread, once per burst of calls from any thread."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        self.fn = fn
        self._queued = False
        self._lock = threading.Lock()

    def __call__(self, *_: Any) -> None:
        with self._lock:
            if self._queued:
                return
            self._queued = True
        to_gui(self._run)

    def _run(self) -> None:
        with self._lock:
            self._queued = False  # a call from here on queues the next run
        self.fn()


class _Job(QRunnable):
    def __init__(self, fn, on_done, on_error) -> None:
        super().__init__()
        self.fn, self.on_done, self.on_error = fn, on_done, on_error

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # noqa: BLE001 — delivered to on_error on the GUI thread
            if self.on_error is not None:
                to_gui(self.on_error, exc)
            else:
                log.error("background task %r failed: %s", self.fn, exc, exc_info=exc)
            return
        if self.on_done is not None:
            to_gui(self.on_done, result)


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], Any] | None = None,
    on_error: Callable[[BaseException], Any] | None = None,
) -> None:
    _get_relay()  # created on the GUI thread before any worker needs it
    QThreadPool.globalInstance().start(_Job(fn, on_done, on_error))
