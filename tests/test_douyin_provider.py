"""Douyin push: signed POSTs from a real HTTP client on 127.0.0.1, a task-API double, the real log."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid

import httpx
import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st

from console.core.clock import SystemClock
from console.core.hub import SessionHub
from console.providers.douyin.parse import parse_push, signature, verify
from console.providers.runner import PlatformRunner
from console.providers.status import ConnState
from console.store import queries
from console.store.writer import SessionStore
from tests.waiting import until

SECRET = "push-secret"


def test_signature_matches_the_documented_example():
    # The worked example in Douyin's docs (签名方式): headers sorted, body, secret → MD5 → base64.
    headers = {"x-nonce-str": "123456", "x-timestamp": "456789", "x-roomid": "268", "x-msg-type": "user_group",
               "content-type": "application/json", "x-forwarded-for": "10.0.0.1"}
    assert signature(headers, "abc123你好".encode(), "123abc") == "GAkalGmhzqlUGQO/TgvMug=="
    assert verify({**headers, "x-signature": "GAkalGmhzqlUGQO/TgvMug=="}, "abc123你好".encode(), "123abc")
    assert not verify({**headers, "x-signature": "GAkalGmhzqlUGQO/TgvMug=="}, b"tampered", "123abc")
    assert not verify(headers, b"abc", "123abc")  # unsigned


def test_payload_snapshot():
    body = json.dumps([
        {"msg_id": "c1", "sec_openid": "o1", "nickname": "小雨", "avatar_url": "", "timestamp": 1_700_000_000_123, "content": "好看"},
        {"msg_id": "bad"},  # no content
        "junk",
    ])
    b = parse_push("live_comment", body)
    assert [(e.msg_id, e.text, e.viewer.name, e.ts) for e in b.events] == [("c1", "好看", "小雨", 1_700_000_000.123)]
    assert b.invalid == 2
    g = parse_push("live_gift", json.dumps([{"msg_id": "g1", "sec_openid": "o2", "sec_gift_id": "n1", "gift_num": 3, "gift_value": 300}]))
    assert (g.events[0].count, g.events[0].value, g.events[0].gift_name) == (3, 3.0, "n1")
    f = parse_push("live_fansclub", json.dumps([{"msg_id": "f1", "sec_openid": "o3", "fansclub_reason_type": 2},
                                                {"msg_id": "f2", "sec_openid": "o3", "fansclub_reason_type": 1}]))
    assert [e.kind for e in f.events] == ["follow"] and f.skipped == 1
    assert parse_push("live_enter", "[]").error and parse_push("live_like", "{oops").error


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["live_comment", "live_gift", "live_like", "live_fansclub", "x"]),
       st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_random_bodies_never_raise_out_of_the_parser(msg_type, body):
    parse_push(msg_type, body)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["msg_id", "sec_openid", "nickname", "timestamp", "content",
                                                 "gift_num", "gift_value", "like_num", "fansclub_reason_type"]),
                                st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)),
                max_size=5))
def test_random_items_never_raise_out_of_the_parser(items):
    for msg_type in ("live_comment", "live_gift", "live_like", "live_fansclub"):
        b = parse_push(msg_type, json.dumps(items))
        assert len(b.events) + b.invalid + b.skipped == len(items)


class TaskApiDouble:
    """Douyin's task API on 127.0.0.1: checks the access-token, can fail the first calls."""

    def __init__(self, token="at-1", fail_first=0, err_no=0):
        self.token, self.fail_first, self.err_no = token, fail_first, err_no
        self.calls: list[tuple[str, dict]] = []

    async def handle(self, request):
        body = await request.json()
        self.calls.append((request.path.rsplit("/", 1)[-1], body))
        if self.fail_first > 0:
            self.fail_first -= 1
            return web.Response(status=503)
        if request.headers.get("access-token") != self.token:
            return web.json_response({"err_no": 40022, "err_msg": "invalid access token", "logid": "x"})
        if self.err_no:
            return web.json_response({"err_no": self.err_no, "err_msg": "nope", "logid": "x"})
        return web.json_response({"err_no": 0, "err_msg": "ok", "logid": "x", "data": {"task_id": uuid.uuid4().hex}})

    async def __aenter__(self):
        app = web.Application()
        app.router.add_post("/api/live_data/task/start", self.handle)
        app.router.add_post("/api/live_data/task/stop", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc):
        await self.runner.cleanup()


