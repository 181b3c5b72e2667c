"""Bilibili open-live parser: snapshots from recorded command payloads and a recorded socket
message (tests/data/bilibili/), the framing edge cases, and property tests that nothing a server
sends can raise out of the parser."""

from __future__ import annotations

import json
import os
import struct
import zlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.core.events import Event
from console.providers.bilibili.parse import (OP_AUTH_REPLY, OP_MESSAGE, VER_JSON, ParseStats,
                                              make_packet, parse_message)

DATA = Path(__file__).parent / "data" / "bilibili"
COMMANDS = json.loads((DATA / "commands.json").read_text(encoding="utf-8"))
SNAPSHOT = DATA / "expected_events.json"
HDR = struct.Struct(">IHHII")


def raw_packet(op: int, ver: int, body: bytes) -> bytes:
    # Built independently of the parser's own make_packet, from the documented layout.
    return HDR.pack(16 + len(body), 16, ver, op, 1) + body


def cmd_bytes(name: str) -> bytes:
    return raw_packet(5, 0, json.dumps(COMMANDS[name], ensure_ascii=False).encode())


def as_dict(e: Event) -> dict:
    v = e.viewer
    return {"kind": e.kind, "msg_id": e.msg_id, "ts": e.ts,
            "viewer": None if v is None else {"id": v.id, "name": v.name, "segment": v.segment and str(v.segment),
                                              "is_follower": v.is_follower, "badges": list(v.badges)},
            "payload": e.payload()}


def parse_all() -> dict:
    out = {}
    for name in COMMANDS:
        stats = ParseStats()
        frame = parse_message(cmd_bytes(name), stats, now=1_700_000_000.0)
        out[name] = {"events": [as_dict(e) for e in frame.events], "ended_game_id": frame.ended_game_id,
                     "unknown": dict(stats.unknown_cmds), "malformed": stats.malformed}
    return out


def test_commands_match_snapshot():
    got = parse_all()
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert got == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_money_and_standing_in_the_snapshot_are_right():
    # The facts the snapshot must carry, spelled out (so a regenerated snapshot cannot hide them).
    got = parse_all()
    combo = got["gift_paid_combo"]["events"][0]
    assert combo["payload"] == {"gift_name": "小花花", "count": 5, "value": 0.5}  # 5 × 100 milli-yuan
    assert got["gift_discounted"]["events"][0]["payload"]["value"] == 26.0  # r_price, not list price
    assert got["gift_free"]["events"][0]["payload"]["value"] == 0.0  # silver seeds are not money
    guard = got["guard"]["events"][0]
    assert guard["payload"] == {"gift_name": "舰长 3月", "count": 3, "value": 594.0}
    assert guard["viewer"]["segment"] == "high_value"
    sc = got["super_chat"]["events"]
    assert [e["kind"] for e in sc] == ["comment", "gift"] and sc[1]["payload"]["value"] == 30.0
    assert sc[0]["payload"]["badges"] == ["提督", "官方 26"]
    dm = got["dm"]["events"][0]
    assert dm["msg_id"] == "eb805544-0cf2-4688-bca1-88299e5344bf"  # the platform's id, unchanged
    assert dm["viewer"]["is_follower"] is True and dm["viewer"]["badges"] == ["舰长", "官方 21"]
    assert got["dm_old_uid"]["events"][0]["viewer"]["id"] == "3102384"
    assert got["dm_old_uid"]["events"][0]["viewer"]["is_follower"] is None  # medal not worn: unknown
    assert got["interaction_end"]["ended_game_id"] == "96bd8d3e-e1c3-4b4e-9a2e-3d9c1d7e6f50"
    assert got["unknown"]["unknown"] == {"LIVE_OPEN_PLATFORM_SOMETHING_NEW": 1}
    assert got["unknown"]["events"] == []


def test_recorded_socket_message_splits_and_recurses():
    # ws_message.bin: a heartbeat reply, a zlib batch (dm, paid combo gift, like, unknown cmd) and
    # a plain emoji danmaku packet, in one WebSocket message.
    raw = (DATA / "ws_message.bin").read_bytes()
    stats = ParseStats()
    frame = parse_message(raw, stats, now=1_700_000_000.0)
    snap = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    want = [e for n in ("dm", "gift_paid_combo", "like", "dm_emoji") for e in snap[n]["events"]]
    assert [as_dict(e) for e in frame.events] == want
    assert frame.heartbeat_replies == 1
    assert stats.unknown_cmds == {"LIVE_OPEN_PLATFORM_SOMETHING_NEW": 1} and stats.malformed == 0
    assert stats.packets == 7  # 3 outer + 4 inside the batch


