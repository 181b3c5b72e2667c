"""The Go live toolbar's microphone chooser with the real device list (a private PulseAudio server
as the computer's microphone, the `virtual_mic` fixture): the menu lists it, choosing it writes
`[push] microphone` to the settings file, the next Go live carries it; "Off" writes silence."""

from __future__ import annotations

import pytest

from console.app import AppOptions, ConsoleApp
from console.config import load_settings


@pytest.fixture
def server(rtmp_server):
    return rtmp_server()


def _texts(button):
    return [a.text() for a in button.menu_.actions() if a.text()]


def test_choose_the_microphone_then_go_live_with_it(qtbot, virtual_mic, server, tmp_path):
    from console.ui.main_window import MainWindow

    config = tmp_path / "settings.toml"
    app = ConsoleApp(AppOptions(demo=True, camera="demo", db=tmp_path / "s.db", config=config, push=[server.url("mic-gui")]))
    try:
        window = MainWindow(app, layout_file=tmp_path / "layout.ini")
        qtbot.addWidget(window)
        window.show()
        mic = window.go_live.mic
        assert "Microphone: default" in mic.text()
        mic.probe()  # what opening the menu does
        qtbot.waitUntil(lambda: any(t.startswith("pulse") for t in _texts(mic)), timeout=20_000)
        texts = _texts(mic)
        assert texts[0].startswith("System default") and texts[-1].startswith("Off")
        pulse = next(a for a in mic.menu_.actions() if a.text().startswith("pulse"))
        pulse.trigger()
        assert load_settings(config).sections["push"]["microphone"] == "pulse"
        assert "Microphone: pulse" in mic.text() and pulse.isChecked()
        window.go_live.grab().save(str(tmp_path / "toolbar.png"))
        app.start_video()
        window.go_live.button.click()
        qtbot.waitUntil(lambda: app.live is not None and app.live.status().state == "running", timeout=60_000)
        status = app.live.status()
        assert status.detail["audio"] == "microphone" and status.detail["microphone"] == "pulse"
        qtbot.waitUntil(lambda: app.live._audio_source.captured > 48_000, timeout=30_000)  # it hears
        qtbot.waitUntil(lambda: "🎤 pulse" in window.go_live.health.text(), timeout=20_000)  # on air, shown
        window.go_live.health.grab().save(str(tmp_path / "health.png"))
        app.end_live()
        mic.probe()
        qtbot.waitUntil(lambda: any(t.startswith("Off") for t in _texts(mic)), timeout=20_000)
        next(a for a in mic.menu_.actions() if a.text().startswith("Off")).trigger()
        push = load_settings(config).sections["push"]
        assert push["microphone_enabled"] is False and "microphone" not in push
        assert "Microphone: off" in mic.text()
    finally:
        app.shutdown()
