"""Run the Twitch and YouTube doubles with a misbehaving scenario, for a headless session:

    python -m tests.doubles --twitch-ws 18081 --twitch-http 18080 --youtube 18090 --report sent.json

Prints the config to use, then (once the console connects) streams chat and gifts while forcing
reconnects: two session_reconnect handovers mid-burst, redelivered notifications, one keepalive
silence, a 429 with reset headers, a revoked subscription (Twitch); 503s, a quota error and
finally offlineAt (YouTube). Votes arrive on any native poll, bets on any active prediction. On exit (SIGINT/SIGTERM or
--duration) it writes what it sent to --report, for `python -m tests.doubles.verify`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import time

from .twitch import TwitchDouble
from .youtube import YouTubeDouble


async def twitch_scenario(tw: TwitchDouble, stats: dict) -> None:
    s = await tw.wait_subscribed(6, timeout=3600)
    t0 = time.monotonic()
    done: set[str] = set()
    i = 0

    def due(name: str, at: float) -> bool:
        if name not in done and time.monotonic() - t0 >= at:
            done.add(name)
            return True
        return False

    while True:
        live = [x for x in tw.live_sessions() if len(x.subs) >= 5]
        s = live[-1] if live else s
        if not s.closed.is_set():
            with contextlib.suppress(Exception):
                await tw.chat(s, f"chat {i} 好看" if i % 3 else f"Cheer10 nice {i}", user=f"v{i % 17}",
                              bits=10 if i % 10 == 0 else 0)
                i += 1
        if due("reconnect1", 4) or due("reconnect2", 17):
            with contextlib.suppress(Exception):
                s = await tw.reconnect_mid_burst(s, before=5, during=5, after=5, redeliver=3)
                stats["handovers"] += 1
        if due("redeliver", 8):
            with contextlib.suppress(Exception):
                await tw.redeliver(s, 5)
                stats["redelivered"] += 5
        if due("silence", 10):
            s.silent = True
            stats["silences"] += 1
            with contextlib.suppress(Exception):
                s = await tw.wait_subscribed(6, timeout=60, after=tw.sessions.index(s) + 1)
        if due("ratelimit", 14):
            tw.limit_next = 2
            stats["rate_limited"] += 2
        if due("revoke", 20):
            with contextlib.suppress(Exception):
                await tw.revoke(s, "channel.raid")
                stats["revoked"].append("channel.raid")
        for pid, poll in tw.polls.items():
            if poll["status"] == "ACTIVE":
                tw.vote(pid, [c["votes"] + (k + 1) for k, c in enumerate(poll["choices"])])
        for pid, pred in list(tw.predictions.items()):
            if pred["status"] == "ACTIVE" and sum(o["users"] for o in pred["outcomes"]) < 40:
                n = sum(o["users"] for o in pred["outcomes"])
                tw.bet(pid, n % len(pred["outcomes"]), f"bettor{n}", 100 * (n % 7 + 1))
        await asyncio.sleep(0.15)


async def youtube_scenario(yt: YouTubeDouble, stats: dict, end_at: float) -> None:
    while len(yt.page_tokens) == 0:
        await asyncio.sleep(0.05)
    t0 = time.monotonic()
    done: set[str] = set()
    i = 0
    while not yt.offline:  # nothing is said after the stream went offline
        t = time.monotonic() - t0
        stats["sent"].append(yt.add_text(f"msg {i} 想要", author=f"yv{i % 13}"))
        if i % 10 == 5:
            stats["sent"].append(yt.add_superchat(f"super {i}", 2_000_000))
        i += 1
        if t >= 6 and "5xx" not in done:
            done.add("5xx")
            yt.fail_next_5xx = 2
            stats["errors_5xx"] += 2
        if t >= 12 and "quota" not in done:
            done.add("quota")
            yt.quota_fail_next = 1
            stats["quota_errors"] += 1
        for pid, p in yt.polls.items():
            if p["snippet"]["pollDetails"]["status"] == "active":
                yt.vote(pid, [int(o["tally"]) + k + 1 for k, o in
                              enumerate(p["snippet"]["pollDetails"]["metadata"]["options"])])
        await asyncio.sleep(0.3)
        if t >= end_at:
            yt.offline = True
            stats["offline_at"] = time.time()


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--twitch-http", type=int, default=0)
    ap.add_argument("--twitch-ws", type=int, default=0)
    ap.add_argument("--youtube", type=int, default=0)
    ap.add_argument("--report", default="doubles-report.json")
    ap.add_argument("--duration", type=float, default=3600)
    ap.add_argument("--youtube-ends-at", type=float, default=26)
    args = ap.parse_args()
    tw = await TwitchDouble(keepalive_s=5).start(args.twitch_http, args.twitch_ws)
    yt = await YouTubeDouble(polling_ms=200).start(args.youtube)
    print(json.dumps({"twitch": tw.config, "youtube": yt.config}), flush=True)
    tstats = {"handovers": 0, "redelivered": 0, "silences": 0, "rate_limited": 0, "revoked": []}
    ystats = {"sent": [], "errors_5xx": 0, "quota_errors": 0}
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    tasks = [asyncio.create_task(twitch_scenario(tw, tstats)),
             asyncio.create_task(youtube_scenario(yt, ystats, args.youtube_ends_at))]
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stop.wait(), args.duration)
    for t in tasks:
        t.cancel()
    report = {
        "twitch": {**tstats, "chat_ids": tw.sent, "sessions": len(tw.sessions),
                   "polls": list(tw.polls.values()), "predictions": list(tw.public_predictions()),
                   "prediction_patches": tw.patches},
        "youtube": {**{k: v for k, v in ystats.items() if k != "sent"}, "comment_ids": ystats["sent"],
                    "list_calls": len(yt.page_tokens), "list_times": yt.list_times, "offline_at": ystats.get("offline_at"), "offline": yt.offline,
                    "polls": [p["snippet"]["pollDetails"] | {"id": p["id"]} for p in yt.polls.values()],
                    "inserted": yt.inserted},
    }
    with open(args.report, "w", encoding="utf-8") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
    await tw.stop()
    await yt.stop()


if __name__ == "__main__":
    asyncio.run(main())
