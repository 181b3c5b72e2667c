"""The try-on panel (pytest-qt): cards put products on air and log the Action; hotkeys; errors."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton, QSlider

from console.core import actions
from console.core.hub import SessionHub
from console.ui.tryon_panel import TryOnPanel
from console.video.tryon.catalog import Catalog
from console.video.tryon.controller import TryOnController

CATALOG = Catalog.load()


def _panel(qtbot):
    hub = SessionHub()
    logged = []
    hub.subscribe(lambda batch: logged.extend(batch), name="log", kinds=["action"])
    controller = TryOnController(hub, CATALOG)
    panel = TryOnPanel(controller)
    qtbot.addWidget(panel)
    return panel, controller, logged


def test_panel_builds_cards_with_thumbnails(qtbot):
    panel, controller, _ = _panel(qtbot)
    assert len(panel.cards) == len(CATALOG.tryon()) >= 12 and "SERUM-001" not in panel.cards
    card = panel.cards["LIP-001"]
    assert not card.icon().isNull()
    assert "丝绒哑光口红" in card.text() and "Velvet Matte Lipstick" in card.text()
    # Every card has a thumbnail, hand and body items included.
    assert "RING-001" in panel.cards
    assert all(not card.icon().isNull() for card in panel.cards.values())


def test_clicking_a_card_puts_it_on_air_and_logs_the_action(qtbot):
    panel, controller, logged = _panel(qtbot)
    qtbot.mouseClick(panel.cards["LIP-001"], Qt.LeftButton)
    qtbot.mouseClick(panel.cards["GLASS-001"], Qt.LeftButton)
    qtbot.mouseClick(panel.cards["EAR-002"], Qt.LeftButton)
    assert controller.on_air() == ["LIP-001", "GLASS-001", "EAR-002"]
    qtbot.waitUntil(lambda: panel.cards["EAR-002"].isChecked())
    assert panel.cards["LIP-001"].isChecked() and not panel.cards["LIP-002"].isChecked()
    assert [a.name for a in logged] == [actions.TRYON_ON_AIR] * 3
    assert list(logged[-1].detail["skus"]) == ["LIP-001", "GLASS-001", "EAR-002"]
    assert "Gemstone Drop Earrings" in panel.on_air_label.text()
    # Property controls were built from the renderer's declared properties.
    assert isinstance(panel.controls["style"], QComboBox) and isinstance(panel.controls["size"], QSlider)
    assert isinstance(panel.controls["metal_color"], QPushButton)
    panel.controls["style"].setCurrentText("hoop")
    assert controller.props("EAR-002")["style"] == "hoop"
    qtbot.mouseClick(panel.cards["LIP-001"], Qt.LeftButton)  # second click takes it off
    assert controller.on_air() == ["GLASS-001", "EAR-002"]
    assert list(logged[-1].detail["skus"]) == ["GLASS-001", "EAR-002"]


def _press(panel, keys: str) -> None:
    """Fire the panel's shortcut for `keys` (offscreen Qt has no active window to deliver keys to,
    so the key press itself is simulated by the shortcut's signal)."""
    matches = [sc for sc in panel.shortcuts if sc.key().toString() == keys]
    assert len(matches) == 1, keys
    assert matches[0].context() == Qt.ApplicationShortcut  # works while the video has focus
    matches[0].activated.emit()


def test_hotkeys_and_shade_cycling_and_split(qtbot):
    panel, controller, logged = _panel(qtbot)
    assert {sc.key().toString() for sc in panel.shortcuts} >= {*"123456789", "S", "Shift+S", "B"}
    first = list(CATALOG)[0].sku
    _press(panel, "1")
    assert controller.on_air() == [first]
    before = controller.props(first)["color"]
    _press(panel, "S")
    assert controller.shade_index(first) == 1 and controller.props(first)["color"] != before
    _press(panel, "Shift+S")
    assert controller.shade_index(first) == 0
    qtbot.waitUntil(lambda: "1/" in panel.shade_label.text())
    _press(panel, "B")
    assert panel.split_toggle.isChecked() and controller.split == 0.5
    panel.split_slider.setValue(30)
    assert controller.split == 0.3
    _press(panel, "B")
    assert controller.split is None
    _press(panel, "1")
    assert controller.on_air() == []


def test_panel_shows_the_tracking_error(qtbot):
    panel, controller, _ = _panel(qtbot)
    message = "Face tracking is unavailable: the model file face_landmarker.task is missing. Items that need it are off; everything else keeps working."
    controller.set_status(message)
    qtbot.waitUntil(lambda: panel.status.text() == message)
    assert not panel.status.isHidden()
