"""examples/verify_draw_standalone.py (stdlib only, written from the README spec) agrees with
the engine and with `live-console verify-draw` — on every draw of a 2,000-entrant show, and on
tampered logs."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

from console.__main__ import main
from console.core import actions as A
from console.core.clock import ManualClock
from console.core.events import Comment, Segment, Viewer
from console.core.hub import SessionHub
from console.interact.controller import Interactions
from console.store.writer import SessionStore

ROOT = Path(__file__).resolve().parent.parent
STANDALONE = ROOT / "examples" / "verify_draw_standalone.py"


def standalone(db: Path) -> tuple[int, dict[str, tuple[str, list[str]]]]:
    out = subprocess.run([sys.executable, "-I", str(STANDALONE), str(db)], capture_output=True, text=True,
                         timeout=300)
    assert not out.stderr, out.stderr
    verdicts = {}
    for line in out.stdout.splitlines():
        parts = line.split(" ")
        verdicts[parts[0]] = (parts[1], parts[2].split(",") if len(parts) > 2 and parts[2] else [])
    return out.returncode, verdicts


def big_show(path: Path, entrants: int = 2000) -> dict[str, list[str]]:
    """Three lotteries over a 2,000-viewer room (plain, followers-only, watch time + reroll)."""
    rng = random.Random(12)
    hub, clock = SessionHub(), ManualClock()
    store = SessionStore(path, clock=clock)
    store.start_session("demo", is_demo=True)
    hub.subscribe(store.enqueue_batch, name="store")
    ix = Interactions(hub, clock, presets=[])
    ix.chain_head = store.chain_head
    viewers = [Viewer(f"v{i:04d}", f"观众{i}", segment=rng.choice(list(Segment)),
                      is_follower=rng.choice([True, False, None])) for i in range(entrants)]
    engine_winners: dict[str, list[str]] = {}
    n = 0
    for rules, keyword in (({}, "抽奖"), ({"followers_only": True}, "扣1"), ({"min_watch_s": 20}, "我要")):
        assert ix.start_lottery(keyword, window_s=60, winners=5, rules=rules).ok
        draw_id = ix.snapshot().lottery.draw_id
        order = viewers[:]
        rng.shuffle(order)
        for chunk in range(0, len(order), 100):
            batch = []
            for v in order[chunk:chunk + 100]:
                n += 1
                text = rng.choice([keyword, f"{keyword}{keyword}", "hello", f"我也{keyword}!!"])
                batch.append(Comment("demo", f"m{n}", clock.now(), v, text=text))
            hub.publish_batch(batch)
            clock.advance(54 * 100 / entrants)  # the whole room comments inside the 60 s window
        ix.tick()
        assert store.flush()
        assert ix.draw().ok
        assert ix.reroll(2).ok
        engine_winners[draw_id] = ix.lottery.winner_ids
        ix.stop("lottery")
    store.close()
    return engine_winners


def test_app_standalone_and_engine_agree_on_a_2000_entrant_show(tmp_path, capsys):
    db = tmp_path / "big.sqlite"
    engine = big_show(db)
    assert main(["verify-draw", "--db", str(db), "--json"]) == 0
    app = {r["draw_id"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    code, alone = standalone(db)
    assert code == 0
    assert set(engine) == set(app) == set(alone) and len(engine) == 3
    for draw_id, winners in engine.items():
        assert app[draw_id]["status"] == "valid" and alone[draw_id][0] == "VALID"
        assert app[draw_id]["winners"] == winners == alone[draw_id][1]
        assert len(winners) == 7
    assert max(r["entrants"] for r in app.values()) > 1000


def test_both_verifiers_fail_the_same_tampered_log(tmp_path, capsys):
    db = tmp_path / "big.sqlite"
    engine = big_show(db, entrants=200)
    first = next(iter(engine))
    conn = sqlite3.connect(db)
    row_id, detail = conn.execute("SELECT id, detail FROM actions WHERE name = ? ORDER BY id LIMIT 1",
                                  [A.LOTTERY_ENTRY]).fetchone()
    detail = json.loads(detail)
    detail["viewer_id"] = "ringer"
    with conn:
        conn.execute("UPDATE actions SET detail = ? WHERE id = ?", [json.dumps(detail), row_id])
    conn.close()
    assert main(["verify-draw", "--db", str(db), "--draw", first]) == 1
    code, alone = standalone(db)
    assert code == 1 and alone[first][0] == "INVALID"
