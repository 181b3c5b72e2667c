"""A Twitch double on 127.0.0.1: EventSub WebSocket, Helix and id.twitch.tv OAuth, byte for byte
as documented, with levers to misbehave: session_reconnect mid-burst, redelivered notifications,
keepalive silence, 429 with reset headers, a revoked subscription, a poll closing early, and
channel-points predictions (tests/doubles/twitch_predictions.py): a prediction the platform locks
or cancels itself, a token without the predictions scope."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from websockets.asyncio.server import ServerConnection, serve

from .http import HttpServer, Request, Response
from .twitch_predictions import PredictionsDouble


ALL_SCOPES = ("user:read:chat", "user:write:chat", "moderator:read:followers", "channel:read:subscriptions",
              "channel:manage:polls", "channel:manage:predictions", "moderator:manage:chat_messages",
              "moderator:manage:banned_users")
"""What the double's ready-made token ("tok-good") was granted."""


def rfc3339(ts: float | None = None) -> str:
    t = datetime.fromtimestamp(ts if ts is not None else time.time(), timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "123Z"  # nanoseconds, as Twitch sends


@dataclass(eq=False)
class WsSession:
    id: str
    ws: ServerConnection
    subs: dict[str, dict] = field(default_factory=dict)
    silent: bool = False
    reconnect_of: str = ""
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    welcomed: asyncio.Event = field(default_factory=asyncio.Event)


class TwitchDouble(PredictionsDouble):
    def __init__(self, *, keepalive_s: int = 10, token: str = "tok-good", client_id: str = "cid-123",
                 login: str = "hostchannel", user_id: str = "1001", device_pending_polls: int = 2) -> None:
        self.keepalive_s = keepalive_s
        self.tokens = {token}
        self.granted: dict[str, list[str]] = {token: list(ALL_SCOPES)}
        """token → the scopes it was granted (what /oauth2/validate reports; Helix checks them)."""
        self.refresh_tokens: dict[str, str] = {}
        self.client_id, self.login, self.user_id = client_id, login, user_id
        self.device_pending_polls = device_pending_polls
        self.http = HttpServer(self._http)
        self.sessions: list[WsSession] = []
        self.sent: list[str] = []
        """chat message_ids sent as notifications (unique, in order)."""
        self.notifications: list[dict] = []
        self.requests: list[tuple[str, str]] = []
        self.chat_sent: list[dict] = []
        self.moderation: list[tuple[str, dict]] = []
        self.limit_next = 0
        """Answer the next N Helix calls with 429 + Ratelimit-Reset one second ahead."""
        self.polls: dict[str, dict] = {}
        self.predictions: dict[str, dict] = {}
        self.missing_scopes: set[str] = set()
        """Scopes the token lacks: Helix answers `scope_status` "Missing scope: …" (Twitch: 401)."""
        self.scope_status = 401
        self.patches: list[dict] = []
        """PATCH /helix/predictions bodies, in order (what the console asked Twitch to do)."""
        self.revoked_tokens: list[str] = []
        self.device: dict[str, dict] = {}
        self.unused_closed = 0
        self.slow_subscribe_s = 0.0
        """Delay the next subscription answer this long (once)."""
        self.expires_in: dict[str, int] = {}
        """token → seconds left that /oauth2/validate reports (default 4 h)."""
        self._ids = itertools.count(1)
        self._ws_server = None
        self.ws_url = self.base = ""
        self.session_ready = asyncio.Condition()

    # -- lifecycle --------------------------------------------------------------------------
    async def start(self, http_port: int = 0, ws_port: int = 0) -> "TwitchDouble":
        self.http.port = http_port
        self.base = await self.http.start()
        self._ws_server = await serve(self._ws, "127.0.0.1", ws_port, ping_interval=None)
        port = self._ws_server.sockets[0].getsockname()[1]
        self.ws_url = f"ws://127.0.0.1:{port}/ws"
        return self

    async def stop(self) -> None:
        for s in self.sessions:
            with contextlib.suppress(Exception):
                await s.ws.close()
        if self._ws_server is not None:
            self._ws_server.close()
            await self._ws_server.wait_closed()
        await self.http.stop()

    @property
    def config(self) -> dict:
        return {"eventsub_url": self.ws_url, "helix_base": f"{self.base}/helix", "auth_base": self.base,
                "broadcaster": self.login}

    # -- EventSub ---------------------------------------------------------------------------
    def _msg(self, mtype: str, payload: dict, **meta) -> str:
        m = {"message_id": str(uuid.uuid4()), "message_type": mtype, "message_timestamp": rfc3339()}
        m.update(meta)
        return json.dumps({"metadata": m, "payload": payload})

    def _session_payload(self, s: WsSession, status: str, keepalive, reconnect_url=None) -> dict:
        return {"session": {"id": s.id, "status": status, "keepalive_timeout_seconds": keepalive,
                            "reconnect_url": reconnect_url, "connected_at": rfc3339()}}

    async def _ws(self, ws: ServerConnection) -> None:
        path = ws.request.path
        keep = self.keepalive_s
        if "keepalive_timeout_seconds=" in path:
            with contextlib.suppress(ValueError):
                keep = max(1, int(path.split("keepalive_timeout_seconds=")[1].split("&")[0]))
        s = WsSession(f"sess-{next(self._ids)}", ws)
        if "reconnect=" in path:  # subscriptions carry over from the old session
            old_id = path.split("reconnect=")[1].split("&")[0]
            old = next((o for o in self.sessions if o.id == old_id), None)
            if old is not None:
                s.subs = dict(old.subs)
                s.reconnect_of = old_id
        self.sessions.append(s)
        await ws.send(self._msg("session_welcome", self._session_payload(s, "connected", keep)))
        s.welcomed.set()
        async with self.session_ready:
            self.session_ready.notify_all()
        ka = asyncio.create_task(self._keepalive(s, keep))
        unused = asyncio.create_task(self._close_if_unused(s, keep))
        try:
            async for message in ws:  # clients must not send anything: close 4001
                await ws.close(4001, "client sent inbound traffic")
        except Exception:  # noqa: BLE001
            pass
        finally:
            ka.cancel()
            unused.cancel()
            s.closed.set()

    async def _close_if_unused(self, s: WsSession, keep: int) -> None:
        """Twitch closes a socket with no subscription after the keepalive window (4003)."""
        await asyncio.sleep(keep)
        if not s.subs:
            self.unused_closed += 1
            with contextlib.suppress(Exception):
                await s.ws.close(4003, "connection unused")

    async def _keepalive(self, s: WsSession, keep: int) -> None:
        while True:
            await asyncio.sleep(keep * 0.5)
            if not s.silent:
                with contextlib.suppress(Exception):
                    await s.ws.send(self._msg("session_keepalive", {}))

    def live_sessions(self) -> list[WsSession]:
        return [s for s in self.sessions if not s.closed.is_set()]

    async def wait_subscribed(self, n_subs: int = 1, timeout: float = 20.0, after: int = 0) -> WsSession:
        """The newest live session (index ≥ after) holding at least n_subs subscriptions."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for s in reversed(self.sessions[after:]):
                if not s.closed.is_set() and len(s.subs) >= n_subs:
                    return s
            await asyncio.sleep(0.02)
        raise TimeoutError(f"no session with {n_subs} subscriptions")

    def chat_event(self, text: str, *, user: str = "v1", bits: int = 0) -> tuple[str, dict]:
        mid = f"chat-{next(self._ids)}"
        return mid, {"broadcaster_user_id": self.user_id, "broadcaster_user_login": self.login,
                     "broadcaster_user_name": self.login, "chatter_user_id": f"u-{user}",
                     "chatter_user_login": user, "chatter_user_name": user.title(), "message_id": mid,
                     "message": {"text": text, "fragments": [{"type": "text", "text": text, "cheermote": None,
                                                               "emote": None, "mention": None}]},
                     "color": "#00FF7F", "badges": [], "message_type": "text",
                     "cheer": {"bits": bits} if bits else None, "reply": None,
                     "channel_points_custom_reward_id": None}

    async def notify(self, s: WsSession, sub_type: str, event: dict, message_id: str | None = None) -> str:
        sub = s.subs.get(sub_type) or {"id": "missing", "type": sub_type, "version": "1", "status": "enabled"}
        raw = self._msg("notification", {"subscription": {**sub, "cost": 0, "transport": {
            "method": "websocket", "session_id": s.id}, "created_at": rfc3339()}, "event": event},
            subscription_type=sub_type, subscription_version=sub.get("version", "1"))
        if message_id:
            d = json.loads(raw)
            d["metadata"]["message_id"] = message_id
            raw = json.dumps(d)
        self.notifications.append(json.loads(raw))
        await s.ws.send(raw)
        return json.loads(raw)["metadata"]["message_id"]

    async def chat(self, s: WsSession, text: str, **kw) -> str:
        mid, ev = self.chat_event(text, **kw)
        await self.notify(s, "channel.chat.message", ev)
        self.sent.append(mid)
        return mid

    async def redeliver(self, s: WsSession, last: int) -> None:
        """Send the last `last` notifications again, same metadata.message_id (at-least-once)."""
        for n in self.notifications[-last:]:
            await s.ws.send(json.dumps(n))

    async def reconnect_mid_burst(self, s: WsSession, before: int, during: int, after: int,
                                  redeliver: int = 2, timeout: float = 20.0) -> WsSession:
        """`before` chats, session_reconnect, `during` more on the old socket, wait for the
        client's new socket, `after` on the new one plus `redeliver` repeats of old ones."""
        for i in range(before):
            await self.chat(s, f"before {i}")
        url = self.ws_url + f"?reconnect={s.id}"
        await s.ws.send(self._msg("session_reconnect", self._session_payload(s, "reconnecting", None, url)))
        for i in range(during):
            await self.chat(s, f"during {i}")
        deadline = time.monotonic() + timeout
        new = None
        while new is None and time.monotonic() < deadline:
            new = next((n for n in self.sessions if n.reconnect_of == s.id and n.welcomed.is_set()), None)
            await asyncio.sleep(0.01)
        if new is None:
            raise TimeoutError("client did not follow the reconnect_url")
        await self.redeliver(new, redeliver)
        for i in range(after):
            await self.chat(new, f"after {i}")
        await asyncio.sleep(0.2)
        await s.ws.close(1000)  # Twitch drops the old socket once the new one is welcomed
        return new

    async def revoke(self, s: WsSession, sub_type: str, status: str = "authorization_revoked") -> None:
        sub = s.subs.pop(sub_type, {"id": "x", "type": sub_type, "version": "1"})
        await s.ws.send(self._msg("revocation", {"subscription": {**sub, "status": status, "cost": 0,
                                  "condition": {}, "transport": {"method": "websocket", "session_id": s.id},
                                  "created_at": rfc3339()}},
                                  subscription_type=sub_type, subscription_version=sub.get("version", "1")))

    # -- HTTP: Helix and OAuth --------------------------------------------------------------
    def _limits(self) -> dict[str, str]:
        return {"Ratelimit-Limit": "800", "Ratelimit-Remaining": "799",
                "Ratelimit-Reset": str(int(time.time()) + 60)}

    async def _http(self, req: Request) -> Response:
        self.requests.append((req.method, req.path))
        if req.path.startswith("/oauth2/"):
            return self._oauth(req)
        if not req.path.startswith("/helix/"):
            return Response(404, {"error": "Not Found", "status": 404, "message": ""})
        token = req.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.tokens or req.headers.get("client-id") != self.client_id:
            return Response(401, {"error": "Unauthorized", "status": 401, "message": "Invalid OAuth token"})
        if self.limit_next > 0:
            self.limit_next -= 1
            return Response(429, {"error": "Too Many Requests", "status": 429, "message": "rate limited"},
                            {"Ratelimit-Limit": "800", "Ratelimit-Remaining": "0",
                             "Ratelimit-Reset": str(int(time.time()) + 1)})
        route = req.path.removeprefix("/helix")
        resp = await self._helix(req, route)
        resp.headers.update(self._limits())
        return resp

    async def _helix(self, req: Request, route: str) -> Response:
        if route == "/users" and req.method == "GET":
            login = req.query.get("login", self.login)
            if login != self.login:
                return Response(200, {"data": []})
            return Response(200, {"data": [{"id": self.user_id, "login": self.login, "display_name": self.login}]})
        if route == "/eventsub/subscriptions" and req.method == "POST":
            body = req.json()
            if self.slow_subscribe_s:  # a slow Helix: the answer comes after the keepalive window
                delay, self.slow_subscribe_s = self.slow_subscribe_s, 0.0
                await asyncio.sleep(delay)
            sid = body["transport"]["session_id"]
            s = next((x for x in self.sessions if x.id == sid and not x.closed.is_set()), None)
            if s is None:
                return Response(400, {"error": "Bad Request", "status": 400, "message": "websocket transport session does not exist or has already disconnected"})
            sub = {"id": str(uuid.uuid4()), "status": "enabled", "type": body["type"], "version": body["version"],
                   "condition": body["condition"], "created_at": rfc3339(),
                   "transport": {"method": "websocket", "session_id": sid, "connected_at": rfc3339()}, "cost": 0}
            s.subs[body["type"]] = sub
            return Response(202, {"data": [sub], "total": len(s.subs), "total_cost": 0, "max_total_cost": 10})
        if route == "/chat/messages" and req.method == "POST":
            body = req.json()
            self.chat_sent.append(body)
            return Response(200, {"data": [{"message_id": f"sent-{next(self._ids)}", "is_sent": True,
                                            "drop_reason": None}]})
        if route == "/moderation/chat" and req.method == "DELETE":
            self.moderation.append(("delete", dict(req.query)))
            return Response(204)
        if route == "/moderation/bans" and req.method == "POST":
            self.moderation.append(("ban", {**req.query, **req.json()["data"]}))
            return Response(200, {"data": [{"broadcaster_id": self.user_id, "moderator_id": self.user_id,
                                            "user_id": req.json()["data"]["user_id"], "created_at": rfc3339(),
                                            "end_time": None}]})
        if route == "/polls":
            return self._polls(req)
        if route == "/predictions":
            return self._predictions(req)
        return Response(404, {"error": "Not Found", "status": 404, "message": route})

    def _polls(self, req: Request) -> Response:
        if req.method == "POST":
            body = req.json()
            if any(p["status"] == "ACTIVE" for p in self.polls.values()):
                return Response(400, {"error": "Bad Request", "status": 400, "message": "poll already active"})
            pid = str(uuid.uuid4())
            self.polls[pid] = {"id": pid, "broadcaster_id": body["broadcaster_id"], "broadcaster_name": self.login,
                               "broadcaster_login": self.login, "title": body["title"],
                               "choices": [{"id": str(uuid.uuid4()), "title": c["title"], "votes": 0,
                                            "channel_points_votes": 0, "bits_votes": 0} for c in body["choices"]],
                               "bits_voting_enabled": False, "bits_per_vote": 0,
                               "channel_points_voting_enabled": False, "channel_points_per_vote": 0,
                               "status": "ACTIVE", "duration": body["duration"], "started_at": rfc3339(),
                               "ended_at": None}
            return Response(200, {"data": [self.polls[pid]]})
        if req.method == "PATCH":
            body = req.json()
            p = self.polls.get(body["id"])
            if p is None:
                return Response(404, {"error": "Not Found", "status": 404, "message": "poll not found"})
            if p["status"] == "ACTIVE":
                p["status"], p["ended_at"] = body["status"], rfc3339()
            return Response(200, {"data": [p]})
        p = self.polls.get(req.query.get("id", ""))
        return Response(200, {"data": [p] if p else [], "pagination": {}})

    def vote(self, poll_id: str, votes: list[int]) -> None:
        for c, v in zip(self.polls[poll_id]["choices"], votes):
            c["votes"] = v

    def end_poll_early(self, poll_id: str) -> None:
        self.polls[poll_id]["status"] = "TERMINATED"
        self.polls[poll_id]["ended_at"] = rfc3339()

    def _oauth(self, req: Request) -> Response:
        if req.path == "/oauth2/validate":
            token = req.headers.get("authorization", "").removeprefix("OAuth ")
            if token not in self.tokens:
                return Response(401, {"status": 401, "message": "invalid access token"})
            return Response(200, {"client_id": self.client_id, "login": self.login,
                                  "scopes": self.granted.get(token, ["user:read:chat"]),
                                  "user_id": self.user_id, "expires_in": self.expires_in.get(token, 14400)})
        form = req.form()
        if req.path == "/oauth2/device":
            code = {"device_code": f"dev-{next(self._ids)}", "user_code": "ABCDEFGH",
                    "verification_uri": f"{self.base}/activate?public=true&device-code=ABCDEFGH",
                    "interval": 1, "expires_in": 1800, "scopes": form.get("scopes", "").split(), "polls": 0}
            self.device[code["device_code"]] = code
            return Response(200, {k: code[k] for k in ("device_code", "user_code", "verification_uri",
                                                        "interval", "expires_in")})
        if req.path == "/oauth2/token":
            grant = form.get("grant_type", "")
            if grant == "urn:ietf:params:oauth:grant-type:device_code":
                code = self.device.get(form.get("device_code", ""))
                if code is None:
                    return Response(400, {"status": 400, "message": "invalid device code"})
                code["polls"] += 1
                if code["polls"] <= self.device_pending_polls:
                    return Response(400, {"status": 400, "message": "authorization_pending"})
                return Response(200, self._issue(code["scopes"]))
            if grant == "refresh_token":
                scopes = self.refresh_tokens.pop(form.get("refresh_token", ""), None)
                if scopes is None:
                    return Response(400, {"status": 400, "message": "Invalid refresh token"})
                return Response(200, self._issue(scopes))
            return Response(400, {"status": 400, "message": "unsupported grant"})
        if req.path == "/oauth2/revoke":
            self.tokens.discard(form.get("token", ""))
            self.revoked_tokens.append(form.get("token", ""))
            return Response(200)
        return Response(404, {"status": 404, "message": "not found"})

    def _issue(self, scopes: list[str]) -> dict:
        access, refresh = f"tok-{uuid.uuid4().hex[:12]}", f"ref-{uuid.uuid4().hex[:12]}"
        self.tokens.add(access)
        self.granted[access] = list(scopes)
        self.refresh_tokens[refresh] = scopes
        return {"access_token": access, "refresh_token": refresh, "expires_in": 14400, "scope": scopes,
                "token_type": "bearer"}
