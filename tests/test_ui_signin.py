"""The sign-in dialogs against the local OAuth doubles: Twitch shows the device code and signs in
once approved; YouTube opens the "browser" on a PKCE loopback URL and signs in; tokens land in the
keyring; an expired sign-in offers "Sign in again". Screenshots are saved for a look."""

from __future__ import annotations

import os

import httpx
import pytest

from console.i18n import set_language
from console.providers.status import ConnState, ConnStatus
from console.providers.twitch.auth import TwitchAuth, scopes_for
from console.ui.signin_dialogs import TwitchSignInDialog, YouTubeSignInDialog
from tests.doubles.twitch import TwitchDouble
from tests.doubles.youtube import YouTubeDouble
from tests.platform_helpers import until

SHOTS = os.environ.get("LIVE_CONSOLE_SHOTS")


def shot(widget, name):
    if SHOTS:
        widget.grab().save(os.path.join(SHOTS, name))


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_twitch_dialog_shows_the_code_and_signs_in_when_approved(qtbot, memory_keyring, lang):
    set_language(lang)
    tw = await TwitchDouble(device_pending_polls=3).start()
    try:
        opened: list[str] = []
        dialog = TwitchSignInDialog(TwitchAuth(tw.client_id, tw.base), scopes_for(send=True, polls=True,
                                    moderation=False), open_url=opened.append)
        qtbot.addWidget(dialog)
        signed: list[str] = []
        dialog.sig_signed_in.connect(signed.append)
        dialog.show()
        dialog.start()
        await until(lambda: dialog.code.text() == "ABCDEFGH", what="code shown")
        shot(dialog, f"twitch_signin_waiting_{lang}.png")
        dialog.open_button.click()
        assert opened == [dialog.url.text()] and opened[0].startswith(tw.base)
        await until(lambda: signed == ["hostchannel"], what="signed in")
        assert "hostchannel" in dialog.status.text()
        token = memory_keyring.store[("live-console", "twitch:token")]
        assert token in tw.tokens and ("live-console", "twitch:refresh_token") in memory_keyring.store
        shot(dialog, f"twitch_signin_done_{lang}.png")
    finally:
        set_language("en")
        await tw.stop()


async def test_youtube_dialog_signs_in_through_the_browser_with_pkce(qtbot, memory_keyring):
    yt = await YouTubeDouble().start()
    try:
        pages: list[httpx.Response] = []

        def browser(url: str) -> None:  # the system browser: consent page, then our loopback
            import asyncio

            async def go():
                async with httpx.AsyncClient(follow_redirects=True) as http:
                    pages.append(await http.get(url))
            asyncio.get_event_loop().create_task(go())

        dialog = YouTubeSignInDialog("desktop-client", auth_base=yt.base, token_base=yt.base, send=True,
                                     open_url=browser)
        qtbot.addWidget(dialog)
        dialog.show()
        shot(dialog, "youtube_signin_start.png")
        dialog.go_button.click()
        await until(lambda: dialog.account == "YouTube", what="signed in")
        assert pages and "close this tab" in pages[0].text
        assert "reading and sending" in dialog.status.text()
        assert memory_keyring.store[("live-console", "youtube:token")] in yt.tokens
        shot(dialog, "youtube_signin_done.png")
    finally:
        await yt.stop()


async def test_expired_sign_in_prompts_sign_in_again(qtbot, tmp_path, memory_keyring):
    from PySide6.QtWidgets import QMenu, QWidget
    from console.ui.signin_actions import SignInActions

    class Runner:
        names = ["twitch"]
        from console.core.signal import Signal
        status_changed = Signal("t")

    class App:
        platforms = Runner()
        platforms_changed = Runner.Signal("app.platforms_changed")

        class settings:
            sections = {"twitch": {"client_id": "cid-123", "auth_base": "http://127.0.0.1:9"}}

    parent = QWidget()
    qtbot.addWidget(parent)
    actions = SignInActions(App(), QMenu(parent), parent)
    actions._on_status(ConnStatus("twitch", ConnState.FAILED, "Twitch sign-in expired or was revoked — use “Sign in again”.",
                                  sign_in=True))
    box = actions.prompt
    assert box is not None and "Sign in again" in [b.text() for b in box.buttons()]
    assert "expired" in box.text()
    shot(box, "sign_in_again_prompt.png")
    box.close()
