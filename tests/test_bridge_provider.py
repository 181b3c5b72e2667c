"""The generic bridge against real WebSocket clients on 127.0.0.1 that misbehave on purpose.

Every test ends by reading the real SQLite session log: exactly the events sent, once each.
"""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from hypothesis import given, settings
from hypothesis import strategies as st

from console.core.clock import SystemClock
from console.core.events import COMMENT_SAFETY_CAP, Comment, Gift, Like, Order, ViewerCount
from console.core.hub import SessionHub
from console.providers.bridge.parse import MAX_MESSAGE_BYTES, parse_message
from console.providers.runner import PlatformRunner
from console.providers.status import ConnState
from console.store import queries
from console.store.writer import SessionStore
from tests.waiting import until

TOKEN = "s3cret-token"


def msg(i: int, kind: str = "comment", **fields) -> str:
    base = {"v": 1, "type": kind, "id": f"m{i}", "ts": 1_700_000_000 + i, "user": {"id": f"u{i % 7}", "name": f"用户{i % 7}"}}
    if kind == "comment":
        base["text"] = f"comment {i}"
    base.update(fields)
    return json.dumps(base, ensure_ascii=False)


class Session:
    """A real hub + SQLite log + PlatformRunner running the bridge on a free port."""

    def __init__(self, tmp_path, **bridge):
        self.hub = SessionHub()
        self.store = SessionStore(tmp_path / "s.db")
        self.session_id = self.store.start_session("bridge")
        self.hub.subscribe(self.store.enqueue_batch, name="store")
        cfg = {"port": 0, "token": TOKEN, **bridge}
        self.runner = PlatformRunner(["bridge"], self.hub, SystemClock(), sections={"bridge": cfg})
        self.provider = self.runner.primary
        self.states: list[ConnState] = []
        self.runner.status_changed.connect(lambda s: self.states.append(s.state))

    async def __aenter__(self):
        self.runner.start()
        await asyncio.wait_for(self.provider.listening.wait(), 20)
        self.url = f"ws://127.0.0.1:{self.provider.server.bound_port}/bridge?token={TOKEN}"
        return self

    async def __aexit__(self, *exc):
        await self.runner.stop()

    def events(self, kinds=None):
        assert self.store.flush(20)
        db = queries.open_db(self.store.path)
        return queries.session_events(db, self.session_id, kinds)

    async def wait_for(self, predicate):
        await until(predicate)


async def test_wrong_or_missing_token_and_wrong_path_are_refused(tmp_path):
    async with Session(tmp_path) as s:
        port = s.provider.server.bound_port
        for url in (f"ws://127.0.0.1:{port}/bridge?token=nope", f"ws://127.0.0.1:{port}/bridge",
                    f"ws://127.0.0.1:{port}/other?token={TOKEN}"):
            with pytest.raises(websockets.exceptions.InvalidStatus) as err:
                async with websockets.connect(url):
                    pass
            assert err.value.response.status_code in (401, 404)
        assert s.provider.counts()["refused"] == 3 and s.provider.counts()["connections"] == 0
        assert s.runner.statuses["bridge"].state is ConnState.CONNECTING
        assert "waiting for a collector" in s.runner.statuses["bridge"].reason
    s.store.close()
    assert [e for e in s.events() if e["kind"] != "action"] == []


