"""The session log writer: one thread owns the SQLite connection and commits in batches.

Callers (the hub, engines, the UI) only ever put onto a queue, so a slow or failing disk can
never stall the Qt/asyncio loop. The writer collects what arrives for up to `batch_window_s`
(or `max_batch_rows`), then writes it in one transaction with prepared `executemany` inserts;
per-row sqlite-utils inserts are far too slow for a 50,000 events/s comment storm.

When a write fails (disk full, file locked by another program, made read-only) the batch is
rolled back but kept in memory, in order, and retried with backoff while new events keep
queueing behind it; the host is told once per problem through `on_error`.
"""

from __future__ import annotations

import atexit
import collections
import logging
import queue
import sqlite3
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import sqlite_utils

from console.core.clock import Clock, SystemClock
from console.core.events import Event

from . import rows
from .batch import Batch, commit
from .errors import describe_open_error, describe_write_error
from .lock import LogInUse, LogLock
from .opening import StorageProblem, check_writable, free_space_note, mark_interrupted
from .schema import migrate

log = logging.getLogger(__name__)

ErrorCallback = Callable[[str], None]
Connect = Callable[[Path], sqlite3.Connection]

BUSY_TIMEOUT_S = 1.0
"""How long one attempt waits for another program's lock before counting as a failure."""
BACKOFF_S = (0.25, 0.5, 1.0, 2.0, 4.0)


class StoreOpenError(RuntimeError):
    """The log file could not be opened at all; the message is meant for the host."""


@dataclass(frozen=True, slots=True)
class StoreStats:
    path: Path
    written: int
    """Rows committed to disk (events + actions)."""
    pending: int
    """Events accepted but not yet committed (waiting for the window, or for a failing disk)."""
    batches: int
    """Transactions committed."""
    last_error: str | None
    """The most recent failure, in host words; stays set after recovery (see `failing`)."""
    failing: bool = False
    duplicates: int = 0
    """Re-delivered platform messages ignored by the (session, platform, msg_id) dedupe."""
    dropped: int = 0
    """Events that arrived with no session open (before start or after end/close)."""
    rejected: int = 0
    """Rows the database refused outright (see batch.commit); logged, never retried."""
    last_latency_s: float | None = None
    """For the last committed batch: seconds from its oldest event's arrival to on-disk."""
    session_id: int | None = None

    @property
    def saved_everything(self) -> bool:
        """Nothing waits in memory and the disk is not failing now (an earlier, recovered
        problem stays in `last_error` but no longer counts)."""
        return self.pending == 0 and not self.failing


def default_connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, one per batch.
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    conn.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode: a power cut may lose the last commits, never corrupts the file.
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


