"""Shared bits for platform tests: a real hub + SQLite log, waiting on conditions, provider contexts."""

from __future__ import annotations

from pathlib import Path

from console.core.hub import SessionHub
from console.providers.base import ProviderContext
from console.store.queries import open_db, session_events
from console.store.writer import SessionStore
from tests.waiting import until  # noqa: F401 — platform tests import it from here


class Room:
    """A hub whose events go into a real SQLite session log, plus every status reported."""

    def __init__(self, tmp_path: Path, platform: str) -> None:
        self.hub = SessionHub()
        self.store = SessionStore(tmp_path / "s.db")
        self.session = self.store.start_session(platform)
        self.hub.subscribe(self.store.enqueue_batch, name="store")
        self.events: list = []
        self.hub.subscribe(self.events.extend, name="test")
        self.statuses: list = []
        self.path = tmp_path / "s.db"

    def ctx(self, platform: str, config: dict, secrets: dict, resume: dict | None = None,
            saved: list | None = None) -> ProviderContext:
        ctx = ProviderContext(platform, config=config, credential=lambda name: secrets.get(name),
                              resume=dict(resume or {}),
                              save_resume=(saved.append if saved is not None else (lambda s: None)))
        ctx.status_changed.connect(self.statuses.append)
        return ctx

    def logged(self, kind: str | None = None) -> list[dict]:
        self.store.flush()
        db = open_db(self.path)
        try:
            return session_events(db, self.session, kinds=[kind] if kind else None)
        finally:
            db.close()

    def close(self) -> None:
        self.store.close()
