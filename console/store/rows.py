"""Turning hub events into the tuples the writer inserts, and keeping secrets out of the file.

Runs on the writer thread, so `enqueue_batch` on the caller's side stays a queue put.
"""

from __future__ import annotations

import json
import math
import re
import time
from typing import Any, Callable, Iterable, Mapping

from console.core.events import Action, Event
from console.core.secrets_scrub import scrub_text

MAX_NAME_CHARS = 100
"""Viewer names are untrusted; a pathological one must not bloat the log."""

EVENT_COLUMNS = (
    "session_id", "kind", "platform", "msg_id", "ts", "viewer_id", "viewer_name", "payload"
)
ACTION_COLUMNS = ("session_id", "ts", "name", "source", "detail", "platform", "msg_id")

_SECRET_KEY = re.compile(
    r"(secret|token|password|passwd|cookie|credential|auth(?!or)|signature"
    r"|api[_-]?key|private[_-]?key|stream[_-]?key|session[_-]?id$)",
    re.I,
)


def dumps_detail(detail: Mapping[str, Any]) -> str:
    """verify-draw recomputes draws from this text, so key order and non-ASCII are kept as given."""
    return json.dumps(dict(detail), sort_keys=False, ensure_ascii=False)


def _json_or_fallback(dump: Callable[[], str], get_value: Callable[[], Any]) -> str:
    """Provider or engine bugs (a set, a datetime in a payload) must cost one field, not the log."""
    try:
        return dump()
    except (TypeError, ValueError):
        value = get_value()
        try:
            return json.dumps(value, ensure_ascii=False, default=str)
        except (TypeError, ValueError):  # e.g. a circular structure
            return json.dumps({"unserialisable": repr(value)[:500]}, ensure_ascii=False)


def _ts(value: Any) -> float:
    try:
        ts = float(value)
    except (TypeError, ValueError):
        return time.time()
    return ts if math.isfinite(ts) else time.time()


_SURROGATE = re.compile("[\ud800-\udfff]")


def _storable(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """UTF-8 (so SQLite) cannot hold a lone surrogate; one in a comment or a viewer name would
    fail the whole batch and stop the writer. Replace it with U+FFFD instead of losing the event."""
    search = _SURROGATE.search
    for v in row:  # a plain loop, not any(<generator>): this runs for every row
        if isinstance(v, str) and not v.isascii() and search(v):
            return tuple(_SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v for v in row)
    return row


def _text(value: Any) -> str | None:
    # NULL, not '': an id-less event must never be mistaken for a duplicate of another.
    return None if value is None or value == "" else str(value)


def split_rows(
    session_id: int, events: Iterable[Event], order: list[bool] | None = None
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(event rows, action rows) for one enqueued batch, in arrival order.

    Values are coerced to what the columns hold, so one malformed event can't make the
    database refuse the whole batch. `order` (if given) gets True per event row and False per
    action row, in arrival order: the log's own order across both tables (see chain.py).
    """
    if order is None:
        order = []
    event_rows: list[tuple[Any, ...]] = []
    action_rows: list[tuple[Any, ...]] = []
    for ev in events:
        if isinstance(ev, Action):
            detail = ev.detail
            action_rows.append(_storable(
                (
                    session_id,
                    _ts(ev.ts),
                    str(ev.name),
                    str(ev.source),
                    _json_or_fallback(lambda: dumps_detail(detail), lambda: dict(detail)),
                    _text(ev.platform),
                    _text(ev.msg_id),
                )
            ))
            order.append(False)
            continue
        viewer = ev.viewer
        try:
            payload = ev.payload_json()
        except (TypeError, ValueError):
            payload = _json_or_fallback(ev.payload_json, lambda: _payload_or_repr(ev))
        ts = ev.ts
        row = (
            session_id,
            ev.kind,
            _text(ev.platform),
            _text(ev.msg_id),
            # The common case (a finite float) without a call: this loop runs 20,000+ times/s.
            ts if type(ts) is float and -_FAR < ts < _FAR else _ts(ts),
            _text(viewer.id) if viewer else None,
            str(viewer.name)[:MAX_NAME_CHARS] if viewer else None,
            payload,
        )
        event_rows.append(_storable(row))
        order.append(True)
    return event_rows, action_rows


_FAR = 1e12
"""Beyond any epoch timestamp a platform sends (year 33658): such a value goes through _ts."""


def _payload_or_repr(ev: Event) -> Any:
    try:
        return ev.payload()
    except Exception:  # noqa: BLE001 — a broken payload() is a bug to log, not a lost event
        return {"unserialisable": repr(ev)[:500]}


def scrub_secrets(meta: Any) -> tuple[Any, list[str]]:
    """A copy of `meta` without keys that look like credentials and with credential-shaped values
    masked (see core/secrets_scrub.py), and the dotted keys dropped or masked.

    Session meta comes from provider settings; a stream key or OAuth token there must never
    reach a file the team passes around after the show.
    """
    dropped: list[str] = []

    def walk(value: Any, prefix: str) -> Any:
        if isinstance(value, Mapping):
            out = {}
            for key, item in value.items():
                path = f"{prefix}{key}"
                if _SECRET_KEY.search(str(key)):
                    dropped.append(path)
                    continue
                out[str(key)] = walk(item, path + ".")
            return out
        if isinstance(value, (list, tuple)):
            return [walk(item, f"{prefix}{i}.") for i, item in enumerate(value)]
        if isinstance(value, str):
            clean = scrub_text(value)  # by shape: rtsp://user:pass@…, bearer tokens, API keys
            if clean != value:
                dropped.append(prefix.rstrip(".") + " (credentials masked)")
            return clean
        return value

    return walk(meta, ""), dropped


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
