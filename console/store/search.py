"""Full-text search over a session's comments (the FTS5 table from schema migration v3).

The host types words; every word must occur in the comment (AND), in any case. Words are never
passed to SQLite as query syntax: each is a quoted FTS5 string (a `"` doubled inside it), so
`*`, `OR`, `NEAR`, `col:`, quotes or parentheses only ever match themselves and can neither
break nor widen the query. The trigram index needs ≥ 3 characters; shorter words (most Chinese
words: 链接, 码) are matched with LIKE, their `%`/`_` escaped, on the same rows.

Readers open the file read-only with their own connection (safe from a worker thread while the
writer commits; WAL lets both run).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

MAX_ROWS = 2000
"""What the panel shows at most; `count` still says how many matched."""

_SELECT = ("SELECT e.id, e.msg_id, e.ts, e.viewer_id, e.viewer_name, e.platform, f.text "
           "FROM comments_fts f JOIN events e ON e.id = f.rowid WHERE e.session_id = ?")


def words_of(query: str) -> list[str]:
    # NUL ends a string inside SQLite's LIKE, which would turn "x\0" into "match everything".
    return [w for w in query.replace("\x00", " ").split() if w]


def fts_string(word: str) -> str:
    """One FTS5 string literal: the word, quotes doubled, nothing else."""
    return '"' + word.replace('"', '""') + '"'


def match_expression(words: list[str]) -> str:
    return " AND ".join(fts_string(w) for w in words)


def like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def build_query(session_id: int, query: str, limit: int = MAX_ROWS,
                t0: float | None = None, t1: float | None = None) -> tuple[str, list[Any]]:
    words = words_of(query)
    long = [w for w in words if len(w) >= 3]
    short = [w for w in words if len(w) < 3]
    sql, params = _SELECT, [session_id]
    if long:
        sql += " AND comments_fts MATCH ?"
        params.append(match_expression(long))
    for w in short:
        sql += " AND f.text LIKE ? ESCAPE '\\'"
        params.append(like_pattern(w))
    if t0 is not None:
        sql += " AND e.ts >= ?"
        params.append(t0)
    if t1 is not None:
        sql += " AND e.ts < ?"
        params.append(t1)
    sql += " ORDER BY e.ts, e.id LIMIT ?"
    params.append(limit)
    return sql, params


def connect_readonly(path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
    conn.row_factory = sqlite3.Row
    return conn


def _rows(conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(sql, params)]


def search_comments(path: Path | str, session_id: int, query: str, limit: int = MAX_ROWS,
                    t0: float | None = None, t1: float | None = None) -> list[dict[str, Any]]:
    """Comments of one session containing every word of `query`, oldest first."""
    if not words_of(query):
        return []
    conn = connect_readonly(path)
    try:
        return _rows(conn, *build_query(session_id, query, limit, t0, t1))
    finally:
        conn.close()


def comments_between(path: Path | str, session_id: int, t0: float, t1: float,
                     limit: int = 200_000) -> list[dict[str, Any]]:
    """Every comment of the session with t0 ≤ ts < t1 (a heatmap cell's time range)."""
    conn = connect_readonly(path)
    try:
        rows = conn.execute(
            "SELECT id, msg_id, ts, viewer_id, viewer_name, platform, payload FROM events "
            "WHERE session_id = ? AND kind = 'comment' AND ts >= ? AND ts < ? ORDER BY ts, id LIMIT ?",
            [session_id, t0, t1, limit],
        ).fetchall()
    finally:
        conn.close()
    out = []
    for r in rows:
        row = dict(r)
        try:
            row["text"] = str(json.loads(row.pop("payload") or "{}").get("text", ""))
        except (ValueError, AttributeError):
            row["text"] = ""
        out.append(row)
    return out
