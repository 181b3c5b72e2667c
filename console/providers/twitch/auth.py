"""Twitch sign-in for a desktop app: the OAuth Device Code flow for public clients. Qt-free.

No client secret ships with the app. `DeviceFlow.start()` asks Twitch for a code the host types
at `verification_uri` (the dialog shows both); `poll()` asks for the token every `interval`
seconds (`authorization_pending` until the host approves). Public clients' refresh tokens rotate
on every use, so the new pair is stored at once. Twitch requires validating a token at start and
hourly; `validate()` does that, and `revoke()` runs on sign-out. Tokens live in the OS keyring
(names TOKEN, REFRESH_TOKEN, EXPIRES_AT); headless/CI may set LIVE_CONSOLE_TWITCH_TOKEN instead.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Callable, Iterable

import httpx

from console.core.clock import Clock, SystemClock
from console.i18n import pick

from ..credentials import delete_credential, get_credential, set_credential
from ..status import ProviderError, SignInRequired

DEFAULT_AUTH_BASE = "https://id.twitch.tv"
READ_SCOPES = ("user:read:chat", "moderator:read:followers", "channel:read:subscriptions")
SEND_SCOPES = ("user:write:chat",)
POLL_SCOPES = ("channel:manage:polls",)
PREDICTION_SCOPES = ("channel:manage:predictions",)
MOD_SCOPES = ("moderator:manage:chat_messages", "moderator:manage:banned_users")
REFRESH_BEFORE_S = 300.0


def scopes_for(*, send: bool, polls: bool, moderation: bool, predictions: bool = False) -> tuple[str, ...]:
    """Only what the features in use need: reading always, the rest when switched on
    (predictions only with `[twitch] predictions = true`)."""
    out = list(READ_SCOPES)
    if send:
        out += SEND_SCOPES
    if polls:
        out += POLL_SCOPES
    if moderation:
        out += MOD_SCOPES
    if predictions:
        out += PREDICTION_SCOPES
    return tuple(out)


@dataclass(frozen=True, slots=True)
class TokenInfo:
    client_id: str
    login: str
    user_id: str
    scopes: tuple[str, ...]
    expires_in: int


@dataclass(frozen=True, slots=True)
class DeviceCode:
    device_code: str
    user_code: str
    verification_uri: str
    interval: float
    expires_in: float


@dataclass(frozen=True, slots=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: float
    scopes: tuple[str, ...]


class AuthError(Exception):
    """Sign-in failed, in words for the host."""


def expired_error() -> ProviderError:
    return SignInRequired(pick("Twitch sign-in expired or was revoked — use “Sign in again”.",
                               "Twitch 登录已过期或被撤销——请点“重新登录”。"))


class TwitchAuth:
    def __init__(self, client_id: str, auth_base: str = DEFAULT_AUTH_BASE, *,
                 clock: Clock | None = None, http: httpx.AsyncClient | None = None) -> None:
        self.client_id = client_id
        self.base = auth_base.rstrip("/")
        self.clock = clock or SystemClock()
        self.http = http or httpx.AsyncClient(timeout=15.0)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def validate(self, token: str) -> TokenInfo:
        try:
            resp = await self.http.get(f"{self.base}/oauth2/validate", headers={"Authorization": f"OAuth {token}"})
        except httpx.HTTPError as exc:
            raise ProviderError(pick(f"Cannot reach Twitch to check the sign-in ({type(exc).__name__}).",
                                     f"无法连接 Twitch 验证登录（{type(exc).__name__}）。")) from exc
        if resp.status_code == 401:
            raise expired_error()
        if resp.status_code != 200:
            raise ProviderError(pick(f"Twitch could not check the sign-in (HTTP {resp.status_code}).",
                                     f"Twitch 无法验证登录（HTTP {resp.status_code}）。"))
        d = resp.json()
        return TokenInfo(str(d.get("client_id", "")), str(d.get("login", "")), str(d.get("user_id", "")),
                         tuple(d.get("scopes") or ()), int(d.get("expires_in") or 0))

    async def start(self, scopes: Iterable[str]) -> DeviceCode:
        resp = await self._post("/oauth2/device", {"client_id": self.client_id, "scopes": " ".join(scopes)})
        d = resp.json()
        if resp.status_code != 200:
            raise AuthError(pick(f"Twitch refused to start sign-in: {_msg(d)}", f"Twitch 拒绝开始登录：{_msg(d)}"))
        return DeviceCode(d["device_code"], d["user_code"], d["verification_uri"],
                          float(d.get("interval", 5)), float(d.get("expires_in", 1800)))

    async def poll(self, code: DeviceCode, scopes: Iterable[str],
                   cancelled: Callable[[], bool] = lambda: False) -> Tokens:
        """Ask for the token every `interval` s until the host approves, denies or it expires."""
        deadline = self.clock.monotonic() + code.expires_in
        interval = code.interval
        while self.clock.monotonic() < deadline:
            if cancelled():
                raise AuthError(pick("Sign-in cancelled.", "已取消登录。"))
            resp = await self._post("/oauth2/token", {
                "client_id": self.client_id, "scopes": " ".join(scopes), "device_code": code.device_code,
                "grant_type": "urn:ietf:params:oauth:grant-type:device_code"})
            d = resp.json()
            if resp.status_code == 200:
                return self._tokens(d)
            reason = _msg(d)
            if reason == "authorization_pending":
                await asyncio.sleep(interval)
                continue
            if reason == "slow_down":
                interval += 5
                await asyncio.sleep(interval)
                continue
            if reason in ("access_denied", "authorization_denied"):
                raise AuthError(pick("Sign-in was declined on Twitch.", "已在 Twitch 上拒绝登录。"))
            raise AuthError(pick(f"Twitch sign-in failed: {reason}", f"Twitch 登录失败：{reason}"))
        raise AuthError(pick("The sign-in code expired; start again.", "登录代码已过期，请重新开始。"))

    async def refresh(self, refresh_token: str) -> Tokens:
        resp = await self._post("/oauth2/token", {"client_id": self.client_id, "grant_type": "refresh_token",
                                                   "refresh_token": refresh_token})
        if resp.status_code != 200:
            raise expired_error()
        return self._tokens(resp.json())

    async def revoke(self, token: str) -> None:
        await self._post("/oauth2/revoke", {"client_id": self.client_id, "token": token})

    async def _post(self, path: str, form: dict) -> httpx.Response:
        try:
            return await self.http.post(f"{self.base}{path}", data=form)
        except httpx.HTTPError as exc:
            raise AuthError(pick(f"Cannot reach Twitch ({type(exc).__name__}).",
                                 f"无法连接 Twitch（{type(exc).__name__}）。")) from exc

    def _tokens(self, d: dict) -> Tokens:
        scope = d.get("scope") or []
        return Tokens(str(d["access_token"]), str(d.get("refresh_token", "")),
                      self.clock.now() + float(d.get("expires_in", 0) or 0),
                      tuple(scope.split() if isinstance(scope, str) else scope))


def _msg(d: object) -> str:
    if isinstance(d, dict):
        return str(d.get("message") or d.get("error") or "unknown error")
    return "unknown error"


# -- the keyring ------------------------------------------------------------------------------
def save_tokens(tokens: Tokens, platform: str = "twitch") -> None:
    set_credential(platform, "TOKEN", tokens.access_token)
    if tokens.refresh_token:
        set_credential(platform, "REFRESH_TOKEN", tokens.refresh_token)
    set_credential(platform, "EXPIRES_AT", f"{tokens.expires_at:.0f}")


def forget_tokens(platform: str = "twitch") -> None:
    for name in ("TOKEN", "REFRESH_TOKEN", "EXPIRES_AT"):
        delete_credential(platform, name)


def stored_expiry(platform: str = "twitch") -> float | None:
    value = get_credential(platform, "EXPIRES_AT")
    try:
        return float(value) if value else None
    except ValueError:
        return None
