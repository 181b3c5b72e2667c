"""A dark, low-glare theme that reads like a broadcast tool."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#ff3b5c"
DEMO_BADGE = "#e0a100"

_STYLE = f"""
QMainWindow, QDockWidget {{ background: #16181d; }}
QDockWidget::title {{ background: #1f2229; padding: 4px 8px; color: #c9ccd3; font-weight: 600; }}
QStatusBar {{ background: #0f1114; color: #aeb3bd; }}
QStatusBar QLabel {{ padding: 0 8px; }}
QLabel#demoBadge {{ background: {DEMO_BADGE}; color: #111; font-weight: 700; border-radius: 3px; padding: 1px 8px; }}
QListView {{ background: #101216; border: none; }}
QLineEdit {{ background: #20232a; border: 1px solid #2e323b; border-radius: 4px; padding: 3px 6px; color: #e6e8ec; }}
QPushButton {{ background: #262a33; border: 1px solid #343944; border-radius: 4px; padding: 5px 10px; color: #e6e8ec; }}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:checked {{ background: {ACCENT}; color: white; }}
QMenuBar {{ background: #16181d; color: #d6d9df; }}
QMenu {{ background: #1f2229; color: #d6d9df; }}
QMenu::item:selected {{ background: {ACCENT}; }}
"""


def apply_dark_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    pal = QPalette()
    base, text = QColor("#16181d"), QColor("#e6e8ec")
    for role, color in (
        (QPalette.Window, base),
        (QPalette.WindowText, text),
        (QPalette.Base, QColor("#101216")),
        (QPalette.AlternateBase, QColor("#1b1e24")),
        (QPalette.Text, text),
        (QPalette.Button, QColor("#262a33")),
        (QPalette.ButtonText, text),
        (QPalette.Highlight, QColor(ACCENT)),
        (QPalette.HighlightedText, QColor("white")),
        (QPalette.ToolTipBase, QColor("#1f2229")),
        (QPalette.ToolTipText, text),
        (QPalette.PlaceholderText, QColor("#7d828c")),
    ):
        pal.setColor(role, color)
    app.setPalette(pal)
    font = QFont()
    # Noto Sans CJK / PingFang / Microsoft YaHei render Chinese; Qt falls back through these.
    font.setFamilies(["Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Segoe UI", "sans-serif"])
    font.setPointSize(10)
    app.setFont(font)
    app.setStyleSheet(_STYLE)
