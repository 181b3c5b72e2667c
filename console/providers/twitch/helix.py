"""Helix REST (httpx, async): subscriptions, chat, moderation, polls — within the rate limit.

Twitch gives each token a bucket of points per minute and says how full it is in
`Ratelimit-Limit / -Remaining / -Reset` (reset = epoch seconds). We wait for the reset when the
bucket is empty instead of spending a request on a 429, and when a 429 comes anyway we wait until
`Ratelimit-Reset` and try again (a few times, never forever). 401 means the sign-in is no longer
valid: that is a `ProviderError(fatal=True)` the host fixes with "Sign in again".
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable

import httpx

from console.core.clock import Clock, SystemClock
from console.i18n import pick

from ..status import ProviderError, SignInRequired

log = logging.getLogger(__name__)
MAX_RETRIES = 3
MAX_WAIT_S = 60.0


def signed_out_error() -> ProviderError:
    return SignInRequired(pick("Twitch sign-in expired or was revoked — use “Sign in again”.",
                               "Twitch 登录已过期或被撤销——请点“重新登录”。"))


class HelixError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message


class Helix:
    def __init__(self, base: str, client_id: str, token: Callable[[], str], *,
                 clock: Clock | None = None, http: httpx.AsyncClient | None = None,
                 timeout_s: float = 15.0) -> None:
        self.base = base.rstrip("/")
        self.client_id = client_id
        self._token = token
        self.clock = clock or SystemClock()
        self.http = http or httpx.AsyncClient(timeout=timeout_s)
        self.remaining: int | None = None
        self.reset_at: float | None = None
        self.limited = 0
        """How many 429 answers we waited out (shown in tests and the log)."""

    async def aclose(self) -> None:
        await self.http.aclose()

    def _wait_for_reset(self) -> float:
        if self.reset_at is None:
            return 1.0
        return min(MAX_WAIT_S, max(0.0, self.reset_at - self.clock.now()))

    async def call(self, method: str, path: str, *, params: dict | None = None,
                   json: Any = None) -> dict:
        for attempt in range(MAX_RETRIES + 1):
            if self.remaining == 0 and self.reset_at is not None:
                await asyncio.sleep(self._wait_for_reset())
                self.remaining = None
            headers = {"Authorization": f"Bearer {self._token()}", "Client-Id": self.client_id}
            try:
                resp = await self.http.request(method, f"{self.base}{path}", params=params, json=json,
                                               headers=headers)
            except httpx.HTTPError as exc:
                raise HelixError(0, f"network error ({type(exc).__name__})") from exc
            self._note_limits(resp)
            if resp.status_code == 429 and attempt < MAX_RETRIES:
                self.limited += 1
                wait = self._wait_for_reset()
                log.info("Helix rate limit reached; waiting %.1f s", wait)
                await asyncio.sleep(wait)
                continue
            if resp.status_code == 401 and not _names_scope(resp):
                raise signed_out_error()  # a 401 naming a scope is a missing permission, not a dead sign-in
            if resp.status_code >= 400:
                raise HelixError(resp.status_code, _message(resp))
            if resp.status_code == 204 or not resp.content:
                return {}
            try:
                data = resp.json()
            except ValueError as exc:
                raise HelixError(resp.status_code, "answer was not JSON") from exc
            return data if isinstance(data, dict) else {}
        raise HelixError(429, "rate limit still exhausted after waiting")

    def _note_limits(self, resp: httpx.Response) -> None:
        try:
            if "Ratelimit-Remaining" in resp.headers:
                self.remaining = int(resp.headers["Ratelimit-Remaining"])
            if "Ratelimit-Reset" in resp.headers:
                self.reset_at = float(resp.headers["Ratelimit-Reset"])
        except ValueError:
            pass

    # -- endpoints --------------------------------------------------------------------------
    async def user_id(self, login: str) -> str:
        data = await self.call("GET", "/users", params={"login": login})
        rows = data.get("data") or []
        if not rows:
            raise ProviderError(pick(f"There is no Twitch channel called “{login}”.",
                                     f"找不到名为“{login}”的 Twitch 频道。"), fatal=True)
        return str(rows[0]["id"])

    async def subscribe(self, sub_type: str, version: str, condition: dict, session_id: str) -> dict:
        return await self.call("POST", "/eventsub/subscriptions", json={
            "type": sub_type, "version": version, "condition": condition,
            "transport": {"method": "websocket", "session_id": session_id}})

    async def send_chat(self, broadcaster_id: str, sender_id: str, text: str,
                        reply_to: str | None = None) -> dict:
        body = {"broadcaster_id": broadcaster_id, "sender_id": sender_id, "message": text}
        if reply_to:
            body["reply_parent_message_id"] = reply_to
        data = await self.call("POST", "/chat/messages", json=body)
        row = (data.get("data") or [{}])[0]
        if row.get("is_sent") is False:
            reason = (row.get("drop_reason") or {}).get("message") or "dropped by Twitch"
            raise HelixError(200, reason)
        return row

    async def delete_message(self, broadcaster_id: str, moderator_id: str, msg_id: str) -> None:
        await self.call("DELETE", "/moderation/chat", params={
            "broadcaster_id": broadcaster_id, "moderator_id": moderator_id, "message_id": msg_id})

    async def ban(self, broadcaster_id: str, moderator_id: str, user_id: str,
                  duration_s: int | None = None, reason: str = "") -> None:
        data: dict[str, Any] = {"user_id": user_id}
        if duration_s:
            data["duration"] = int(max(1, min(1_209_600, duration_s)))
        if reason:
            data["reason"] = reason[:500]
        await self.call("POST", "/moderation/bans", params={
            "broadcaster_id": broadcaster_id, "moderator_id": moderator_id}, json={"data": data})

    async def create_poll(self, broadcaster_id: str, title: str, choices: list[str],
                          duration_s: int) -> dict:
        data = await self.call("POST", "/polls", json={
            "broadcaster_id": broadcaster_id, "title": title[:60],
            "choices": [{"title": c[:25]} for c in choices],
            "duration": int(max(15, min(1800, duration_s)))})
        return (data.get("data") or [{}])[0]

    async def end_poll(self, broadcaster_id: str, poll_id: str, status: str = "TERMINATED") -> dict:
        data = await self.call("PATCH", "/polls", json={
            "broadcaster_id": broadcaster_id, "id": poll_id, "status": status})
        return (data.get("data") or [{}])[0]

    async def get_poll(self, broadcaster_id: str, poll_id: str) -> dict:
        data = await self.call("GET", "/polls", params={"broadcaster_id": broadcaster_id, "id": poll_id})
        return (data.get("data") or [{}])[0]


    # -- predictions (channel points): create, read, lock / resolve / cancel --------------------
    async def create_prediction(self, broadcaster_id: str, title: str, outcomes: list[str],
                                window_s: int) -> dict:
        data = await self.call("POST", "/predictions", json={
            "broadcaster_id": broadcaster_id, "title": title,
            "outcomes": [{"title": o} for o in outcomes], "prediction_window": int(window_s)})
        return (data.get("data") or [{}])[0]

    async def get_prediction(self, broadcaster_id: str, prediction_id: str) -> dict:
        data = await self.call("GET", "/predictions", params={"broadcaster_id": broadcaster_id,
                                                               "id": prediction_id})
        return (data.get("data") or [{}])[0]

    async def end_prediction(self, broadcaster_id: str, prediction_id: str, status: str,
                             winning_outcome_id: str | None = None) -> dict:
        """status: LOCKED, RESOLVED (with the winning outcome's id) or CANCELED (refunds)."""
        body = {"broadcaster_id": broadcaster_id, "id": prediction_id, "status": status}
        if winning_outcome_id:
            body["winning_outcome_id"] = winning_outcome_id
        data = await self.call("PATCH", "/predictions", json=body)
        return (data.get("data") or [{}])[0]


def _names_scope(resp: httpx.Response) -> bool:
    return "scope" in _message(resp).lower()


def _message(resp: httpx.Response) -> str:
    try:
        body = resp.json()
        return str(body.get("message") or body.get("error") or resp.reason_phrase)
    except ValueError:
        return resp.reason_phrase or "error"
