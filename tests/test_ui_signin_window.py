"""The whole window on a Twitch session whose sign-in has expired: the host is told in plain words,
"Sign in again" opens the Device Code dialog (local OAuth double), the new token goes to the
keyring, and Twitch starts again in the same session — chat after that lands in the same log.
The Platform settings dialog offers Sign in… / Sign out for Twitch."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from PySide6.QtCore import Qt

from console.app import AppOptions, ConsoleApp
from console.providers.status import ConnState
from console.store import queries
from tests.doubles.twitch import TwitchDouble
from tests.waiting import until
from tests.window_helpers import free_port, run_on_qt_loop, shown_window


def test_sign_in_again_from_the_window_restarts_twitch_in_the_same_session(qtbot, tmp_path, memory_keyring):
    http_port, ws_port = free_port(), free_port()
    cfg = tmp_path / "config.toml"
    cfg.write_text(f"""[platform]
use = ["twitch"]

[twitch]
client_id = "cid-123"
eventsub_url = "ws://127.0.0.1:{ws_port}/ws"
helix_base = "http://127.0.0.1:{http_port}/helix"
auth_base = "http://127.0.0.1:{http_port}"
keepalive_s = 5
keepalive_margin_s = 10
""", encoding="utf-8")
    memory_keyring.store[("live-console", "twitch:token")] = "tok-expired"
    app = ConsoleApp(AppOptions(camera="demo", db=tmp_path / "s.db", config=cfg))
    window = shown_window(qtbot, app, tmp_path)
    session = app.session_id
    shots = Path(os.environ.get("LIVE_CONSOLE_SHOTS") or tmp_path)
    state = {}

    async def scenario():
        stop = asyncio.Event()
        tw = await TwitchDouble(device_pending_polls=2).start(http_port, ws_port)
        state["tw"] = tw
        running = asyncio.ensure_future(app.run(stop=stop))
        try:
            actions = window.signin_actions
            await until(lambda: actions.prompt is not None and actions.prompt.isVisible(), what="sign-in prompt")
            assert app.platforms.statuses["twitch"].sign_in
            assert "Sign in again" in actions.prompt.text()
            again = next(b for b in actions.prompt.buttons() if b.text() == "Sign in again")
            again.click()
            dialog = actions.dialog
            await until(lambda: dialog.code.text() == "ABCDEFGH", what="device code shown")
            await until(lambda: dialog.account == "hostchannel", what="signed in")
            token = memory_keyring.store[("live-console", "twitch:token")]
            assert token != "tok-expired" and token in tw.tokens
            await until(lambda: app.platforms.statuses["twitch"].state is ConnState.LIVE, what="Twitch live again")
            s = await tw.wait_subscribed(6)
            state["mid"] = await tw.chat(s, "back after signing in")
            dialog.close()
            settings = window.show_platform_settings()
            names = [settings.platforms.item(i).data(Qt.UserRole) for i in range(settings.platforms.count())]
            settings.platforms.setCurrentRow(names.index("twitch"))
            assert settings.signin_btn.isVisible() and settings.signout_btn.isVisible()
            settings.platforms.setCurrentRow(names.index("demo"))
            assert not settings.signin_btn.isVisible()
            settings.platforms.setCurrentRow(names.index("twitch"))
            await asyncio.sleep(0.3)
            settings.grab().save(str(shots / "platform_dialog_twitch.png"))
            def logged() -> bool:
                app.store.flush(timeout=2.0)
                rows = queries.session_events(queries.open_db(tmp_path / "s.db"), session, ["comment"])
                return any(r["msg_id"] == state["mid"] for r in rows)

            await until(logged, what="chat logged in the same session")
            settings.close()
        finally:
            stop.set()
            await running
            await tw.stop()

    run_on_qt_loop(app, scenario)
    assert app.session_id == session, "signing in again keeps the session"
    db = queries.open_db(tmp_path / "s.db")
    assert state["mid"] in [c["msg_id"] for c in queries.session_events(db, session, ["comment"])]
