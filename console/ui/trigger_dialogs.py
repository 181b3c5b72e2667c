"""Dialogs of the triggers panel: the "are you sure" question and the preset editor.

Both open window-modal with `open()`, never `exec()`: a nested event loop would stall the asyncio
loop (qasync) mid-show.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QMessageBox, QWidget

from console.i18n import pick
from console.interact import registry
from console.interact.presets import Preset


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
        self.error = QLabel()
        self.error.setTextFormat(Qt.PlainText)
        self.error.hide()
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self._try_accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.result_preset: Preset | None = None

    def _refuse(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

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
            if not same_kind(old, value):
                example = json.dumps(old, ensure_ascii=False)
                return self._refuse(pick(f"“{key}” must look like {example}.", f"“{key}”的格式应类似 {example}。"))
            params[key] = value
        kind = registry.KINDS.get(self.preset.kind)
        act = registry.ACTIONS.get(kind.preset_action) if kind and kind.preset_action else None
        problem = act.check(params) if act else None
        if problem:
            return self._refuse(pick(f"These settings do not fit: {problem}", f"设置不匹配：{problem}"))
        self.result_preset = replace(self.preset, label_en=self.label_en.text().strip() or self.preset.label_en,
                                     label_zh=self.label_zh.text().strip() or self.preset.label_zh,
                                     params=params)
        self.accept()


def same_kind(old: Any, new: Any) -> bool:
    """An edited setting keeps its type: a number stays a number (int or float), a list a list."""
    if isinstance(old, bool) or isinstance(new, bool):
        return isinstance(old, bool) and isinstance(new, bool)
    if isinstance(old, (int, float)):
        return isinstance(new, (int, float))
    return type(new) is type(old)
