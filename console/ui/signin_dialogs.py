"""Sign-in dialogs for Twitch (Device Code: show the code and the page, wait for approval) and
YouTube (system browser + loopback redirect with PKCE). The flows themselves are Qt-free
(console/providers/<platform>/auth.py); these dialogs only show them and store the tokens in the
OS keyring. They run as tasks on the shared qasync loop, so the window never freezes while
waiting for the host to approve in the browser.
"""

from __future__ import annotations

import asyncio
import logging
import webbrowser
from typing import Callable

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QGuiApplication
from PySide6.QtWidgets import (QCheckBox, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout,
                               QWidget)

from console.i18n import pick
from console.providers.status import ProviderError
from console.providers.twitch import auth as tauth
from console.providers.youtube import auth as yauth

log = logging.getLogger(__name__)


def open_in_browser(url: str) -> None:
    """The system browser (what Google and Twitch want for desktop sign-in), never a web view."""
    if not QDesktopServices.openUrl(QUrl(url)):
        webbrowser.open(url)


def _plain(label: QLabel, selectable: bool = False) -> QLabel:
    label.setTextFormat(Qt.PlainText)  # nothing from the network is ever rendered as rich text
    label.setWordWrap(True)
    if selectable:
        label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label


class _SignInDialog(QDialog):
    sig_signed_in = Signal(str)
    """Emitted with the account name once tokens are stored."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.account = ""
        self.task: asyncio.Task | None = None
        self._cancelled = False
        self.layout_ = QVBoxLayout(self)
        self.intro = _plain(QLabel())
        self.layout_.addWidget(self.intro)
        self.status = _plain(QLabel(), selectable=True)
        self.status.setObjectName("signInStatus")
        self.buttons = QHBoxLayout()
        self.close_button = QPushButton(pick("Cancel", "取消"))
        self.close_button.clicked.connect(self.reject)

    def _finish_layout(self) -> None:
        self.layout_.addWidget(self.status)
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.close_button)
        self.layout_.addLayout(self.buttons)

    def _run(self, coro) -> None:
        self.task = asyncio.get_event_loop().create_task(coro)

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def done_ok(self, account: str) -> None:
        self.account = account
        self.close_button.setText(pick("Close", "关闭"))
        self.sig_signed_in.emit(account)

    def reject(self) -> None:
        self._cancelled = True
        if self.task is not None and not self.task.done():
            self.task.cancel()
        super().reject()


class TwitchSignInDialog(_SignInDialog):
    """Twitch's Device Code flow: the host types the code on twitch.tv/activate (any device)."""

    def __init__(self, auth: tauth.TwitchAuth, scopes: tuple[str, ...], *,
                 save: Callable[[tauth.Tokens], None] = tauth.save_tokens,
                 open_url: Callable[[str], None] = open_in_browser, parent: QWidget | None = None) -> None:
        super().__init__(pick("Sign in to Twitch", "登录 Twitch"), parent)
        self.auth, self.scopes, self.save, self.open_url = auth, scopes, save, open_url
        self.intro.setText(pick(
            "Open the Twitch page below (on this computer or your phone), sign in and enter this code. "
            "The console waits here and signs in by itself once you approve.",
            "打开下面的 Twitch 页面（本机或手机均可），登录并输入此代码。批准后控制台会自动完成登录。"))
        self.code = _plain(QLabel("…"), selectable=True)
        self.code.setObjectName("deviceCode")
        font = QFont(self.code.font())
        font.setPointSize(font.pointSize() * 2)
        font.setBold(True)
        font.setLetterSpacing(QFont.AbsoluteSpacing, 4)
        self.code.setFont(font)
        self.code.setAlignment(Qt.AlignCenter)
        self.url = _plain(QLabel(""), selectable=True)
        self.scope_note = _plain(QLabel(pick("Permissions asked: ", "申请的权限：") + ", ".join(scopes)))
        self.scope_note.setStyleSheet("color: gray;")
        self.open_button = QPushButton(pick("Open the page", "打开页面"))
        self.copy_button = QPushButton(pick("Copy code", "复制代码"))
        self.open_button.setEnabled(False)
        self.copy_button.setEnabled(False)
        self.open_button.clicked.connect(lambda: self.open_url(self._device.verification_uri))
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self._device.user_code))
        for w in (self.code, self.url, self.scope_note):
            self.layout_.addWidget(w)
        self.buttons.addWidget(self.open_button)
        self.buttons.addWidget(self.copy_button)
        self._finish_layout()
        self.set_status(pick("Asking Twitch for a code…", "正在向 Twitch 获取代码…"))
        self._device: tauth.DeviceCode | None = None

    def start(self) -> None:
        self._run(self._flow())

    async def _flow(self) -> None:
        try:
            self._device = await self.auth.start(self.scopes)
            self.code.setText(self._device.user_code)
            self.url.setText(self._device.verification_uri)
            self.open_button.setEnabled(True)
            self.copy_button.setEnabled(True)
            self.set_status(pick("Waiting for you to approve on Twitch…", "等待你在 Twitch 上批准…"))
            tokens = await self.auth.poll(self._device, self.scopes, cancelled=lambda: self._cancelled)
            info = await self.auth.validate(tokens.access_token)
            try:
                self.save(tokens)
                kept = ""
            except Exception as exc:  # noqa: BLE001 — no keyring: usable now, not remembered
                log.info("keyring unavailable: %s", type(exc).__name__)
                kept = pick(" (no keyring on this computer: you will sign in again next time)",
                            "（本机没有密钥环：下次需要重新登录）")
            self.set_status(pick(f"Signed in to Twitch as {info.login}.", f"已登录 Twitch：{info.login}。") + kept)
            self.done_ok(info.login)
        except (tauth.AuthError, ProviderError) as exc:
            self.set_status(getattr(exc, "reason", None) or str(exc))
        except asyncio.CancelledError:
            raise


