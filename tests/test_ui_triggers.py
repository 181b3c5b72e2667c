"""The triggers panel against the real Interactions, SessionHub and a ManualClock."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from console.core import actions as A
from console.core.clock import ManualClock
from console.core.events import Comment, Viewer
from console.core.hub import SessionHub
from console.i18n import set_language
from console.interact.controller import Interactions
from console.interact.fatigue import FatigueGuard
from console.interact.presets import Preset
from console.ui.triggers_panel import PresetEditDialog, TriggersPanel


@pytest.fixture(autouse=True)
def no_windows_left(qapp):
    yield
    QApplication.processEvents()
    left = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert not left, f"top-level widgets left open: {left}"


@pytest.fixture
def world():
    clock = ManualClock()
    hub = SessionHub()
    seen = []
    hub.subscribe(lambda batch: seen.extend(batch), name="test")
    return clock, hub, seen


def make_panel(qtbot, tmp_path, interactions):
    panel = TriggersPanel(interactions, presets_path=tmp_path / "presets_user.json")
    qtbot.addWidget(panel)
    return panel


def comment(hub, i, text):
    hub.publish(Comment(platform="demo", msg_id=f"m{i}", ts=0.0, viewer=Viewer(f"v{i}", f"viewer{i}"), text=text))


def names(seen):
    return [getattr(e, "name", None) for e in seen]


def test_one_button_and_application_hotkey_per_preset(qtbot, tmp_path, world):
    clock, hub, _ = world
    inter = Interactions(hub, clock)
    panel = make_panel(qtbot, tmp_path, inter)
    assert set(panel.preset_buttons) == {p.id for p in inter.presets}
    for p in inter.presets:
        if p.hotkey:
            assert p.hotkey in panel.preset_buttons[p.id].text()
            assert panel.shortcuts[p.hotkey].context() == Qt.ApplicationShortcut
    assert "F1" in panel.shortcuts


def test_labels_follow_the_ui_language(qtbot, tmp_path, world):
    clock, hub, _ = world
    set_language("zh_CN")
    try:
        panel = make_panel(qtbot, tmp_path, Interactions(hub, clock))
        assert panel.preset_buttons["shade_vote"].text().startswith("色号投票")
    finally:
        set_language("en")


def test_clicking_a_preset_runs_it_and_the_state_row_counts_down(qtbot, tmp_path, world):
    clock, hub, seen = world
    inter = Interactions(hub, clock)
    panel = make_panel(qtbot, tmp_path, inter)
    assert not panel.rows["poll"].text.isVisibleTo(panel)
    qtbot.mouseClick(panel.preset_buttons["shade_vote"], Qt.LeftButton)
    assert inter.snapshot().poll is not None
    assert A.POLL_OPEN in names(seen)
    assert panel.rows["poll"].text.isVisibleTo(panel)
    assert "01:00" in panel.rows["poll"].text.text()
    clock.advance(18)
    inter.tick()  # a running timer is a change: the panel's refresh is queued on the GUI thread
    qtbot.waitUntil(lambda: "00:42" in panel.rows["poll"].text.text(), timeout=20_000)
    qtbot.mouseClick(panel.rows["poll"].buttons["close"], Qt.LeftButton)
    assert inter.snapshot().poll.closed
    assert A.POLL_CLOSE in names(seen)


def test_hotkey_starts_the_lottery_and_draw_asks_first(qtbot, tmp_path, world):
    clock, hub, seen = world
    inter = Interactions(hub, clock)
    panel = make_panel(qtbot, tmp_path, inter)
    panel.shortcuts["F3"].activated.emit()
    assert inter.snapshot().lottery.phase == "open"
    for i in range(5):
        comment(hub, i, "抽奖")
    panel.refresh()
    assert "5" in panel.rows["lottery"].text.text()

    qtbot.mouseClick(panel.rows["lottery"].buttons["draw"], Qt.LeftButton)
    box = panel.pending_dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    box.no_button.click()
    assert panel.pending_dialog is None
    assert inter.snapshot().lottery.phase == "open"  # cancelled: nothing drawn

    qtbot.mouseClick(panel.rows["lottery"].buttons["draw"], Qt.LeftButton)
    panel.pending_dialog.yes_button.click()
    view = inter.snapshot().lottery
    assert view.phase == "drawn" and len(view.winners) == 1 and view.seed
    assert A.LOTTERY_DRAW in names(seen)
    assert view.winners[0] in panel.rows["lottery"].text.text()
    assert panel.rows["lottery"].buttons["reroll"].isVisibleTo(panel) and not panel.rows["lottery"].buttons["draw"].isVisibleTo(panel)


def test_a_lint_hit_offers_send_anyway(qtbot, tmp_path, world):
    clock, hub, seen = world
    bad = Preset("bad", "Best poll", "最好投票", "poll",
                 {"question": "最有效的口红是哪支？", "options": ["A", "B"], "duration_s": 30}, "F1")
    inter = Interactions(hub, clock, presets=[bad])
    panel = make_panel(qtbot, tmp_path, inter)
    qtbot.mouseClick(panel.preset_buttons["bad"], Qt.LeftButton)
    assert inter.snapshot().poll is None
    box = panel.pending_dialog
    assert "最有效" in box.text() and box.yes_button.text() in ("Send anyway", "仍然发送")
    box.no_button.click()
    assert inter.snapshot().poll is None

    qtbot.mouseClick(panel.preset_buttons["bad"], Qt.LeftButton)
    panel.pending_dialog.yes_button.click()
    assert inter.snapshot().poll is not None
    assert A.LINT_OVERRIDE in names(seen)


def test_dropping_a_coupon_asks_before_issuing_codes(qtbot, tmp_path, world):
    clock, hub, _ = world
    inter = Interactions(hub, clock)
    panel = make_panel(qtbot, tmp_path, inter)
    coupon = next(p for p in inter.presets if p.kind == "coupon")
    qtbot.mouseClick(panel.preset_buttons[coupon.id], Qt.LeftButton)
    assert inter.snapshot().coupon is None
    panel.pending_dialog.no_button.click()
    assert inter.snapshot().coupon is None
    qtbot.mouseClick(panel.preset_buttons[coupon.id], Qt.LeftButton)
    panel.pending_dialog.yes_button.click()
    assert inter.snapshot().coupon is not None
    assert panel.rows["coupon"].text.isVisibleTo(panel)


def test_polls_and_countdowns_do_not_ask(qtbot, tmp_path, world):
    clock, hub, _ = world
    inter = Interactions(hub, clock)
    panel = make_panel(qtbot, tmp_path, inter)
    for p in inter.presets:
        if p.kind in ("poll", "countdown"):
            inter.stop(p.kind)
            qtbot.mouseClick(panel.preset_buttons[p.id], Qt.LeftButton)
            assert panel.pending_dialog is None


def test_fatigue_warning_shows_in_the_banner(qtbot, tmp_path, world):
    clock, hub, _ = world
    inter = Interactions(hub, clock, fatigue=FatigueGuard(max_calls=1, window_s=600))
    panel = make_panel(qtbot, tmp_path, inter)
    assert not panel.banner.isVisibleTo(panel)
    qtbot.mouseClick(panel.preset_buttons["shade_vote"], Qt.LeftButton)
    inter.stop("poll")
    qtbot.mouseClick(panel.preset_buttons["next_product_vote"], Qt.LeftButton)
    assert panel.banner.isVisibleTo(panel)
    assert panel.banner.text().startswith("⚠")
    assert panel.fatigue_hint.isVisibleTo(panel)


def test_viewer_text_is_shown_as_plain_text(qtbot, tmp_path, world):
    clock, hub, _ = world
    inter = Interactions(hub, clock)
    panel = make_panel(qtbot, tmp_path, inter)
    inter.pin_comment("<i>troll</i>", "<a href='x'>click</a> <img src=x>")
    panel.refresh()
    label = panel.rows["pinned"].text
    assert label.textFormat() == Qt.PlainText and "<img src=x>" in label.text()


def test_editing_a_preset_saves_it_to_the_user_config(qtbot, tmp_path, world):
    clock, hub, _ = world
    inter = Interactions(hub, clock)
    panel = make_panel(qtbot, tmp_path, inter)
    panel.edit_preset("shade_vote")
    dialog = panel.pending_dialog
    assert isinstance(dialog, PresetEditDialog)
    dialog.label_en.setText("Lip vote")
    dialog.fields["duration_s"].setText("not a number")
    dialog._try_accept()
    assert dialog.isVisible() and dialog.error.isVisibleTo(dialog)  # refused, nothing lost
    dialog.fields["duration_s"].setText("90")
    dialog.fields["options"].setText('["Ruby", "Coral"]')
    dialog._try_accept()
    assert panel.pending_dialog is None
    edited = next(p for p in inter.presets if p.id == "shade_vote")
    assert edited.label_en == "Lip vote" and edited.params["duration_s"] == 90
    saved = json.loads((tmp_path / "presets_user.json").read_text(encoding="utf-8"))
    assert saved["shade_vote"]["params"]["options"] == ["Ruby", "Coral"]
    assert panel.preset_buttons["shade_vote"].text().startswith("Lip vote")
    assert inter.run_preset("shade_vote").ok
    assert inter.snapshot().poll.remaining_s == 90

    # A new session starts with the edit; the shipped resources/presets.toml is untouched.
    fresh = Interactions(hub, clock)
    panel2 = make_panel(qtbot, tmp_path, fresh)
    assert panel2.preset_buttons["shade_vote"].text().startswith("Lip vote")


def test_a_burst_of_changes_queues_one_refresh_on_the_gui_thread(qtbot, tmp_path, world, monkeypatch):
    clock, hub, _ = world
    inter = Interactions(hub, clock)
    panel = make_panel(qtbot, tmp_path, inter)
    panel.shortcuts["F3"].activated.emit()
    panel.refresh()
    before = panel.rows["lottery"].text.text()
    refreshes = []
    real_refresh = panel.refresh
    monkeypatch.setattr(panel, "refresh", lambda: (refreshes.append(1), real_refresh()))
    for i in range(20):  # twenty comment batches: the listener does no widget work itself
        comment(hub, i, "抽奖")
    assert panel.rows["lottery"].text.text() == before
    qtbot.waitUntil(lambda: "20" in panel.rows["lottery"].text.text(), timeout=20_000)
    assert len(refreshes) == 1


def test_a_failing_panel_listener_does_not_stop_the_engines(room):
    hub, clock, ix, log = room
    ix.changed.connect(lambda: 1 / 0)
    assert ix.open_poll("Q?", ["A", "B"]).ok
    hub.publish(Comment(platform="demo", msg_id="v", ts=0.0, viewer=Viewer("v", "v"), text="1"))
    assert ix.snapshot().poll.total == 1
    assert ix.changed.errors >= 2
