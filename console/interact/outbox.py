"""Where engines put the Actions they record; the controller publishes them after each operation.

Engines never publish into the hub themselves: the controller drains the outbox once its lock is
released, so a subscriber reacting to an action (the demo audience, the log) never sees an engine
half-way through a change.
"""

from __future__ import annotations

import itertools
import secrets
from typing import Any, Mapping

from console.core.clock import Clock
from console.core.events import Action, ActionSource

PLATFORM = "console"


class Outbox:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._prefix = f"act-{secrets.token_hex(4)}"
        self._seq = itertools.count(1)
        self._pending: list[Action] = []

    def emit(self, name: str, detail: Mapping[str, Any], source: ActionSource) -> Action:
        action = Action(
            platform=PLATFORM,
            msg_id=f"{self._prefix}-{next(self._seq)}",
            ts=self.clock.now(),
            name=name,
            source=source,
            detail=detail,
        )
        self._pending.append(action)
        return action

    def drain(self) -> list[Action]:
        out, self._pending = self._pending, []
        return out

    def new_id(self, kind: str) -> str:
        return f"{kind}-{secrets.token_hex(4)}"
