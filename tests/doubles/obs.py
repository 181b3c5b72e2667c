"""An OBS stand-in speaking obs-websocket v5 on 127.0.0.1 (its own loop on a thread).

Hello (op 0, with the authentication challenge when a password is set) → Identify (op 1, the
auth string checked exactly as OBS does: base64(sha256(base64(sha256(password + salt)) +
challenge))) → Identified (op 2), or close code 4009 on a wrong password; then Request (op 6) →
RequestResponse (op 7) for the scene and scene-item requests, with OBS's status codes (600 for
an unknown scene or source). Misbehaves on request: drop the connection on the next request, or
answer it with a malformed frame.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
import threading
from typing import Any

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

AUTH_FAILED = 4009


def auth_string(password: str, salt: str, challenge: str) -> str:
    secret = base64.b64encode(hashlib.sha256((password + salt).encode()).digest())
    return base64.b64encode(hashlib.sha256(secret + challenge.encode()).digest()).decode()


class ObsDouble:
    def __init__(self, password: str | None = "hunter2", scenes: dict[str, dict[str, int]] | None = None) -> None:
        self.password = password
        self.scenes = scenes or {"Main": {"Camera": 1, "Price banner": 2}, "Close-up": {"Camera": 3}}
        self.program_scene = "Main"
        self.enabled: dict[tuple[str, int], bool] = {}
        self.requests: list[dict[str, Any]] = []
        self.identified = 0
        self.auth_failures = 0
        self.drop_next = False
        self.garbage_next = False
        self._loop = asyncio.new_event_loop()
        self._server = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="obs-double", daemon=True)
        self.port = 0

    def start(self) -> "ObsDouble":
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    async def _start(self) -> None:
        self._server = await serve(self._session, "127.0.0.1", 0, ping_interval=None, close_timeout=1)
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        async def _stop():
            self._server.close()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(_stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    async def _session(self, ws: ServerConnection) -> None:
        try:
            await self._converse(ws)
        except ConnectionClosed:
            pass  # the client hung up (no password to offer, or it was told to go away)

    async def _converse(self, ws: ServerConnection) -> None:
        salt, challenge = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        hello: dict[str, Any] = {"obsWebSocketVersion": "5.5.0", "rpcVersion": 1}
        if self.password is not None:
            hello["authentication"] = {"challenge": challenge, "salt": salt}
        await ws.send(json.dumps({"op": 0, "d": hello}))
        identify = json.loads(await ws.recv())
        if identify.get("op") != 1:
            await ws.close(4003, "Not identified")  # OBS's NotIdentified
            return
        if self.password is not None and identify["d"].get("authentication") != auth_string(self.password, salt, challenge):
            self.auth_failures += 1
            await ws.close(AUTH_FAILED, "Authentication failed.")
            return
        self.identified += 1
        await ws.send(json.dumps({"op": 2, "d": {"negotiatedRpcVersion": 1}}))
        async for raw in ws:
            message = json.loads(raw)
            if message.get("op") != 6:
                continue
            d = message["d"]
            self.requests.append({"requestType": d["requestType"], **(d.get("requestData") or {})})
            if self.drop_next:
                self.drop_next = False
                await ws.close(1001, "OBS is shutting down")
                return
            if self.garbage_next:
                self.garbage_next = False
                await ws.send("{not json")
                continue
            status, data = self._answer(d["requestType"], d.get("requestData") or {})
            response = {"requestType": d["requestType"], "requestId": d["requestId"], "requestStatus": status}
            if data is not None:
                response["responseData"] = data
            await ws.send(json.dumps({"op": 7, "d": response}))

    def _answer(self, kind: str, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
        ok = {"result": True, "code": 100}

        def missing(what: str) -> dict[str, Any]:
            return {"result": False, "code": 600, "comment": f"No {what} was found."}

        if kind == "GetCurrentProgramScene":
            return ok, {"currentProgramSceneName": self.program_scene, "sceneName": self.program_scene}
        if kind == "SetCurrentProgramScene":
            if data.get("sceneName") not in self.scenes:
                return missing("scene"), None
            self.program_scene = data["sceneName"]
            return ok, None
        if kind == "GetSceneItemId":
            items = self.scenes.get(data.get("sceneName"))
            if items is None:
                return missing("scene"), None
            if data.get("sourceName") not in items:
                return missing("source in the scene"), None
            return ok, {"sceneItemId": items[data["sourceName"]]}
        if kind == "SetSceneItemEnabled":
            self.enabled[(data["sceneName"], data["sceneItemId"])] = bool(data["sceneItemEnabled"])
            return ok, None
        return {"result": False, "code": 204, "comment": "Unknown request type."}, None
