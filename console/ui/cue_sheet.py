"""The run-of-show for the producer: what is on air, what comes next, and "Fire now" / "Skip".

The show's clock lives in `ShowRunner` (the app ticks it); this panel only reads it on a 4 Hz
timer and calls `fire` / `skip`. With "Auto-fire on time" off, cues that come due wait for the
producer (the runner's `auto_fire` flag), while the engines' own timers keep running.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QCheckBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QScrollArea, QVBoxLayout, QWidget)

from console.i18n import pick
from console.interact import registry

REFRESH_MS = 250

_CONTROL_NAMES = {"stop": ("Stop", "停止"), "run_preset": ("Preset", "预设")}
_DETAIL_KEYS = ("question", "label", "keyword", "title", "name", "kind", "preset_id", "text")


def clock_text(seconds: float) -> str:
    s = int(abs(seconds) + 0.999) if seconds > 0 else int(abs(seconds))
    return f"{s // 60:02d}:{s % 60:02d}"


def cue_label(cue) -> str:
    act = registry.action(cue.action)
    en, zh = act.label if act is not None else _CONTROL_NAMES.get(cue.action, (cue.action, cue.action))
    name = pick(en, zh)
    if cue.note:
        return f"{name} — {cue.note}"
    detail = next((str(cue.params[k]) for k in _DETAIL_KEYS if k in cue.params), "")
    return f"{name}: {detail}" if detail else name


def _plain(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.PlainText)
    return label


class _CueRow:
    def __init__(self, panel: "CueSheetPanel", grid: QGridLayout, row: int, cue) -> None:
        self.cue = cue
        self.time = _plain()
        self.time.setMinimumWidth(90)
        self.label = _plain(cue_label(cue))
        self.label.setWordWrap(True)
        self.fire = QPushButton(pick("Fire now", "立即执行"))
        self.skip = QPushButton(pick("Skip", "跳过"))
        self.fire.clicked.connect(lambda: panel.fire(cue.id))
        self.skip.clicked.connect(lambda: panel.skip(cue.id))
        grid.addWidget(self.time, row, 0)
        grid.addWidget(self.label, row, 1)
        grid.addWidget(self.fire, row, 2)
        grid.addWidget(self.skip, row, 3)
        self.status = "pending"


class CueSheetPanel(QWidget):
    def __init__(self, runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.fired_at: dict[str, float] = {}
        """cue id -> show time when this panel first saw it fired (or skipped / failed)."""

        root = QVBoxLayout(self)
        self.title = _plain(runner.show.title)
        self.title.setStyleSheet("font-weight: 600;")
        root.addWidget(self.title)
        self.segment = _plain()
        self.segment.setWordWrap(True)
        root.addWidget(self.segment)

        top = QHBoxLayout()
        self.auto_fire = QCheckBox(pick("Auto-fire on time", "到点自动执行"))
        self.auto_fire.setChecked(getattr(runner, "auto_fire", True))
        self.auto_fire.toggled.connect(self._set_auto_fire)
        top.addWidget(self.auto_fire)
        top.addStretch(1)
        self.elapsed = _plain()
        top.addWidget(self.elapsed)
        root.addLayout(top)

        body = QWidget()
        self.grid = QGridLayout(body)
        self.grid.setColumnStretch(1, 1)
        self.rows: dict[str, _CueRow] = {}
        for i, cue in enumerate(runner.show.cues):
            self.rows[cue.id] = _CueRow(self, self.grid, i, cue)
        self.grid.setRowStretch(len(runner.show.cues), 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setWidget(body)
        root.addWidget(scroll, 1)

        self.message = _plain()
        self.message.setWordWrap(True)
        root.addWidget(self.message)

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()

    def _set_auto_fire(self, on: bool) -> None:
        self.runner.auto_fire = on

    def fire(self, cue_id: str) -> None:
        result = self.runner.fire(cue_id)
        self.message.setText(result.message)
        self.refresh()

    def skip(self, cue_id: str) -> None:
        result = self.runner.skip(cue_id)
        self.message.setText(result.message)
        self.refresh()

    def refresh(self) -> None:
        now = self.runner.elapsed()
        self.elapsed.setText(pick("Show time ", "开播 ") + clock_text(now))
        seg = self.runner.current_segment()
        if seg is None:
            self.segment.setText(pick("No product segment on air", "当前无商品环节"))
        else:
            left = seg.start_s + seg.duration_s - now
            price = f" · {seg.price:g}" if seg.price is not None else ""
            self.segment.setText(pick("Now: ", "当前：") + f"{seg.name} ({seg.sku}){price} · "
                                 + pick(f"{clock_text(left)} left", f"剩余 {clock_text(left)}"))
        statuses = self.runner.status
        for cue_id, row in self.rows.items():
            status = statuses.get(cue_id, "pending")
            if status != "pending" and cue_id not in self.fired_at:
                self.fired_at[cue_id] = now
            if status != row.status:
                row.status = status
                done = status != "pending"
                # Disabled widgets take the palette's greyed colours, in any theme.
                for w in (row.time, row.label, row.fire, row.skip):
                    w.setEnabled(not done)
                row.fire.setVisible(not done)
                row.skip.setVisible(not done)
            if status == "pending":
                delta = row.cue.at_s - now
                text = f"T-{clock_text(delta)}" if delta > 0 else f"T+{clock_text(-delta)}"
            else:
                word = {"fired": pick("fired", "已执行"), "skipped": pick("skipped", "已跳过"),
                        "failed": pick("failed", "失败")}.get(status, status)
                text = f"{word} {clock_text(self.fired_at[cue_id])}"
            if row.time.text() != text:
                row.time.setText(text)
            if status == "failed" and not row.label.toolTip():
                result = getattr(self.runner, "results", {}).get(cue_id)
                if result is not None:
                    # Why it failed, in the host's words, right where the producer looks.
                    row.label.setText(f"{cue_label(row.cue)}\n⚠ {result.message}")
                    row.label.setToolTip(result.message)

    def closeEvent(self, event) -> None:  # noqa: N802 — Qt API
        self.timer.stop()
        super().closeEvent(event)