class YouTubeSignInDialog(_SignInDialog):
    """Google's installed-app sign-in: the system browser, a loopback redirect, PKCE."""

    def __init__(self, client_id: str, *, client_secret: str | None = None,
                 auth_base: str = yauth.DEFAULT_AUTH_BASE, token_base: str = yauth.DEFAULT_TOKEN_BASE,
                 send: bool = False, save: Callable[[yauth.GoogleTokens], None] = yauth.save_tokens,
                 open_url: Callable[[str], None] = open_in_browser, parent: QWidget | None = None) -> None:
        super().__init__(pick("Sign in to YouTube", "登录 YouTube"), parent)
        self.client_id, self.client_secret = client_id, client_secret
        self.auth_base, self.token_base, self.save, self.open_url = auth_base, token_base, save, open_url
        self.intro.setText(pick(
            "Your browser opens Google's sign-in page. Choose the channel you stream on and allow access; "
            "the browser then says you can close it.",
            "浏览器会打开 Google 登录页面。选择直播所用的频道并允许访问，完成后浏览器会提示可以关闭。"))
        self.send_box = QCheckBox(pick("Also allow sending (replies, polls, moderation)",
                                       "同时允许发送（回复、投票、管理）"))
        self.send_box.setChecked(send)
        self.layout_.addWidget(self.send_box)
        self.go_button = QPushButton(pick("Open browser and sign in", "打开浏览器登录"))
        self.go_button.clicked.connect(self.start)
        self.buttons.addWidget(self.go_button)
        self._finish_layout()
        self.flow: yauth.LoopbackSignIn | None = None

    def scopes(self) -> tuple[str, ...]:
        return yauth.scopes_for(send=self.send_box.isChecked())

    def start(self) -> None:
        self.go_button.setEnabled(False)
        self._run(self._flow())

    async def _flow(self) -> None:
        self.flow = yauth.LoopbackSignIn(self.client_id, self.scopes(), client_secret=self.client_secret,
                                         auth_base=self.auth_base, token_base=self.token_base)
        try:
            url = await self.flow.start()
            self.set_status(pick("Waiting for the browser… (finish signing in there)",
                                 "等待浏览器…（请在浏览器中完成登录）"))
            self.open_url(url)
            tokens = await self.flow.finish()
            try:
                self.save(tokens)
                kept = ""
            except Exception as exc:  # noqa: BLE001
                log.info("keyring unavailable: %s", type(exc).__name__)
                kept = pick(" (no keyring on this computer: you will sign in again next time)",
                            "（本机没有密钥环：下次需要重新登录）")
            can_send = yauth.SEND_SCOPE in tokens.scopes
            self.set_status(pick("Signed in to YouTube" + (" (reading and sending)." if can_send else " (reading chat)."),
                                 "已登录 YouTube" + ("（可读取和发送）。" if can_send else "（可读取聊天）。")) + kept)
            self.done_ok("YouTube")
        except (yauth.AuthError, ProviderError) as exc:
            self.set_status(getattr(exc, "reason", None) or str(exc))
            self.go_button.setEnabled(True)
        finally:
            await self.flow.close_server()
            await self.flow.http.aclose()

    def reject(self) -> None:
        if self.flow is not None:
            asyncio.get_event_loop().create_task(self.flow.cancel())
        super().reject()
