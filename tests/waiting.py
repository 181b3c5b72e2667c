"""Waiting for something to happen, the one way tests do it.

A test never sleeps a fixed time for work to finish, nor counts a fixed number of short polls: on
a machine whose two cores are busy with other builds either is sometimes too short. It waits for
the condition itself, with a deadline generous enough that only a real fault reaches it, and
then fails saying what never happened. `wait_until` from plain threads, `until` inside asyncio
(it yields to the loop between polls). In Qt tests `qtbot.waitUntil(…, timeout=…)` does the
same with the Qt loop running.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from typing import Callable

DEADLINE_S = 60.0
"""Long enough for a loaded 2-core machine; a passing test never waits for it."""
Why = str | Callable[[], str] | None


def _failure(predicate: Callable[[], object], what: Why, timeout: float) -> AssertionError:
    if what is None:  # the condition's own source line says what was awaited
        try:
            what = inspect.getsource(predicate).strip()
        except (OSError, TypeError):
            what = repr(predicate)
    detail = what() if callable(what) else what
    return AssertionError(f"timed out after {timeout:g} s waiting for {detail}")


def wait_until(predicate: Callable[[], object], timeout: float = DEADLINE_S, what: Why = None,
               interval: float = 0.02) -> None:
    """Return as soon as `predicate()` is true; AssertionError naming `what` (text, a callable
    giving the state at the time, or by default the condition's source line) after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise _failure(predicate, what, timeout)
        time.sleep(interval)


async def until(predicate: Callable[[], object], timeout: float = DEADLINE_S, what: Why = None,
                interval: float = 0.02) -> None:
    """`wait_until` for coroutines: the event loop runs between polls."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise _failure(predicate, what, timeout)
        await asyncio.sleep(interval)