class SessionStore:
    def __init__(
        self,
        path: Path,
        *,
        batch_window_s: float = 0.25,
        on_error: ErrorCallback | None = None,
        max_batch_rows: int = 20_000,
        clock: Clock | None = None,
        connect: Connect | None = None,
    ) -> None:
        """Open (creating or upgrading) the log at `path` and start the writer thread.

        `on_error` is called on the writer thread; a UI must hop to the GUI thread itself.
        `connect` replaces how the connection is made (tests use it to inject faults).
        """
        self.path = Path(path)
        self._window = max(0.0, min(batch_window_s, 0.25))
        self._max_rows = max(1, max_batch_rows)
        self._on_error = on_error
        self._clock = clock or SystemClock()
        conn: sqlite3.Connection | None = None
        self._file_lock = LogLock(self.path)
        self.notes: list[str] = []
        """Things worth telling the host at start (a nearly full disk)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One console per log file: a second one would take the same session ids.
            self._file_lock.acquire()
            conn = (connect or default_connect)(self.path)
            migrate(sqlite_utils.Database(conn, execute_plugins=False))
            check_writable(conn, self.path)
            note = free_space_note(self.path)
            if note:
                self.notes.append(note)
            with conn:
                conn.execute("BEGIN IMMEDIATE")
                self.interrupted = mark_interrupted(conn)
                self._resumable = {r[0] for r in conn.execute("SELECT id FROM sessions WHERE ended_at IS NULL")}
            # self.interrupted: sessions a crash left open, found (and marked) now; see continue_session().
            last = conn.execute("SELECT MAX(id) FROM sessions").fetchone()[0]
        except BaseException as exc:
            if conn is not None:
                conn.close()
            self._file_lock.release()
            if isinstance(exc, (sqlite3.Error, OSError)) and not isinstance(exc, LogInUse):
                raise StoreOpenError(describe_open_error(exc, self.path)) from exc
            if isinstance(exc, (LogInUse, StorageProblem)):
                raise StoreOpenError(str(exc)) from exc
            raise
        self._conn = conn

        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._next_session = int(last or 0) + 1
        self._session: int | None = None
        self._closed = False
        self._accepted = 0
        self._written = 0
        self._duplicates = 0
        self._dropped = 0
        self._rejected = 0
        self._batches = 0
        self._last_error: str | None = None
        self._failing = False
        self._commit_estimate = 0.1 * self._window  # until real commits have been timed
        self._latency: float | None = None
        self._heads: dict[int, tuple[int, bytes]] = {}
        self._inflight: collections.deque[float] = collections.deque()
        """Enqueue times of the event batches not yet on disk, oldest first (backlog_s)."""

        self._thread = threading.Thread(target=self._run, name="session-log-writer", daemon=True)
        self._thread.start()
        # The thread is a daemon so a forgotten close() cannot hang interpreter exit; this
        # makes sure such an exit still flushes. Weak so the hook never keeps a store alive.
        ref = weakref.ref(self)
        self._atexit_hook = lambda: (store := ref()) is not None and store.close()
        atexit.register(self._atexit_hook)

    # -- caller side: every method here returns without touching the disk ------------------

    def start_session(
        self,
        platform: str,
        *,
        is_demo: bool = False,
        app_version: str = "",
        meta: dict[str, Any] | None = None,
    ) -> int:
        """Open a session (ending any open one) and return its id; its events follow it."""
        meta_clean, dropped_keys = rows.scrub_secrets(meta or {})
        if dropped_keys:
            log.warning("session meta keys not logged (look like secrets): %s", dropped_keys)
        # The demo platform is simulated audience; it must never pass for a real show.
        demo = bool(is_demo) or platform == "demo"
        now = self._clock.now()
        with self._lock:
            if self._closed:
                raise RuntimeError("the session log is closed")
            if self._session is not None:
                self._queue.put(("end", (now, self._session)))
            session_id = self._next_session
            self._next_session += 1
            self._session = session_id
            row = (session_id, platform, now, None, int(demo), rows.json_text(meta_clean),
                   app_version)
            self._queue.put(("start", row))
        return session_id

    def continue_session(self, session_id: int) -> int:
        """Go on writing into a session a crash interrupted (one of `self.interrupted`).

        Its records continue the same hash chain; the caller logs that it resumed.
        """
        if session_id not in self._resumable:
            raise ValueError(f"session {session_id} was not interrupted; it cannot be continued")
        with self._lock:
            if self._closed:
                raise RuntimeError("the session log is closed")
            if self._session is not None:
                self._queue.put(("end", (self._clock.now(), self._session)))
            self._session = session_id
        return session_id

    def end_session(self) -> None:
        """Mark the open session ended; queued, so it lands after everything before it."""
        now = self._clock.now()
        with self._lock:
            if self._session is None or self._closed:
                return
            self._queue.put(("end", (now, self._session)))
            self._session = None

    def enqueue_batch(self, events: Sequence[Event]) -> None:
        """Hub subscriber: thread-safe, never blocks on the disk."""
        if not events:
            return
        batch = tuple(events)  # the caller may reuse its list; events themselves are frozen
        with self._lock:
            if self._closed or self._session is None:
                self._dropped += len(batch)
                dropped = True
            else:
                self._accepted += len(batch)
                now = time.monotonic()
                self._inflight.append(now)
                self._queue.put(("events", (self._session, batch, now)))
                dropped = False
        if dropped:
            log.warning("session log: %d events arrived with no session open", len(batch))

    def flush(self, timeout: float | None = 5.0) -> bool:
        """Write everything queued so far now; True once it is on disk."""
        done = threading.Event()
        with self._lock:
            closed = self._closed
            if not closed:
                self._queue.put(("flush", done))
        if closed:  # stats() takes the lock itself: never call it while holding it
            return self.stats().pending == 0
        return done.wait(timeout)

    def backlog_s(self) -> float:
        """How long the oldest event not yet on disk has waited (0 when all is saved).

        Within the batch window when the writer keeps up; more means the machine cannot save
        as fast as events arrive, and what a crash would lose grows with it.
        """
        with self._lock:
            return time.monotonic() - self._inflight[0] if self._inflight else 0.0

    def stats(self) -> StoreStats:
        with self._lock:
            return StoreStats(
                path=self.path,
                written=self._written,
                pending=self._accepted - self._written - self._duplicates - self._rejected,
                batches=self._batches,
                last_error=self._last_error,
                failing=self._failing,
                duplicates=self._duplicates,
                dropped=self._dropped,
                rejected=self._rejected,
                last_latency_s=self._latency,
                session_id=self._session,
            )

    def chain_head(self, session_id: int | None = None) -> tuple[int, str] | None:
        """(seq, hex hash) of the newest record of the session that is on disk, or None.

        What the lottery shows on air at a draw: anyone holding the published log can check
        that its record #seq has this hash, so the log cannot have been rewritten up to there.
        """
        with self._lock:
            sid = self._session if session_id is None else session_id
            head = self._heads.get(sid) if sid is not None else None
        return None if head is None else (head[0], head[1].hex())

    def close(self, timeout: float = 10.0) -> None:
        """Flush everything and stop the writer. Idempotent; also runs at interpreter exit.

        If the disk is still failing after `timeout` seconds, what could not be saved is
        reported through `on_error` and left counted in `stats().pending`.
        """
        with self._lock:
            first = not self._closed
            if first:
                if self._session is not None:
                    self._queue.put(("end", (self._clock.now(), self._session)))
                    self._session = None
                self._closed = True
                self._queue.put(("stop", time.monotonic() + timeout))
        if first:
            atexit.unregister(self._atexit_hook)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout + 2 * BUSY_TIMEOUT_S + 1.0)

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writer thread ----------------------------------------------------------------------

    def _take(self, op: str, arg: Any, batch: Batch) -> float | None:
        """Fold one queued op into `batch`; returns a close deadline if this is the stop op."""
        if op == "events":
            session_id, events, enqueued_at = arg
            batch.oldest = min(batch.oldest, enqueued_at)
            batch.enqueues += 1
            order: list[bool] = []
            try:
                ev_rows, act_rows = rows.split_rows(session_id, events, order)
            except Exception:  # noqa: BLE001 — not an Event at all, or a broken subclass
                order = []
                ev_rows, act_rows = self._split_one_by_one(session_id, events, order)
            batch.events.extend(ev_rows)
            batch.actions.extend(act_rows)
            batch.order.extend(order)
        elif op == "start":
            batch.sessions.append(arg)
        elif op == "end":
            batch.ends.append(arg)
        elif op == "flush":
            batch.waiters.append(arg)
            batch.urgent = True
        elif op == "stop":
            batch.urgent = True
            return arg
        return None

    def _split_one_by_one(self, session_id: int, events: Sequence[Event],
                          order: list[bool]) -> tuple[list, list]:
        ev_rows: list = []
        act_rows: list = []
        for ev in events:
            try:
                one_ev, one_act = rows.split_rows(session_id, (ev,))
                order.extend([True] * len(one_ev) + [False] * len(one_act))
            except Exception:  # noqa: BLE001
                log.exception("session log: cannot log %.200r", ev)
                with self._lock:
                    self._rejected += 1
                continue
            ev_rows += one_ev
            act_rows += one_act
        return ev_rows, act_rows

    def _run(self) -> None:
        try:
            self._loop()
        except BaseException as exc:  # noqa: BLE001 — last resort: say so instead of going quiet
            log.exception("session log writer stopped")
            self._report(
                f"The session log stopped saving after an internal error ({exc}). Restart the "
                f"app after the show; events from now on are not being saved.",
                exc,
            )
        finally:
            self._close_connection()

    def _loop(self) -> None:
        batch = Batch()
        stop_deadline: float | None = None
        attempt = 0
        retry_at = 0.0
        while True:
            if stop_deadline is None and not batch.rows and not batch.waiters:
                stop_deadline = self._take(*self._queue.get(), batch) or stop_deadline
            # The window counts from when the oldest event was enqueued and leaves room for
            # the commit itself, so an event is on disk within `batch_window_s` of arriving.
            started = batch.oldest if batch.oldest != float("inf") else time.monotonic()
            # 10 % margin: thread hand-offs and the GIL add a few ms the estimate does not see.
            window_end = started + 0.9 * self._window - self._commit_estimate
            # Gather until the window closes; while failing, until the next retry is due.
            until = max(window_end, retry_at) if attempt else window_end
            while stop_deadline is None and (attempt or not batch.urgent):
                if not attempt and batch.rows >= self._max_rows:
                    break
                remaining = until - time.monotonic()
                if remaining <= 0:
                    # The window is over, but what already waits in the queue joins this same
                    # transaction: after a stall (a busy machine) the backlog is written in a
                    # few large commits instead of one small commit per enqueue call.
                    while not attempt and batch.rows < self._max_rows and stop_deadline is None:
                        try:
                            op, arg = self._queue.get_nowait()
                        except queue.Empty:
                            break
                        stop_deadline = self._take(op, arg, batch) or stop_deadline
                    break
                try:
                    op, arg = self._queue.get(timeout=remaining)
                except queue.Empty:
                    break
                stop_deadline = self._take(op, arg, batch) or stop_deadline
            if stop_deadline is not None:
                if attempt:
                    # Nothing new can be queued once closing, so waiting here is safe.
                    time.sleep(max(0.0, min(retry_at, stop_deadline) - time.monotonic()))
                # Closing: take everything already queued.
                while True:
                    try:
                        op, arg = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    self._take(op, arg, batch)
            elif attempt and time.monotonic() < retry_at:
                continue

            if self._write(batch):
                attempt = 0
                with self._lock:
                    for _ in range(batch.enqueues):
                        self._inflight.popleft()
                for waiter in batch.waiters:
                    waiter.set()
                batch = Batch()
                if stop_deadline is not None:
                    return
                continue

            attempt += 1
            retry_at = time.monotonic() + BACKOFF_S[min(attempt - 1, len(BACKOFF_S) - 1)]
            if stop_deadline is not None and retry_at > stop_deadline:
                self._give_up(batch)
                return

    def _write(self, batch: Batch) -> bool:
        if not batch.rows:
            return True
        began = time.monotonic()
        try:
            done = commit(self._conn, batch)
        except (sqlite3.Error, OSError) as exc:
            self._report(describe_write_error(exc, self.path), exc)
            return False
        finished = time.monotonic()
        # Smoothed, and never more than half the window: a one-off slow commit (a WAL
        # checkpoint) must not shrink the next batches to nothing.
        self._commit_estimate = min(
            0.7 * self._commit_estimate + 0.3 * (finished - began), self._window / 2
        )
        with self._lock:
            self._written += done.written
            self._duplicates += done.duplicates
            self._rejected += done.rejected
            self._batches += 1
            self._heads.update(done.heads)
            if batch.oldest != float("inf"):
                self._latency = finished - batch.oldest
            recovered = self._failing
            self._failing = False
        if recovered:
            log.info("session log: saving again (%s)", self.path)
        return True

    def _report(self, message: str, exc: BaseException | None) -> None:
        with self._lock:
            repeat = self._failing and message == self._last_error
            self._last_error = message
            self._failing = True
        log.warning("session log write failed: %s (%r)", message, exc)
        if repeat or self._on_error is None:
            return
        try:
            self._on_error(message)
        except Exception:  # noqa: BLE001 — a broken error banner must not stop the writer
            log.exception("session log on_error callback failed")

    def _give_up(self, batch: Batch) -> None:
        lost = len(batch.events) + len(batch.actions)
        self._report(
            f"The session log could not be saved before closing: {lost} events were not "
            f"written to {self.path.name}. ({self._last_error})",
            None,
        )

    def _close_connection(self) -> None:
        try:
            self._conn.close()
        except sqlite3.Error:
            log.exception("session log: closing the database failed")
        finally:
            self._file_lock.release()
