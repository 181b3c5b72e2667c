"""The cue sheet panel against a real ShowRunner, Interactions, SessionHub and ManualClock."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from console.core.clock import ManualClock
from console.core.hub import SessionHub
from console.interact.controller import Interactions
from console.interact.show import ShowRunner, load_show, parse_show
from console.resources import resource
from console.ui.cue_sheet import CueSheetPanel

SHOW = {
    "title": "Test show",
    "segment": [
        {"sku": "LIP-1", "name": "Velvet Ruby", "price": 89.0, "duration_s": 30},
        {"sku": "GLS-2", "name": "Round glasses", "duration_s": 30},
    ],
    "cue": [
        {"id": "vote", "at_s": 5, "action": "open_poll", "question": "Which shade?", "options": ["A", "B"],
         "duration_s": 20},
        {"id": "count", "at_s": 10, "action": "start_countdown", "seconds": 30, "label": "Flash sale"},
        {"id": "card", "at_s": 40, "action": "show_product_card", "sku": "GLS-2", "name": "Round glasses",
         "price": 159.0, "note": "Glasses card"},
    ],
}


@pytest.fixture(autouse=True)
def no_windows_left(qapp):
    yield
    QApplication.processEvents()
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible()]


@pytest.fixture
def setup(qtbot):
    clock = ManualClock()
    inter = Interactions(SessionHub(), clock, presets=[])
    runner = ShowRunner(parse_show(SHOW), inter, clock)
    runner.start()
    panel = CueSheetPanel(runner)
    qtbot.addWidget(panel)
    return clock, inter, runner, panel


def test_shows_the_segment_and_upcoming_cues_with_their_times(setup):
    clock, inter, runner, panel = setup
    assert "Velvet Ruby" in panel.segment.text() and "00:30" in panel.segment.text()
    assert panel.rows["vote"].time.text() == "T-00:05"
    assert panel.rows["card"].time.text() == "T-00:40"
    assert "Glasses card" in panel.rows["card"].label.text()
    assert panel.auto_fire.isChecked() and runner.auto_fire
    clock.advance(33)
    panel.refresh()
    assert "Round glasses" in panel.segment.text() and "00:27" in panel.segment.text()


def test_fire_now_runs_the_cue_early_and_greys_it(setup, qtbot):
    clock, inter, runner, panel = setup
    clock.advance(2)
    qtbot.mouseClick(panel.rows["vote"].fire, Qt.LeftButton)
    assert runner.status["vote"] == "fired"
    assert inter.snapshot().poll is not None
    row = panel.rows["vote"]
    assert not row.label.isEnabled() and not row.fire.isVisibleTo(panel)
    assert row.time.text().endswith("00:02") and "fired" in row.time.text()


def test_skip_greys_the_cue_and_it_never_fires(setup, qtbot):
    clock, inter, runner, panel = setup
    qtbot.mouseClick(panel.rows["vote"].skip, Qt.LeftButton)
    assert runner.status["vote"] == "skipped"
    clock.advance(6)
    runner.tick()
    assert inter.snapshot().poll is None
    panel.refresh()
    assert "skipped" in panel.rows["vote"].time.text() and not panel.rows["vote"].label.isEnabled()


def test_auto_fire_on_time(setup):
    clock, inter, runner, panel = setup
    clock.advance(6)
    runner.tick()
    panel.refresh()
    assert runner.status["vote"] == "fired" and inter.snapshot().poll is not None
    assert panel.rows["vote"].time.text().endswith("00:06")
    assert panel.rows["count"].time.text() == "T-00:04"


def test_with_auto_fire_off_due_cues_wait_for_the_producer(setup, qtbot):
    clock, inter, runner, panel = setup
    panel.auto_fire.setChecked(False)
    assert runner.auto_fire is False
    clock.advance(12)
    runner.tick()
    panel.refresh()
    assert runner.status["vote"] == "pending" and inter.snapshot().poll is None
    assert panel.rows["vote"].time.text() == "T+00:07"
    qtbot.mouseClick(panel.rows["vote"].fire, Qt.LeftButton)
    assert inter.snapshot().poll is not None
    panel.auto_fire.setChecked(True)
    runner.tick()
    assert runner.status["count"] == "fired"


def test_the_demo_show_builds(qtbot):
    clock = ManualClock()
    runner = ShowRunner(load_show(resource("shows", "demo_show.toml")), Interactions(SessionHub(), clock), clock)
    panel = CueSheetPanel(runner)
    qtbot.addWidget(panel)
    assert len(panel.rows) == len(runner.show.cues) > 3
    for row in panel.rows.values():
        assert row.label.textFormat() == Qt.PlainText


def test_a_failed_cue_says_why(setup, qtbot):
    clock, inter, runner, panel = setup
    assert inter.open_poll("Already running?", ["x", "y"]).ok
    qtbot.mouseClick(panel.rows["vote"].fire, Qt.LeftButton)
    assert runner.status["vote"] == "failed"
    row = panel.rows["vote"]
    assert "failed" in row.time.text() and "⚠" in row.label.text() and not row.label.isEnabled()
