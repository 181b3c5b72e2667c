"""The provider seam: registry, one reconnect policy, hub-entrance dedupe, status, credentials."""

import asyncio
import random

import pytest

from console.core.clock import ManualClock
from console.core.events import Action, Comment, Like, Viewer
from console.core.hub import SessionHub
from console.providers import registry
from console.providers.base import Provider
from console.providers.credentials import env_name, get_credential
from console.providers.reconnect import ReconnectPolicy
from console.providers.runner import PlatformChoiceError, PlatformRunner, resolve_names
from console.providers.status import ConnState, ProviderError


def test_demo_registers_itself_and_unknown_names_are_refused():
    assert "demo" in registry.names()
    assert registry.get("demo").is_demo
    with pytest.raises(KeyError, match="unknown platform"):
        registry.get("myspace")
    with pytest.raises(PlatformChoiceError, match="myspace"):
        resolve_names(["myspace"])
    assert resolve_names([]) == ["demo"]


def test_demo_never_mixes_with_a_real_platform():
    class Fake(Provider):
        platform = "fakereal"

        async def run(self, hub):
            await asyncio.sleep(0)

    registry.register(registry.PlatformSpec("fakereal", "Fake", lambda ctx: Fake(ctx)))
    try:
        with pytest.raises(PlatformChoiceError, match="DEMO"):
            resolve_names(["demo", "fakereal"])
        assert resolve_names(["fakereal"]) == ["fakereal"]
    finally:
        registry._REGISTRY.pop("fakereal")


def test_reconnect_policy_backs_off_caps_and_resets_after_healthy_period():
    clock = ManualClock()
    p = ReconnectPolicy(base_s=1, cap_s=8, jitter=0, healthy_after_s=30, clock=clock)
    assert [p.next_delay() for _ in range(6)] == [1, 2, 4, 8, 8, 8]
    p.connected()
    clock.advance(5)
    p.disconnected()  # a short-lived connection does not reset the streak
    assert p.next_delay() == 8
    p.connected()
    clock.advance(31)
    p.disconnected()
    assert p.next_delay() == 1
    j = ReconnectPolicy(base_s=10, cap_s=10, jitter=0.5, rng=random.Random(3), clock=clock)
    delays = [j.next_delay() for _ in range(50)]
    assert all(5 <= d <= 10 for d in delays) and len(set(delays)) > 10
    limited = ReconnectPolicy(max_attempts=2, clock=clock)
    assert limited.next_delay() is not None and limited.next_delay() is not None
    assert limited.next_delay() is None


def test_hub_drops_redelivered_events_before_any_subscriber():
    hub = SessionHub(dedupe_capacity=3)
    got = []
    hub.subscribe(got.extend)
    v = Viewer("u1", "A")
    like = Like(platform="bilibili", msg_id="m1", ts=1.0, viewer=v, count=5)
    hub.publish_batch([like, like, Comment(platform="bilibili", msg_id="m2", ts=1.0, text="hi")])
    hub.publish(Like(platform="bilibili", msg_id="m1", ts=2.0, viewer=v, count=5))
    # The same id on another platform is another message.
    hub.publish(Like(platform="twitch", msg_id="m1", ts=2.0, viewer=v))
    assert [(e.platform, e.msg_id) for e in got] == [("bilibili", "m1"), ("bilibili", "m2"), ("twitch", "m1")]
    assert hub.duplicates_dropped == 2
    assert hub.published == 3
    # Bounded: the oldest id falls out of the window (the SQLite index still catches it).
    for i in range(10):
        hub.publish(Comment(platform="x", msg_id=f"n{i}", ts=1.0))
    assert len(hub._recent) == 3


def test_runner_logs_status_and_a_failing_provider_does_not_stop_others():
    class Flaky(Provider):
        platform = "flaky"

        async def run(self, hub):
            self.report(ConnState.CONNECTING)
            raise ProviderError("wrong 身份码", fatal=True)

    class Steady(Provider):
        platform = "steady"

        async def run(self, hub):
            self.report(ConnState.LIVE)
            self.ctx.save_resume({"cursor": "abc"})
            hub.publish(Comment(platform="steady", msg_id="s1", ts=1.0, text="ok"))
            await asyncio.sleep(3600)

    for cls in (Flaky, Steady):
        registry.register(registry.PlatformSpec(cls.platform, cls.platform, lambda ctx, c=cls: c(ctx)))
    hub = SessionHub()
    got = []
    hub.subscribe(got.extend)
    try:
        runner = PlatformRunner(["flaky", "steady"], hub, ManualClock())
        assert runner.session_platform == "flaky+steady" and not runner.is_demo

        async def main():
            runner.start()
            for _ in range(100):
                await asyncio.sleep(0)
            await runner.stop()

        asyncio.run(main())
    finally:
        registry._REGISTRY.pop("flaky")
        registry._REGISTRY.pop("steady")
    assert runner.statuses["flaky"].state is ConnState.FAILED
    assert runner.statuses["flaky"].reason == "wrong 身份码"
    assert runner.statuses["steady"].state is ConnState.LIVE
    logged = [e for e in got if isinstance(e, Action)]
    states = [(a.detail["platform"], a.detail["state"]) for a in logged if a.name == "provider.status"]
    assert ("flaky", "failed") in states and ("steady", "live") in states
    resumes = [a.detail for a in logged if a.name == "provider.resume"]
    assert resumes == [{"platform": "steady", "state": {"cursor": "abc"}}]
    assert any(isinstance(e, Comment) and e.msg_id == "s1" for e in got)


def test_credentials_come_from_env_before_keyring(monkeypatch):
    assert env_name("bilibili", "access_key_secret") == "LIVE_CONSOLE_BILIBILI_ACCESS_KEY_SECRET"
    monkeypatch.setenv("LIVE_CONSOLE_BILIBILI_AUTH_CODE", "ABC123")
    assert get_credential("bilibili", "AUTH_CODE") == "ABC123"


def test_platform_setting_from_file_and_cli(tmp_path):
    from console.config import load_settings

    cfg = tmp_path / "c.toml"
    cfg.write_text('[platform]\nuse = ["bilibili", "douyin"]\n[bilibili]\napp_id = 42\napi_base = "http://127.0.0.1:9"\n')
    s = load_settings(cfg)
    assert s.platforms == ["bilibili", "douyin"] and s.sections["bilibili"]["app_id"] == 42
    cfg.write_text('[platform]\nuse = 7\n')
    s = load_settings(cfg)
    assert s.platforms == ["demo"] and any("[platform] use" in p for p in s.problems)
    cfg.write_text('[platform]\nuse = "demo"\n')
    assert load_settings(cfg).platforms == ["demo"]
