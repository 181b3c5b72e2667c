"""The Go live / End button in the main window, against a real local nginx-rtmp: the host goes
live, the status bar shows the destination's health, the host ends it; with no destination the
button explains what to add; a destination saved in the dialog is back after a restart and goes
live with its key from the keyring (never in the settings file or the log)."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtWidgets import QMessageBox

from console.app import AppOptions, ConsoleApp
from console.output.push_config import stream_key


@pytest.fixture
def server(rtmp_server):
    return rtmp_server()


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


def _dialog(qtbot, bar):
    bar.add_button.click()
    qtbot.waitUntil(lambda: getattr(bar, "dialog", None) is not None and bar.dialog.isVisible(), timeout=10_000)
    return bar.dialog


def test_without_destination_the_button_explains_and_the_dialog_saves_one(qtbot, tmp_path, monkeypatch):
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

        dialog = _dialog(qtbot, bar)
        assert dialog.saved_list.count() == 0
        dialog.url.setText("ftp://nope")
        dialog.add_button.click()
        qtbot.waitUntil(lambda: "rtmp://" in dialog.error.text(), timeout=20_000)  # explained, nothing lost
        assert dialog.isVisible() and dialog.url.text() == "ftp://nope" and not app.config_path.exists()
        dialog.url.setText("rtmp://127.0.0.1:1935/live")
        dialog.key.setText("sekret-key")
        dialog.aspect.setCurrentText("9:16")
        dialog.bitrate.setValue(2500)
        dialog.add_button.click()
        qtbot.waitUntil(lambda: dialog.saved_list.count() == 1, timeout=20_000)
        assert dialog.key.text() == "" and "sekret" not in dialog.saved_list.item(0).text()
        assert "9:16" in dialog.saved_list.item(0).text() and "2500 kb/s" in dialog.saved_list.item(0).text()
        assert "sekret" not in bar.where.text() and "127.0.0.1:1935/live" in bar.where.text()
        assert "sekret" not in app.config_path.read_text(encoding="utf-8")
        assert stream_key("127.0.0.1") == "sekret-key"

        dialog.saved_list.setCurrentRow(0)
        dialog.remove_button.click()
        qtbot.waitUntil(lambda: dialog.saved_list.count() == 0, timeout=20_000)
        assert "no destination" in bar.where.text() and stream_key("127.0.0.1") is None
        dialog.close()
    finally:
        app.shutdown()


def test_saved_destination_is_back_after_a_restart_and_its_key_is_only_in_the_keyring(qtbot, server, tmp_path, monkeypatch):
    """Issue 11: the dialog's destination (preset, address, aspect, bitrate) survives a restart
    through the real settings file; the key goes live from the keyring and is nowhere in the
    settings file or the SQLite log."""
    from console.ui.main_window import MainWindow

    monkeypatch.delenv("LIVE_CONSOLE_PUSH_KEY", raising=False)
    secret = "gui-saved-KEY-7391"
    first = _app(tmp_path)
    try:
        window = MainWindow(first, layout_file=tmp_path / "layout.ini")
        qtbot.addWidget(window)
        dialog = _dialog(qtbot, window.go_live)
        dialog.url.setText(server.url(secret))  # pasted whole, the way platforms hand it out
        dialog.name.setText("local")
        dialog.platform.setCurrentIndex(dialog.platform.findData("twitch"))
        dialog.aspect.setCurrentText("9:16")
        dialog.bitrate.setValue(1500)
        dialog.add_button.click()
        qtbot.waitUntil(lambda: dialog.saved_list.count() == 1, timeout=20_000)
        dialog.close()
    finally:
        first.shutdown()
    assert secret not in first.config_path.read_text(encoding="utf-8")

    second = _app(tmp_path)  # the next start: same settings file, same log
    try:
        window = MainWindow(second, layout_file=tmp_path / "layout.ini")
        qtbot.addWidget(window)
        window.show()
        second.start_video()
        bar = window.go_live
        assert f"127.0.0.1:{server.port}/live" in bar.where.text() and secret not in bar.where.text()
        dialog = _dialog(qtbot, bar)
        shown = dialog.saved_list.item(0).text()
        assert "local" in shown and "9:16" in shown and "twitch" in shown and "1500 kb/s" in shown
        dialog.close()
        bar.button.click()
        qtbot.waitUntil(lambda: second.live is not None and second.live.status().state == "running", timeout=60_000)
        (dest,) = second.live.destinations
        assert (dest.name, dest.aspect, dest.platform, dest.preset.bitrate_kbps) == ("local", "9:16", "twitch", 1500)
        assert (dest.preset.width, dest.preset.height) == (720, 1280)
        qtbot.waitUntil(lambda: second.live.senders[0].sent_video > 30, timeout=60_000)
        second.end_live()
    finally:
        second.shutdown()
    # The key reached the server (it names the recording) from the keyring alone …
    assert [p for p in server.recordings if p.name.startswith(secret)]
    # … and never the settings file or any file of the session log.
    assert secret not in second.config_path.read_text(encoding="utf-8")
    log_files = [p for p in tmp_path.iterdir() if p.name.startswith("s.db")]
    assert log_files and all(secret.encode() not in p.read_bytes() for p in log_files)
    with sqlite3.connect(tmp_path / "s.db") as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            assert not any(secret in str(row) for row in db.execute(f'SELECT * FROM "{table}"')), table
