"""The first-run dock layout: where the docks sit and how big they start, sized to the window.

The comment panel is the host's main tool while talking, so the right-hand column owns the
full height of the window (the bottom docks stop at its left edge) and the comments take most
of it; the cue sheet, when a show is loaded, sits under them. The bottom strip (triggers beside
the heatmap / radar / dashboard tabs) and the try-on column share what the video leaves.

Sizes are worked out from the window's size when it is first shown, so a 1366×768 laptop gets
the same proportions as a large monitor. A layout the host saved replaces all of this: the
window calls `size_docks` only when nothing was restored.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow

PREFERRED = QSize(1500, 880)
SIDE_SHARE = 0.26  # of the width: the comments column (and the try-on column)
SIDE_MIN, SIDE_MAX = 330, 460
BOTTOM_MIN, BOTTOM_MAX = 250, 420  # triggers and heatmap, under the video
CHROME_H = 90  # menu, toolbar and status bar take about this much of the height
CUES_SHARE = 0.30  # of the right column's height, under the comments


def initial_size(window: QMainWindow) -> QSize:
    """The preferred size, shrunk to fit the screen's free area (a laptop's 1366×768)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None or (QGuiApplication.platformName() == "offscreen" and not screen.name()):
        # Qt's offscreen platform invents an unnamed 800×800 screen when none is configured
        # (QT_QPA_PLATFORM=offscreen:configfile=… names one): that is nobody's monitor, so
        # screenshots and tests keep the preferred size.
        return PREFERRED
    free = screen.availableGeometry().size()
    return QSize(min(PREFERRED.width(), free.width()), min(PREFERRED.height(), free.height()))


def place_docks(window: QMainWindow) -> None:
    """Corners: the right column runs from the toolbar to the status bar, beside the bottom strip."""
    window.setCorner(Qt.TopRightCorner, Qt.RightDockWidgetArea)
    window.setCorner(Qt.BottomRightCorner, Qt.RightDockWidgetArea)
    window.setCorner(Qt.BottomLeftCorner, Qt.BottomDockWidgetArea)


def _clamp(value: float, low: int, high: int) -> int:
    return int(max(low, min(high, value)))


def size_docks(window: QMainWindow, size: QSize) -> None:
    """First-run proportions for a window of `size` (docks by key in `window.docks`)."""
    docks = window.docks
    # Never narrower than the panel itself can be (its filter chips in English are wide).
    side = max(_clamp(size.width() * SIDE_SHARE, SIDE_MIN, SIDE_MAX), docks["comments"].minimumSizeHint().width())
    window.resizeDocks([docks["comments"]], [side], Qt.Horizontal)
    tryon = _clamp(size.width() * 0.22, 280, 360) if "tryon" in docks else 0
    if tryon:
        window.resizeDocks([docks["tryon"]], [tryon], Qt.Horizontal)
    # The bottom strip takes the height the video cannot use: the middle column is usually the
    # narrow side, so a 16:9 picture at its full width leaves room below it.
    middle_w = size.width() - side - tryon
    middle_h = size.height() - CHROME_H
    bottom = _clamp(middle_h - middle_w * 9 / 16, BOTTOM_MIN, BOTTOM_MAX)
    window.resizeDocks([docks["triggers"]], [bottom], Qt.Vertical)
    strip = size.width() - side
    window.resizeDocks([docks["triggers"], docks["heatmap"]], [int(strip * 0.52), int(strip * 0.48)], Qt.Horizontal)
    if "cues" in docks:
        column = size.height() - CHROME_H
        cues = _clamp(column * CUES_SHARE, 180, 280)
        window.resizeDocks([docks["comments"], docks["cues"]], [column - cues, cues], Qt.Vertical)