def signed(msg_type: str, items, *, secret=SECRET, ts_ms=None, nonce=None) -> tuple[dict, bytes]:
    body = items if isinstance(items, bytes) else json.dumps(items, ensure_ascii=False).encode()
    headers = {"x-nonce-str": nonce or uuid.uuid4().hex, "x-timestamp": str(int(ts_ms or time.time() * 1000)),
               "x-roomid": "7000", "x-msg-type": msg_type, "content-type": "application/json"}
    headers["x-signature"] = signature(headers, body, secret)
    return headers, body


def comment(i):
    return {"msg_id": f"c{i}", "sec_openid": f"o{i % 9}", "nickname": f"观众{i % 9}", "avatar_url": "",
            "timestamp": 1_700_000_000_000 + i, "content": f"评论 {i}"}


class Session:
    def __init__(self, tmp_path, monkeypatch, **cfg):
        monkeypatch.setenv("LIVE_CONSOLE_DOUYIN_APP_SECRET", SECRET)
        monkeypatch.setenv("LIVE_CONSOLE_DOUYIN_ACCESS_TOKEN", cfg.pop("token", "at-1"))
        self.hub = SessionHub()
        self.store = SessionStore(tmp_path / "s.db")
        self.session_id = self.store.start_session("douyin")
        self.hub.subscribe(self.store.enqueue_batch, name="store")
        self.runner = PlatformRunner(["douyin"], self.hub, SystemClock(),
                                     sections={"douyin": {"port": 0, "reconnect_base_s": 0.01, "reconnect_cap_s": 0.05, **cfg}})
        self.provider = self.runner.primary
        self.states = []
        self.runner.status_changed.connect(lambda s: self.states.append((s.state, s.reason)))

    async def __aenter__(self):
        self.runner.start()
        await asyncio.wait_for(self.provider.listening.wait(), 20)
        self.url = f"http://127.0.0.1:{self.provider.receiver.bound_port}/douyin/push"
        return self

    async def __aexit__(self, *exc):
        await self.runner.stop()

    async def wait_for(self, predicate):
        await until(predicate)

    def logged(self):
        self.store.close()
        db = queries.open_db(self.store.path)
        return [r for r in queries.session_events(db, self.session_id) if r["kind"] != "action"]


async def test_signed_pushes_land_once_and_bad_requests_are_refused_with_reasons(tmp_path, monkeypatch, caplog):
    async with TaskApiDouble(fail_first=1) as api:
        async with Session(tmp_path, monkeypatch, roomid="7000", appid="tt1", api_base=api.url) as s:
            await s.wait_for(lambda: s.runner.statuses["douyin"].state is ConnState.LIVE)
            assert any(state is ConnState.RECONNECTING for state, _ in s.states)  # the first 503
            started = sorted({b["msg_type"] for name, b in api.calls if name == "start"})
            assert len([c for c in api.calls if c[0] == "start"]) == 5  # one refused with 503, retried
            assert started == ["live_comment", "live_fansclub", "live_gift", "live_like"]
            async with httpx.AsyncClient(timeout=20) as client:
                async def post(headers, body):
                    return (await client.post(s.url, content=body, headers=headers)).status_code

                sent = {}
                pushes = [
                    ("live_comment", [comment(i) for i in range(0, 30)]),
                    ("live_comment", [comment(i) for i in range(25, 50)]),  # 5 redelivered inside
                    ("live_gift", [{"msg_id": "g1", "sec_openid": "o1", "nickname": "A", "sec_gift_id": "rose",
                                    "gift_num": 2, "gift_value": 20, "timestamp": 1_700_000_000_000}]),
                    ("live_like", [{"msg_id": "l1", "sec_openid": "o2", "nickname": "B", "like_num": 15}]),
                    ("live_fansclub", [{"msg_id": "f1", "sec_openid": "o3", "nickname": "C", "fansclub_reason_type": 2},
                                       {"msg_id": "f2", "sec_openid": "o3", "nickname": "C", "fansclub_reason_type": 1}]),
                ]
                for msg_type, items in pushes:
                    assert await post(*signed(msg_type, items)) == 200
                    for it in items:
                        sent[it["msg_id"]] = msg_type
                assert await post(*signed("live_comment", [comment(i) for i in range(0, 30)])) == 200  # whole push again
                # Refused, each with its reason logged: unsigned, wrong secret, stale, tampered body.
                h, b = signed("live_comment", [comment(900)])
                assert await post({k: v for k, v in h.items() if k != "x-signature"}, b) == 401
                assert await post(*signed("live_comment", [comment(901)], secret="wrong")) == 401
                assert await post(*signed("live_comment", [comment(902)], ts_ms=(time.time() - 3600) * 1000)) == 401
                h, b = signed("live_comment", [comment(903)])
                assert await post(h, b.replace(b"903", b"904")) == 401
                assert await post(*signed("live_comment", b"{not json")) == 200  # signed: answered, counted
                assert (await client.get(s.url)).status_code == 405
                big_h, big_b = signed("live_comment", b"[" + b" " * (2 << 20) + b"]")
                assert await post(big_h, big_b) == 413  # over the body limit, before any parsing
            await s.wait_for(lambda: s.provider.counts()["events"] == len(sent) - 1)  # f2 is a level change
            counts = s.provider.counts()
            assert (counts["unsigned"], counts["bad_signature"], counts["stale"]) == (1, 2, 1)
            assert counts["duplicates"] == 5 + 30 and counts["bad_bodies"] == 1 and counts["skipped_items"] == 1
            assert counts["other_rejected"] == 1
        stops = sorted(b["msg_type"] for name, b in api.calls if name == "stop")
        assert stops == started  # push tasks stopped when the session ended
    text = caplog.text
    assert "unsigned request" in text and "signature does not match" in text and "stale request" in text
    assert SECRET not in text
    rows = s.logged()
    expected = {k for k in sent if k != "f2"}
    assert sorted(r["msg_id"] for r in rows) == sorted(expected)
    by_id = {r["msg_id"]: r for r in rows}
    assert by_id["g1"]["payload"] == {"gift_name": "rose", "count": 2, "value": 0.2}
    assert by_id["f1"]["kind"] == "follow" and by_id["l1"]["payload"] == {"count": 15}


