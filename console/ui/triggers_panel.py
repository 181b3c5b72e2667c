"""One-click interactions: a button and an F-key per preset, and what is running right now.

Everything per kind comes from the interaction registry (console/interact/registry.py): the
running row's title and text, its buttons, and which steps ask first (drawing winners, issuing
coupon codes). A refused air text offers "Send anyway". Dialogs live in trigger_dialogs.py.

Refresh: `Interactions.changed` may fire per comment batch, from any thread; the panel queues
one refresh on the GUI thread (`taskman.coalesced`) and drops further requests until it has run.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialog, QGridLayout, QHBoxLayout, QLabel, QMessageBox, QPushButton,
                               QSizePolicy, QVBoxLayout, QWidget)

from console.i18n import current_language, pick
from console.interact import registry
from console.interact.presets import Preset, apply_user_presets, save_user_preset, user_presets_path
from console.interact.results import Result

from .taskman import coalesced
from .trigger_dialogs import PresetEditDialog, make_question

log = logging.getLogger(__name__)

BANNER_STYLE = "background: rgba(224, 161, 0, 0.28); border: 1px solid #e0a100; border-radius: 4px; padding: 4px 8px;"


def preset_label(p: Preset) -> str:
    return p.label_zh if current_language() == "zh_CN" else p.label_en


def _plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.PlainText)  # viewer names and air text are untrusted
    return label


class _StateRow:
    """One registered kind: its title, what it is doing now, and its buttons."""

    def __init__(self, grid: QGridLayout, row: int, kind: registry.InteractionKind) -> None:
        self.kind = kind
        self.title = QLabel(pick(*kind.label))
        self.title.setStyleSheet("font-weight: 600;")
        self.text = _plain(QLabel())
        self.text.setWordWrap(True)
        self.text.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        layout = QHBoxLayout()
        grid.addWidget(self.title, row, 0)
        grid.addWidget(self.text, row, 1)
        grid.addLayout(layout, row, 2)
        self.buttons: dict[str, QPushButton] = {}
        self._layout = layout
        self.widgets: list[QWidget] = [self.title, self.text]

    def add_button(self, key: str, label: str, slot: Callable[[], None]) -> QPushButton:
        b = QPushButton(label)
        b.clicked.connect(slot)
        self._layout.addWidget(b)
        self.buttons[key] = b
        self.widgets.append(b)
        return b

    def show(self, view) -> None:
        visible = view is not None
        for w in self.widgets:
            w.setVisible(visible)
        if not visible:
            return
        text = pick(*self.kind.describe(view))
        if self.text.text() != text:
            self.text.setText(text)
        # A poll on a multistream: where the votes came from, on hover (native + keyword).
        breakdown = view.breakdown() if hasattr(view, "breakdown") else ""
        if self.text.toolTip() != breakdown:
            self.text.setToolTip(breakdown)
        for control in self.kind.controls:
            shown = control.visible(view)
            button = self.buttons[control.key]
            button.setVisible(shown)
            if shown and control.text is not None:
                words = pick(*control.label_for(view))
                if button.text() != words:
                    button.setText(words)


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
        if presets_path is not None:  # a panel saving elsewhere starts from the edits saved there
            interactions.presets[:] = apply_user_presets(list(interactions.presets), presets_path)

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
        for i, kind in enumerate(registry.load_kinds()):
            row = self.rows[kind.name] = _StateRow(grid, i, kind)
            for control in kind.controls:
                row.add_button(control.key, pick(*control.label), self._control_slot(control))

        self.message = _plain(QLabel())
        self.message.setWordWrap(True)
        root.addWidget(self.message)
        root.addStretch(1)

        self._last_notice = None
        # Called per event batch, possibly off the GUI thread: one queued refresh at a time.
        self._queue_refresh = coalesced(lambda: self.refresh())
        listener = interactions.changed.connect(self._queue_refresh)
        self.destroyed.connect(lambda *_: interactions.changed.disconnect(listener))
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
        """A preset button or its F-key; a kind that declares a confirmation asks first."""
        p = self._preset(preset_id)
        if p is None or self.pending_dialog is not None:
            return
        kind = registry.KINDS.get(p.kind)
        confirm = kind.confirm_start if kind else None
        if confirm is not None:
            label = preset_label(p)
            self._ask(pick(*confirm.title), pick(*confirm.text).format(label=label), pick(*confirm.yes),
                      lambda: self._run_preset(preset_id, False))
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

    # -- running rows ------------------------------------------------------------------------
    def _control_slot(self, control: registry.Control) -> Callable[[], None]:
        def run() -> None:
            self.show_result(control.call(self.interactions))

        if control.confirm is None:
            return lambda *_: run()
        c = control.confirm
        return lambda *_: self._ask(pick(*c.title), pick(*c.text).format(label=""), pick(*c.yes), run)

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

    # -- state -------------------------------------------------------------------------------
    def show_result(self, result: Result) -> None:
        self.message.setText(result.message)
        if result.warning:
            self.banner.setText("⚠ " + result.warning)
            self.banner.show()
        self.refresh()

    def refresh(self) -> None:
        state = self.interactions.snapshot()
        for name, row in self.rows.items():
            row.show(state.get(name))
        preview = self.interactions.fatigue_preview()
        self.fatigue_hint.setText(pick("Next call to action: ", "下一次互动提醒：") + preview if preview else "")
        self.fatigue_hint.setVisible(bool(preview))
        notices = self.interactions.notices
        if notices:
            newest = notices[-1]
            if newest is not self._last_notice:
                self._last_notice = newest
                self.message.setText(newest.message)
