"""Write failures keep events in memory, tell the host in plain words, and recover."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from console.core.events import Action, Comment, Viewer
from console.store import schema
from console.store.writer import SessionStore, StoreOpenError, default_connect

UNLIMITED_PAGES = 1_073_741_823


def comments(n: int, start: int = 0) -> list:
    return [
        Comment("demo", f"m{i}", float(i), Viewer(f"v{i}", f"Viewer {i}"), text="x" * 150)
        for i in range(start, start + n)
    ]


def count(path: Path, table: str = "events") -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


class Errors:
    """on_error sink that lets a test wait for a message without sleeping blindly."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.arrived = threading.Event()

    def __call__(self, message: str) -> None:
        self.messages.append(message)
        self.arrived.set()


class CapturedConnect:
    """The real connection, kept so a test can make the 'disk' full and free it again."""

    conn: sqlite3.Connection

    def __call__(self, path: Path) -> sqlite3.Connection:
        self.conn = default_connect(path)
        return self.conn

    def fill_disk(self) -> None:
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        self.conn.execute(f"PRAGMA max_page_count = {pages}")

    def free_disk(self) -> None:
        self.conn.execute(f"PRAGMA max_page_count = {UNLIMITED_PAGES}")


def test_disk_full_keeps_events_reports_once_and_saves_them_when_space_returns(tmp_path):
    path = tmp_path / "full.db"
    errors, disk = Errors(), CapturedConnect()
    store = SessionStore(path, on_error=errors, connect=disk)
    store.start_session("demo")
    store.enqueue_batch(comments(100))
    assert store.flush()
    disk.fill_disk()

    store.enqueue_batch(comments(3_000, start=100))
    store.enqueue_batch([Action("demo", "a1", 1.0, name="lottery.draw", detail={"seed": "ab"})])
    assert errors.arrived.wait(10)
    assert "disk is full" in errors.messages[0]
    assert "kept in memory" in errors.messages[0]
    stats = store.stats()
    assert stats.failing and stats.pending == 3_001 and stats.last_error == errors.messages[0]

    # More events keep arriving while the disk is full; they queue behind the failed batch.
    store.enqueue_batch(comments(500, start=3_100))
    assert not store.flush(timeout=0.6)  # still failing: cannot be on disk yet
    disk.free_disk()
    assert store.flush(timeout=15)
    store.close()

    assert count(path) == 3_600 and count(path, "actions") == 1
    stats = store.stats()
    assert stats.pending == 0 and not stats.failing and stats.written == 3_601
    assert len(errors.messages) == 1  # retries of the same problem do not nag the host


def test_file_locked_by_another_program_then_released(tmp_path):
    path = tmp_path / "locked.db"
    errors = Errors()
    store = SessionStore(path, on_error=errors)
    store.start_session("demo")
    assert store.flush()

    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # holds the write lock, like a sync tool or a second app
    try:
        store.enqueue_batch(comments(200))
        assert errors.arrived.wait(10)
        assert "another program is using locked.db" in errors.messages[0]
        assert store.stats().pending == 200
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.flush(timeout=15)
    store.close()
    assert count(path) == 200 and store.stats().pending == 0


def test_close_while_still_failing_gives_up_in_bounded_time_and_says_so(tmp_path):
    path = tmp_path / "stuck.db"
    errors, disk = Errors(), CapturedConnect()
    store = SessionStore(path, on_error=errors, connect=disk)
    store.start_session("demo")
    assert store.flush()
    disk.fill_disk()
    store.enqueue_batch(comments(2_000))
    store.close(timeout=0.5)

    assert not store._thread.is_alive()
    assert "could not be saved before closing: 2000 events" in errors.messages[-1]
    assert store.stats().pending == 2_000


def test_a_broken_error_callback_does_not_stop_the_writer(tmp_path):
    path = tmp_path / "cb.db"
    disk = CapturedConnect()
    called = threading.Event()

    def broken(message: str) -> None:
        called.set()
        raise ValueError("banner widget gone")

    store = SessionStore(path, on_error=broken, connect=disk)
    store.start_session("demo")
    assert store.flush()
    disk.fill_disk()
    store.enqueue_batch(comments(1_000))
    assert called.wait(10)
    disk.free_disk()
    assert store.flush(timeout=15)
    store.close()
    assert count(path) == 1_000


def test_not_a_database_is_refused_with_a_readable_message(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is a text file, not a session log\n" * 200)
    with pytest.raises(StoreOpenError, match="looks damaged"):
        SessionStore(path)


def test_log_from_a_newer_app_is_refused(tmp_path):
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.CURRENT_VERSION + 1}")
    conn.close()
    with pytest.raises(schema.SchemaTooNew, match="newer version of Live Console"):
        SessionStore(path)


def test_close_during_a_long_backoff_still_returns_within_its_timeout(tmp_path, monkeypatch):
    from console.store import writer

    monkeypatch.setattr(writer, "BACKOFF_S", (30.0,))  # next retry far beyond the close timeout
    path = tmp_path / "slow.db"
    errors, disk = Errors(), CapturedConnect()
    store = SessionStore(path, on_error=errors, connect=disk)
    store.start_session("demo")
    assert store.flush()
    disk.fill_disk()
    store.enqueue_batch(comments(500))
    assert errors.arrived.wait(10)
    store.close(timeout=0.3)
    assert not store._thread.is_alive()
    assert "could not be saved before closing: 500 events" in errors.messages[-1]
