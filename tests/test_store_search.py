"""Full-text search over comments: FTS5 from hostile host input, on the real SQLite log."""

from __future__ import annotations

import sqlite3

import pytest

from console.core.events import Comment, Like, Viewer
from console.store import search
from console.store.writer import SessionStore

TEXTS = [
    "这个多少钱", "多少钱包邮吗", "link? pls", "LINK OR nothing", 'he said "hi" (twice)', "100% cotton",
    "under_score", "a*b star", "NEAR(a b)", "text:colon", "' OR 1=1 --", "back\\slash", "160 穿什么码?",
    "emoji 😍 here", "plain words only", "or else",
]
HOSTILE = ["*", "OR", "or", '"', '""', "(", ")", "NEAR(a b)", "text:colon", "' OR 1=1 --", "%", "_",
           "\\", "a*b", "AND", "NOT", "-", "^", "{a b}", '" OR "', "多少钱 OR", "钱", "link?", "LINK",
           "😍", "100%", "under_score", "\x00", "穿什么码"]


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "s.db"
    store = SessionStore(path)
    sid = store.start_session("demo")
    events = [Comment("demo", f"c{i}", 1000.0 + i, Viewer(f"u{i}", f"v{i}"), text=t) for i, t in enumerate(TEXTS)]
    events.append(Like("demo", "l1", 1000.5, Viewer("u1", "v1"), count=3))
    store.enqueue_batch(events)
    store.close()
    return path, sid


def expected(query: str) -> list[str]:
    words = query.split()
    if not words:
        return []
    return [t for t in TEXTS if all(w.casefold() in t.casefold() for w in words)]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_match_only_literally(log, query):
    path, sid = log
    got = [r["text"] for r in search.search_comments(path, sid, query)]
    assert got == expected(query)


def test_every_word_must_occur_and_case_is_ignored(log):
    path, sid = log
    assert [r["text"] for r in search.search_comments(path, sid, "link pls")] == ["link? pls"]
    assert [r["text"] for r in search.search_comments(path, sid, "多少钱")] == ["这个多少钱", "多少钱包邮吗"]
    assert search.search_comments(path, sid, "   ") == []


def test_fts_string_never_leaves_its_quotes():
    assert search.fts_string('a"b') == '"a""b"'
    sql, params = search.build_query(1, 'abc" OR "xyz')
    assert " OR " not in sql and params[1] == '"abc""" AND """xyz"'  # OR (2 chars) goes to LIKE
    assert params[2] == "%OR%"
    # The expression parses in SQLite and means "all three words".
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='trigram')")
    conn.executemany("INSERT INTO t VALUES (?)", [('abc" OR "xyz',), ("abc OR xyz",), ("only abc",)])
    expr = search.match_expression(['abc"', '"xyz'])
    assert [r[0] for r in conn.execute("SELECT text FROM t WHERE t MATCH ?", [expr])] == ['abc" OR "xyz']


def test_comments_between_is_half_open(log):
    path, sid = log
    rows = search.comments_between(path, sid, 1002.0, 1005.0)
    assert [r["text"] for r in rows] == TEXTS[2:5]
