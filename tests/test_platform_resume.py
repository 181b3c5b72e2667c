"""Continuing an interrupted session hands each provider the resume state it saved there."""

from __future__ import annotations

import asyncio
import sqlite3

from console.app import AppOptions, ConsoleApp
from console.core.clock import SystemClock
from console.core.events import Comment
from console.core.hub import SessionHub
from console.providers import registry
from console.providers.base import Provider
from console.providers.runner import PlatformRunner
from console.store import queries
from console.store.writer import SessionStore


class Cursorful(Provider):
    """Reads a numbered stream from where the last run stopped (like YouTube's pageToken)."""

    platform = "cursorful"
    display_name = "Cursorful"

    async def run(self, hub):
        start = int(self.ctx.resume.get("next", 0))
        for i in range(start, start + 5):
            hub.publish(Comment(platform="cursorful", msg_id=f"c{i}", ts=1.0, text=f"#{i}"))
            self.ctx.save_resume({"next": i + 1})
        await asyncio.sleep(3600)


def test_continue_session_resumes_each_platform_where_it_stopped(tmp_path):
    registry.register(registry.PlatformSpec("cursorful", "Cursorful", lambda ctx: Cursorful(ctx)))
    db = tmp_path / "s.db"
    try:
        # First run: the provider reads c0..c4 and saves its cursor in the log.
        store = SessionStore(db)
        sid = store.start_session("cursorful")
        hub = SessionHub()
        hub.subscribe(store.enqueue_batch)
        runner = PlatformRunner(["cursorful"], hub, SystemClock())

        async def first():
            runner.start()
            for _ in range(200):
                await asyncio.sleep(0)
            await runner.stop()  # flushes the last resume state into the log
        asyncio.run(first())
        store.close()
        # The crash: the session was never ended (what a kill -9 leaves behind).
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE sessions SET ended_at = NULL WHERE id = ?", (sid,))

        app = ConsoleApp(AppOptions(platforms=["cursorful"], camera="demo", db=db,
                                    config=tmp_path / "none.toml", resume="continue"))
        try:
            assert app.session_id == sid
            assert app.platforms.primary.ctx.resume == {"next": 5}

            async def second():
                await app.run(quit_after=0.5)
            asyncio.run(second())
        finally:
            app.shutdown()
        rows = queries.session_events(queries.open_db(db), sid, ["comment"])
        assert [r["msg_id"] for r in rows] == [f"c{i}" for i in range(10)]  # no gap, no repeat

        # A new session (not a continuation) starts fresh.
        fresh = ConsoleApp(AppOptions(platforms=["cursorful"], camera="demo", db=db,
                                      config=tmp_path / "none.toml", resume="new"))
        try:
            assert fresh.session_id != sid and fresh.platforms.primary.ctx.resume == {}
        finally:
            fresh.shutdown()
    finally:
        registry._REGISTRY.pop("cursorful", None)
