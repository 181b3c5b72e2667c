"""The Go live / End button in the main window, against a real local nginx-rtmp: the host goes
live, the status bar shows the destination's health, the host ends it; with no destination the
button explains what to add; a destination added in the dialog is used (key never shown)."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from console.app import AppOptions, ConsoleApp
from console.cli import rtmp_server
from console.cli.rtmp_server import RtmpServer


@pytest.fixture
def server(tmp_path):
    missing = rtmp_server.available()
    if missing:
        if sys.platform.startswith("linux"):
            pytest.fail(f"the push tests need a local RTMP server: {missing}")
        pytest.skip(missing)
    srv = RtmpServer(tmp_path / "nginx", record=True).start()
    yield srv
    srv.close()


def _app(tmp_path, push=None):
    return ConsoleApp(AppOptions(demo=True, camera="demo", db=tmp_path / "s.db", config=tmp_path / "none.toml", push=push))


def test_go_live_and_end_from_the_button(qtbot, server, tmp_path):
    from console.ui.main_window import MainWindow

    app = _app(tmp_path, push=[server.url("gui-test")])
    try:
        window = MainWindow(app, layout_file=tmp_path / "layout.ini")
        qtbot.addWidget(window)
        window.show()
        app.start_video()
        bar = window.go_live
        assert "Go live" in bar.button.text() and bar.health.text() == "Not live"
        assert "gui-test" not in bar.where.text() and "/live/…" in bar.where.text()  # key hidden
        bar.button.click()
        qtbot.waitUntil(lambda: app.live is not None and app.live.status().state == "running", timeout=60_000)
        qtbot.waitUntil(lambda: "End" in bar.button.text() and " fps" in bar.health.text(), timeout=20_000)
        qtbot.waitUntil(lambda: app.live.senders[0].sent_video > 30, timeout=60_000)
        window.grab().save(str(tmp_path / "live.png"))
        assert "127.0.0.1" in bar.health.text() and "libx264" in bar.health.text() or "h264_" in bar.health.text()
        bar.button.click()  # End asks first
        qtbot.waitUntil(lambda: isinstance(getattr(bar, "message_box", None), QMessageBox) and bar.message_box.isVisible(),
                        timeout=10_000)
        bar.message_box.done(QMessageBox.Yes)
        qtbot.waitUntil(lambda: app.live is None and "Go live" in bar.button.text(), timeout=60_000)
        assert bar.health.text() == "Not live"
    finally:
        app.shutdown()
    recorded = [p for p in server.recordings if p.name.startswith("gui-test-")]
    assert recorded and recorded[0].stat().st_size > 20_000


def test_without_destination_the_button_explains_and_the_dialog_adds_one(qtbot, tmp_path, monkeypatch):
    from console.ui.main_window import MainWindow

    monkeypatch.delenv("LIVE_CONSOLE_PUSH_KEY", raising=False)
    app = _app(tmp_path)
    try:
        window = MainWindow(app, layout_file=tmp_path / "layout.ini")
        qtbot.addWidget(window)
        bar = window.go_live
        bar.button.click()
        assert app.live is None
        assert "Destinations" in bar.message_box.text()
        bar.message_box.done(QMessageBox.Ok)

        bar.add_button.click()
        dialog = bar.dialog
        dialog.url.setText("ftp://nope")
        dialog._check()
        assert "rtmp://" in dialog.error.text() and dialog.isVisible()  # explained, nothing lost
        saved = {}
        monkeypatch.setattr("console.ui.go_live.save_stream_key", lambda name, key: saved.update({name: key}))
        dialog.url.setText("rtmp://127.0.0.1:1935/live")
        dialog.key.setText("sekret-key")
        dialog._check()
        assert dialog.result() == QDialog.Accepted and saved == {"127.0.0.1": "sekret-key"}
        qtbot.waitUntil(lambda: bar.added == ["rtmp://127.0.0.1:1935/live/"], timeout=5000)
        assert "sekret" not in bar.where.text() and "127.0.0.1:1935/live" in bar.where.text()
    finally:
        app.shutdown()
