"""YouTube sign-in the way Google asks installed apps to do it. Qt-free.

OAuth 2.0 for installed apps: a loopback redirect on 127.0.0.1 (an ephemeral port we listen on),
PKCE with `code_challenge_method=S256`, the system browser for consent (the caller opens
`authorize_url`: QDesktopServices in the app, `webbrowser` on a console), the code exchanged at
the token endpoint with the verifier, refresh with the refresh token, revoke on sign-out. The
`youtube.force-ssl` scope is asked only when the host wants to send (replies, polls, moderation);
reading needs only `youtube.readonly`. Tokens go to the OS keyring (TOKEN, REFRESH_TOKEN,
EXPIRES_AT under "youtube"); a desktop client id (and Google's non-secret desktop "client
secret") come from the keyring or LIVE_CONSOLE_YOUTUBE_CLIENT_ID / _CLIENT_SECRET.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from console.core.clock import Clock, SystemClock
from console.i18n import pick

from ..credentials import delete_credential, set_credential
from ..status import SignInRequired

DEFAULT_AUTH_BASE = "https://accounts.google.com"
DEFAULT_TOKEN_BASE = "https://oauth2.googleapis.com"
READ_SCOPE = "https://www.googleapis.com/auth/youtube.readonly"
SEND_SCOPE = "https://www.googleapis.com/auth/youtube.force-ssl"
DONE_PAGE = ("<!doctype html><meta charset=utf-8><title>Live Console</title>"
             "<p>Signed in — you can close this tab and return to Live Console.</p>"
             "<p>登录完成——可以关闭此页面，回到 Live Console。</p>")


def scopes_for(send: bool) -> tuple[str, ...]:
    return (SEND_SCOPE,) if send else (READ_SCOPE,)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(64)[:96]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


@dataclass(frozen=True, slots=True)
class GoogleTokens:
    access_token: str
    refresh_token: str
    expires_at: float
    scopes: tuple[str, ...]


class AuthError(Exception):
    """Sign-in failed, in words for the host."""


class LoopbackSignIn:
    """One sign-in attempt: `await start()` → open `authorize_url` in a browser → `await finish()`."""

    def __init__(self, client_id: str, scopes: tuple[str, ...], *, client_secret: str | None = None,
                 auth_base: str = DEFAULT_AUTH_BASE, token_base: str = DEFAULT_TOKEN_BASE,
                 clock: Clock | None = None, http: httpx.AsyncClient | None = None) -> None:
        self.client_id, self.client_secret, self.scopes = client_id, client_secret, scopes
        self.auth_base, self.token_base = auth_base.rstrip("/"), token_base.rstrip("/")
        self.clock = clock or SystemClock()
        self.http = http or httpx.AsyncClient(timeout=20.0)
        self.verifier, self.challenge = pkce_pair()
        self.state = secrets.token_urlsafe(16)
        self.redirect_uri = ""
        self.authorize_url = ""
        self._server: asyncio.AbstractServer | None = None
        self._code: asyncio.Future[str] | None = None

    async def start(self) -> str:
        loop = asyncio.get_running_loop()
        self._code = loop.create_future()
        self._server = await asyncio.start_server(self._on_redirect, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.redirect_uri = f"http://127.0.0.1:{port}"
        self.authorize_url = f"{self.auth_base}/o/oauth2/v2/auth?" + urlencode({
            "client_id": self.client_id, "redirect_uri": self.redirect_uri, "response_type": "code",
            "scope": " ".join(self.scopes), "code_challenge": self.challenge, "code_challenge_method": "S256",
            "state": self.state, "access_type": "offline", "prompt": "consent"})
        return self.authorize_url

    async def _on_redirect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = (await reader.readline()).decode("latin-1")
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass
            target = line.split(" ")[1] if line.count(" ") >= 2 else "/"
            query = {k: v[0] for k, v in parse_qs(urlsplit(target).query).items()}
            if "code" not in query and "error" not in query:
                writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return  # a favicon request, not the redirect
            body = DONE_PAGE.encode()
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
                         + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
            await writer.drain()
            if self._code is not None and not self._code.done():
                if query.get("state") != self.state:
                    self._code.set_exception(AuthError(pick("The sign-in answer did not match this request; try again.",
                                                            "登录回应与本次请求不符，请重试。")))
                elif "error" in query:
                    self._code.set_exception(AuthError(pick(f"Google sign-in was declined ({query['error']}).",
                                                            f"Google 登录被拒绝（{query['error']}）。")))
                else:
                    self._code.set_result(query["code"])
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def finish(self, timeout_s: float = 300.0) -> GoogleTokens:
        assert self._code is not None, "start() first"
        try:
            code = await asyncio.wait_for(self._code, timeout_s)
        except (TimeoutError, asyncio.TimeoutError):
            raise AuthError(pick("No answer from the browser in time; start again.",
                                 "浏览器未及时回应，请重新开始。")) from None
        finally:
            await self.close_server()
        form = {"code": code, "client_id": self.client_id, "redirect_uri": self.redirect_uri,
                "grant_type": "authorization_code", "code_verifier": self.verifier}
        if self.client_secret:
            form["client_secret"] = self.client_secret
        return await token_request(self.http, self.token_base, form, self.clock)

    async def close_server(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
            self._server = None

    async def cancel(self) -> None:
        if self._code is not None and not self._code.done():
            self._code.set_exception(AuthError(pick("Sign-in cancelled.", "已取消登录。")))
        await self.close_server()


async def token_request(http: httpx.AsyncClient, token_base: str, form: dict, clock: Clock) -> GoogleTokens:
    try:
        resp = await http.post(f"{token_base}/token", data=form)
    except httpx.HTTPError as exc:
        raise AuthError(pick(f"Cannot reach Google ({type(exc).__name__}).",
                             f"无法连接 Google（{type(exc).__name__}）。")) from exc
    try:
        d = resp.json()
    except ValueError:
        d = {}
    if resp.status_code != 200 or "access_token" not in d:
        why = d.get("error_description") or d.get("error") or f"HTTP {resp.status_code}"
        raise AuthError(pick(f"Google did not sign you in: {why}", f"Google 未能登录：{why}"))
    return GoogleTokens(str(d["access_token"]), str(d.get("refresh_token") or form.get("refresh_token") or ""),
                        clock.now() + float(d.get("expires_in") or 0), tuple(str(d.get("scope", "")).split()))


async def refresh(http: httpx.AsyncClient, token_base: str, client_id: str, refresh_token: str,
                  client_secret: str | None = None, clock: Clock | None = None) -> GoogleTokens:
    form = {"client_id": client_id, "grant_type": "refresh_token", "refresh_token": refresh_token}
    if client_secret:
        form["client_secret"] = client_secret
    try:
        return await token_request(http, token_base, form, clock or SystemClock())
    except AuthError as exc:
        raise SignInRequired(pick("YouTube sign-in expired or was revoked — use “Sign in again”.",
                                  "YouTube 登录已过期或被撤销——请点“重新登录”。")) from exc


async def revoke(http: httpx.AsyncClient, token_base: str, token: str) -> None:
    with contextlib.suppress(httpx.HTTPError):
        await http.post(f"{token_base}/revoke", data={"token": token})


def save_tokens(tokens: GoogleTokens) -> None:
    set_credential("youtube", "TOKEN", tokens.access_token)
    if tokens.refresh_token:
        set_credential("youtube", "REFRESH_TOKEN", tokens.refresh_token)
    set_credential("youtube", "EXPIRES_AT", f"{tokens.expires_at:.0f}")


def forget_tokens() -> None:
    for name in ("TOKEN", "REFRESH_TOKEN", "EXPIRES_AT"):
        delete_credential("youtube", name)
