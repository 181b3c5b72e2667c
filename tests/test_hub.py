import threading

from console.core.events import (COMMENT_SAFETY_CAP, MAX_COMMENT_CHARS, Action, ActionSource, Comment, Like, Viewer,
                                 clip_comment)
from console.core.hub import SessionHub


def _comment(i: int, text: str = "hi") -> Comment:
    return Comment(platform="demo", msg_id=f"m{i}", ts=1.0 + i, viewer=Viewer(f"v{i}", f"viewer{i}"), text=text)


def test_fan_out_delivers_batches_to_every_subscriber():
    hub = SessionHub()
    a, b = [], []
    hub.subscribe(a.extend, name="a")
    hub.subscribe(lambda batch: b.append(len(batch)), name="b")
    hub.publish_batch([_comment(i) for i in range(5)])
    hub.publish(_comment(9))
    assert [e.msg_id for e in a] == ["m0", "m1", "m2", "m3", "m4", "m9"]
    assert b == [5, 1]
    assert hub.published == 6


def test_kind_filter_only_delivers_requested_kinds():
    hub = SessionHub()
    likes = []
    hub.subscribe(likes.extend, kinds={"like"})
    hub.publish_batch([_comment(1), Like(platform="demo", msg_id="l1", ts=2.0, count=3), _comment(2)])
    assert [e.msg_id for e in likes] == ["l1"]


def test_failing_subscriber_does_not_stop_the_others():
    hub = SessionHub()
    got = []

    def broken(batch):
        raise RuntimeError("boom")

    hub.subscribe(broken, name="broken")
    hub.subscribe(got.extend, name="ok")
    hub.publish(_comment(1))
    assert len(got) == 1
    assert hub.subscriber_errors == 1


def test_subscriber_may_publish_without_deadlock():
    hub = SessionHub()
    seen = []

    def engine(batch):
        for e in batch:
            if e.kind == "comment":
                hub.publish(Action(platform="demo", msg_id=f"a-{e.msg_id}", ts=e.ts, name="poll.vote", source=ActionSource.ENGINE))

    hub.subscribe(engine, name="engine")
    hub.subscribe(seen.extend, name="log")
    hub.publish(_comment(1))
    assert {e.kind for e in seen} == {"comment", "action"}


def test_unsubscribe_and_concurrent_publish():
    hub = SessionHub()
    got = []
    lock = threading.Lock()

    def sink(batch):
        with lock:
            got.extend(batch)

    sub = hub.subscribe(sink)
    threads = [threading.Thread(target=lambda k=k: [hub.publish(_comment(k * 1000 + i)) for i in range(500)]) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 2000 and hub.published == 2000
    hub.unsubscribe(sub)
    hub.publish(_comment(1))
    assert len(got) == 2000


def test_events_are_immutable_and_comments_capped():
    # Storage keeps the platform's full text; 200 characters is what a panel shows.
    c = _comment(1, "x" * 1000)
    assert c.text == "x" * 1000
    assert len(clip_comment(c.text)) == MAX_COMMENT_CHARS and clip_comment(c.text).endswith("…")
    assert clip_comment("short") == "short"
    # Abuse beyond the hard safety cap is cut, so memory and the log stay bounded.
    huge = _comment(2, "y" * (COMMENT_SAFETY_CAP * 3))
    assert len(huge.text) == COMMENT_SAFETY_CAP
    try:
        c.text = "changed"  # type: ignore[misc]
    except Exception as exc:
        assert "frozen" in type(exc).__name__.lower() or isinstance(exc, AttributeError)
    else:
        raise AssertionError("events must be frozen")
    a = Action(platform="demo", msg_id="a", ts=1.0, name="x", detail={"k": 1})
    try:
        a.detail["k"] = 2  # type: ignore[index]
    except TypeError:
        pass
    else:
        raise AssertionError("action detail must be read-only")
