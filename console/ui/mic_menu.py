"""The Go live toolbar's "Microphone" button: which input the push carries, or none.

Its menu lists the computer's inputs (read again each time it opens, off the GUI thread — a USB
microphone plugged in after the start shows up), the system default first, and "Off — silence".
The choice is written to the settings file as `[push] microphone` (the device's name) and
`microphone_enabled`, and used from the next Go live on (a running stream keeps its microphone).
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from console.config import save_settings
from console.i18n import pick
from console.output.mic_devices import Input, MicrophoneError, list_inputs

from .taskman import run_in_background


class MicrophoneButton(QToolButton):
    def __init__(self, app, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setObjectName("microphoneButton")
        self.setPopupMode(QToolButton.InstantPopup)
        self.menu_ = QMenu(self)
        self.setMenu(self.menu_)
        self.menu_.aboutToShow.connect(self.probe)
        self.inputs: list[Input] | None = None
        self.problem = ""
        self._group = QActionGroup(self)
        self._show([])
        self.refresh()

    # -- the setting -------------------------------------------------------------------------
    def _section(self) -> dict:
        push = self.app.settings.sections.get("push")
        return push if isinstance(push, dict) else {}

    def current(self) -> str | None:
        """The configured device name, "" for the system default, None when off."""
        section = self._section()
        if section.get("microphone_enabled", True) is False:
            return None
        value = section.get("microphone")
        return "" if value in (None, "") else str(value)

    def choose(self, name: str | None) -> None:
        """Save the choice: a device name, "" (system default) or None (off: silence)."""
        values = {"microphone": name or None, "microphone_enabled": name is not None}
        save_settings(self.app.config_path, "push", values)
        section = self.app.settings.sections.setdefault("push", {})
        for key, value in values.items():
            if value is None:
                section.pop(key, None)
            else:
                section[key] = value
        self.refresh()

    # -- the menu ----------------------------------------------------------------------------
    def probe(self) -> None:
        def found(inputs) -> None:
            self.problem = ""
            self._show(inputs)

        def failed(exc: BaseException) -> None:
            self.problem = str(exc) if isinstance(exc, MicrophoneError) else repr(exc)
            self._show([])

        run_in_background(lambda: list_inputs(rescan=True), on_done=found, on_error=failed)

    def _show(self, inputs: list[Input]) -> None:
        self.inputs = inputs
        self.menu_.clear()
        self._group = QActionGroup(self)
        current = self.current()
        default = next((d.name for d in inputs if d.default), None)
        label = pick("System default", "系统默认") + (f" ({default})" if default else "")
        self._add(label, "", current == "")
        for device in inputs:
            self._add(f"{device.name}  · {device.hostapi}", device.name, current == device.name)
        if current and not any(d.name == current for d in inputs) and self.inputs is not None and inputs:
            self._add(pick(f"{current} (not connected)", f"{current}（未连接）"), current, True)
        if not inputs:
            none = self.menu_.addAction(self.problem or pick("No microphone found", "未找到麦克风"))
            none.setEnabled(False)
        self.menu_.addSeparator()
        self._add(pick("Off — the stream carries silence", "关闭 — 推流为静音"), None, current is None)

    def _add(self, text: str, name: str | None, checked: bool) -> QAction:
        action = self.menu_.addAction(text)
        action.setCheckable(True)
        action.setChecked(checked)
        self._group.addAction(action)
        action.triggered.connect(lambda _=False, n=name: self.choose(n))
        return action

    def refresh(self) -> None:
        current = self.current()
        shown = pick("off", "关") if current is None else (current or pick("default", "默认"))
        self.setText(pick(f"🎤 Microphone: {shown}", f"🎤 麦克风：{shown}"))
        self.setToolTip(pick("The sound the stream carries; used from the next Go live on.",
                             "推流的声音来源；下次开播时生效。"))
