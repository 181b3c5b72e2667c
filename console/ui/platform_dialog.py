"""Platform settings: choose the platform(s), enter credentials, test, connect/disconnect, watch.

Every registered platform is listed from the registry with the credential names and setting keys
it declares, so a new adapter shows up here without touching this file. Credentials are stored in
the OS keyring (never the settings file, the log or the screen after saving); settings go to the
settings file. Connecting while a show runs starts a new session (ConsoleApp.switch_platforms).
What a platform can do (send chat, native polls, moderation) is shown from its capabilities; the
console offers those actions only where a platform has them.

Opened with `open()`, never `exec()`: a nested event loop would stall the asyncio (qasync) loop.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPushButton, QScrollArea, QVBoxLayout, QWidget)

from console.config import save_settings
from console.i18n import pick
from console.providers import registry
from console.providers.base import Capability, ProviderContext
from console.providers.credentials import env_name, get_credential, set_credential
from console.providers.status import ProviderError

from .platform_status import line_for
from .taskman import run_in_background, to_gui

ABILITIES = {Capability.SEND_MESSAGE: ("send chat", "发送弹幕"), Capability.NATIVE_POLL: ("native polls", "原生投票"),
             Capability.MODERATION: ("moderation", "管理评论"),
             Capability.PREDICTION: ("channel-points predictions", "频道积分竞猜")}
READS = {Capability.READ_COMMENTS: ("comments", "评论"), Capability.READ_GIFTS: ("gifts", "礼物"),
         Capability.READ_LIKES: ("likes", "点赞"), Capability.READ_VIEWERS: ("viewer count", "在线人数"),
         Capability.READ_ORDERS: ("orders", "订单")}


COUNT_LABELS = {
    "logged": ("logged", "已记录"), "events": ("received", "已接收"), "connections": ("connections", "连接"),
    "refused": ("refused", "已拒绝"), "unknown_types": ("unknown types", "未知类型"), "errors": ("errors", "错误"),
    "oversized": ("oversized", "超大帧"), "pushes": ("pushes", "推送"), "unsigned": ("unsigned", "无签名"),
    "bad_signature": ("bad signature", "签名错误"), "stale": ("stale", "过期"), "duplicates": ("duplicates", "重复"),
    "invalid_items": ("invalid", "无效"), "skipped_items": ("skipped", "跳过"), "bad_bodies": ("bad bodies", "无效请求体"),
    "other_rejected": ("rejected", "其他拒绝"),
}


def counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{pick(*COUNT_LABELS[k]) if k in COUNT_LABELS else k.replace('_', ' ')} {v}"
                     for k, v in counts.items())


def capability_text(caps) -> str:
    reads = [pick(*READS[c]) for c in READS if c in caps]
    can = [pick(*ABILITIES[c]) for c in ABILITIES if c in caps]
    sep = pick(", ", "、")
    return (pick("Reads: ", "读取：") + (sep.join(reads) or "—") + "\n"
            + pick("Can: ", "可执行：") + (sep.join(can) or pick("read only", "仅读取")))


def parse_value(text: str, current: Any) -> Any:
    """A setting typed into a line edit → the TOML value (the current value's type wins)."""
    text = text.strip()
    if text == "":
        return None
    if isinstance(current, bool):
        return text.lower() in ("1", "true", "yes", "on")
    if isinstance(current, list):
        return [t.strip() for t in text.split(",") if t.strip()]
    if isinstance(current, str):
        return text  # a room id typed as digits stays the string it was
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


class PlatformDialog(QDialog):
    def __init__(self, app, parent: QWidget | None = None, *, sign_in=None) -> None:
        super().__init__(parent)
        self.app = app
        self.sign_in = sign_in
        """The window's SignInActions: Sign in… / Sign out for platforms with an OAuth sign-in."""
        self.setWindowTitle(pick("Platform settings", "平台设置"))
        self.resize(900, 600)
        self.specs = registry.load_all()
        self.platforms = QListWidget()
        for name, spec in sorted(self.specs.items(), key=lambda kv: (not kv[1].is_demo, kv[0])):
            item = QListWidgetItem(f"{spec.display_name}  [{name}]")
            item.setData(Qt.UserRole, name)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if name in app.platforms.names else Qt.Unchecked)
            self.platforms.addItem(item)
        self.platforms.currentItemChanged.connect(lambda *_: self._show_platform())
        self.title = QLabel()
        self.title.setTextFormat(Qt.PlainText)
        self.caps = QLabel()
        self.caps.setTextFormat(Qt.PlainText)
        self.cred_box = QGroupBox(pick("Credentials (stored in the OS keyring)", "凭据（保存在系统钥匙串）"))
        self.cred_form = QFormLayout(self.cred_box)
        self.set_box = QGroupBox(pick("Settings (saved to the settings file)", "设置（保存到设置文件）"))
        self.set_form = QFormLayout(self.set_box)
        self.cred_edits: dict[str, QLineEdit] = {}
        self.set_edits: dict[str, QLineEdit] = {}
        self.save_btn = QPushButton(pick("Save", "保存"))
        self.test_btn = QPushButton(pick("Test connection", "测试连接"))
        self.connect_btn = QPushButton(pick("Connect checked platforms", "连接勾选的平台"))
        self.disconnect_btn = QPushButton(pick("Disconnect", "断开"))
        self.save_btn.clicked.connect(self.save)
        self.test_btn.clicked.connect(self.test_connection)
        self.connect_btn.clicked.connect(self.connect_checked)
        self.disconnect_btn.clicked.connect(self.disconnect)
        self.result = QLabel()
        self.result.setTextFormat(Qt.PlainText)
        self.result.setWordWrap(True)
        self.status = QLabel()
        self.status.setTextFormat(Qt.PlainText)
        self.status.setWordWrap(True)

        fields = QWidget()
        boxes = QVBoxLayout(fields)
        boxes.setContentsMargins(0, 0, 0, 0)
        boxes.addWidget(self.cred_box)
        boxes.addWidget(self.set_box)
        boxes.addStretch(1)
        scroll = QScrollArea()  # some platforms declare a dozen settings
        scroll.setWidget(fields)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        right = QVBoxLayout()
        right.addWidget(self.title)
        right.addWidget(self.caps)
        right.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        for b in (self.save_btn, self.test_btn, self.connect_btn, self.disconnect_btn):
            buttons.addWidget(b)
        right.addLayout(buttons)
        # Twitch / YouTube: sign in through the platform's own page instead of pasting tokens.
        self.signin_btn = QPushButton(pick("Sign in…", "登录…"))
        self.signout_btn = QPushButton(pick("Sign out", "退出登录"))
        self.signin_btn.clicked.connect(lambda: self.sign_in and self.sign_in.sign_in(self.selected))
        self.signout_btn.clicked.connect(self._sign_out)
        signin_row = QHBoxLayout()
        signin_row.addWidget(self.signin_btn)
        signin_row.addWidget(self.signout_btn)
        signin_row.addStretch(1)
        right.addLayout(signin_row)
        right.addWidget(self.result)
        right.addWidget(QLabel(pick("Now:", "当前：")))
        right.addWidget(self.status)
        layout = QHBoxLayout(self)
        self.platforms.setMinimumWidth(250)
        layout.addWidget(self.platforms, 2)
        layout.addLayout(right, 5)
        self.platforms.setCurrentRow(next((i for i in range(self.platforms.count())
                                           if self.platforms.item(i).data(Qt.UserRole) == app.provider.platform), 0))
        self._timer = QTimer(self)
        self._timer.setInterval(500)
        self._timer.timeout.connect(self.refresh_status)
        self._timer.start()
        self.refresh_status()

    # -- the selected platform ----------------------------------------------------------------
    @property
    def selected(self) -> str:
        item = self.platforms.currentItem()
        return item.data(Qt.UserRole) if item else ""

    def checked(self) -> list[str]:
        return [self.platforms.item(i).data(Qt.UserRole) for i in range(self.platforms.count())
                if self.platforms.item(i).checkState() == Qt.Checked]

    def _section(self, name: str) -> dict:
        return dict(self.app.settings.sections.get(name, {}))

    def _probe(self, name: str):
        """A provider object for its capabilities and test_connection (never started)."""
        running = self.app.platforms.by_platform(name)
        if running is not None:
            return running
        return self.specs[name].factory(ProviderContext(platform=name, config=self._section(name)))

    def _show_platform(self) -> None:
        name = self.selected
        if not name:
            return
        spec = self.specs[name]
        self.title.setText(f"{spec.display_name} — [platform] use = \"{name}\"")
        try:
            self.caps.setText(capability_text(self._probe(name).capabilities))
        except Exception as exc:  # noqa: BLE001 — a broken adapter must not break the dialog
            self.caps.setText(pick(f"Cannot load this platform: {exc}", f"无法加载该平台：{exc}"))
        for form, edits in ((self.cred_form, self.cred_edits), (self.set_form, self.set_edits)):
            while form.rowCount():
                form.removeRow(0)
            edits.clear()
        for cred in spec.credentials:
            edit = QLineEdit()
            edit.setEchoMode(QLineEdit.Password)
            edit.setPlaceholderText(pick("checking…", "检查中…"))
            edit.setToolTip(pick(f"or the environment variable {env_name(name, cred)}",
                                 f"或环境变量 {env_name(name, cred)}"))
            self.cred_edits[cred] = edit
            self.cred_form.addRow(cred, edit)
            self._show_stored(name, cred, edit)
        section = self._section(name)
        for key in spec.settings:
            edit = QLineEdit(_display(section.get(key)))
            edit.setPlaceholderText(pick("default", "默认"))
            self.set_edits[key] = edit
            self.set_form.addRow(key, edit)
        can_sign_in = self.sign_in is not None and self.sign_in.supports(name)
        self.signin_btn.setVisible(can_sign_in)
        self.signout_btn.setVisible(can_sign_in)
        self.cred_box.setVisible(bool(spec.credentials))
        self.set_box.setVisible(bool(spec.settings))
        self.result.clear()
        self.refresh_status()

    def _show_stored(self, name: str, cred: str, edit: QLineEdit) -> None:
        if os.environ.get(env_name(name, cred)):
            edit.setPlaceholderText(pick(f"set by {env_name(name, cred)}", f"由 {env_name(name, cred)} 提供"))
            return

        def done(value) -> None:
            if self.cred_edits.get(cred) is edit and self.selected == name:  # still on screen
                edit.setPlaceholderText(pick("stored in the keyring", "已保存在钥匙串") if value
                                        else pick("not set", "未设置"))
        # Keyring back ends may talk to a daemon or prompt: never on the GUI thread.
        run_in_background(lambda: get_credential(name, cred), on_done=done, on_error=lambda exc: done(None))

    # -- actions ------------------------------------------------------------------------------
    def save(self) -> None:
        name = self.selected
        secrets = {cred: edit.text() for cred, edit in self.cred_edits.items() if edit.text()}
        section = self._section(name)
        values = {key: parse_value(edit.text(), section.get(key)) for key, edit in self.set_edits.items()}
        try:
            path = save_settings(self.app.config_path, name, values)
        except (OSError, ValueError) as exc:
            self._say(pick(f"Settings not saved: {exc}", f"设置未保存：{exc}"), error=True)
            return
        merged = {k: v for k, v in {**section, **values}.items() if v is not None}
        self.app.settings.sections[name] = merged

        def store() -> int:
            for cred, value in secrets.items():
                set_credential(name, cred, value)
            return len(secrets)

        def stored(n: int) -> None:
            self._show_platform()  # fresh, empty fields: a secret never stays on screen once saved
            self._say(pick(f"Saved settings to {path}; {n} credential(s) stored in the keyring.",
                           f"设置已保存到 {path}；{n} 项凭据已存入钥匙串。"))

        def failed(exc: BaseException) -> None:
            self._say(pick(f"Settings saved, but the keyring refused the credentials ({type(exc).__name__}). "
                           f"Use the environment variables instead (see README).",
                           f"设置已保存，但钥匙串无法保存凭据（{type(exc).__name__}）。请改用环境变量（见 README）。"), error=True)
        run_in_background(store, on_done=stored, on_error=failed)

    def _sign_out(self) -> None:
        if self.sign_in is not None:
            self.sign_in.sign_out(self.selected)
            self._say(pick("Signed out: the token was revoked and removed from the keyring.",
                           "已退出登录：令牌已撤销并从钥匙串删除。"))
            self._show_platform()

    def test_connection(self) -> None:
        name = self.selected
        provider = self._probe(name)
        self._say(pick("Testing…", "测试中…"))
        self._spawn(provider.test_connection(), lambda line: self._say(f"✔ {name}: {line}"),
                    lambda exc: self._say(f"✖ {name}: {getattr(exc, 'reason', exc)}", error=True))

    def connect_checked(self) -> None:
        names = self.checked() or [self.selected]
        if names == self.app.platforms.names and self.app.platforms.running:
            self._say(pick("Already connected to these platforms.", "已连接这些平台。"))
            return
        self._say(pick(f"Connecting {', '.join(names)} — a new session starts…", f"正在连接 {'、'.join(names)}——开始新场次…"))
        def connected(sid: int) -> None:
            try:  # the next start uses the same platforms
                save_settings(self.app.config_path, "platform", {}, use=names)
            except (OSError, ValueError) as exc:
                self._say(pick(f"Connected (session {sid}), but the choice was not saved: {exc}",
                               f"已连接（第 {sid} 场），但选择未能保存：{exc}"), error=True)
                return
            self._say(pick(f"Connected; session {sid} started.", f"已连接；第 {sid} 场开始。"))
        self._spawn(self.app.switch_platforms(names), connected, lambda exc: self._say(str(exc), error=True))

    def disconnect(self) -> None:
        self._spawn(self.app.disconnect_platforms(), lambda _: self._say(pick("Disconnected.", "已断开。")),
                    lambda exc: self._say(str(exc), error=True))

    def _spawn(self, coro, on_done, on_error) -> None:
        task = asyncio.ensure_future(coro)

        def finished(t: asyncio.Task) -> None:
            if t.cancelled():
                return
            exc = t.exception()
            to_gui(on_error, exc) if exc is not None else to_gui(on_done, t.result())
        task.add_done_callback(finished)

    def _say(self, text: str, error: bool = False) -> None:
        self.result.setText(text)
        self.result.setStyleSheet("color: #ff6b6b;" if error else "")

    def refresh_status(self) -> None:
        runner = self.app.platforms
        lines = []
        for name in runner.names:
            provider = runner.by_platform(name)
            counts = {"logged": runner.received.get(name, 0), **(provider.counts() if provider else {})}
            lines.append(line_for(runner.statuses[name]) + "\n    " + counts_text(counts))
        session = pick(f"Session {self.app.session_id}: ", f"第 {self.app.session_id} 场：")
        self.status.setText(session + runner.session_platform + "\n" + "\n".join(lines))
        self.disconnect_btn.setEnabled(runner.running)


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
