"""The Go live toolbar's "Destinations…" dialog: the host's saved push destinations.

Lists what is saved (to remove one) and adds one from a form — preset, ingest address, stream
key, name, aspect, bitrate. Saving goes through console/output/push_saved.py off the GUI thread
(the keyring may talk to a daemon or prompt): the entry to the settings file so it is there at the
next start, the key to the OS keyring only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal as QtSignal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from console.i18n import pick
from console.output import push_saved
from console.output.push_config import ASPECTS, DEFAULT_PRESETS, PushConfigError, key_variable
from console.output.push_saved import AUTO

from .taskman import run_in_background


class DestinationDialog(QDialog):
    """The host's push destinations: the saved ones (remove), and a form to add one — preset,
    ingest address, stream key, name, aspect, bitrate. Saved ones go to the settings file and
    come back at the next start; the key goes to the OS keyring only (console/output/push_saved.py)."""

    changed = QtSignal()
    """A destination was added or removed."""
    session_only = QtSignal(str)
    """No keyring: the full address (key included) to use in this session only, never saved."""

    def __init__(self, app, aspect: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setWindowTitle(pick("Push destinations", "推流地址"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(pick("Saved (used at every Go live):", "已保存（每次开播都会推流）：")))
        self.saved_list = QListWidget()
        layout.addWidget(self.saved_list)
        self.remove_button = QPushButton(pick("Remove", "删除"))
        self.remove_button.clicked.connect(self.remove_selected)
        layout.addWidget(self.remove_button, alignment=Qt.AlignRight)
        form = QFormLayout()
        layout.addLayout(form)
        self.platform = QComboBox()
        self.platform.addItem(pick("By the address", "按地址自动"), AUTO)
        for name in DEFAULT_PRESETS:
            self.platform.addItem(pick("Other", "其他") if name == "default" else name, name)
        self.url = QLineEdit()
        self.url.setPlaceholderText("rtmp://live-push.bilivideo.com/live-bvc/")
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.Password)
        self.key.setPlaceholderText(pick("stream key (kept in the OS keyring)", "推流码（保存在系统钥匙串）"))
        self.name = QLineEdit()
        self.name.setPlaceholderText(pick("optional, e.g. bilibili-main", "可选，例如 bilibili-main"))
        self.aspect = QComboBox()
        self.aspect.addItems(list(ASPECTS))
        self.aspect.setCurrentText(aspect)
        self.bitrate = QSpinBox()
        self.bitrate.setRange(0, 100_000)
        self.bitrate.setSingleStep(500)
        self.bitrate.setSuffix(" kb/s")
        self.bitrate.setSpecialValueText(pick("the preset's", "按预设"))
        self.error = QLabel()
        self.error.setTextFormat(Qt.PlainText)
        self.error.setWordWrap(True)
        form.addRow(pick("Preset", "预设"), self.platform)
        form.addRow(pick("Server URL", "服务器地址"), self.url)
        form.addRow(pick("Stream key", "推流码"), self.key)
        form.addRow(pick("Name", "名称"), self.name)
        form.addRow(pick("Aspect", "画面比例"), self.aspect)
        form.addRow(pick("Bitrate", "码率"), self.bitrate)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText(pick("Close", "关闭"))
        self.add_button = buttons.addButton(pick("Add", "添加"), QDialogButtonBox.ActionRole)
        self.add_button.clicked.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._show_saved()

    def _show_saved(self) -> None:
        self.saved_list.clear()
        for entry in push_saved.saved(self.app.settings.sections):
            item = QListWidgetItem(push_saved.describe(entry))
            item.setData(Qt.UserRole, entry.get("name"))
            self.saved_list.addItem(item)
        self.remove_button.setEnabled(self.saved_list.count() > 0)

    def _say(self, text: str, error: bool = False) -> None:
        self.error.setStyleSheet("color: #e53935" if error else "")
        self.error.setText(text)

    def _check(self) -> None:
        """Add what the form says: checked and saved off the GUI thread (the keyring may prompt)."""
        fields = dict(url=self.url.text(), key=self.key.text(), name=self.name.text(), aspect=self.aspect.currentText(),
                      platform=self.platform.currentData(), bitrate_kbps=self.bitrate.value() or None)
        sections, path = self.app.settings.sections, self.app.config_path
        self.add_button.setEnabled(False)

        def save() -> tuple[str, str | None]:
            entry, key, dest = push_saved.entry_for(taken=push_saved.saved(sections), **fields)
            try:
                push_saved.add(path, sections, entry, key)
            except push_saved.NoKeyring:  # this session only, nothing saved
                return entry["name"], dest.url
            return entry["name"], None

        def saved(result: tuple[str, str | None]) -> None:
            name, session_url = result
            self.add_button.setEnabled(True)
            for edit in (self.url, self.key, self.name):
                edit.clear()  # a key never stays on screen once saved
            if session_url:
                self.session_only.emit(session_url)
                self._say(pick(f"No keyring here: '{name}' is used in this session only. To keep it, set "
                               f"{key_variable(name)} and add it again.",
                               f"本机没有钥匙串：“{name}”仅用于本次。如需保存，请设置 {key_variable(name)} 后重新添加。"),
                          error=True)
            else:
                self._say(pick(f"Saved '{name}'; its key is in the OS keyring.", f"已保存“{name}”，推流码在系统钥匙串中。"))
            self._show_saved()
            self.changed.emit()

        def failed(exc: BaseException) -> None:
            self.add_button.setEnabled(True)
            self._say(str(exc) if isinstance(exc, PushConfigError) else
                      pick(f"Not saved: {exc}", f"未保存：{exc}"), error=True)

        run_in_background(save, on_done=saved, on_error=failed)

    def remove_selected(self) -> None:
        item = self.saved_list.currentItem() or self.saved_list.item(0)
        if item is None:
            return
        name = item.data(Qt.UserRole)
        sections, path = self.app.settings.sections, self.app.config_path

        def removed(_) -> None:
            self._say(pick(f"Removed '{name}'.", f"已删除“{name}”。"))
            self._show_saved()
            self.changed.emit()

        run_in_background(lambda: push_saved.remove(path, sections, name), on_done=removed,
                          on_error=lambda exc: self._say(pick(f"Not removed: {exc}", f"未删除：{exc}"), error=True))
