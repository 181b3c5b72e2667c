"""Platform settings dialog (pytest-qt, real qasync loop): credentials into a keyring (an in-memory
backend, never the developer's OS keyring), settings into the file, test, connect to the bridge
mid-show (a new session), a real collector feeding it, status and counts, disconnect."""

from __future__ import annotations

import asyncio
import json

import websockets
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout

from console.app import AppOptions, ConsoleApp
from console.providers.status import ConnState
from console.store import queries
from tests.waiting import until
from tests.window_helpers import run_on_qt_loop, shown_window


def row_labels(form) -> list[str]:
    return [form.itemAt(i, QFormLayout.ItemRole.LabelRole).widget().text() for i in range(form.rowCount())]


def test_settings_dialog_stores_credentials_tests_connects_and_shows_status(qtbot, tmp_path, memory_keyring):
    cfg = tmp_path / "config.toml"
    cfg.write_text("# my show settings\n[ui]\nlang = \"en\"\n", encoding="utf-8")
    app = ConsoleApp(AppOptions(demo=False, camera="demo", db=tmp_path / "s.db", config=cfg))
    window = shown_window(qtbot, app, tmp_path)
    first_session = app.session_id
    port = 0  # any free port: the one bound is read back from the provider (no race)

    async def scenario():
        stop = asyncio.Event()
        running = asyncio.ensure_future(app.run(stop=stop))
        dialog = window.show_platform_settings()
        names = [dialog.platforms.item(i).data(Qt.UserRole) for i in range(dialog.platforms.count())]
        assert {"demo", "bridge", "douyin"} <= set(names)

        # Douyin shows the credential names and setting keys its registration declares.
        dialog.platforms.setCurrentRow(names.index("douyin"))
        assert row_labels(dialog.cred_form) == ["APP_SECRET", "ACCESS_TOKEN"]
        assert "roomid" in row_labels(dialog.set_form) and "send chat" not in dialog.caps.text()

        dialog.platforms.setCurrentRow(names.index("bridge"))
        assert row_labels(dialog.cred_form) == ["TOKEN"]
        await until(lambda: dialog.cred_edits["TOKEN"].placeholderText() == "not set")
        dialog.cred_edits["TOKEN"].setText("tok-123")
        dialog.set_edits["port"].setText(str(port))
        dialog.save_btn.click()
        await until(lambda: "keyring" in dialog.result.text(), what=dialog.result.text)
        assert "stored in the keyring" in dialog.result.text(), dialog.result.text()
        assert memory_keyring.store == {("live-console", "bridge:token"): "tok-123"}
        text = cfg.read_text(encoding="utf-8")
        assert f"port = {port}" in text and "tok-123" not in text and "# my show settings" in text
        assert dialog.cred_edits["TOKEN"].text() == ""  # not left on screen

        dialog.test_btn.click()
        await until(lambda: dialog.result.text().startswith("✔"))
        assert f"port {port} is free" in dialog.result.text()

        for i in range(dialog.platforms.count()):
            item = dialog.platforms.item(i)
            item.setCheckState(Qt.Checked if item.data(Qt.UserRole) == "bridge" else Qt.Unchecked)
        dialog.connect_btn.click()
        await until(lambda: app.platforms.names == ["bridge"] and app.session_id != first_session)
        await until(lambda: "session" in dialog.result.text(), what=dialog.result.text)
        from console.config import load_settings
        assert load_settings(cfg).platforms == ["bridge"]  # the next start uses the same platform
        provider = app.platforms.primary
        await asyncio.wait_for(provider.listening.wait(), 20)
        bar = window.statusBar()
        await until(lambda: "waiting for a collector" in bar.connection.text())
        assert "DEMO" not in window.windowTitle()

        bound = provider.server.bound_port
        async with websockets.connect(f"ws://127.0.0.1:{bound}/bridge?token=tok-123") as ws:
            await ws.recv()
            for i in range(3):
                await ws.send(json.dumps({"v": 1, "type": "comment", "id": f"b{i}", "ts": 1.0,
                                          "user": {"id": "u", "name": "小明"}, "text": f"你好 {i}"}))
            await until(lambda: "bridge: live" in bar.connection.text())
            await until(lambda: "logged 3" in dialog.status.text() and "received 3" in dialog.status.text())
            dialog.raise_()
            await asyncio.sleep(0.2)
            assert dialog.grab().save(str(tmp_path / "platform_dialog.png"))
        await until(lambda: "waiting for a collector" in bar.connection.text())
        dialog.disconnect_btn.click()
        await until(lambda: app.platforms.statuses["bridge"].state is ConnState.ENDED)
        await until(lambda: "ended" in bar.connection.text())
        dialog.close()  # a dialog left open would trip the next module's no-windows-left check
        stop.set()
        await running

    run_on_qt_loop(app, scenario)
    db = queries.open_db(tmp_path / "s.db")
    sessions = {s["id"]: s for s in queries.list_sessions(db)}
    assert sessions[first_session]["is_demo"] and sessions[app.session_id]["platform"] == "bridge"
    assert sessions[app.session_id]["meta"]["switched_from"] == "demo"
    comments = queries.session_events(db, app.session_id, ["comment"])
    assert [c["msg_id"] for c in comments] == ["b0", "b1", "b2"]
    assert not queries.session_events(db, first_session, ["comment"]) or all(
        c["platform"] == "demo" for c in queries.session_events(db, first_session, ["comment"]))
    assert "tok-123" not in (tmp_path / "s.db").read_bytes().decode("latin-1")


