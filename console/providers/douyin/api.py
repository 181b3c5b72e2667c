"""The REST calls that start and stop Douyin push tasks (one task per message type).

`POST {api_base}/api/live_data/task/start` and `/stop`, header `access-token`, body
`{"roomid", "appid", "msg_type"}` → `{"err_no": 0, "err_msg": "ok", "data": {"task_id"}}`.
Both are idempotent on the platform's side. Errors come back as HTTP 200 with a non-zero
`err_no`; the ones retrying cannot fix are marked fatal with a reason in plain words.
"""

from __future__ import annotations

import httpx

from console.i18n import pick

from ..status import ProviderError

DEFAULT_API_BASE = "https://webcast.bytedance.com"
TIMEOUT_S = 10.0


def _reason(err_no: int, err_msg: str) -> tuple[str, bool]:
    """(host-readable reason, fatal?) for an err_no the docs list."""
    if err_no == 40022:
        return pick("Douyin access token is invalid or expired", "抖音 access token 无效或已过期"), True
    if err_no == 40023:
        return pick("Douyin needs roomid and appid: set them in [douyin]", "抖音需要 roomid 和 appid：请在 [douyin] 中设置"), True
    if err_no == 5003019:
        return pick("Douyin refused the push task: wrong room id, the live has ended, or this data type is not enabled for the app",
                    "抖音拒绝推送任务：房间号有误、直播已结束，或该玩法未开通此类数据"), True
    return pick(f"Douyin error {err_no}: {err_msg}", f"抖音错误 {err_no}：{err_msg}"), False


class DouyinApi:
    def __init__(self, base_url: str, access_token: str, client: httpx.AsyncClient | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = access_token
        self._client = client or httpx.AsyncClient(timeout=TIMEOUT_S)
        self._own_client = client is None

    async def _call(self, path: str, body: dict) -> dict:
        try:
            resp = await self._client.post(f"{self.base_url}{path}", json=body,
                                           headers={"access-token": self._token, "content-type": "application/json"})
        except httpx.HTTPError as exc:
            raise ProviderError(pick(f"cannot reach Douyin ({type(exc).__name__})",
                                     f"无法连接抖音（{type(exc).__name__}）")) from exc
        if resp.status_code == 429 or resp.status_code >= 500:
            raise ProviderError(pick(f"Douyin is busy (HTTP {resp.status_code})", f"抖音繁忙（HTTP {resp.status_code}）"))
        try:
            data = resp.json()
        except ValueError:
            raise ProviderError(pick(f"Douyin answered HTTP {resp.status_code} without JSON",
                                     f"抖音返回 HTTP {resp.status_code}，不是 JSON")) from None
        err_no = data.get("err_no") if isinstance(data, dict) else None
        if err_no != 0:
            reason, fatal = _reason(int(err_no) if isinstance(err_no, int) else -1, str(data.get("err_msg", "")) if isinstance(data, dict) else "")
            raise ProviderError(reason, fatal=fatal)
        return data.get("data") or {}

    async def start_task(self, roomid: str, appid: str, msg_type: str) -> str:
        data = await self._call("/api/live_data/task/start", {"roomid": roomid, "appid": appid, "msg_type": msg_type})
        return str(data.get("task_id", ""))

    async def stop_task(self, roomid: str, appid: str, msg_type: str) -> None:
        await self._call("/api/live_data/task/stop", {"roomid": roomid, "appid": appid, "msg_type": msg_type})

    async def aclose(self) -> None:
        if self._own_client:
            await self._client.aclose()
