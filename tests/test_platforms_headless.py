"""End to end: `live-console --headless` against the Twitch and YouTube doubles with forced
reconnects and a show whose poll cue runs natively on both; the real SQLite log must hold exactly
the comments the doubles sent (by platform message id), once each."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import sys

from tests.doubles.twitch import TwitchDouble
from tests.doubles.youtube import YouTubeDouble
from tests.platform_helpers import until

SHOW = """
title = "native poll"

[[cue]]
id = "poll"
at_s = 1
action = "open_poll"
question = "Which shade next?"
options = ["Ruby", "Coral"]
duration_s = 15
"""


def config(tw: TwitchDouble, yt: YouTubeDouble) -> str:
    return f"""
[platform]
use = ["twitch", "youtube"]

[twitch]
eventsub_url = "{tw.ws_url}"
helix_base = "{tw.base}/helix"
auth_base = "{tw.base}"
broadcaster = "hostchannel"
keepalive_s = 3
keepalive_margin_s = 8
reconnect_base_s = 0.2
reconnect_cap_s = 1

[youtube]
api_base = "{yt.base}/youtube/v3"
auth_base = "{yt.base}"
quota_per_day = 1000000
reconnect_base_s = 0.2
reconnect_cap_s = 1
"""


def logged(db, platform, kind="comment") -> list[str]:
    if not os.path.exists(db):
        return []
    con = sqlite3.connect(db)
    try:
        return [r[0] for r in con.execute("SELECT msg_id FROM events WHERE platform=? AND kind=?", (platform, kind))]
    except sqlite3.Error:
        return []
    finally:
        con.close()


async def test_headless_session_from_both_doubles_with_forced_reconnects(tmp_path):
    tw = await TwitchDouble(keepalive_s=3).start()
    yt = await YouTubeDouble(polling_ms=100).start()
    (tmp_path / "cfg.toml").write_text(config(tw, yt), encoding="utf-8")
    (tmp_path / "show.toml").write_text(SHOW, encoding="utf-8")
    db = str(tmp_path / "s.db")
    env = {**os.environ, "LIVE_CONSOLE_TWITCH_TOKEN": "tok-good", "LIVE_CONSOLE_TWITCH_CLIENT_ID": "cid-123",
           "LIVE_CONSOLE_YOUTUBE_TOKEN": "ya29.good"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "console", "--headless", "--config", str(tmp_path / "cfg.toml"), "--db", db,
        "--camera", "demo", "--show", str(tmp_path / "show.toml"), "--quit-after", "240", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        s = await tw.wait_subscribed(6, timeout=90)
        await until(lambda: len(yt.page_tokens) >= 1, timeout=60, what="YouTube polled")
        for i in range(10):
            await tw.chat(s, f"hello {i}")
        s = await tw.reconnect_mid_burst(s, before=5, during=5, after=5, redeliver=3)
        await tw.redeliver(s, 4)
        yt_sent = [yt.add_text(f"yt {i}") for i in range(8)] + [yt.add_superchat("for you", 3_000_000)]
        yt.fail_next_5xx = 1
        yt_sent.append(yt.add_text("after the 503"))
        s.silent = True  # keepalive silence: a fresh session, resubscribed
        s = await tw.wait_subscribed(6, timeout=60, after=tw.sessions.index(s) + 1)
        for i in range(5):
            await tw.chat(s, f"after silence {i}")
        # The show's poll cue runs natively on both platforms; viewers vote there.
        await until(lambda: tw.polls and yt.polls, timeout=60, what="native polls created")
        tw.vote(next(iter(tw.polls)), [6, 2])
        yt.vote(next(iter(yt.polls)), [1, 4])
        await until(lambda: next(iter(tw.polls.values()))["status"] == "TERMINATED"
                    and next(iter(yt.polls.values()))["snippet"]["pollDetails"]["status"] == "closed",
                    timeout=90, what="poll closed on both platforms by the console")
        await until(lambda: sorted(logged(db, "twitch")) == sorted(tw.sent)
                    and sorted(logged(db, "youtube")) == sorted(yt_sent), timeout=60, what="every comment logged")
        yt.offline = True
        proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), 120)
        assert proc.returncode == 0, err.decode()[-2000:]
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await tw.stop()
        await yt.stop()

    twitch_ids, youtube_ids = logged(db, "twitch"), logged(db, "youtube")
    assert sorted(twitch_ids) == sorted(tw.sent) and len(twitch_ids) == len(set(twitch_ids)) == 30
    assert sorted(youtube_ids) == sorted(yt_sent) and len(youtube_ids) == 10
    assert not set(yt.history_ids) & set(youtube_ids)
    con = sqlite3.connect(db)
    statuses = [(p, json.loads(d)) for p, d in con.execute(
        "SELECT platform, detail FROM actions WHERE name='provider.status' ORDER BY id")]
    assert any(p == "twitch" and d["state"] == "reconnecting" and "keepalive" in d["message"] for p, d in statuses)
    assert any(p == "youtube" and d["state"] == "reconnecting" for p, d in statuses)
    native = [json.loads(d) for (d,) in con.execute("SELECT detail FROM actions WHERE name='poll.native'")]
    closed = {n["platform"]: n["tally"] for n in native if n["state"] == "closed"}
    assert closed == {"twitch": [6, 2], "youtube": [1, 4]}
    platform, ended = con.execute("SELECT platform, ended_at FROM sessions").fetchone()
    assert platform == "twitch+youtube" and ended is not None