def test_reconnecting_and_failed_lines_in_the_status_bar():
    from console.providers.status import ConnStatus
    from console.ui.platform_status import line_for

    s = ConnStatus("bilibili", ConnState.RECONNECTING, "network down", attempt=3, next_try_s=8.0)
    assert line_for(s, since_s=5.2) == "↻ bilibili: reconnecting (attempt 3, next try in 3 s) — network down"
    assert line_for(s, since_s=60) .startswith("↻ bilibili: reconnecting (attempt 3, next try in 0 s)")
    f = ConnStatus("douyin", ConnState.FAILED, "Douyin access token is invalid or expired")
    assert line_for(f) == "✖ douyin: failed — Douyin access token is invalid or expired"


def test_platform_badge_only_when_multistreaming():
    from console.core.signal import Signal
    from console.ui.platform_badge import PlatformBadges

    class Runner:
        def __init__(self, names):
            self.names = names

    class App:
        platforms = Runner(["bilibili"])
        platforms_changed = Signal()

    app = App()
    badges = PlatformBadges(app)
    assert badges.prefix("bilibili") == ""
    app.platforms_changed.emit(Runner(["bilibili", "douyin"]))
    assert badges.prefix("bilibili") == "[B站] " and badges.prefix("douyin") == "[抖音] "


