"""YouTube Data API v3 calls the console makes (httpx, async), each counted against the quota.

Errors come back as `YouTubeError` carrying the API's own reason (liveChatEnded, quotaExceeded,
rateLimitExceeded, …) so the provider can decide in one place what each means for the host.
A 401 means the sign-in is no longer valid: a fatal "sign in again".
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import httpx

from console.i18n import pick

from ..status import ProviderError, SignInRequired
from .parse import ApiError, parse_error
from .quota import Quota

DEFAULT_API = "https://www.googleapis.com/youtube/v3"


class YouTubeError(Exception):
    def __init__(self, error: ApiError) -> None:
        super().__init__(f"HTTP {error.status} {error.reason}: {error.message}")
        self.error = error

    @property
    def reason(self) -> str:
        return self.error.reason


def signed_out_error() -> ProviderError:
    return SignInRequired(pick("YouTube sign-in expired or was revoked — use “Sign in again”.",
                               "YouTube 登录已过期或被撤销——请点“重新登录”。"))


class YouTubeApi:
    def __init__(self, base: str, token: Callable[[], str | None], api_key: str | None, quota: Quota,
                 http: httpx.AsyncClient | None = None) -> None:
        self.base = base.rstrip("/")
        self._token = token
        self.api_key = api_key
        self.quota = quota
        self._http = http

    @property
    def http(self) -> httpx.AsyncClient:
        # Made on first use (a provider built only to show its capabilities opens no connections).
        if self._http is None or self._http.is_closed:
            self._http = httpx.AsyncClient(timeout=20.0)
        return self._http

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()

    async def call(self, op: str, method: str, path: str, *, params: dict | None = None,
                   json: Any = None) -> dict:
        params = dict(params or {})
        headers = {}
        token = self._token()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        elif self.api_key:
            params["key"] = self.api_key
        try:
            resp = await self.http.request(method, f"{self.base}{path}", params=params, json=json, headers=headers)
        except httpx.HTTPError as exc:
            raise YouTubeError(ApiError(0, "network", type(exc).__name__)) from exc
        self.quota.spend(op)  # a failed call costs quota too
        if resp.status_code == 401:
            raise signed_out_error()
        if resp.status_code >= 400:
            error = parse_error(resp.status_code, resp.content)
            if error.reason == "quotaExceeded":
                self.quota.exhausted = True
            raise YouTubeError(error)
        self.quota.exhausted = False  # an answer means the quota is not used up (any more)
        if resp.status_code == 204 or not resp.content:
            return {}
        try:
            data = resp.json()
        except ValueError as exc:
            raise YouTubeError(ApiError(resp.status_code, "malformed", "answer was not JSON")) from exc
        return data if isinstance(data, dict) else {}

    async def active_chat_id(self) -> str | None:
        # Exactly one filter is allowed; broadcastStatus already means "the signed-in channel's".
        data = await self.call("broadcasts", "GET", "/liveBroadcasts", params={
            "part": "snippet", "broadcastStatus": "active", "broadcastType": "all"})
        for item in data.get("items") or []:
            chat = ((item or {}).get("snippet") or {}).get("liveChatId")
            if chat:
                return str(chat)
        return None

    async def list_messages(self, chat_id: str, page_token: str | None) -> dict:
        params = {"liveChatId": chat_id, "part": "id,snippet,authorDetails", "maxResults": 2000}
        if page_token:
            params["pageToken"] = page_token
        return await self.call("list", "GET", "/liveChat/messages", params=params)

    async def insert_text(self, chat_id: str, text: str) -> dict:
        return await self.call("insert", "POST", "/liveChat/messages", params={"part": "snippet"}, json={
            "snippet": {"liveChatId": chat_id, "type": "textMessageEvent",
                        "textMessageDetails": {"messageText": text[:200]}}})

    async def insert_poll(self, chat_id: str, question: str, options: Sequence[str]) -> dict:
        return await self.call("insert", "POST", "/liveChat/messages", params={"part": "snippet"}, json={
            "snippet": {"liveChatId": chat_id, "type": "pollEvent", "pollDetails": {"metadata": {
                "questionText": question[:100], "options": [{"optionText": o[:35]} for o in options]}}}})

    async def close_poll(self, message_id: str) -> dict:
        return await self.call("transition", "POST", "/liveChat/messages/transition",
                               params={"id": message_id, "status": "closed", "part": "snippet"})

    async def delete_message(self, message_id: str) -> None:
        await self.call("delete", "DELETE", "/liveChat/messages", params={"id": message_id})

    async def ban(self, chat_id: str, channel_id: str, duration_s: int | None) -> None:
        snippet: dict[str, Any] = {"liveChatId": chat_id, "type": "temporary" if duration_s else "permanent",
                                   "bannedUserDetails": {"channelId": channel_id}}
        if duration_s:
            snippet["banDurationSeconds"] = int(duration_s)
        await self.call("ban", "POST", "/liveChat/bans", params={"part": "snippet"}, json={"snippet": snippet})
