"""Polls through the real controller and hub, with a manual clock."""

from __future__ import annotations

import itertools

import pytest

from console.core import actions as A
from console.core.events import Comment, Viewer
from console.interact.keywords import matches_entry, matches_exact, normalize

_ids = itertools.count()


def comment(viewer_id: str, text: str) -> Comment:
    return Comment(platform="demo", msg_id=f"m{next(_ids)}", ts=0.0,
                   viewer=Viewer(viewer_id, viewer_id.upper()), text=text)


def votes(state):
    return [n for _, n in state.poll.options]


def test_first_vote_counts_and_duplicates_are_ignored(room):
    hub, clock, ix, log = room
    assert ix.open_poll("Which shade?", ["Ruby", "Coral"]).ok
    hub.publish_batch([comment("a", "1"), comment("a", "2"), comment("a", "1"), comment("b", "2")])
    assert votes(ix.snapshot()) == [1, 1]
    vote_rows = [a.detail for a in log if a.name == A.POLL_VOTE]
    assert [(v["viewer_id"], v["option"]) for v in vote_rows] == [("a", 0), ("b", 1)]


def test_changing_votes_when_allowed(room):
    hub, clock, ix, log = room
    ix.open_poll("Which shade?", ["Ruby", "Coral"], allow_change=True)
    hub.publish_batch([comment("a", "1"), comment("a", "2")])
    assert votes(ix.snapshot()) == [0, 1]
    assert ix.snapshot().poll.total == 1


@pytest.mark.parametrize("text, option", [
    ("1", 0), ("2", 1), ("3", 2), ("A", 0), ("b", 1), ("ｃ", 2), ("一", 0), ("二", 1), ("三", 2),
    ("Ruby", 0), ("coral!!", 1), ("  NUDE ", 2), ("1111", 0), ("二二二", 1), ("２", 1),
])
def test_every_keyword_style_votes(room, text, option):
    hub, clock, ix, log = room
    ix.open_poll("Which shade?", ["Ruby", "Coral", "Nude"])
    hub.publish(comment("v", text))
    expected = [0, 0, 0]
    expected[option] = 1
    assert votes(ix.snapshot()) == expected


def test_chatter_is_not_a_vote(room):
    hub, clock, ix, log = room
    ix.open_poll("Which shade?", ["Ruby", "Coral"])
    hub.publish_batch([comment("a", "I have 1 question"), comment("b", "12"), comment("c", "ab")])
    assert ix.snapshot().poll.total == 0


def test_custom_keywords(room):
    hub, clock, ix, log = room
    ix.open_poll("Team?", ["Red", "Blue"], keywords=[["红"], ["蓝"]])
    hub.publish_batch([comment("a", "红"), comment("b", "1"), comment("c", "蓝")])
    assert votes(ix.snapshot()) == [1, 1]


def test_auto_close_and_late_votes_ignored(room):
    hub, clock, ix, log = room
    ix.open_poll("Which shade?", ["Ruby", "Coral"], duration_s=30)
    hub.publish(comment("a", "1"))
    clock.advance(10)
    assert ix.snapshot().poll.remaining_s == pytest.approx(20)
    clock.advance(20)
    # A vote arriving after the timer ran out but before the next tick is still late.
    hub.publish(comment("b", "2"))
    state = ix.snapshot().poll
    assert state.closed and votes(ix.snapshot()) == [1, 0]
    closes = [a.detail for a in log if a.name == A.POLL_CLOSE]
    assert closes == [{"poll_id": state.poll_id, "tally": [1, 0]}]
    hub.publish(comment("c", "2"))
    assert votes(ix.snapshot()) == [1, 0]
    assert ix.tick() == []  # already closed: nothing more to do


def test_manual_close_and_tick_close(room):
    hub, clock, ix, log = room
    ix.open_poll("Q?", ["x", "y"], duration_s=None)
    clock.advance(3600)
    assert ix.tick() == [] and not ix.snapshot().poll.closed
    res = ix.close_poll()
    assert res.ok and ix.snapshot().poll.closed
    assert not ix.close_poll().ok
    ix.open_poll("Q2?", ["x", "y"], duration_s=5)
    clock.advance(5)
    [res] = ix.tick()
    assert res.ok and "Poll closed" in res.message


@pytest.mark.parametrize("question, options, keywords, words", [
    ("", ["a", "b"], None, "question"),
    ("Q?", ["a"], None, "2 to 6"),
    ("Q?", list("abcdefg"), None, "2 to 6"),
    ("Q?", ["a", ""], None, "name"),
    ("Q?", ["a", "b"], [["x"], ["x"]], "both"),
    ("Q?", ["2", "b"], None, "both"),  # option 1 named "2" clashes with option 2's number
])
def test_bad_polls_are_refused_in_words(room, question, options, keywords, words):
    hub, clock, ix, log = room
    res = ix.open_poll(question, options, keywords=keywords)
    assert not res.ok and words in res.message
    assert ix.snapshot().poll is None and log == []


def test_only_one_poll_at_a_time_and_stop_removes_it(room):
    hub, clock, ix, log = room
    assert ix.open_poll("Q?", ["a", "b"]).ok
    assert not ix.open_poll("Q2?", ["a", "b"]).ok
    assert ix.stop("poll").ok
    assert ix.snapshot().poll is None
    assert [a.name for a in log] == [A.POLL_OPEN, A.POLL_CLOSE]


def test_keyword_helpers():
    assert normalize("ＡＢ！ c") == "abc"
    assert matches_exact("Ａ", {"a"}) and not matches_exact("", {"a"})
    assert matches_entry("我要抽奖!", "抽奖") and matches_entry("1", "1")
    assert not matches_entry("100", "1") and not matches_entry("抽", "抽奖")