def test_gui_connects_to_the_bilibili_double_through_the_dialog(qtbot, tmp_path, memory_keyring, monkeypatch):
    """Done-when of issue 8: the window, the settings dialog, the Bilibili open-live double."""
    from tests.doubles.bilibili import BilibiliDouble

    for name in ("ACCESS_KEY_ID", "ACCESS_KEY_SECRET", "AUTH_CODE"):
        monkeypatch.delenv(f"LIVE_CONSOLE_BILIBILI_{name}", raising=False)
    app = ConsoleApp(AppOptions(demo=True, camera="demo", db=tmp_path / "s.db", config=tmp_path / "config.toml"))
    window = shown_window(qtbot, app, tmp_path)

    async def scenario():
        stop = asyncio.Event()
        double = await BilibiliDouble().start()
        running = asyncio.ensure_future(app.run(stop=stop))
        app.start_video()
        try:
            dialog = window.show_platform_settings()
            names = [dialog.platforms.item(i).data(Qt.UserRole) for i in range(dialog.platforms.count())]
            dialog.platforms.setCurrentRow(names.index("bilibili"))
            assert row_labels(dialog.cred_form) == ["ACCESS_KEY_ID", "ACCESS_KEY_SECRET", "AUTH_CODE"]
            for cred, value in double.secrets().items():
                dialog.cred_edits[cred].setText(value)
            dialog.set_edits["app_id"].setText(str(double.app_id))
            dialog.set_edits["api_base"].setText(double.base)
            dialog.save_btn.click()
            await until(lambda: "keyring" in dialog.result.text(), what=dialog.result.text)
            assert ("live-console", "bilibili:access_key_secret") in memory_keyring.store
            assert double.secret not in (tmp_path / "config.toml").read_text(encoding="utf-8")
            for i in range(dialog.platforms.count()):
                item = dialog.platforms.item(i)
                item.setCheckState(Qt.Checked if item.data(Qt.UserRole) == "bilibili" else Qt.Unchecked)
            dialog.connect_btn.click()
            conn = await double.wait_live()
            batch = double.mixed(30)
            await double.send(conn, batch)
            await double.send(conn, batch[:10], how="each")  # redelivered: dropped at the hub
            bar = window.statusBar()
            await until(lambda: "bilibili: live" in bar.connection.text(), what=bar.connection.text)
            await until(lambda: app.platforms.received["bilibili"] >= len(double.expected), what=dialog.status.text)
            await until(lambda: window.comments_model.rowCount() > 5)
            assert "DEMO" not in window.windowTitle()
            await asyncio.sleep(0.5)
            assert window.grab().save(str(tmp_path / "window_bilibili.png"))
            assert dialog.grab().save(str(tmp_path / "dialog_bilibili.png"))
            assert app.platforms.received["bilibili"] == len(double.expected)
        finally:
            stop.set()
            await running
            await double.stop()

    run_on_qt_loop(app, scenario)
    db = queries.open_db(tmp_path / "s.db")
    rows = queries.session_events(db, app.session_id)
    assert {r["platform"] for r in rows if r["kind"] != "action"} == {"bilibili"}


def test_status_label_follows_reconnects_failures_and_a_runner_switch(qtbot):
    from console.core.clock import SystemClock
    from console.core.hub import SessionHub
    from console.core.signal import Signal
    from console.providers.runner import PlatformRunner
    from console.ui.platform_status import PlatformStatusLabel

    class App:
        platforms = PlatformRunner(["douyin", "bridge"], SessionHub(), SystemClock())
        platforms_changed = Signal()

    label = PlatformStatusLabel(App())
    qtbot.addWidget(label)
    douyin = App.platforms.by_platform("douyin")
    douyin.report(ConnState.RECONNECTING, "cannot reach Douyin (ConnectError)", attempt=2, next_try_s=30)
    qtbot.waitUntil(lambda: "douyin: reconnecting (attempt 2, next try in" in label.text(), timeout=20_000)
    assert "cannot reach Douyin" in label.text() and "bridge: connecting" in label.text()
    douyin.report(ConnState.FAILED, "Douyin access token is invalid or expired")
    qtbot.waitUntil(lambda: "✖ douyin: failed — Douyin access token is invalid or expired" in label.text(), timeout=20_000)
    assert "#ff6b6b" in label.styleSheet()  # the worst state colours the line
    new = PlatformRunner(["bridge"], SessionHub(), SystemClock())
    App.platforms_changed.emit(new)
    qtbot.waitUntil(lambda: "douyin" not in label.text(), timeout=20_000)
    douyin.report(ConnState.LIVE)  # a late word from the replaced runner is ignored
    new.primary.report(ConnState.LIVE, "1 collector(s) connected")
    qtbot.waitUntil(lambda: "● bridge: live" in label.text(), timeout=20_000)
    assert "douyin" not in label.text()
