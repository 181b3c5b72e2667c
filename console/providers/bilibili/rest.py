"""Bilibili open-live REST: signed start / heartbeat / end of a "game" (an interactive session).

Every request is a JSON POST signed as the open platform documents: six `x-bili-*` headers (the
body's hex MD5 among them) joined as `key:value` lines by "\\n" and HMAC-SHA256'd with the access
key secret into `Authorization`. Errors come back as `{"code": n}` with HTTP 200; they are turned
into `ApiError`s whose `reason` is in words a host understands and whose `fatal` says whether
retrying could ever help (a wrong 身份码 cannot).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

import httpx

from console.i18n import pick

from ..status import ProviderError

DEFAULT_API_BASE = "https://live-open.biliapi.com"
SIGNED_HEADERS = ("x-bili-accesskeyid", "x-bili-content-md5", "x-bili-signature-method",
                  "x-bili-signature-nonce", "x-bili-signature-version", "x-bili-timestamp")

# Open-platform public error codes that retrying cannot fix (the host must change a setting).
FATAL = {4001, 4002, 4005, 4006, 4007, 4008, 4010, 4011, 4012, 4013, 7007, 8002}
GAME_GONE = {7000, 7003}
"""The game ended or expired (no heartbeat for 60 s): start a new one."""
RATE_LIMITED = {4009}


def explain(code: int) -> str:
    match code:
        case 7007:
            return pick("wrong 身份码 — copy it again from the Bilibili live centre (直播中心 › 身份码)",
                        "身份码错误——请从 B 站直播中心重新复制身份码")
        case 4001 | 4002 | 4005 | 4006 | 4012:
            return pick("the access key id or secret is wrong (signature rejected)",
                        "Access Key ID 或 Secret 不正确（签名被拒绝）")
        case 8002 | 4008:
            return pick("this app_id is not yours or lacks permission; check [bilibili] app_id",
                        "项目 ID 无权限访问，请检查 [bilibili] app_id")
        case 4007:
            return pick("this computer's IP address is not on the app's whitelist",
                        "本机 IP 不在项目白名单内")
        case 4003:
            return pick("the computer clock is off (request expired); set the time automatically",
                        "电脑时间不准（请求已过期），请开启自动对时")
        case 4009:
            return pick("Bilibili is rate-limiting us; retrying more slowly", "B 站限流，稍后重试")
        case 7001:
            return pick("the previous session is still closing on Bilibili; retrying in a moment",
                        "上一场互动正在结算，稍后重试")
        case 7002:
            return pick("this room already has an interactive session open (another app or an earlier run)",
                        "该直播间已有进行中的互动（其他应用或上次运行）")
        case 7000 | 7003:
            return pick("the Bilibili session expired; starting a new one", "B 站互动已过期，正在重新开启")
        case _:
            return pick(f"Bilibili answered error {code}", f"B 站返回错误 {code}")


class ApiError(ProviderError):
    def __init__(self, code: int, reason: str | None = None, *, http_status: int = 200,
                 retry_after_s: float | None = None) -> None:
        super().__init__(reason or explain(code), fatal=code in FATAL)
        self.code = code
        self.http_status = http_status
        self.retry_after_s = retry_after_s


def sign(body: bytes, key_id: str, secret: str, *, timestamp: int | None = None,
         nonce: str | None = None) -> dict[str, str]:
    """The documented headers for `body`, Authorization included (pure; the test double uses it
    only to compare against what it recomputes itself)."""
    headers = {
        "x-bili-accesskeyid": key_id,
        "x-bili-content-md5": hashlib.md5(body).hexdigest(),
        "x-bili-signature-method": "HMAC-SHA256",
        "x-bili-signature-nonce": nonce or secrets.token_hex(16),
        "x-bili-signature-version": "1.0",
        "x-bili-timestamp": str(int(timestamp if timestamp is not None else time.time())),
    }
    text = "\n".join(f"{k}:{headers[k]}" for k in SIGNED_HEADERS)
    headers["Authorization"] = hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
    headers["Content-Type"] = "application/json"
    headers["Accept"] = "application/json"
    return headers


@dataclass(frozen=True, slots=True)
class GameInfo:
    game_id: str
    auth_body: str
    wss_links: tuple[str, ...]
    room_id: int = 0
    anchor_name: str = ""


class OpenLiveApi:
    def __init__(self, client: httpx.AsyncClient, base: str, key_id: str, secret: str, app_id: int,
                 clock_now=time.time) -> None:
        self.client = client
        self.base = base.rstrip("/")
        self.key_id, self._secret, self.app_id = key_id, secret, app_id
        self._now = clock_now
        self.calls = 0

    async def _post(self, path: str, payload: dict) -> dict:
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = sign(body, self.key_id, self._secret, timestamp=int(self._now()))
        self.calls += 1
        try:
            resp = await self.client.post(self.base + path, content=body, headers=headers)
        except httpx.TimeoutException as exc:
            raise ApiError(-1, pick("Bilibili did not answer in time", "B 站响应超时")) from exc
        except httpx.HTTPError as exc:
            raise ApiError(-1, pick(f"cannot reach Bilibili ({type(exc).__name__})",
                                    f"无法连接 B 站（{type(exc).__name__}）")) from exc
        if resp.status_code == 429:
            after = resp.headers.get("retry-after", "")
            raise ApiError(4009, http_status=429, retry_after_s=float(after) if after.isdigit() else None)
        if resp.status_code >= 400:
            raise ApiError(-resp.status_code, pick(f"Bilibili answered HTTP {resp.status_code}",
                                                   f"B 站返回 HTTP {resp.status_code}"), http_status=resp.status_code)
        try:
            data = resp.json()
        except ValueError as exc:
            raise ApiError(-2, pick("Bilibili sent an unreadable answer", "B 站返回内容无法解析")) from exc
        if not isinstance(data, dict):
            raise ApiError(-2, pick("Bilibili sent an unreadable answer", "B 站返回内容无法解析"))
        code = data.get("code")
        if code != 0:
            raise ApiError(int(code) if isinstance(code, int) else -2)
        return data.get("data") if isinstance(data.get("data"), dict) else {}

    async def start(self, auth_code: str) -> GameInfo:
        data = await self._post("/v2/app/start", {"code": auth_code, "app_id": self.app_id})
        game = data.get("game_info") or {}
        ws = data.get("websocket_info") or {}
        anchor = data.get("anchor_info") or {}
        links = tuple(u for u in (ws.get("wss_link") or []) if isinstance(u, str) and u.startswith(("ws://", "wss://")))
        auth_body = ws.get("auth_body")
        if not links or not isinstance(auth_body, str) or not auth_body:
            raise ApiError(-3, pick("Bilibili started the session but sent no chat server",
                                    "B 站开启了互动但未返回弹幕服务器"))
        return GameInfo(str(game.get("game_id") or ""), auth_body, links,
                        int(anchor.get("room_id") or 0) if str(anchor.get("room_id") or "0").isdigit() else 0,
                        str(anchor.get("uname") or ""))

    async def heartbeat(self, game_id: str) -> None:
        await self._post("/v2/app/heartbeat", {"game_id": game_id})

    async def end(self, game_id: str) -> None:
        await self._post("/v2/app/end", {"app_id": self.app_id, "game_id": game_id})
