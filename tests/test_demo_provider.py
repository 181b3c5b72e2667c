"""DemoProvider on a real asyncio loop and a real SessionHub."""

from __future__ import annotations

import asyncio

import pytest

from console.core import actions as act
from console.core.clock import ManualClock
from console.core.events import Action, Comment, Event
from console.core.hub import SessionHub
from console.providers.base import Capability, Provider
from console.providers.demo import PRESETS, DemoConfig, DemoProvider
from console.providers.demo import provider as provider_mod
from tests.waiting import until


class Collector:
    def __init__(self) -> None:
        self.events: list[Event] = []
        self.batches = 0

    def __call__(self, batch) -> None:
        self.batches += 1
        self.events.extend(batch)


def test_identity_and_capabilities():
    p = DemoProvider(DemoConfig(seed=1))
    assert isinstance(p, Provider)
    assert p.platform == "demo" and p.is_demo is True
    assert "DEMO" in p.display_name and "simulated" in p.display_name
    assert Capability.SEND_MESSAGE not in p.capabilities
    assert Capability.NATIVE_POLL not in p.capabilities
    assert {Capability.READ_COMMENTS, Capability.READ_LIKES, Capability.READ_GIFTS,
            Capability.READ_VIEWERS, Capability.READ_ORDERS} <= p.capabilities
    assert "DEMO" in p.status_text() and "seed 1" in p.status_text()


def test_presets_and_config():
    assert PRESETS == {"quiet": 2.0, "normal": 15.0, "busy": 150.0, "load": 50_000.0}
    assert DemoConfig.preset("busy", seed=3) == DemoConfig(rate=150.0, seed=3)
    assert DemoConfig().rate == 15.0
    with pytest.raises(ValueError, match="quiet"):
        DemoConfig.preset("party")
    with pytest.raises(ValueError):
        DemoProvider(DemoConfig(zh_ratio=2.0))
    p = DemoProvider(DemoConfig(rate=5, seed=4, viewers=123))
    assert p.audience.present() == 123 and p.audience.seed == 4
    p.set_rate(PRESETS["busy"])
    assert p.audience.rate == 150.0 and "150 events/s" in p.status_text()


async def test_run_publishes_into_hub_and_stops_cleanly_on_cancel():
    hub = SessionHub()
    got = Collector()
    hub.subscribe(got, name="test")
    provider = DemoProvider(DemoConfig(rate=2000, seed=5))
    task = asyncio.create_task(provider.run(hub))
    await until(lambda: len(got.events) > 200)
    assert "demo-audience" in hub.subscribers() and provider.running
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert "demo-audience" not in hub.subscribers()
    assert not provider.running
    assert got.batches > 1  # published as batches over ticks, not one lump
    assert all(e.platform == "demo" for e in got.events)
    assert hub.published == len(got.events) == provider.audience.generated
    count = len(got.events)
    await asyncio.sleep(0.15)
    assert len(got.events) == count  # nothing after cancellation


async def test_host_actions_on_the_hub_make_the_room_react():
    hub = SessionHub()
    got = Collector()
    hub.subscribe(got, name="test", kinds={"comment"})
    provider = DemoProvider(DemoConfig(rate=50, seed=6, viewers=400))
    task = asyncio.create_task(provider.run(hub))
    try:
        await until(lambda: len(got.events) > 0)
        hub.publish(Action("console", "a1", 0.0, None, name=act.LOTTERY_OPEN,
                           detail={"draw_id": "d", "keyword": "来抽奖", "window_s": 2.0,
                                   "winners": 1, "commitment": "c"}))

        def entrants() -> set[str]:
            return {e.viewer.id for e in got.events if isinstance(e, Comment) and "来抽奖" in e.text}

        await until(lambda: len(entrants()) > 50)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_stall_is_not_replayed(monkeypatch):
    clock = ManualClock()
    hub = SessionHub()
    got = Collector()
    hub.subscribe(got)
    provider = DemoProvider(DemoConfig(rate=100, seed=7), clock=clock)
    task = asyncio.create_task(provider.run(hub))
    try:
        await asyncio.sleep(0.1)
        clock.advance(3600)  # the laptop slept for an hour
        await until(lambda: provider.audience.sim_time > 0)
        await asyncio.sleep(0.1)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert provider.audience.sim_time <= provider_mod.MAX_CATCH_UP_S + 1e-9
    assert len(got.events) < 100 * provider_mod.MAX_CATCH_UP_S * 2


def test_tick_adapts_to_step_cost():
    p = DemoProvider(DemoConfig(seed=8))
    start = p.tick_s
    for _ in range(20):
        p._adapt(provider_mod.STEP_BUDGET_S * 3)
    assert p.tick_s == provider_mod.MIN_TICK_S < start
    for _ in range(40):
        p._adapt(0.0)
    assert p.tick_s == provider_mod.MAX_TICK_S


async def test_the_room_waits_while_the_session_log_is_behind():
    # A simulated room must not outrun what this machine can save: while the log is behind by
    # more than its window, no events are made, and the time waited is not replayed after.
    clock = ManualClock()
    hub = SessionHub()
    got = Collector()
    hub.subscribe(got)
    behind = [1.0]
    hub.set_backlog_probe(lambda: behind[0])
    provider = DemoProvider(DemoConfig(rate=1000, seed=3), clock=clock)
    task = asyncio.create_task(provider.run(hub))
    try:
        await until(lambda: provider.running)
        clock.advance(2.0)
        await until(lambda: provider.held_back_s >= 2.0)
        assert got.events == [] and provider.audience.sim_time == 0
        behind[0] = 0.1  # within the window again
        clock.advance(0.5)
        await until(lambda: len(got.events) > 0)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert provider.audience.sim_time <= 0.5 + 1e-9
