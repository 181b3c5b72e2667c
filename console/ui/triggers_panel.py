"""One-click interactions: a button and an F-key per preset, and what is running right now.

Clicks go straight to `Interactions`; only irreversible steps (drawing winners, issuing coupon
codes) ask first. A refused air text offers "Send anyway". Dialogs open window-modal with
`open()`, never `exec()`: a nested event loop would stall the asyncio loop (qasync) mid-show.

Refresh: the controller's listener only marks the panel dirty (it may fire per comment batch);
a 4 Hz timer redraws the state rows when dirty or while something is counting down.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QGridLayout, QHBoxLayout,
                               QLabel, QLineEdit, QMessageBox, QPushButton, QSizePolicy,
                               QVBoxLayout, QWidget)

from console.config import default_config_path
from console.i18n import current_language, pick
from console.interact.presets import Preset
from console.interact.results import Result
from console.interact.views import OverlayState

log = logging.getLogger(__name__)

REFRESH_MS = 250
BANNER_STYLE = "background: rgba(224, 161, 0, 0.28); border: 1px solid #e0a100; border-radius: 4px; padding: 4px 8px;"


def user_presets_path() -> Path:
    """Edited presets live next to the user's settings, never in the shipped resources/."""
    return default_config_path().with_name("presets_user.json")


def preset_label(p: Preset) -> str:
    return p.label_zh if current_language() == "zh_CN" else p.label_en


def mmss(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = max(0, int(seconds + 0.999))
    return f"{s // 60:02d}:{s % 60:02d}"


def _plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.PlainText)  # viewer names and air text are untrusted
    return label


# --- dialogs ---------------------------------------------------------------------------------

def make_question(parent: QWidget, title: str, text: str, yes: str, no: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.NoButton, parent)
    box.setTextFormat(Qt.PlainText)
    box.yes_button = box.addButton(yes, QMessageBox.AcceptRole)
    box.no_button = box.addButton(no, QMessageBox.RejectRole)
    box.setDefaultButton(box.no_button)
    box.setWindowModality(Qt.WindowModal)
    return box