async def test_slow_processing_never_delays_the_2xx(tmp_path, monkeypatch):
    answered = threading.Event()
    seen_answer_while_busy = []

    def slow_subscriber(batch):
        # Blocks the loop until the client has its answer (or 20 s pass). If the receiver
        # published before answering, the answer could not arrive while we block here.
        seen_answer_while_busy.append(answered.wait(20))

    async with Session(tmp_path, monkeypatch) as s:  # no roomid: receive-only
        s.hub.subscribe(slow_subscriber, name="slow", kinds={"comment"})
        await s.wait_for(lambda: s.runner.statuses["douyin"].state is ConnState.LIVE)
        assert "relay" in s.runner.statuses["douyin"].reason
        headers, body = signed("live_comment", [comment(1), comment(2)])

        def client():
            status = httpx.post(s.url, content=body, headers=headers, timeout=30).status_code
            answered.set()
            return status

        assert await asyncio.to_thread(client) == 200
        await s.wait_for(lambda: seen_answer_while_busy)
    assert seen_answer_while_busy == [True]
    assert sorted(r["msg_id"] for r in s.logged()) == ["c1", "c2"]


async def test_invalid_access_token_fails_with_a_plain_reason(tmp_path, monkeypatch):
    async with TaskApiDouble(token="the-right-one") as api:
        async with Session(tmp_path, monkeypatch, roomid="7000", appid="tt1", api_base=api.url, token="expired") as s:
            await s.wait_for(lambda: s.runner.statuses["douyin"].state is ConnState.FAILED)
            assert "access token is invalid or expired" in s.runner.statuses["douyin"].reason
    s.store.close()


async def test_missing_secret_fails_and_port_in_use_is_explained(tmp_path, monkeypatch):
    monkeypatch.delenv("LIVE_CONSOLE_DOUYIN_APP_SECRET", raising=False)
    hub = SessionHub()
    runner = PlatformRunner(["douyin"], hub, SystemClock(), sections={"douyin": {"port": 0}})
    runner.providers[0].ctx.credential = lambda name: None
    runner.start()
    await until(lambda: runner.statuses["douyin"].state is ConnState.FAILED)
    await runner.stop()
    assert "LIVE_CONSOLE_DOUYIN_APP_SECRET" in runner.statuses["douyin"].reason

    async with Session(tmp_path, monkeypatch) as first:
        second = PlatformRunner(["douyin"], SessionHub(), SystemClock(),
                                sections={"douyin": {"port": first.provider.receiver.bound_port}})
        second.start()
        await until(lambda: second.statuses["douyin"].state is ConnState.FAILED)
        await second.stop()
        assert "already in use" in second.statuses["douyin"].reason
    first.store.close()
