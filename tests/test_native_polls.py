"""Native polls: the poll engine runs the host's poll as a Twitch poll and a YouTube pollEvent
(local doubles), reads the platforms' tallies into the overlay, merges them with keyword votes
from other platforms on a multistream, and closes with the platform's final numbers."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from console.core import actions as A
from console.core.clock import ManualClock
from console.core.events import Comment, Viewer
from console.interact.controller import Interactions
from console.providers.base import Provider
from console.providers.native_poll import NativePollBackend
from console.providers.status import ConnState
from console.providers.twitch.provider import TwitchProvider
from console.providers.youtube.provider import YouTubeProvider
from tests.doubles.twitch import TwitchDouble
from tests.doubles.youtube import YouTubeDouble
from tests.platform_helpers import Room, until


class KeywordOnly(Provider):
    """A platform without native polls (its viewers vote by typing the keyword)."""
    platform = "other"

    async def run(self, hub):
        await asyncio.Event().wait()


@pytest.fixture
async def doubles():
    tw = await TwitchDouble(keepalive_s=5).start()
    yt = await YouTubeDouble(polling_ms=50).start()
    yield tw, yt
    await tw.stop()
    await yt.stop()


@pytest.fixture
def room(tmp_path):
    r = Room(tmp_path, "twitch+youtube")
    yield r
    r.close()


async def live(room, tw=None, yt=None):
    providers, tasks = [], []
    if tw is not None:
        p = TwitchProvider(room.ctx("twitch", {**tw.config, "keepalive_s": 5}, {"TOKEN": "tok-good", "CLIENT_ID": "cid-123"}))
        providers.append(p)
    if yt is not None:
        p = YouTubeProvider(room.ctx("youtube", {**yt.config, "quota_per_day": 10**6}, {"TOKEN": "ya29.good"}))
        providers.append(p)
    for p in providers:
        tasks.append(asyncio.create_task(p.run(room.hub)))
    await until(lambda: all(p.status.state is ConnState.LIVE for p in providers), what="platforms live")
    return providers, tasks


async def stop(tasks):
    for t in tasks:
        t.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await t


def interactions(room, providers, records):
    backend = NativePollBackend(providers, read_every_s=0.05, record=records.append)
    return Interactions(room.hub, ManualClock(), presets=[], poll_backend=backend), backend


def overlay_votes(ix) -> list[int]:
    """What the poll overlay draws: the snapshot the video worker renders."""
    view = ix.snapshot().poll
    return [n for _, n in view.options]


async def test_twitch_native_poll_open_tally_close(room, doubles):
    tw, _ = doubles
    providers, tasks = await live(room, tw=tw)
    records: list[dict] = []
    ix, backend = interactions(room, providers, records)
    assert ix.open_poll("Which shade?", ["Ruby", "Coral", "Nude"], duration_s=120).ok
    await until(lambda: len(tw.polls) == 1, what="poll on Twitch")
    poll = next(iter(tw.polls.values()))
    assert poll["title"] == "Which shade?" and [c["title"] for c in poll["choices"]] == ["Ruby", "Coral", "Nude"]
    assert poll["duration"] == 120
    tw.vote(poll["id"], [7, 3, 11])
    await until(lambda: overlay_votes(ix) == [7, 3, 11], what="Twitch tally on the overlay")
    assert ix.snapshot().poll.total == 21
    tw.vote(poll["id"], [8, 3, 12])
    assert ix.close_poll().ok
    await until(lambda: tw.polls[poll["id"]]["status"] == "TERMINATED", what="poll ended on Twitch")
    await until(lambda: overlay_votes(ix) == [8, 3, 12], what="final tally")
    await until(lambda: records[-1]["state"] == "closed", what="the end's answer")  # a read may come first
    assert [r["state"] for r in records] == ["open", "closed"] and records[-1]["tally"] == [8, 3, 12]
    await stop(tasks)


async def test_a_poll_closed_early_on_twitch_closes_the_console_poll(room, doubles):
    tw, _ = doubles
    providers, tasks = await live(room, tw=tw)
    records: list[dict] = []
    ix, backend = interactions(room, providers, records)
    log: list = []
    room.hub.subscribe(lambda b: log.extend(e for e in b if e.kind == "action"), name="actions")
    ix.open_poll("Next product?", ["Glasses", "Earrings"], duration_s=300)
    await until(lambda: len(tw.polls) == 1, what="poll on Twitch")
    pid = next(iter(tw.polls))
    tw.vote(pid, [4, 9])
    tw.end_poll_early(pid)
    await until(lambda: backend.finished(), what="backend saw the early end")
    ix.tick()
    view = ix.snapshot().poll
    assert view.closed and [n for _, n in view.options] == [4, 9]
    close = next(e for e in log if e.name == A.POLL_CLOSE)
    assert close.detail["tally"] == [4, 9] and close.detail["by_platform"]["twitch"] == [4, 9]
    await stop(tasks)


async def test_youtube_poll_event_tallies_and_transition(room, doubles):
    _, yt = doubles
    providers, tasks = await live(room, yt=yt)
    records: list[dict] = []
    ix, _ = interactions(room, providers, records)
    ix.open_poll("Size?", ["S", "M", "L"], duration_s=None)
    await until(lambda: len(yt.polls) == 1, what="pollEvent on YouTube")
    pid = next(iter(yt.polls))
    meta = yt.polls[pid]["snippet"]["pollDetails"]["metadata"]
    assert meta["questionText"] == "Size?" and [o["optionText"] for o in meta["options"]] == ["S", "M", "L"]
    yt.vote(pid, [2, 5, 1])
    await until(lambda: overlay_votes(ix) == [2, 5, 1], what="YouTube tally on the overlay")
    ix.close_poll()
    await until(lambda: yt.polls[pid]["snippet"]["pollDetails"]["status"] == "closed", what="transition")
    # Wait for the console to have the transition's answer (the double flips the status first).
    await until(lambda: records and records[-1]["state"] == "closed", what="final tally recorded")
    p = providers[0]
    assert p.quota.used == 1 + 5 * p.calls + 20 + 20, "broadcast lookup, list calls, insert and transition"
    await stop(tasks)


async def test_youtube_refuses_five_options_and_falls_back_to_keywords(room, doubles):
    _, yt = doubles
    providers, tasks = await live(room, yt=yt)
    records: list[dict] = []
    ix, backend = interactions(room, providers, records)
    ix.open_poll("Colour?", ["A", "B", "C", "D", "E"], duration_s=None)
    await until(lambda: records and records[-1]["state"] == "failed", what="fallback")
    assert yt.polls == {} and "2–4" in backend.notes[-1]
    room.hub.publish(Comment("youtube", "c1", 0.0, Viewer("UCx", "X"), text="2"))
    assert overlay_votes(ix) == [0, 1, 0, 0, 0], "YouTube viewers now vote by keyword"
    await stop(tasks)


async def test_multistream_merges_native_tallies_with_keyword_votes(room, doubles):
    tw, yt = doubles
    providers, tasks = await live(room, tw=tw, yt=yt)
    other = KeywordOnly()
    records: list[dict] = []
    ix, backend = interactions(room, [*providers, other], records)
    ix.open_poll("Which first?", ["Lipstick", "Glasses"], duration_s=60)
    await until(lambda: len(tw.polls) == 1 and len(yt.polls) == 1, what="poll on both platforms")
    tw.vote(next(iter(tw.polls)), [5, 1])
    yt.vote(next(iter(yt.polls)), [2, 4])
    room.hub.publish_batch([Comment("other", "o1", 0.0, Viewer("a", "A"), text="1"),
                            Comment("other", "o2", 0.0, Viewer("b", "B"), text="1"),
                            Comment("twitch", "t1", 0.0, Viewer("c", "C"), text="2")])  # Twitch votes natively
    await until(lambda: overlay_votes(ix) == [9, 5], what="merged tally")
    view = ix.snapshot().poll
    assert dict(view.by_platform) == {"comments": (2, 0), "twitch": (5, 1), "youtube": (2, 4)}
    assert "twitch: Lipstick 5 · Glasses 1" in view.breakdown()
    assert backend.name == "native:twitch+youtube + comments"
    await stop(tasks)


def test_running_poll_row_shows_the_per_platform_breakdown_on_hover(qtbot, room):
    from console.interact.poll import KeywordPollBackend
    from console.ui.triggers_panel import TriggersPanel

    class Fixed(KeywordPollBackend):
        name = "native:twitch"

        def tallies(self):
            return {"twitch": [3, 8]}

    ix = Interactions(room.hub, ManualClock(), presets=[], poll_backend=Fixed())
    panel = TriggersPanel(ix, presets_path=room.path.parent / "presets.toml")
    qtbot.addWidget(panel)
    ix.open_poll("Q?", ["Red", "Blue"], duration_s=60)
    room.hub.publish(Comment("other", "k1", 0.0, Viewer("a", "A"), text="1"))
    panel.refresh()
    tips = [w.toolTip() for w in panel.findChildren(type(panel.banner))]
    assert "twitch: Red 3 · Blue 8" in "\n".join(tips) and "comments: Red 1 · Blue 0" in "\n".join(tips)


async def test_a_poll_closed_early_on_youtube_keeps_its_final_tally_without_a_transition(room, doubles):
    _, yt = doubles
    providers, tasks = await live(room, yt=yt)
    records: list[dict] = []
    ix, backend = interactions(room, providers, records)
    ix.open_poll("Colour?", ["Red", "Blue"], duration_s=None)
    await until(lambda: len(yt.polls) == 1, what="pollEvent")
    pid = next(iter(yt.polls))
    yt.vote(pid, [3, 7])
    yt.close_poll_early(pid)  # the host ended it in YouTube Studio
    await until(lambda: backend.finished(), what="backend saw the early end")
    ix.tick()
    view = ix.snapshot().poll
    assert view.closed and [n for _, n in view.options] == [3, 7]
    assert not any(s.get("type") == "pollEvent" and s is None for s in yt.inserted)
    assert records[-1]["state"] == "closed" and records[-1]["tally"] == [3, 7]
    await stop(tasks)


async def test_a_poll_opened_before_the_platform_is_connected_waits_for_it(room, doubles):
    tw, _ = doubles
    provider = TwitchProvider(room.ctx("twitch", {**tw.config, "keepalive_s": 5}, {"TOKEN": "tok-good", "CLIENT_ID": "cid-123"}))
    records: list[dict] = []
    ix, _ = interactions(room, [provider], records)
    ix.open_poll("First cue of the show?", ["Yes", "No"], duration_s=60)  # before run() even started
    await asyncio.sleep(0)
    task = asyncio.create_task(provider.run(room.hub))
    await until(lambda: len(tw.polls) == 1, what="native poll once connected")
    await until(lambda: records, what="the console has Twitch's answer")  # the double stores it first
    assert records[0]["state"] == "open"
    await stop([task])