class PresetEditDialog(QDialog):
    """Labels and settings of one preset. Non-text settings are edited as JSON (numbers, lists)."""

    def __init__(self, preset: Preset, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preset = preset
        self.setWindowTitle(pick("Edit preset", "编辑预设") + f" — {preset.id}")
        form = QFormLayout(self)
        self.label_en = QLineEdit(preset.label_en)
        self.label_zh = QLineEdit(preset.label_zh)
        form.addRow(pick("Label (English)", "名称（英文）"), self.label_en)
        form.addRow(pick("Label (Chinese)", "名称（中文）"), self.label_zh)
        self.fields: dict[str, QLineEdit] = {}
        for key, value in preset.params.items():
            edit = QLineEdit(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
            self.fields[key] = edit
            form.addRow(key, edit)
        self.error = _plain(QLabel())
        self.error.hide()
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self._try_accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.result_preset: Preset | None = None

    def _try_accept(self) -> None:
        params: dict[str, Any] = {}
        for key, edit in self.fields.items():
            old, text = self.preset.params[key], edit.text()
            if isinstance(old, str):
                params[key] = text
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                value = None
            if not _same_kind(old, value):
                self.error.setText(pick(f"“{key}” must look like {json.dumps(old, ensure_ascii=False)}.",
                                        f"“{key}”的格式应类似 {json.dumps(old, ensure_ascii=False)}。"))
                self.error.show()
                return
            params[key] = value
        self.result_preset = replace(self.preset, label_en=self.label_en.text().strip() or self.preset.label_en,
                                     label_zh=self.label_zh.text().strip() or self.preset.label_zh,
                                     params=params)
        self.accept()


def _same_kind(old: Any, new: Any) -> bool:
    """An edited setting keeps its type: a number stays a number (int or float), a list a list."""
    if isinstance(old, bool) or isinstance(new, bool):
        return isinstance(old, bool) and isinstance(new, bool)
    if isinstance(old, (int, float)):
        return isinstance(new, (int, float))
    return type(new) is type(old)


def load_user_presets(presets: list[Preset], path: Path) -> list[Preset]:
    """Apply the user's saved edits (by preset id) over the shipped presets."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, json.JSONDecodeError) as exc:
        log.warning("Edited presets in %s could not be read (%s); using the shipped ones.", path, exc)
        return presets
    out = []
    for p in presets:
        edit = saved.get(p.id)
        if isinstance(edit, dict):
            p = replace(p, label_en=str(edit.get("label_en", p.label_en)), label_zh=str(edit.get("label_zh", p.label_zh)),
                        params=dict(edit.get("params", p.params)))
        out.append(p)
    return out


def save_user_preset(preset: Preset, path: Path) -> None:
    try:
        saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, json.JSONDecodeError):
        saved = {}
    saved[preset.id] = {"label_en": preset.label_en, "label_zh": preset.label_zh, "params": preset.params}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(saved, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)


# --- the panel -------------------------------------------------------------------------------

class _StateRow:
    def __init__(self, grid: QGridLayout, row: int, title: str) -> None:
        self.title = QLabel(title)
        self.title.setStyleSheet("font-weight: 600;")
        self.text = _plain(QLabel())
        self.text.setWordWrap(True)
        self.text.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.buttons = QHBoxLayout()
        grid.addWidget(self.title, row, 0)
        grid.addWidget(self.text, row, 1)
        grid.addLayout(self.buttons, row, 2)
        self.widgets: list[QWidget] = [self.title, self.text]

    def button(self, label: str, slot: Callable[[], None]) -> QPushButton:
        b = QPushButton(label)
        b.clicked.connect(slot)
        self.buttons.addWidget(b)
        self.widgets.append(b)
        return b

    def set_visible(self, visible: bool) -> None:
        for w in self.widgets:
            w.setVisible(visible)


class TriggersPanel(QWidget):
    def __init__(self, interactions, parent: QWidget | None = None, *,
                 presets_path: Path | None = None,
                 make_dialog: Callable[..., QMessageBox] = make_question) -> None:
        super().__init__(parent)
        self.interactions = interactions
        self.presets_path = presets_path or user_presets_path()
        self.make_dialog = make_dialog
        self.pending_dialog: QDialog | None = None
        """The dialog waiting for the host (confirm / send anyway / edit), for tests and focus."""
        interactions.presets[:] = load_user_presets(list(interactions.presets), self.presets_path)

        root = QVBoxLayout(self)
        self.banner = _plain(QLabel())
        self.banner.setObjectName("fatigueBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        root.addWidget(self.banner)

        self.preset_grid = QGridLayout()
        root.addLayout(self.preset_grid)
        self.preset_buttons: dict[str, QPushButton] = {}
        self.shortcuts: dict[str, QShortcut] = {}
        self._build_presets()

        self.fatigue_hint = _plain(QLabel())
        self.fatigue_hint.setWordWrap(True)
        self.fatigue_hint.hide()
        root.addWidget(self.fatigue_hint)

        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        root.addLayout(grid)
        self.rows: dict[str, _StateRow] = {}
        r = self.rows["poll"] = _StateRow(grid, 0, pick("Poll", "投票"))
        self.btn_poll_close = r.button(pick("Close", "结束"), self._guard(lambda: self.interactions.close_poll()))
        r.button(pick("Remove", "移除"), self._guard(lambda: self.interactions.stop("poll")))
        r = self.rows["lottery"] = _StateRow(grid, 1, pick("Lottery", "抽奖"))
        self.btn_close_entries = r.button(pick("Close entries", "截止报名"),
                                          self._guard(lambda: self.interactions.close_lottery_entries()))
        self.btn_draw = r.button(pick("Draw…", "开奖…"), self.ask_draw)
        self.btn_reroll = r.button(pick("Reroll…", "补抽…"), self.ask_reroll)
        r.button(pick("Remove", "移除"), self._guard(lambda: self.interactions.stop("lottery")))
        r = self.rows["coupon"] = _StateRow(grid, 2, pick("Coupon", "优惠券"))
        r.button(pick("Stop", "停止"), self._guard(lambda: self.interactions.stop("coupon")))
        r = self.rows["countdown"] = _StateRow(grid, 3, pick("Countdown", "倒计时"))
        r.button(pick("Stop", "停止"), self._guard(lambda: self.interactions.stop("countdown")))
        r = self.rows["product_card"] = _StateRow(grid, 4, pick("Product card", "商品卡"))
        r.button(pick("Hide", "隐藏"), self._guard(lambda: self.interactions.stop("product_card")))
        r = self.rows["pinned"] = _StateRow(grid, 5, pick("Pinned", "置顶"))
        r.button(pick("Unpin", "取消置顶"), self._guard(lambda: self.interactions.stop("pinned")))

        self.message = _plain(QLabel())
        self.message.setWordWrap(True)
        root.addWidget(self.message)
        root.addStretch(1)

        self._dirty = True
        self._last_notice = None
        interactions.add_listener(self._mark_dirty)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._on_timer)
        self.timer.start()
        self.refresh()

    # -- presets -----------------------------------------------------------------------------
    def _build_presets(self) -> None:
        for i, p in enumerate(self.interactions.presets):
            text = preset_label(p) + (f"   {p.hotkey}" if p.hotkey else "")
            button = QPushButton(text)
            button.setToolTip(pick("Click ✎ to edit this preset", "点 ✎ 编辑此预设"))
            button.clicked.connect(lambda _=False, pid=p.id: self.trigger(pid))
            edit = QPushButton("✎")
            edit.setFixedWidth(28)
            edit.setToolTip(pick("Edit this preset", "编辑此预设"))
            edit.clicked.connect(lambda _=False, pid=p.id: self.edit_preset(pid))
            self.preset_grid.addWidget(button, i // 2, (i % 2) * 2)
            self.preset_grid.addWidget(edit, i // 2, (i % 2) * 2 + 1)
            self.preset_buttons[p.id] = button
            if p.hotkey:
                sc = QShortcut(QKeySequence(p.hotkey), self)
                sc.setContext(Qt.ApplicationShortcut)
                sc.activated.connect(lambda pid=p.id: self.trigger(pid))
                self.shortcuts[p.hotkey] = sc

    def _preset(self, preset_id: str) -> Preset | None:
        return next((p for p in self.interactions.presets if p.id == preset_id), None)

    def trigger(self, preset_id: str) -> None:
        """A preset button or its F-key. Dropping a coupon issues codes, so it asks first."""
        p = self._preset(preset_id)
        if p is None or self.pending_dialog is not None:
            return
        if p.kind == "coupon":
            self._ask(pick("Drop coupon?", "发放优惠券？"),
                      pick(f"“{preset_label(p)}” issues real coupon codes to viewers. This cannot be undone.",
                           f"“{preset_label(p)}”将向观众发放真实券码，发出后无法撤回。"),
                      pick("Drop coupon", "发放"), lambda: self._run_preset(preset_id, False))
        else:
            self._run_preset(preset_id, False)

    def _run_preset(self, preset_id: str, override: bool) -> None:
        self._send(lambda o: self.interactions.run_preset(preset_id, override_lint=o), override)

    def _send(self, call: Callable[[bool], Result], override: bool) -> None:
        result = call(override)
        if result.lint_hits and not result.ok:
            hits = "、".join(result.lint_hits) if current_language() == "zh_CN" else ", ".join(result.lint_hits)
            self._ask(pick("Words that may break platform rules", "可能违规的用语"),
                      pick(f"{result.message}\n\nFlagged: {hits}\n\nSend it anyway? It will be logged.",
                           f"{result.message}\n\n命中：{hits}\n\n仍然发送吗？此操作会被记录。"),
                      pick("Send anyway", "仍然发送"), lambda: self._send(call, True))
            return
        self.show_result(result)

    def edit_preset(self, preset_id: str) -> None:
        p = self._preset(preset_id)
        if p is None or self.pending_dialog is not None:
            return
        dialog = PresetEditDialog(p, self)
        dialog.setWindowModality(Qt.WindowModal)
        dialog.finished.connect(lambda code: self._edited(dialog, code))
        self.pending_dialog = dialog
        dialog.open()

    def _edited(self, dialog: PresetEditDialog, code: int) -> None:
        self.pending_dialog = None
        dialog.deleteLater()
        new = dialog.result_preset
        if code != QDialog.Accepted or new is None:
            return
        presets = self.interactions.presets
        presets[:] = [new if p.id == new.id else p for p in presets]
        try:
            save_user_preset(new, self.presets_path)
        except OSError as exc:
            self.message.setText(pick(f"The preset changed for this session but could not be saved: {exc}",
                                      f"预设已在本次修改，但无法保存：{exc}"))
            return
        self.preset_buttons[new.id].setText(preset_label(new) + (f"   {new.hotkey}" if new.hotkey else ""))
        self.message.setText(pick(f"Preset “{preset_label(new)}” saved.", f"预设“{preset_label(new)}”已保存。"))

    # -- irreversible steps ------------------------------------------------------------------
    def ask_draw(self) -> None:
        self._ask(pick("Draw winners now?", "现在开奖？"),
                  pick("Winners are drawn from the entrants and announced on screen. This cannot be undone.",
                       "将从参与者中抽出中奖者并显示在画面上，开奖后无法撤回。"),
                  pick("Draw", "开奖"), lambda: self.show_result(self.interactions.draw()))

    def ask_reroll(self) -> None:
        self._ask(pick("Draw one more winner?", "补抽一位中奖者？"),
                  pick("An extra winner is drawn and announced. This cannot be undone.",
                       "将再抽出一位中奖者并公布，无法撤回。"),
                  pick("Reroll", "补抽"), lambda: self.show_result(self.interactions.reroll(1)))

    def _ask(self, title: str, text: str, yes: str, then: Callable[[], None]) -> None:
        box = self.make_dialog(self, title, text, yes, pick("Cancel", "取消"))

        def done(_code: int) -> None:
            self.pending_dialog = None
            accepted = box.clickedButton() is box.yes_button
            box.deleteLater()
            if accepted:
                then()

        box.finished.connect(done)
        self.pending_dialog = box
        box.open()

    def _guard(self, call: Callable[[], Result]) -> Callable[[], None]:
        return lambda *_: self.show_result(call())

    # -- state -------------------------------------------------------------------------------
    def show_result(self, result: Result) -> None:
        self.message.setText(result.message)
        if result.warning:
            self.banner.setText("⚠ " + result.warning)
            self.banner.show()
        self._dirty = True
        self.refresh()

    def _mark_dirty(self) -> None:
        self._dirty = True  # may be called per event batch: no widget work here

    def _on_timer(self) -> None:
        if self._dirty or self._timed:
            self.refresh()

    def refresh(self) -> None:
        self._dirty = False
        state: OverlayState = self.interactions.snapshot()
        self._timed = any(v is not None for v in (state.poll, state.lottery, state.coupon, state.countdown))
        self._show_poll(state.poll)
        self._show_lottery(state.lottery)
        self._show_coupon(state.coupon)
        cd = state.countdown
        self._set("countdown", cd and (pick("Flash sale", "限时抢购") if cd.flash_sale else cd.label)
                  + f"  {mmss(cd.remaining_s)}")
        pc = state.product_card
        self._set("product_card", pc and f"{pc.name} · {pc.price:g} {pc.currency}")
        pin = state.pinned
        self._set("pinned", pin and f"{pin.viewer_name}: {pin.text}")
        preview = getattr(self.interactions, "fatigue_preview", lambda: None)()
        self.fatigue_hint.setText(pick("Next call to action: ", "下一次互动提醒：") + preview if preview else "")
        self.fatigue_hint.setVisible(bool(preview))
        notices = getattr(self.interactions, "notices", None)
        if notices:
            newest = notices[-1]
            if newest is not self._last_notice:
                self._last_notice = newest
                self.message.setText(newest.message)

    def _set(self, kind: str, text: str | None) -> None:
        row = self.rows[kind]
        row.set_visible(bool(text))
        if text and row.text.text() != text:
            row.text.setText(text)

    def _show_poll(self, v) -> None:
        if v is None:
            return self._set("poll", None)
        votes = pick(f"{v.total} votes", f"{v.total} 票")
        if v.closed:
            text = pick("closed", "已结束") + f" · {votes}"
        else:
            text = pick("running", "进行中") + f" {mmss(v.remaining_s)} · {votes}"
        self._set("poll", text)
        self.btn_poll_close.setVisible(not v.closed)

    def _show_lottery(self, v) -> None:
        if v is None:
            return self._set("lottery", None)
        entrants = pick(f"{v.entrants} entrants", f"{v.entrants} 人参与")
        if v.phase == "open":
            text = pick("open", "报名中") + f" {mmss(v.remaining_s)} · {entrants}"
        elif v.phase == "closed":
            text = pick("entries closed", "已截止") + f" · {entrants}"
        else:
            text = pick("winners: ", "中奖：") + ", ".join(v.winners) if v.winners else pick("no winners", "无人中奖")
        self._set("lottery", text)
        self.btn_close_entries.setVisible(v.phase == "open")
        self.btn_draw.setVisible(v.phase in ("open", "closed"))
        self.btn_reroll.setVisible(v.phase == "drawn")

    def _show_coupon(self, v) -> None:
        if v is None:
            return self._set("coupon", None)
        if v.code is None and v.like_goal is not None and v.likes < v.like_goal:
            text = pick(f"locked: {v.likes:,}/{v.like_goal:,} likes", f"待解锁：{v.likes:,}/{v.like_goal:,} 赞")
        else:
            text = pick(f"{v.remaining} left", f"剩余 {v.remaining} 张")
            if v.expires_in_s is not None:
                text += f" · {mmss(v.expires_in_s)}"
        self._set("coupon", text)

    def closeEvent(self, event) -> None:  # noqa: N802 — Qt API
        self.timer.stop()
        super().closeEvent(event)
