"""End to end: `live-console --headless --config cfg.toml --quit-after N --db s.db` against the
Twitch double with a run-of-show that starts a channel-points prediction, locks it and names the
winner. The real SQLite log must hold each step with Twitch's prediction id and tallies."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys

from tests.doubles.twitch import TwitchDouble
from tests.platform_helpers import until

SHOW = """
title = "prediction night"

[[cue]]
id = "bet"
at_s = 1
action = "start_prediction"
title = "Sold out before the break?"
outcomes = ["Yes", "No"]
window_s = 120

[[cue]]
id = "lock"
at_s = 12
action = "lock_prediction"

[[cue]]
id = "result"
at_s = 18
action = "resolve_prediction"
winner = "Yes"
"""


def config(tw: TwitchDouble) -> str:
    return f"""
[platform]
use = ["twitch"]

[twitch]
eventsub_url = "{tw.ws_url}"
helix_base = "{tw.base}/helix"
auth_base = "{tw.base}"
broadcaster = "hostchannel"
predictions = true
keepalive_s = 10
"""


async def test_headless_show_runs_a_prediction_on_the_twitch_double(tmp_path):
    tw = await TwitchDouble(keepalive_s=10).start()
    (tmp_path / "cfg.toml").write_text(config(tw), encoding="utf-8")
    (tmp_path / "show.toml").write_text(SHOW, encoding="utf-8")
    db = str(tmp_path / "s.db")
    env = {**os.environ, "LIVE_CONSOLE_TWITCH_TOKEN": "tok-good", "LIVE_CONSOLE_TWITCH_CLIENT_ID": "cid-123"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "console", "--headless", "--config", str(tmp_path / "cfg.toml"), "--db", db,
        "--camera", "demo", "--show", str(tmp_path / "show.toml"), "--quit-after", "45", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await until(lambda: tw.predictions, timeout=90, what="the cue created the prediction on Twitch")
        pred = next(iter(tw.predictions.values()))
        tw.bet(pred["id"], 0, "ann", 1200)
        tw.bet(pred["id"], 1, "bob", 300)
        tw.bet(pred["id"], 1, "cat", 200)
        await until(lambda: pred["status"] == "RESOLVED", timeout=90, what="locked and resolved by the cues")
        out, err = await asyncio.wait_for(proc.communicate(), 120)  # --quit-after ends it
        assert proc.returncode == 0, err.decode()[-2000:]
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await tw.stop()

    assert [b["status"] for b in tw.patches] == ["LOCKED", "RESOLVED"]
    assert pred["winning_outcome_id"] == pred["outcomes"][0]["id"]
    con = sqlite3.connect(db)
    rows = [(n, s, json.loads(d)) for n, s, d in con.execute(
        "SELECT name, source, detail FROM actions WHERE name LIKE 'prediction.%' ORDER BY id")]
    assert [n for n, _, _ in rows] == ["prediction.open", "prediction.lock", "prediction.resolve"]
    assert all(s == "cue" and d["remote_id"] == pred["id"] and d["platform"] == "twitch" for _, s, d in rows)
    final = [{"title": o["title"], "users": o["users"], "channel_points": o["channel_points"]} for o in pred["outcomes"]]
    assert rows[-1][2]["outcomes"] == final and rows[-1][2]["winner"] == "Yes"
    fires = [json.loads(d) for (d,) in con.execute("SELECT detail FROM actions WHERE name='cue.fire'")]
    assert [f["cue_id"] for f in fires] == ["bet", "lock", "result"] and all(f["ok"] for f in fires)
    platform, ended = con.execute("SELECT platform, ended_at FROM sessions").fetchone()
    assert platform == "twitch" and ended is not None
