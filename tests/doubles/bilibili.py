"""A Bilibili open-live double on 127.0.0.1: the signed REST API (start / heartbeat / end) and the
binary chat socket, byte for byte as documented, with levers to misbehave on purpose.

It checks every request's signature itself (six x-bili-* headers, body MD5, HMAC-SHA256 with the
access key secret, fresh timestamp, unused nonce) and answers the documented error codes. Levers:
queued start / heartbeat errors (4009 rate limit, HTTP 429, 7001, 7003), auth replies (-101), a
batch cut mid-packet then a dropped link and redelivery, malformed / oversized / unknown frames,
the end of the stream (LIVE_END, INTERACTION_END).

    python -m tests.doubles.bilibili serve --report sent.json [--http-port P] [--ws-port Q]
    python -m tests.doubles.bilibili verify --report sent.json --db s.db
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import signal
import sqlite3
import struct
import sys
import time
import uuid
import zlib
from collections import Counter
from dataclasses import dataclass, field

from websockets.asyncio.server import ServerConnection, serve

from .http import HttpServer, Request, Response

HDR = struct.Struct(">IHHII")
SIGNED = ("x-bili-accesskeyid", "x-bili-content-md5", "x-bili-signature-method", "x-bili-signature-nonce",
          "x-bili-signature-version", "x-bili-timestamp")


def packet(op: int, body: bytes, ver: int) -> bytes:
    return HDR.pack(16 + len(body), 16, ver, op, 1) + body


def cmd_packet(cmd: dict) -> bytes:
    return packet(5, json.dumps(cmd, ensure_ascii=False).encode(), 0)


def zlib_batch(cmds: list[dict]) -> bytes:
    return packet(5, zlib.compress(b"".join(cmd_packet(c) for c in cmds)), 2)


@dataclass(eq=False)
class Conn:
    ws: ServerConnection
    path: str
    game_id: str = ""
    heartbeats: int = 0
    silent: bool = False
    """Stop answering heartbeats (a half-dead link: open, but nothing comes back)."""
    authed: asyncio.Event = field(default_factory=asyncio.Event)
    closed: asyncio.Event = field(default_factory=asyncio.Event)


class BilibiliDouble:
    def __init__(self, *, key_id: str = "AKID-test-0001", secret: str = "s3cret-test-key",
                 app_id: int = 1700000001, auth_code: str = "ABCDEF123456", links: int = 3) -> None:
        self.key_id, self.secret, self.app_id, self.auth_code = key_id, secret, app_id, auth_code
        self.link_count = links
        self.http = HttpServer(self._http)
        self.conns: list[Conn] = []
        self.games: dict[str, dict] = {}
        """game_id → {"auth_body", "alive", "heartbeats"}."""
        self.requests: list[tuple[str, dict]] = []
        self.signature_problems: list[str] = []
        self.start_errors: list[int] = []
        """Answer the next start calls with these codes (429 = HTTP 429 + Retry-After: 0)."""
        self.heartbeat_errors: list[int] = []
        self.auth_errors: list[int] = []
        """Answer the next socket auths with these codes (e.g. -101) even for a good auth_body."""
        self.redeliver: list[dict] = []
        """Commands the next authenticated connection receives first (after a cut batch)."""
        self.expected: dict[str, str] = {}
        """Every audience event a correct client logs: msg_id → kind (unique)."""
        self.stats: Counter = Counter()
        self.ended: list[str] = []
        self._nonces: set[str] = set()
        self._ids = itertools.count(1)
        self._ws_server = None
        self.base = self.ws_base = ""

    # -- lifecycle ---------------------------------------------------------------------------------
    async def start(self, http_port: int = 0, ws_port: int = 0) -> "BilibiliDouble":
        self.http.port = http_port
        self.base = await self.http.start()
        self._ws_server = await serve(self._ws, "127.0.0.1", ws_port, compression=None, max_size=2 ** 20)
        self.ws_base = f"ws://127.0.0.1:{self._ws_server.sockets[0].getsockname()[1]}"
        return self

    async def stop(self) -> None:
        for c in self.conns:
            with contextlib.suppress(Exception):
                c.ws.transport.abort()
        if self._ws_server is not None:
            self._ws_server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._ws_server.wait_closed(), 3)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.http.stop(), 3)

    def config(self, **extra) -> dict:
        return {"app_id": self.app_id, "api_base": self.base, **extra}

    def secrets(self, **override) -> dict:
        return {"ACCESS_KEY_ID": self.key_id, "ACCESS_KEY_SECRET": self.secret, "AUTH_CODE": self.auth_code,
                **override}

    @property
    def starts(self) -> int:
        return sum(1 for p, _ in self.requests if p == "/v2/app/start")

    def live(self) -> list[Conn]:
        """Open, authenticated connections of games still running (a real platform stops pushing
        to an expired game)."""
        return [c for c in self.conns if c.authed.is_set() and not c.closed.is_set()
                and self.games.get(c.game_id, {}).get("alive")]

    async def wait_live(self, after: int = 0, timeout: float = 30.0) -> Conn:
        """The first authenticated, open connection with index ≥ `after`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for c in self.conns[after:]:
                if c.authed.is_set() and not c.closed.is_set():
                    return c
            await asyncio.sleep(0.02)
        raise AssertionError("no live Bilibili connection")

    # -- REST ------------------------------------------------------------------------------------------
    def _check_signature(self, req: Request) -> int:
        h = req.headers
        if h.get("content-type", "").split(";")[0] != "application/json":
            return 4011
        if h.get("accept") != "application/json":
            return 4013
        if any(k not in h for k in SIGNED) or "authorization" not in h:
            return 4000
        if h["x-bili-accesskeyid"] != self.key_id:
            return 4001
        if h["x-bili-content-md5"] != hashlib.md5(req.body).hexdigest():
            return 4012
        if h["x-bili-signature-method"] != "HMAC-SHA256":
            return 4005
        if h["x-bili-signature-version"] != "1.0":
            return 4006
        if not h["x-bili-timestamp"].isdigit() or abs(int(h["x-bili-timestamp"]) - time.time()) > 600:
            return 4003
        if h["x-bili-signature-nonce"] in self._nonces:
            return 4004
        text = "\n".join(f"{k}:{h[k]}" for k in SIGNED)
        want = hmac.new(self.secret.encode(), text.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(want, h["authorization"]):
            return 4002
        self._nonces.add(h["x-bili-signature-nonce"])
        return 0

    def _answer(self, code: int, data: dict | None = None) -> Response:
        return Response(200, {"code": code, "message": "ok" if code == 0 else f"error {code}",
                              "request_id": uuid.uuid4().hex, "data": data or {}})

    async def _http(self, req: Request) -> Response:
        if req.method != "POST":
            return Response(404, {"code": 4010})
        try:
            body = json.loads(req.body)
        except ValueError:
            return self._answer(4000)
        self.requests.append((req.path, body))
        sig = self._check_signature(req)
        if sig:
            self.signature_problems.append(f"{req.path}: {sig}")
            return self._answer(sig)
        if req.path == "/v2/app/start":
            if self.start_errors:
                code = self.start_errors.pop(0)
                self.stats[f"start_error_{code}"] += 1
                if code == 429:
                    return Response(429, "Too Many Requests", {"Retry-After": "0"})
                return self._answer(code)
            if body.get("app_id") != self.app_id:
                return self._answer(8002)
            if body.get("code") != self.auth_code:
                return self._answer(7007)
            gid = str(uuid.uuid4())
            auth_body = json.dumps({"roomid": 4639581, "protoover": 2, "uid": 0, "group": "open",
                                    "key": uuid.uuid4().hex + gid[:8]}, separators=(",", ":"))
            self.games[gid] = {"auth_body": auth_body, "alive": True, "heartbeats": 0}
            links = [f"{self.ws_base}/sub/{k}" for k in range(self.link_count)]
            return self._answer(0, {
                "game_info": {"game_id": gid},
                "websocket_info": {"auth_body": auth_body, "wss_link": links},
                "anchor_info": {"room_id": 4639581, "uname": "主播小喵", "uface": "http://i0.hdslb.com/a.jpg",
                                "uid": 0, "open_id": "anchor-open-id"}})
        game = self.games.get(str(body.get("game_id")))
        if req.path == "/v2/app/heartbeat":
            if self.heartbeat_errors:
                code = self.heartbeat_errors.pop(0)
                if code == 7003 and game:
                    game["alive"] = False
                    for c in self.conns:  # the platform hangs up the expired game's sockets
                        if c.game_id == str(body.get("game_id")) and not c.closed.is_set():
                            c.ws.transport.close()
                return self._answer(code)
            if not game or not game["alive"]:
                return self._answer(7003)
            game["heartbeats"] += 1
            return self._answer(0)
        if req.path == "/v2/app/end":
            if body.get("app_id") != self.app_id:
                return self._answer(8002)
            if not game or not game["alive"]:
                return self._answer(7000)
            game["alive"] = False
            self.ended.append(str(body.get("game_id")))
            return self._answer(0)
        return Response(404, {"code": 4010})

    # -- chat socket -----------------------------------------------------------------------------------
    async def _ws(self, ws: ServerConnection) -> None:
        conn = Conn(ws, ws.request.path)
        self.conns.append(conn)
        try:
            first = await asyncio.wait_for(ws.recv(), 10)
            if not isinstance(first, bytes) or len(first) < 16:
                return
            plen, hlen, ver, op, _ = HDR.unpack_from(first)
            body = first[hlen:plen].decode(errors="replace")
            game = next((g for g, v in self.games.items() if v["auth_body"] == body and v["alive"]), None)
            if op != 7 or ver != 1 or plen != len(first):
                self.stats["bad_auth_packet"] += 1
                code = -101
            elif self.auth_errors:
                code = self.auth_errors.pop(0)
                if game:
                    self.games[game]["alive"] = False  # the platform considers this session dead
            else:
                code = 0 if game else -101
            await ws.send(packet(8, json.dumps({"code": code}).encode(), 1))
            if code != 0:
                self.stats[f"auth_rejected_{code}"] += 1
                await ws.close()
                return
            conn.game_id = game or ""
            conn.authed.set()
            if self.redeliver:
                batch, self.redeliver = self.redeliver, []
                await ws.send(zlib_batch(batch))
                self.stats["redelivered"] += len(batch)
            async for msg in ws:
                if isinstance(msg, bytes) and len(msg) >= 16 and HDR.unpack_from(msg)[3] == 2:
                    conn.heartbeats += 1
                    if not conn.silent:
                        await ws.send(packet(3, struct.pack(">I", 1234), 1))
        except Exception:  # noqa: BLE001 — a dropped client is normal here
            pass
        finally:
            conn.closed.set()

    # -- audience --------------------------------------------------------------------------------------
    def _mid(self) -> str:
        return f"{uuid.uuid4()}"

    def _user(self, i: int) -> dict:
        return {"open_id": f"open-{i % 23:04d}-7f3a", "uname": f"观众{i % 23}", "uface": "http://i0.hdslb.com/f.jpg"}

    def dm(self, text: str, i: int = 0, guard: int = 0) -> dict:
        mid = self._mid()
        self.expected[mid] = "comment"
        return {"cmd": "LIVE_OPEN_PLATFORM_DM", "data": {
            **self._user(i), "timestamp": int(time.time()), "room_id": 4639581, "msg": text, "msg_id": mid,
            "guard_level": guard, "fans_medal_wearing_status": i % 3 == 0, "fans_medal_name": "喵喵",
            "fans_medal_level": i % 30, "emoji_img_url": "", "dm_type": 0}}

    def gift(self, i: int = 0, paid: bool = True, num: int = 1, r_price: int = 1000) -> dict:
        mid = self._mid()
        self.expected[mid] = "gift"
        return {"cmd": "LIVE_OPEN_PLATFORM_SEND_GIFT", "data": {
            **self._user(i), "room_id": 4639581, "gift_id": 31036 if paid else 31039,
            "gift_name": "小花花" if paid else "小心心", "gift_num": num, "price": r_price if paid else 5000,
            "r_price": r_price if paid else 0, "paid": paid, "fans_medal_level": 3, "fans_medal_name": "喵喵",
            "fans_medal_wearing_status": False, "guard_level": 0, "timestamp": int(time.time()),
            "anchor_info": {"uid": 0, "open_id": "anchor-open-id", "uname": "主播小喵", "uface": ""},
            "msg_id": mid, "gift_icon": "", "combo_gift": False}}

    def like(self, i: int = 0, count: int = 5) -> dict:
        mid = self._mid()
        self.expected[mid] = "like"
        return {"cmd": "LIVE_OPEN_PLATFORM_LIKE", "data": {
            **self._user(i), "timestamp": int(time.time()), "room_id": 4639581, "like_text": "为主播点赞了",
            "like_count": count, "fans_medal_wearing_status": False, "fans_medal_name": "",
            "fans_medal_level": 0, "msg_id": mid}}

    def super_chat(self, text: str, i: int = 0, rmb: int = 30) -> dict:
        mid = self._mid()
        self.expected[mid] = "comment"
        self.expected[f"{mid}:superchat"] = "gift"
        now = int(time.time())
        return {"cmd": "LIVE_OPEN_PLATFORM_SUPER_CHAT", "data": {
            **self._user(i), "room_id": 4639581, "message_id": next(self._ids), "message": text, "rmb": rmb,
            "timestamp": now, "start_time": now, "end_time": now + 60, "guard_level": 0,
            "fans_medal_level": 0, "fans_medal_name": "", "fans_medal_wearing_status": False, "msg_id": mid}}

    def guard(self, i: int = 0, level: int = 3) -> dict:
        mid = self._mid()
        self.expected[mid] = "gift"
        return {"cmd": "LIVE_OPEN_PLATFORM_GUARD", "data": {
            "user_info": self._user(i), "guard_level": level, "guard_num": 1, "guard_unit": "月",
            "price": 198000, "fans_medal_level": 21, "fans_medal_name": "喵喵", "fans_medal_wearing_status": True,
            "room_id": 4639581, "msg_id": mid, "timestamp": int(time.time())}}

    def enter(self, i: int = 0) -> dict:
        mid = self._mid()
        self.expected[mid] = "join"
        return {"cmd": "LIVE_OPEN_PLATFORM_LIVE_ROOM_ENTER", "data": {
            "room_id": 4639581, **self._user(i), "timestamp": int(time.time()), "msg_id": mid}}

    def mixed(self, n: int, start: int = 0) -> list[dict]:
        out = []
        for i in range(start, start + n):
            r = i % 10
            out.append(self.gift(i, paid=i % 4 != 0, num=1 + i % 3) if r == 3 else
                       self.like(i) if r == 5 else self.enter(i) if r == 7 else
                       self.super_chat(f"SC {i} 主播看看我", i) if r == 9 and i % 20 == 9 else
                       self.guard(i) if r == 9 else self.dm(f"弹幕 {i} 这个口红色号好看", i, guard=3 if i % 11 == 0 else 0))
        return out

    # -- sending and misbehaving -----------------------------------------------------------------------
    async def send(self, conn: Conn, cmds: list[dict], how: str = "zlib") -> None:
        """zlib: one compressed batch; plain: one message of raw packets; each: one message each."""
        if how == "zlib":
            await conn.ws.send(zlib_batch(cmds))
        elif how == "plain":
            await conn.ws.send(b"".join(cmd_packet(c) for c in cmds))
        else:
            for c in cmds:
                await conn.ws.send(cmd_packet(c))
        self.stats["sent_commands"] += len(cmds)

    async def drop_mid_batch(self, conn: Conn, cmds: list[dict], cut_after: int) -> None:
        """Send `cmds` as raw packets in one message cut inside packet `cut_after`, then drop the
        link without a close frame; the whole batch is redelivered on the next connection."""
        packets = [cmd_packet(c) for c in cmds]
        head = b"".join(packets[:cut_after]) + packets[cut_after][: len(packets[cut_after]) // 2]
        await conn.ws.send(head)
        self.redeliver = list(cmds)
        self.stats["dropped_mid_batch"] += 1
        # No close frame, no close handshake: the TCP connection just ends (after what was sent,
        # as a network drop does; an RST would also discard earlier, fully sent batches).
        conn.ws.transport.close()
        await conn.closed.wait()

    async def drop(self, conn: Conn) -> None:
        conn.ws.transport.close()
        self.stats["dropped"] += 1
        await conn.closed.wait()

    async def send_garbage(self, conn: Conn) -> int:
        """Malformed and unknown frames, one per message; none of them is an audience event."""
        good = cmd_packet({"cmd": "LIVE_OPEN_PLATFORM_DM", "data": {"msg_id": "never-complete"}})
        frames: list[bytes | str] = [
            b"\x00\x00",                                            # shorter than a header
            HDR.pack(9999, 16, 0, 5, 1) + b"{}",                    # length lies (too long)
            HDR.pack(8, 16, 0, 5, 1) + b"x" * 8,                    # length shorter than header
            packet(5, b"\x78\x9c not zlib at all", 2),               # bad zlib
            packet(5, zlib.compress(good)[:-6], 2),                 # zlib cut short
            packet(5, zlib.compress(b"\x00" * (20 * 2 ** 20)), 2),  # zlib bomb (20 MiB inflated)
            packet(5, b"{not json", 0),                             # not JSON
            packet(5, "[1,2,3]".encode(), 0),                       # JSON, not a command
            packet(5, json.dumps({"cmd": "LIVE_OPEN_PLATFORM_MYSTERY", "data": {"x": 1}}).encode(), 0),
            packet(5, json.dumps({"cmd": "LIVE_OPEN_PLATFORM_DM", "data": "oops"}).encode(), 0),
            packet(5, b"\x1b\x00 brotli", 3),                       # web-client brotli
            packet(99, b"?", 1),                                    # unknown operation
            "a text frame in a binary protocol",
        ]
        nested = packet(5, b"", 0)
        for _ in range(6):
            nested = packet(5, zlib.compress(nested), 2)            # nested deeper than allowed
        frames.append(nested)
        for f in frames:
            await conn.ws.send(f)
        self.stats["garbage_frames"] += len(frames)
        return len(frames)

    async def send_oversized(self, conn: Conn, size: int) -> None:
        """One message bigger than the client accepts: it closes the link (1009) and reconnects."""
        await conn.ws.send(packet(5, b" " * size, 0))
        self.stats["oversized"] += 1

    async def end_stream(self, conn: Conn) -> None:
        now = int(time.time())
        await conn.ws.send(zlib_batch([
            {"cmd": "LIVE_OPEN_PLATFORM_LIVE_END", "data": {"room_id": 4639581, "open_id": "anchor-open-id",
                                                            "timestamp": now, "area_name": "美妆",
                                                            "title": "今晚口红专场", "msg_id": self._mid()}},
            {"cmd": "LIVE_OPEN_PLATFORM_INTERACTION_END", "data": {"game_id": conn.game_id, "timestamp": now}},
        ]))
        self.stats["ended_stream"] += 1


# -- headless scenario -------------------------------------------------------------------------------
async def scenario(d: BilibiliDouble, end_at: float) -> None:
    conn = await d.wait_live(timeout=3600)
    t0 = time.monotonic()
    done: set[str] = set()
    i = 0

    def due(name: str, at: float) -> bool:
        if name not in done and time.monotonic() - t0 >= at:
            done.add(name)
            return True
        return False

    while True:
        live = d.live()
        if live:
            conn = live[-1]
            with contextlib.suppress(Exception):
                await d.send(conn, d.mixed(6, i), how="zlib" if i % 4 else "plain")
                i += 6
        if live and due("cut", 3):
            with contextlib.suppress(Exception):
                await d.drop_mid_batch(conn, d.mixed(8, 10_000), cut_after=4)
        if live and due("garbage", 6):
            with contextlib.suppress(Exception):
                await d.send_garbage(conn)
        if live and due("oversized", 8):
            with contextlib.suppress(Exception):
                await d.send_oversized(conn, 5 * 2 ** 20 // 4)
        if live and due("auth", 11):
            d.auth_errors.append(-101)
            d.start_errors.extend([4009, 429])
            with contextlib.suppress(Exception):
                await d.drop(conn)
        if due("heartbeat", 15):
            d.heartbeat_errors.append(7003)
        if live and due("redeliver", 18):
            with contextlib.suppress(Exception):
                batch = d.mixed(5, 20_000)
                await d.send(conn, batch)
                await d.send(conn, batch, how="each")  # the same messages again
                d.stats["duplicates_sent"] += len(batch)
        if live and due("end", end_at):
            with contextlib.suppress(Exception):
                await d.end_stream(conn)
            return
        await asyncio.sleep(0.2)


async def serve_main(args) -> None:
    d = await BilibiliDouble().start(args.http_port, args.ws_port)
    env = {f"LIVE_CONSOLE_BILIBILI_{k}": v for k, v in d.secrets().items()}
    print(json.dumps({"config": d.config(heartbeat_s=2, ws_heartbeat_s=2, reconnect_base_s=0.2,
                                         reconnect_cap_s=2, max_message_bytes=2 ** 20), "env": env},
                     ensure_ascii=False), flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    task = asyncio.create_task(scenario(d, args.end_at))
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stop.wait(), args.duration)
    task.cancel()
    report = {"expected": d.expected, "stats": dict(d.stats), "starts": d.starts, "ended": d.ended,
              "connections": len(d.conns), "paths": [c.path for c in d.conns],
              "signature_problems": d.signature_problems,
              "heartbeats": sum(g["heartbeats"] for g in d.games.values()),
              "ws_heartbeats": sum(c.heartbeats for c in d.conns)}
    with open(args.report, "w", encoding="utf-8") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
    await d.stop()


def verify(report_path: str, db_path: str) -> int:
    report = json.load(open(report_path, encoding="utf-8"))
    expected: dict[str, str] = report["expected"]
    db = sqlite3.connect(db_path)
    rows = db.execute("SELECT msg_id, kind FROM events WHERE platform = 'bilibili' AND kind != 'action'").fetchall()
    logged = Counter(m for m, _ in rows)
    dups = [m for m, n in logged.items() if n > 1]
    missing = sorted(set(expected) - set(logged))
    extra = sorted(set(logged) - set(expected))
    wrong_kind = [m for m, k in rows if m in expected and expected[m] != k]
    sent_kinds = Counter(expected.values())
    logged_kinds = Counter(k for _, k in rows)
    print(f"bilibili: sent {len(expected)} events {dict(sorted(sent_kinds.items()))}")
    print(f"          logged {len(rows)} events {dict(sorted(logged_kinds.items()))}")
    print(f"          duplicates {len(dups)}, missing {len(missing)}, unexpected {len(extra)}, wrong kind {len(wrong_kind)}")
    print(f"  double: starts {report['starts']}, connections {report['connections']}, ended {len(report['ended'])}, "
          f"game heartbeats {report['heartbeats']}, socket heartbeats {report['ws_heartbeats']}, "
          f"signature problems {len(report['signature_problems'])}")
    print(f"  misbehaviour: {json.dumps(report['stats'], ensure_ascii=False)}")
    print(f"  links used: {' '.join(p.rsplit('/', 1)[-1] for p in report['paths'])}")
    for detail, in db.execute("SELECT detail FROM actions WHERE name = 'provider.status' AND platform = 'bilibili'"):
        d = json.loads(detail)
        extra_s = f" (attempt {d['attempt']}, next {d['next_try_s']} s)" if "attempt" in d else ""
        print(f"  provider.status: {d.get('state')} {d.get('message', '')}{extra_s}")
    for detail, in db.execute("SELECT detail FROM actions WHERE name = 'platform.notice' AND platform = 'bilibili'"):
        print(f"  platform.notice: {json.loads(detail).get('what')}")
    ok = not dups and not missing and not extra and not wrong_kind and not report["signature_problems"]
    print("VERIFY:", "OK" if ok else "MISMATCH")
    return 0 if ok else 1


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.doubles.bilibili")
    sub = ap.add_subparsers(dest="what", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--http-port", type=int, default=0)
    s.add_argument("--ws-port", type=int, default=0)
    s.add_argument("--report", default="bilibili-sent.json")
    s.add_argument("--duration", type=float, default=3600)
    s.add_argument("--end-at", type=float, default=22, help="seconds after the first connection")
    v = sub.add_parser("verify")
    v.add_argument("--report", required=True)
    v.add_argument("--db", required=True)
    args = ap.parse_args()
    if args.what == "serve":
        asyncio.run(serve_main(args))
        return 0
    return verify(args.report, args.db)


if __name__ == "__main__":
    sys.exit(main())