async def test_misbehaving_collector_gets_errors_and_exactly_the_good_events_are_logged(tmp_path):
    async with Session(tmp_path, max_frame_bytes=200_000) as s:
        good = [msg(i) for i in range(40)] + [
            msg(100, "gift", name="小心心", count=3, value=0.3),
            msg(101, "like", count=12),
            msg(102, "viewer_count", count=345, user=None),
            msg(103, "order", sku="LIP-01", quantity=2, amount=178.0),
            msg(104, "follow"),
            msg(105, "join"),
            msg(106, "comment", text="长" * 500, extra_field={"ignored": True}),  # over 200: kept whole
        ]
        async with websockets.connect(s.url) as ws:
            hello = json.loads(await ws.recv())
            assert hello["type"] == "hello" and hello["v"] == 1
            await s.wait_for(lambda: s.runner.statuses["bridge"].state is ConnState.LIVE)
            bad = ["{not json", "[1,2]", json.dumps({"v": 2, "type": "comment", "id": "x"}),
                   msg(200, text=None), msg(201, "gift", count=-1, name="x"), msg(202, "like", count="many"),
                   json.dumps({"v": 1, "type": "comment", "id": "big", "text": "x" * (MAX_MESSAGE_BYTES + 10)}),
                   b"\xff\xfe\x00garbage"]
            unknown = [msg(300, "poll_vote"), msg(301, "super_chat")]
            for frame in good[:20] + bad + unknown + good[20:] + good[:10]:  # last 10 = redelivery
                await ws.send(frame)
            errors = [json.loads(await asyncio.wait_for(ws.recv(), 20)) for _ in bad]
        assert all(e["type"] == "error" for e in errors)
        assert [e["error"] for e in errors] == ["malformed_json", "malformed_json", "bad_version", "invalid",
                                                "invalid", "invalid", "too_large", "malformed_json"]
        assert errors[3]["id"] == "m200"
        await s.wait_for(lambda: s.runner.statuses["bridge"].state is ConnState.CONNECTING)
        counts = s.provider.counts()
        assert counts["errors"] == len(bad) and counts["unknown_types"] == 2
        assert counts["events"] == len(good) + 10  # before the hub's dedupe
    assert s.hub.duplicates_dropped == 10
    s.store.close()
    rows = [r for r in s.events() if r["kind"] != "action"]
    assert sorted(r["msg_id"] for r in rows) == sorted(json.loads(g)["id"] for g in good)
    by_id = {r["msg_id"]: r for r in rows}
    assert by_id["m100"]["payload"] == {"gift_name": "小心心", "count": 3, "value": 0.3}
    assert by_id["m102"]["payload"] == {"count": 345}
    assert by_id["m106"]["payload"]["text"] == "长" * 500
    assert {r["platform"] for r in rows} == {"bridge"}


async def test_oversized_frame_closes_only_that_link_and_the_collector_comes_back(tmp_path):
    async with Session(tmp_path, max_frame_bytes=4096) as s:
        async with websockets.connect(s.url, max_size=None) as ws:
            await ws.recv()
            await ws.send(msg(1))
            await ws.send("x" * 10_000)
            with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 20)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
        await s.wait_for(lambda: s.provider.counts()["oversized"] == 1)
        async with websockets.connect(s.url) as ws:
            await ws.recv()
            await ws.send(msg(2))
            await ws.close()
        await s.wait_for(lambda: s.provider.counts()["events"] == 2)
    s.store.close()
    assert sorted(r["msg_id"] for r in s.events(["comment"])) == ["m1", "m2"]


async def test_disconnects_mid_burst_with_replay_lose_nothing_and_duplicate_nothing(tmp_path):
    sent = [msg(i, "like" if i % 5 == 0 else "comment", **({"count": 2} if i % 5 == 0 else {})) for i in range(600)]
    async with Session(tmp_path) as s:
        pos = 0
        for chunk in (150, 150, 150, 150):
            async with websockets.connect(s.url) as ws:
                await ws.recv()
                # Replay what may have been in flight when the last link died (the console dedupes).
                for frame in sent[max(0, pos - 50):pos + chunk]:
                    await ws.send(frame)
                pos += chunk
                ws.transport.abort()  # no close handshake: a network drop mid-burst
            await s.wait_for(lambda: s.runner.statuses["bridge"].state is ConnState.CONNECTING)
        # Whatever the aborts cut off is in the last 50 of each chunk; one clean final replay.
        async with websockets.connect(s.url) as ws:
            await ws.recv()
            for frame in sent[-50:]:
                await ws.send(frame)
            await ws.close()
        await s.wait_for(lambda: s.hub.published >= 600)
        assert s.provider.counts()["connections"] == 5
        live = [st for st in s.states if st is ConnState.LIVE]
        assert len(live) == 5
    s.store.close()
    rows = [r for r in s.events() if r["kind"] != "action"]
    assert len(rows) == 600 and len({r["msg_id"] for r in rows}) == 600


