"""Platforms menu: sign in to / out of Twitch and YouTube, and "Sign in again" when a platform
stops accepting the sign-in mid-show. Kept out of the main window so it stays an assembler.

Signing in stores tokens in the OS keyring; if that platform is part of this session it is started
again at once (same session, same log — nothing the host did is lost). Signing out revokes the
token at the platform and deletes it from the keyring.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from console.i18n import pick
from console.providers.credentials import get_credential
from console.providers.status import ConnState, ConnStatus
from console.providers.twitch import auth as tauth
from console.providers.youtube import auth as yauth

from .signin_dialogs import TwitchSignInDialog, YouTubeSignInDialog
from .taskman import to_gui

log = logging.getLogger(__name__)
NAMES = {"twitch": "Twitch", "youtube": "YouTube"}


class SignInActions:
    def __init__(self, app, menu: QMenu, parent: QWidget) -> None:
        self.app = app
        self.parent = parent
        self.dialog = None
        self.prompt: QMessageBox | None = None
        for platform, name in NAMES.items():
            menu.addAction(pick(f"Sign in to {name}…", f"登录 {name}…")).triggered.connect(
                lambda _=False, p=platform: self.sign_in(p))
        menu.addSeparator()
        for platform, name in NAMES.items():
            menu.addAction(pick(f"Sign out of {name}", f"退出 {name}")).triggered.connect(
                lambda _=False, p=platform: self.sign_out(p))
        self._listen = lambda status: to_gui(self._on_status, status)
        app.platforms.status_changed.connect(self._listen)
        changed = getattr(app, "platforms_changed", None)
        if changed is not None:  # a mid-show platform switch makes a new runner: follow it
            changed.connect(lambda runner: runner.status_changed.connect(self._listen))

    @staticmethod
    def supports(platform: str) -> bool:
        return platform in NAMES

    def _section(self, platform: str) -> dict:
        return dict(self.app.settings.sections.get(platform, {}))

    def _secret(self, platform: str, name: str) -> str | None:
        return get_credential(platform, name) or self._section(platform).get(name.lower())

    # -- sign in ------------------------------------------------------------------------------
    def sign_in(self, platform: str):
        cfg = self._section(platform)
        client_id = self._secret(platform, "CLIENT_ID")
        if not client_id:
            QMessageBox.information(self.parent, pick("Sign in", "登录"), pick(
                f"Set the {NAMES[platform]} app's client id first: [{platform}] client_id in the settings "
                f"file, or LIVE_CONSOLE_{platform.upper()}_CLIENT_ID.",
                f"请先设置 {NAMES[platform]} 应用的 client id：设置文件中的 [{platform}] client_id，"
                f"或环境变量 LIVE_CONSOLE_{platform.upper()}_CLIENT_ID。"))
            return None
        if platform == "twitch":
            scopes = tauth.scopes_for(send=bool(cfg.get("send", True)), polls=bool(cfg.get("polls", True)),
                                      moderation=bool(cfg.get("moderation", True)),
                                      predictions=bool(cfg.get("predictions", False)))
            auth = tauth.TwitchAuth(client_id, str(cfg.get("auth_base", tauth.DEFAULT_AUTH_BASE)))
            dialog = TwitchSignInDialog(auth, scopes, parent=self.parent)
        else:
            base = str(cfg.get("auth_base", yauth.DEFAULT_AUTH_BASE))
            dialog = YouTubeSignInDialog(client_id, client_secret=self._secret(platform, "CLIENT_SECRET"),
                                         auth_base=base, token_base=str(cfg.get("token_base", cfg.get(
                                             "auth_base", yauth.DEFAULT_TOKEN_BASE))),
                                         send=bool(cfg.get("send", False)), parent=self.parent)
        dialog.sig_signed_in.connect(lambda _account, p=platform: self._restart(p))
        self.dialog = dialog
        dialog.show()
        if platform == "twitch":
            dialog.start()  # the code is what the host needs to see first
        return dialog

    def _restart(self, platform: str) -> None:
        if platform in self.app.platforms.names:
            asyncio.get_event_loop().create_task(self.app.platforms.restart(platform))

    # -- sign out -----------------------------------------------------------------------------
    def sign_out(self, platform: str) -> None:
        token = get_credential(platform, "TOKEN")
        cfg = self._section(platform)

        async def revoke() -> None:
            if not token:
                return
            if platform == "twitch":
                client_id = self._secret(platform, "CLIENT_ID") or ""
                auth = tauth.TwitchAuth(client_id, str(cfg.get("auth_base", tauth.DEFAULT_AUTH_BASE)))
                with contextlib.suppress(Exception):
                    await auth.revoke(token)
                await auth.aclose()
            else:
                import httpx
                async with httpx.AsyncClient(timeout=10) as http:
                    await yauth.revoke(http, str(cfg.get("token_base", cfg.get("auth_base", yauth.DEFAULT_TOKEN_BASE))), token)

        asyncio.get_event_loop().create_task(revoke())
        try:
            (tauth.forget_tokens if platform == "twitch" else yauth.forget_tokens)()
        except Exception as exc:  # noqa: BLE001 — no keyring: nothing was stored
            log.info("keyring unavailable: %s", type(exc).__name__)

    # -- "Sign in again" ----------------------------------------------------------------------
    def _on_status(self, status: ConnStatus) -> None:
        if status.state is not ConnState.FAILED or not status.sign_in or status.platform not in NAMES:
            return
        if self.prompt is not None and self.prompt.isVisible():
            return
        box = QMessageBox(QMessageBox.Warning, NAMES[status.platform], status.text(), parent=self.parent)
        box.setTextFormat(Qt.PlainText)
        box.setInformativeText(pick("The session keeps running and keeps everything logged so far.",
                                    "本场直播继续运行，已记录的内容都会保留。"))
        again = box.addButton(pick("Sign in again", "重新登录"), QMessageBox.AcceptRole)
        box.addButton(pick("Later", "稍后"), QMessageBox.RejectRole)
        again.clicked.connect(lambda: self.sign_in(status.platform))
        self.prompt = box
        box.open()
