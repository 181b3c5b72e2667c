"""Go live / End: the push output's toolbar, its destination dialog and its status-bar health.

The toolbar holds one big button (Go live ↔ End), "Destinations…" and the microphone chooser. Destinations come from
`--push URL` and the settings file's `[[push.destinations]]`, which the dialog adds to and removes
from so they are there at the next start (the stream key typed there goes to the OS keyring,
never to the settings file; without a keyring it is used for this session only). Starting and ending run off
the GUI thread (encoder probing, joining threads); the status bar shows each destination's
health — state, fps, bitrate, queue, dropped frames, reconnects, encoder — refreshed every second.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QStatusBar, QToolBar, QWidget

from console.i18n import pick
from console.output.push_config import redact_url

from .mic_menu import MicrophoneButton
from .push_destinations import DestinationDialog
from .taskman import run_in_background

GO_LIVE_KEYS = "Ctrl+Shift+L"
_STATE = {"live": ("●", "#e53935"), "starting": ("○", "#f9a825"), "reconnecting": ("↻", "#f9a825"),
          "failed": ("✕", "#9e9e9e"), "off": ("○", "#9e9e9e")}


class GoLiveBar(QToolBar):
    def __init__(self, app, parent: QWidget | None = None) -> None:
        super().__init__(pick("Go live", "开播"), parent)
        self.setObjectName("toolbar.golive")
        self.app = app
        self.added: list[str] = []
        self.busy = False
        self.button = QPushButton()
        self.button.setObjectName("goLiveButton")
        self.button.setShortcut(GO_LIVE_KEYS)
        self.button.clicked.connect(self.toggle)
        self.addWidget(self.button)
        self.add_button = QPushButton(pick("Destinations…", "推流地址…"))
        self.add_button.clicked.connect(self.add_destination)
        self.addWidget(self.add_button)
        self.mic = MicrophoneButton(app, self)
        self.addWidget(self.mic)
        self.where = QLabel()
        self.where.setTextFormat(Qt.PlainText)
        self.addWidget(self.where)
        self.health = QLabel()
        self.health.setObjectName("pushHealth")
        self.health.setTextFormat(Qt.PlainText)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def attach_status(self, bar: QStatusBar) -> None:
        bar.addPermanentWidget(self.health)

    # -- destinations ------------------------------------------------------------------------
    def urls(self) -> list[str]:
        return list(self.app.options.push or []) + self.added

    def configured(self) -> list[str]:
        section = self.app.settings.sections.get("push", {})
        listed = [d.get("url", "") for d in section.get("destinations", []) if isinstance(d, dict)]
        return [redact_url(u) for u in self.urls() + listed]

    def add_destination(self) -> None:
        dialog = DestinationDialog(self.app, self.app.overlays.aspect, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.changed.connect(self.refresh)
        dialog.session_only.connect(self.added.append)
        self.dialog = dialog
        dialog.open()

    # -- going live --------------------------------------------------------------------------
    def toggle(self) -> None:
        if self.busy:
            return
        if self.app.live is not None:
            self._confirm_end()
            return
        if not self.configured():
            self._tell(pick("Add where to stream first: Destinations…, --push URL, or [[push.destinations]] in the settings.",
                            "请先添加推流地址：推流地址…、--push URL，或在设置的 [[push.destinations]] 中添加。"))
            return
        self.busy = True
        self.refresh()
        run_in_background(lambda: self.app.go_live(self.urls()), on_done=self._started, on_error=self._failed)

    def _started(self, ok: bool) -> None:
        self.busy = False
        if not ok:
            self._tell(self.app.notices[-1] if self.app.notices else pick("Could not go live.", "无法开播。"))
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self._tell(str(exc))
        self.refresh()

    def _confirm_end(self) -> None:
        box = QMessageBox(QMessageBox.Question, pick("End the stream", "结束推流"),
                          pick("Stop sending the program to every destination?", "停止向所有地址推流？"),
                          QMessageBox.Yes | QMessageBox.No, self)
        box.setTextFormat(Qt.PlainText)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.finished.connect(lambda code: self.end() if code == QMessageBox.Yes else None)
        self.message_box = box
        box.open()  # non-blocking: exec() would stall the asyncio loop mid-show

    def end(self) -> None:
        self.busy = True
        self.refresh()
        run_in_background(self.app.end_live, on_done=lambda _: self._ended(), on_error=self._failed)

    def _ended(self) -> None:
        self.busy = False
        self.refresh()

    def _tell(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Information, pick("Go live", "开播"), text, QMessageBox.Ok, self)
        box.setTextFormat(Qt.PlainText)
        box.setAttribute(Qt.WA_DeleteOnClose)
        self.message_box = box
        box.open()

    # -- showing it --------------------------------------------------------------------------
    def refresh(self) -> None:
        live = self.app.live
        if self.busy:
            self.button.setText(pick("Working…", "处理中…"))
        elif live is not None:
            self.button.setText(pick("■ End", "■ 结束推流"))
        else:
            self.button.setText(pick("● Go live", "● 开播"))
        self.button.setProperty("live", live is not None)
        self.button.setStyleSheet("QPushButton { background: #e53935; color: white; font-weight: bold; padding: 4px 14px; }"
                                  if live is not None else "QPushButton { font-weight: bold; padding: 4px 14px; }")
        self.button.setEnabled(not self.busy)
        targets = self.configured()
        self.where.setText("  " + (", ".join(targets) if targets else pick("no destination yet", "尚无推流地址")))
        self.health.setText(self.health_text(live))
        if live is not None:
            messages = [d["message"] for d in live.status().detail["destinations"] if d["message"]]
            self.health.setToolTip("\n".join(messages) or pick("All destinations healthy", "所有推流地址正常"))

    @staticmethod
    def health_text(live) -> str:
        if live is None:
            return pick("Not live", "未开播")
        status = live.status()
        parts = []
        for d in status.detail["destinations"]:
            mark = _STATE.get(d["state"], ("?", ""))[0]
            parts.append(f"{mark} {d['destination']} {d['fps']:.1f} fps · {d['kbps'] / 1000:.1f} Mb/s · "
                         + pick(f"q{d['queue']} · drop {d['dropped']} · ↻{d['reconnects']} · {d['encoder']}",
                                f"队列{d['queue']} · 丢帧 {d['dropped']} · 重连{d['reconnects']} · {d['encoder']}"))
        if status.detail.get("audio") == "silence":
            parts.append(pick("🔇 silent", "🔇 静音"))
        elif status.detail.get("microphone"):
            parts.append(f"🎤 {status.detail['microphone']}")
        return "   |   ".join(parts)