async def test_missing_token_fails_with_a_reason_the_host_understands(tmp_path, monkeypatch):
    monkeypatch.delenv("LIVE_CONSOLE_BRIDGE_TOKEN", raising=False)
    hub = SessionHub()
    runner = PlatformRunner(["bridge"], hub, SystemClock(), sections={"bridge": {"port": 0}})
    runner.providers[0].ctx.credential = lambda name: None  # no keyring in this test
    runner.start()
    await until(lambda: runner.statuses["bridge"].state is ConnState.FAILED)
    await runner.stop()
    status = runner.statuses["bridge"]
    assert status.state is ConnState.FAILED and "LIVE_CONSOLE_BRIDGE_TOKEN" in status.reason


def test_parse_snapshot_of_each_type():
    p = parse_message(msg(1, "gift", name="Rocket", count=2, value=20.0, unknown={"deep": [1]}), now=5.0)
    assert isinstance(p.event, Gift) and (p.event.gift_name, p.event.count, p.event.value) == ("Rocket", 2, 20.0)
    assert p.event.viewer.id == "u1" and p.event.viewer.name == "用户1" and p.event.ts == 1_700_000_001
    assert isinstance(parse_message(msg(2, "like")).event, Like)
    assert parse_message(msg(3, "viewer_count", count=9)).event == ViewerCount(
        platform="bridge", msg_id="m3", ts=1_700_000_003.0, viewer=parse_message(msg(3, "like")).event.viewer, count=9)
    o = parse_message(msg(4, "order", sku="A", quantity=1, amount=1.5)).event
    assert isinstance(o, Order) and o.amount == 1.5
    no_ts = parse_message(json.dumps({"v": 1, "type": "comment", "id": 7, "user": {"id": 1}, "text": "hi"}), now=42.0)
    assert isinstance(no_ts.event, Comment) and no_ts.event.ts == 42.0 and no_ts.event.msg_id == "7"
    huge = parse_message(json.dumps({"v": 1, "type": "comment", "id": "h", "user": {"id": "u"}, "text": "y" * 50_000}))
    assert len(huge.event.text) == COMMENT_SAFETY_CAP
    assert parse_message(msg(5, "teleport")).unknown_type == "teleport"
    assert parse_message('{"v":1,"type":"like","id":"n","ts":NaN}').error == "malformed_json"
    assert parse_message("[" * 100_000).error in ("malformed_json", "too_large")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300))
def test_random_bytes_never_raise_out_of_the_parser(raw):
    p = parse_message(raw)
    assert (p.event is not None) + (p.unknown_type is not None) + (p.error is not None) == 1


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({"v": st.sampled_from([1, 1, 2, "1", True])},
                             optional={"type": st.sampled_from(["comment", "gift", "like", "follow", "join",
                                                                "viewer_count", "order", "x"]) | st.text(max_size=5),
                                       "id": json_values, "ts": json_values, "user": json_values,
                                       "text": json_values, "count": json_values, "name": json_values,
                                       "value": json_values, "sku": json_values, "quantity": json_values,
                                       "amount": json_values}))
def test_random_schema_shaped_objects_never_raise_out_of_the_parser(obj):
    try:
        raw = json.dumps(obj)
    except ValueError:
        return
    p = parse_message(raw)
    assert (p.event is not None) + (p.unknown_type is not None) + (p.error is not None) == 1
