import sqlite3

import pytest
from PySide6.QtCore import Qt

from console.app import AppOptions, ConsoleApp
from console.core.events import Comment, Viewer


@pytest.fixture
def console_app(tmp_path):
    app = ConsoleApp(AppOptions(demo=True, camera="demo", db=tmp_path / "s.db", config=tmp_path / "none.toml"))
    yield app
    app.shutdown()


def test_main_window_shows_frames_comments_and_saves_screenshot(qtbot, console_app, tmp_path):
    from console.ui.main_window import MainWindow

    window = MainWindow(console_app, layout_file=tmp_path / "layout.ini")
    qtbot.addWidget(window)
    window.show()
    assert "DEMO" in window.windowTitle()
    console_app.start_video()
    qtbot.waitUntil(lambda: window.video.frames_shown > 0, timeout=15000)

    hostile = "<b>bold</b><img src=x onerror=alert(1)> 这个色号适合黄皮吗？"
    console_app.hub.publish(Comment(platform="demo", msg_id="x1", ts=1.0, viewer=Viewer("u1", "小红"), text=hostile))
    model = window.comments_model
    qtbot.waitUntil(lambda: model.rowCount() >= 1, timeout=3000)
    texts = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert any(t == f"小红: {hostile}" for t in texts)  # literal text, nothing interpreted

    shot = tmp_path / "shot.png"
    assert window.grab().save(str(shot))
    assert shot.stat().st_size > 10_000


def test_docks_close_reopen_and_layout_is_restored(qtbot, console_app, tmp_path):
    from console.ui.main_window import MainWindow

    layout = tmp_path / "layout.ini"
    w1 = MainWindow(console_app, layout_file=layout)
    qtbot.addWidget(w1)
    w1.show()
    dock = w1.docks["comments"]
    toggle = dock.toggleViewAction()
    assert toggle in w1._view_menu.actions()
    toggle.trigger()
    assert not dock.isVisible()
    w1.save_layout()
    w1.close()

    w2 = MainWindow(console_app, layout_file=layout)
    qtbot.addWidget(w2)
    w2.show()
    assert w2.restore_layout()
    assert not w2.docks["comments"].isVisible()
    w2.docks["comments"].toggleViewAction().trigger()
    assert w2.docks["comments"].isVisible()


def test_comment_model_batches_and_stays_bounded(qtbot):
    from console.ui.comments_model import CommentsModel

    model = CommentsModel(capacity=100, flush_hz=1000)
    inserts = []
    model.rowsInserted.connect(lambda *a: inserts.append(a))
    batch = [Comment(platform="demo", msg_id=f"m{i}", ts=1.0, viewer=Viewer(str(i), f"v{i}"), text=f"c{i}") for i in range(1000)]
    model.on_events(batch)
    model.flush()
    assert model.rowCount() == 100
    assert len(inserts) == 1  # one beginInsertRows for the whole batch
    assert model.index(99, 0).data() == "v999: c999"


def test_problems_reported_from_other_threads_reach_the_status_bar(qtbot, console_app, tmp_path):
    import threading

    from console.ui.main_window import MainWindow

    window = MainWindow(console_app, layout_file=tmp_path / "layout.ini")
    qtbot.addWidget(window)
    message = "Can't save the session log: the disk is full."
    t = threading.Thread(target=console_app._note, args=(message,))
    t.start()
    t.join()
    bar = window.statusBar()
    qtbot.waitUntil(lambda: bar.currentMessage().startswith("⚠ Can"), timeout=3000)
    assert message in bar.toolTip()  # whole, whatever room the bar had for it


def test_a_long_notice_is_cut_with_an_ellipsis_before_the_live_health_not_under_it(qtbot, console_app, tmp_path):
    from console.ui.main_window import MainWindow

    window = MainWindow(console_app, layout_file=tmp_path / "layout.ini")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    bar = window.statusBar()
    message = "No microphone found on this computer: the stream carries silence. " * 4
    console_app._note(message)
    qtbot.waitUntil(lambda: bar.currentMessage().startswith("⚠ No microphone"), timeout=10_000)
    shown = bar.currentMessage()
    assert shown.endswith("…") and len(shown) < len(message)
    right = min(w.geometry().left() for w in bar._permanent if w.isVisible())
    assert bar.fontMetrics().horizontalAdvance(shown) < right  # ends before the permanent labels begin
    assert message.strip() in bar.toolTip()
    bar.db.setText(bar.db.text() + " " + "x" * 80)  # as going live widens the health label later
    qtbot.waitUntil(lambda: len(bar.currentMessage()) < len(shown), timeout=10_000)
    right = min(w.geometry().left() for w in bar._permanent if w.isVisible())
    assert bar.fontMetrics().horizontalAdvance(bar.currentMessage()) < right


def test_overlay_language_and_aspect_chosen_in_the_menu_are_back_after_a_restart(qtbot, tmp_path):
    """The View menu's overlay language (and output aspect) go to `[ui]` of the real settings
    file, keeping what else is there, and the next start uses them."""
    from console.config import load_settings
    from console.ui.main_window import MainWindow

    config = tmp_path / "config.toml"
    config.write_text('# the host\'s notes\n[ui]\nlang = "en"\n\n[demo]\nrate = 7\n', encoding="utf-8")

    def start() -> ConsoleApp:
        return ConsoleApp(AppOptions(demo=True, camera="demo", db=tmp_path / "s.db", config=config))

    first = start()
    try:
        assert first.overlays.language == "zh" and first.overlays.aspect == "16:9"  # the defaults
        window = MainWindow(first, layout_file=tmp_path / "layout.ini")
        qtbot.addWidget(window)
        window.overlay_lang_actions["en"].trigger()
        window.aspect_actions["9:16"].trigger()
        assert first.overlays.language == "en" and first.overlays.aspect == "9:16"  # at once
        window.close()
    finally:
        first.shutdown()
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# the host's notes") and "rate = 7" in text
    saved = load_settings(config)
    assert (saved.overlay_lang, saved.aspect, saved.lang, saved.demo_rate) == ("en", "9:16", "en", 7)

    second = start()
    try:
        assert second.overlays.language == "en" and second.overlays.aspect == "9:16"
        window = MainWindow(second, layout_file=tmp_path / "layout.ini")
        qtbot.addWidget(window)
        assert window.overlay_lang_actions["en"].isChecked() and window.aspect_actions["9:16"].isChecked()
        window.overlay_lang_actions["zh"].trigger()
        window.close()
    finally:
        second.shutdown()
    assert load_settings(config).overlay_lang == "zh"


def test_an_unwritable_settings_file_keeps_the_choice_for_the_session_and_says_so(qtbot, tmp_path):
    config = tmp_path / "settings-dir"
    config.mkdir()  # a folder where the file should be: cannot be written
    app = ConsoleApp(AppOptions(demo=True, camera="demo", db=tmp_path / "s.db", config=config / "sub" / "c.toml"))
    try:
        (config / "sub").write_text("not a folder", encoding="utf-8")
        app.set_overlay_language("en")
        assert app.overlays.language == "en"
        assert "could not be saved" in app.notices[-1]
    finally:
        app.shutdown()
