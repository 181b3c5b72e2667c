"""Bilibili open-live adapter against a local double that speaks the protocol byte for byte, checks
our signatures, and misbehaves: the session log (real SQLite) ends with exactly the events sent."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections import Counter

import pytest

from console.core import actions
from console.core.clock import SystemClock
from console.providers import registry
from console.providers.base import Capability, NotSupported
from console.providers.bilibili.adapter import BilibiliProvider
from console.providers.runner import PlatformRunner
from console.providers.status import ConnState, ProviderError
from console.store.queries import open_db, session_actions
from tests.doubles.bilibili import BilibiliDouble
from tests.platform_helpers import Room, until

FAST = {"heartbeat_s": 0.2, "ws_heartbeat_s": 0.2, "reconnect_base_s": 0.05, "reconnect_cap_s": 0.3,
        "cooldown_s": 0.1, "auth_timeout_s": 20, "idle_timeout_s": 30, "max_message_bytes": 256 * 1024}


@pytest.fixture
async def double():
    d = await BilibiliDouble().start()
    yield d
    await d.stop()


@pytest.fixture
def room(tmp_path):
    r = Room(tmp_path, "bilibili")
    yield r
    r.close()


def start(room, double, secrets=None, resume=None, saved=None, **config):
    cfg = {**double.config(), **FAST, **config}
    provider = BilibiliProvider(room.ctx("bilibili", cfg, secrets or double.secrets(), resume=resume, saved=saved))
    task = asyncio.create_task(provider.run(room.hub))
    return provider, task


async def stop(provider, task):
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await asyncio.wait_for(task, 30)
    await asyncio.wait_for(provider.close(), 30)


def states(room):
    return [s.state for s in room.statuses]


def logged_ids(room) -> Counter:
    return Counter(r["msg_id"] for r in room.logged() if r["kind"] != "action")


async def test_session_logs_exactly_what_was_sent_through_drops_garbage_and_redelivery(room, double):
    provider, task = start(room, double)
    c1 = await double.wait_live()
    await until(lambda: ConnState.LIVE in states(room), what="live")
    await double.send(c1, double.mixed(20, 0), how="zlib")
    await double.send(c1, double.mixed(10, 20), how="plain")
    await double.send(c1, double.mixed(5, 30), how="each")

    # Malformed, oversized-by-header, unknown frames: counted, never a crash, link stays up.
    n_garbage = await double.send_garbage(c1)
    await double.send(c1, double.mixed(5, 40))
    await until(lambda: len(room.events) >= 40, what="events after garbage")
    assert not c1.closed.is_set()
    # All but three are unreadable; those three are an unknown command, a command whose data is
    # not an object (counted as unknown) and an unknown operation.
    assert provider.stats.malformed == n_garbage - 3
    assert provider.stats.unknown_ops == 1
    assert provider.stats.unknown_cmds["LIVE_OPEN_PLATFORM_MYSTERY"] == 1

    # A batch cut mid-packet, the link dropped without a close frame, then the batch redelivered.
    await double.drop_mid_batch(c1, double.mixed(8, 100), cut_after=3)
    c2 = await double.wait_live(after=double.conns.index(c1) + 1)
    assert c2.path != c1.path, "a dropped link rotates to the next wss_link"
    assert double.starts == 1, "a plain drop re-auths with the same game"
    assert double.stats["redelivered"] == 8

    # The same messages twice in a row: the hub's entrance drops the second copy.
    again = double.mixed(6, 200)
    await double.send(c2, again)
    await double.send(c2, again, how="each")

    # A message larger than we accept closes that link (1009); we come back on the next one.
    await double.send_oversized(c2, FAST["max_message_bytes"] + 1024)
    c3 = await double.wait_live(after=double.conns.index(c2) + 1)
    await double.send(c3, double.mixed(10, 300))
    await until(lambda: set(logged_ids(room)) >= set(double.expected), timeout=30, what="all events logged")

    await until(lambda: sum(g["heartbeats"] for g in double.games.values()) >= 2 and c3.heartbeats >= 2,
                what="game and socket heartbeats")
    await double.end_stream(c3)
    await asyncio.wait_for(task, 30)  # INTERACTION_END ends the run by itself
    await provider.close()

    ids = logged_ids(room)
    assert set(ids) == set(double.expected), "exactly the events sent, no loss, nothing invented"
    assert max(ids.values()) == 1, "no duplicates in the log"
    kinds = {r["msg_id"]: r["kind"] for r in room.logged() if r["kind"] != "action"}
    assert kinds == double.expected
    assert room.hub.duplicates_dropped >= len(again) + 3  # redelivered batch overlapped 3 delivered
    assert double.signature_problems == []
    assert states(room)[-1] is ConnState.ENDED
    reconnecting = [s for s in room.statuses if s.state is ConnState.RECONNECTING]
    assert any("too large" in s.reason for s in reconnecting), [s.reason for s in reconnecting]
    assert len(double.ended) == 1 and double.ended[0] == c3.game_id, "close() ends the game"
    room.store.flush()
    db = open_db(room.path)
    notices = [a["detail"]["what"] for a in session_actions(db, room.session, [actions.PLATFORM_NOTICE])]
    db.close()
    assert notices == ["live_end", "chat_ended"]
    room.store.close()
    raw = b"".join(p.read_bytes() for p in room.path.parent.glob("s.db*"))
    assert next(iter(double.expected)).encode() in raw  # the bytes read are the log's
    for secret in (double.secret, double.auth_code, double.key_id, *(g["auth_body"] for g in double.games.values())):
        assert secret.encode() not in raw, "no credential or session key in the log"


async def test_refused_auth_starts_a_new_game(room, double):
    double.auth_errors.append(-101)
    provider, task = start(room, double)
    try:
        c = await double.wait_live()
        why = f"requests {double.requests}, statuses {room.statuses}, stats {dict(double.stats)}"
        assert double.starts == 2, why
        assert provider.auth_rejections == 1, why
        first_game = next(iter(double.games))
        assert c.game_id != first_game
        await double.send(c, double.mixed(7))
        await until(lambda: set(logged_ids(room)) == set(double.expected), what="events")
        refused = [s for s in room.statuses if s.state is ConnState.RECONNECTING]
        assert refused and "-101" in refused[0].reason, why
    finally:
        await stop(provider, task)
    assert double.signature_problems == []


async def test_rate_limits_and_cooldown_back_off_then_connect(room, double):
    double.start_errors.extend([4009, 429, 7001])
    provider, task = start(room, double)
    try:
        await double.wait_live()
        assert double.starts == 4
        retries = [s for s in room.statuses if s.state is ConnState.RECONNECTING]
        assert [s.attempt for s in retries] == [1, 2, 3]
        assert "rate" in retries[0].reason and "rate" in retries[1].reason
        assert "closing" in retries[2].reason
        assert all(s.next_try_s is not None and s.next_try_s >= 0 for s in retries)
        assert states(room)[-1] is ConnState.LIVE
    finally:
        await stop(provider, task)


async def test_expired_game_from_heartbeat_starts_again_and_keeps_reading(room, double):
    provider, task = start(room, double)
    try:
        c1 = await double.wait_live()
        await double.send(c1, double.mixed(5))
        double.heartbeat_errors.append(7003)
        c2 = await double.wait_live(after=double.conns.index(c1) + 1)
        assert double.starts == 2 and c2.game_id != c1.game_id
        await double.send(c2, double.mixed(5, 5))
        await until(lambda: set(logged_ids(room)) == set(double.expected), what="events from both games")
    finally:
        await stop(provider, task)


async def test_wrong_auth_code_fails_in_plain_words_and_is_logged(tmp_path, double, monkeypatch):
    for k, v in double.secrets(AUTH_CODE="WRONGCODE").items():
        monkeypatch.setenv(f"LIVE_CONSOLE_BILIBILI_{k}", v)
    room = Room(tmp_path, "bilibili")
    try:
        runner = PlatformRunner(["bilibili"], room.hub, SystemClock(), sections={"bilibili": {**double.config(), **FAST}})
        runner.start()
        await until(lambda: runner.statuses["bilibili"].state is ConnState.FAILED, what="failed")
        status = runner.statuses["bilibili"]
        assert "身份码" in status.reason
        assert double.starts == 1, "a fatal error is not retried"
        await runner.stop()
        room.store.flush()
        db = open_db(room.path)
        logged = [a["detail"] for a in session_actions(db, room.session, [actions.PROVIDER_STATUS])]
        db.close()
        assert [d["state"] for d in logged] == ["connecting", "failed"] and "身份码" in logged[-1]["message"]
        assert "WRONGCODE" not in repr(logged)
    finally:
        room.close()


async def test_wrong_secret_is_a_fatal_signature_error(room, double):
    provider, task = start(room, double, secrets=double.secrets(ACCESS_KEY_SECRET="not-the-secret"))
    with pytest.raises(ProviderError) as err:
        await asyncio.wait_for(task, 20)
    assert err.value.fatal and "secret" in err.value.reason
    assert double.signature_problems == ["/v2/app/start: 4002"]
    await provider.close()


async def test_missing_credentials_name_the_env_vars(room, double):
    provider, task = start(room, double, secrets={"ACCESS_KEY_ID": "x"})
    with pytest.raises(ProviderError) as err:
        await asyncio.wait_for(task, 20)
    assert "LIVE_CONSOLE_BILIBILI_ACCESS_KEY_SECRET" in err.value.reason
    assert "LIVE_CONSOLE_BILIBILI_AUTH_CODE" in err.value.reason
    assert double.starts == 0


async def test_unreachable_api_reconnects_then_gives_up_with_a_reason(room, double):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    provider, task = start(room, double, api_base=f"http://127.0.0.1:{port}", reconnect_max_attempts=2)
    with pytest.raises(ProviderError) as err:
        await asyncio.wait_for(task, 30)
    assert "cannot reach Bilibili" in err.value.reason or "无法连接" in err.value.reason
    assert [s.attempt for s in room.statuses if s.state is ConnState.RECONNECTING] == [1, 2]


async def test_restart_mid_show_ends_the_previous_game_first(room, double):
    saved: list[dict] = []
    provider, task = start(room, double, saved=saved)
    await double.wait_live()
    task.cancel()  # the app died: close() never ran
    with contextlib.suppress(asyncio.CancelledError):
        await task
    old = saved[-1]["game_id"]
    assert double.games[old]["alive"] and double.ended == []
    provider2, task2 = start(room, double, resume={"game_id": old})
    try:
        await double.wait_live(after=len(double.conns))
        assert double.ended == [old]
        assert double.starts == 2
    finally:
        await stop(provider2, task2)
        await provider.close()


async def test_capabilities_and_registration_are_honest(room, double):
    spec = registry.get("bilibili")
    assert spec.credentials == ("ACCESS_KEY_ID", "ACCESS_KEY_SECRET", "AUTH_CODE")
    assert {"app_id", "api_base", "heartbeat_s", "ws_heartbeat_s"} <= set(spec.settings)
    provider = spec.factory(room.ctx("bilibili", double.config(), double.secrets()))
    assert Capability.SEND_MESSAGE not in provider.capabilities
    assert Capability.NATIVE_POLL not in provider.capabilities
    with pytest.raises(NotSupported):
        await provider.send_message("hi")
    line = await provider.test_connection()
    assert "主播小喵" in line
    assert len(double.ended) == 1, "the test start is ended at once"
    assert double.signature_problems == []


async def test_testing_the_connection_while_live_leaves_the_running_game_alone(room, double):
    provider, task = start(room, double)
    try:
        c = await double.wait_live()
        await until(lambda: provider.status.state is ConnState.LIVE, what="live")
        line = await provider.test_connection()
        assert "live now" in line and double.starts == 1 and double.ended == []
        await double.send(c, double.mixed(5))
        await until(lambda: set(logged_ids(room)) == set(double.expected), what="still reading")
    finally:
        await stop(provider, task)
    assert double.ended == [c.game_id]


async def test_a_silent_link_is_dropped_and_replaced(room, double):
    provider, task = start(room, double, idle_timeout_s=1.0)
    try:
        c1 = await double.wait_live()
        await double.send(c1, double.mixed(4))
        c1.silent = True  # heartbeats go unanswered and nothing else arrives
        c2 = await double.wait_live(after=double.conns.index(c1) + 1, timeout=30)
        assert any(s.state is ConnState.RECONNECTING and "silent" in s.reason for s in room.statuses)
        # From here on a generous idle limit, so a busy machine cannot drop the next link too.
        provider.idle_timeout_s = 60.0
        await double.drop(c2)
        c3 = await double.wait_live(after=double.conns.index(c2) + 1, timeout=30)
        await double.send(c3, double.mixed(4, 4))
        await until(lambda: set(logged_ids(room)) == set(double.expected), what="events on the new link")
        assert double.starts == 1
    finally:
        await stop(provider, task)
