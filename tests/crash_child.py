"""A console that opens a lottery, takes entries and then waits to be killed (kill -9 tests).

Run as `python tests/crash_child.py DB N_VIEWERS [N_UNDECIDED]`; prints READY <draw_id> <commitment> once
the entries are on disk. Uses the real hub, store, engines and the keyring (file backend).
"""

import sys
import time
from pathlib import Path

from console.core.events import Comment, Viewer
from console.core.hub import SessionHub
from console.interact.controller import Interactions
from console.store.writer import SessionStore


def main() -> None:
    db, n = Path(sys.argv[1]), int(sys.argv[2])
    hub = SessionHub()
    store = SessionStore(db)
    store.start_session("demo", is_demo=True)
    hub.subscribe(store.enqueue_batch, name="store")
    ix = Interactions(hub, presets=[])
    assert ix.start_lottery("抽奖", window_s=600, winners=3).ok
    view = ix.snapshot().lottery
    hub.publish_batch([Comment("demo", f"m{i}", time.time(), Viewer(f"v{i}", f"观众{i}"),
                               text="抽奖" if i % 3 else "hello") for i in range(n)])
    # Optionally: comments the log got but the engine never decided (the crash fell in between).
    undecided = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    store.enqueue_batch([Comment("demo", f"u{i}", time.time(), Viewer(f"u{i}", f"晚到{i}"), text="我要抽奖")
                         for i in range(undecided)])
    assert store.flush(timeout=30)
    print("READY", view.draw_id, view.commitment, flush=True)
    time.sleep(600)


if __name__ == "__main__":
    main()
