"""The whole window on a Twitch session with predictions switched on (Twitch double on 127.0.0.1):
signing in asks Twitch for channel:manage:predictions; the host's preset button starts a
prediction, Twitch's tallies reach the video, Lock and “<outcome>” wins… (confirmed) go to Twitch,
and the session log holds each step as the host's. A screenshot of the window is saved."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
from pathlib import Path

from console.app import AppOptions, ConsoleApp
from console.providers.status import ConnState
from tests.doubles.twitch import TwitchDouble
from tests.waiting import until
from tests.window_helpers import free_port, run_on_qt_loop, shown_window


def test_the_host_runs_a_twitch_prediction_from_the_window(qtbot, tmp_path, memory_keyring):
    http_port, ws_port = free_port(), free_port()
    cfg = tmp_path / "config.toml"
    cfg.write_text(f"""[platform]
use = ["twitch"]

[twitch]
client_id = "cid-123"
eventsub_url = "ws://127.0.0.1:{ws_port}/ws"
helix_base = "http://127.0.0.1:{http_port}/helix"
auth_base = "http://127.0.0.1:{http_port}"
predictions = true
keepalive_s = 5
keepalive_margin_s = 10
""", encoding="utf-8")
    memory_keyring.store[("live-console", "twitch:token")] = "tok-good"
    app = ConsoleApp(AppOptions(camera="demo", db=tmp_path / "s.db", config=cfg, lang="en"))
    window = shown_window(qtbot, app, tmp_path)
    window.resize(1600, 1000)
    shots = Path(os.environ.get("LIVE_CONSOLE_SHOTS") or tmp_path)
    state: dict = {}

    async def scenario():
        stop = asyncio.Event()
        tw = state["tw"] = await TwitchDouble(device_pending_polls=1).start(http_port, ws_port)
        running = asyncio.ensure_future(app.run(stop=stop))
        try:
            await until(lambda: app.platforms.statuses["twitch"].state is ConnState.LIVE, what="Twitch live")
            # Signing in asks for the predictions scope because [twitch] predictions = true.
            dialog = window.signin_actions.sign_in("twitch")
            await until(lambda: tw.device, what="device code requested")
            assert "channel:manage:predictions" in next(iter(tw.device.values()))["scopes"]
            dialog.close()

            panel = window.triggers
            panel.preset_buttons["sellout_prediction"].click()
            await until(lambda: tw.predictions, what="the preset created the prediction on Twitch")
            pid = next(iter(tw.predictions))
            tw.bet(pid, 0, "ann", 1200)
            tw.bet(pid, 1, "bob", 300)
            await until(lambda: [(u, p) for _, u, p in app.interactions.snapshot().prediction.outcomes]
                        == [(1, 1200), (1, 300)], what="Twitch's tallies on the video")
            panel.refresh()
            row = panel.rows["prediction"]
            window.grab().save(str(shots / "prediction_window.png"))
            row.buttons["lock"].click()
            await until(lambda: tw.predictions[pid]["status"] == "LOCKED", what="locked from the window")
            await until(lambda: app.interactions.snapshot().prediction.phase == "locked", what="console saw it")
            panel.refresh()
            assert row.buttons["win1"].text() == "“Yes 会” wins…" and row.buttons["win1"].isVisible()
            row.buttons["win1"].click()
            panel.pending_dialog.yes_button.click()
            await until(lambda: tw.predictions[pid]["status"] == "RESOLVED", what="paid out")
            window.grab().save(str(shots / "prediction_window_resolved.png"))
        finally:
            stop.set()
            await running
            await tw.stop()

    run_on_qt_loop(app, scenario)
    tw = state["tw"]
    pid = next(iter(tw.predictions))
    assert tw.predictions[pid]["winning_outcome_id"] == tw.predictions[pid]["outcomes"][0]["id"]
    con = sqlite3.connect(tmp_path / "s.db")
    rows = [(n, s, json.loads(d)) for n, s, d in con.execute(
        "SELECT name, source, detail FROM actions WHERE name LIKE 'prediction.%' ORDER BY id")]
    assert [n for n, _, _ in rows] == ["prediction.open", "prediction.lock", "prediction.resolve"]
    assert all(s == "host" and d["remote_id"] == pid for _, s, d in rows)
    assert rows[-1][2]["outcomes"][0] == {"title": "Yes 会", "users": 1, "channel_points": 1200}