def test_batch_cut_mid_packet_keeps_what_came_before():
    whole = b"".join(cmd_bytes(n) for n in ("dm", "like", "enter"))
    cut = whole[: len(cmd_bytes("dm")) + len(cmd_bytes("like")) + 20]
    stats = ParseStats()
    frame = parse_message(cut, stats)
    assert [e.kind for e in frame.events] == ["comment", "like"]
    assert stats.malformed == 1


def test_auth_replies():
    assert parse_message(raw_packet(OP_AUTH_REPLY, 1, b'{"code":0}')).auth_code == 0
    assert parse_message(raw_packet(OP_AUTH_REPLY, 1, b'{"code":-101}')).auth_code == -101
    stats = ParseStats()
    assert parse_message(raw_packet(OP_AUTH_REPLY, 1, b"garbage"), stats).auth_code == -1
    assert stats.malformed == 1


def test_zlib_bomb_and_deep_nesting_are_refused_not_inflated():
    stats = ParseStats()
    bomb = raw_packet(5, 2, zlib.compress(b"\x00" * (20 * 2 ** 20)))
    nested = cmd_bytes("dm")
    for _ in range(6):
        nested = raw_packet(5, 2, zlib.compress(nested))
    frame = parse_message(bomb + nested, stats)
    assert frame.events == [] and stats.malformed == 2
    one_level = raw_packet(5, 2, zlib.compress(cmd_bytes("dm")))
    assert [e.kind for e in parse_message(one_level).events] == ["comment"]


def test_make_packet_matches_documented_header():
    assert make_packet(7, '{"a":1}') == b"\x00\x00\x00\x17\x00\x10\x00\x01\x00\x00\x00\x07\x00\x00\x00\x01" + b'{"a":1}'
    assert make_packet(2) == bytes.fromhex("00000010 0010 0001 00000002 00000001".replace(" ", ""))


# -- property tests: nothing raises out of the parser ------------------------------------------
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=512))
def test_random_bytes_never_raise(data):
    stats = ParseStats()
    frame = parse_message(data, stats)
    assert isinstance(frame.events, list)


headers = st.builds(lambda plen, hlen, ver, op, body: HDR.pack(plen, hlen, ver, op, 1) + body,
                    st.integers(0, 2 ** 32 - 1) | st.integers(0, 600), st.integers(0, 40), st.integers(0, 4),
                    st.sampled_from([2, 3, 5, 7, 8, 99]), st.binary(max_size=300))


@settings(max_examples=300, deadline=None)
@given(st.lists(headers, max_size=5), st.booleans())
def test_random_packets_and_batches_never_raise(parts, compress):
    data = b"".join(parts)
    if compress:
        data = raw_packet(5, 2, zlib.compress(data))
    parse_message(data, ParseStats())


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
                           max_leaves=20)
FIELDS = ["msg_id", "msg", "open_id", "uid", "uname", "timestamp", "gift_num", "price", "r_price", "paid",
          "like_count", "rmb", "message", "guard_level", "guard_num", "guard_unit", "user_info",
          "fans_medal_name", "fans_medal_level", "fans_medal_wearing_status", "message_ids", "game_id"]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted({c["cmd"] for c in COMMANDS.values()})),
       st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=12))
def test_known_commands_with_hostile_fields_never_raise(cmd, data):
    body = json.dumps({"cmd": cmd, "data": data}, allow_nan=True).encode()
    frame = parse_message(raw_packet(OP_MESSAGE, VER_JSON, body), ParseStats())
    for e in frame.events:
        assert isinstance(e.msg_id, str) and isinstance(e.ts, float)
        e.payload_json()  # storable


def test_parser_never_raises_even_on_its_own_bug(monkeypatch):
    from console.providers.bilibili import parse

    def boom(*a, **k):
        raise RuntimeError("bug")
    monkeypatch.setitem(parse.COMMANDS, "LIVE_OPEN_PLATFORM_DM", boom)
    stats = ParseStats()
    parse_message(cmd_bytes("dm"), stats)
    assert stats.malformed == 1

