#!/usr/bin/env python3
"""Example collector for the Live Console bridge (schema v1). Needs only Python + `websockets`.

Feeds events from a JSON-lines file (one schema-v1 object per line; `-` = stdin) or, with
`--fake N`, N made-up comments/gifts/likes/orders, to
ws://127.0.0.1:8765/bridge?token=… . Replace `read_source()` with your own platform reader
(Taobao, Kuaishou, TikTok, an in-house system): everything else — reconnecting, replaying the
last messages after a drop (the console drops the duplicates), showing the console's error
frames — is done here.

    LIVE_CONSOLE_BRIDGE_TOKEN=secret python examples/bridge_collector.py --fake 500
    python examples/bridge_collector.py --token secret events.jsonl
    python examples/bridge_collector.py --fake 300 --drop-every 100   # rehearse disconnects

Schema v1 (one JSON object per WebSocket message):
    {"v":1, "type":"comment|gift|like|follow|join|viewer_count|order", "id":"<platform msg id>",
     "ts":<epoch s>, "user":{"id":"…","name":"…"}, …type fields}
    comment: text · gift: name, count, value · like: count · viewer_count: count ·
    order: sku, quantity, amount
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import sys
import time
from typing import Iterator

import websockets

REPLAY = 200
"""Messages re-sent after a reconnect: whatever was in flight when the link dropped."""


def fake_events(n: int, seed: int = 7) -> Iterator[dict]:
    rng = random.Random(seed)
    names = ["小雨", "Mia", "阿杰", "Chen", "露露", "Sam", "花花", "Leo"]
    for i in range(n):
        user = {"id": f"u{rng.randrange(40)}", "name": rng.choice(names)}
        base = {"v": 1, "id": f"fake-{seed}-{i}", "ts": time.time(), "user": user}
        kind = rng.choices(["comment", "like", "gift", "order"], weights=[70, 15, 10, 5])[0]
        if kind == "comment":
            yield {**base, "type": "comment", "text": rng.choice(["好看!", "链接在哪", "1", "what size?", "求试色"])}
        elif kind == "like":
            yield {**base, "type": "like", "count": rng.randint(1, 20)}
        elif kind == "gift":
            yield {**base, "type": "gift", "name": "小心心", "count": rng.randint(1, 5), "value": 0.1}
        else:
            yield {**base, "type": "order", "sku": "LIP-01", "quantity": 1, "amount": 89.0}


def read_source(path: str) -> Iterator[dict]:
    stream = sys.stdin if path == "-" else open(path, encoding="utf-8")
    with stream:
        for line in stream:
            if line.strip():
                yield json.loads(line)


async def show_replies(ws) -> None:
    async for frame in ws:
        msg = json.loads(frame)
        if msg.get("type") == "error":
            print(f"console says: {msg.get('error')}: {msg.get('message')} (id {msg.get('id')})", file=sys.stderr)


async def run(url: str, events: Iterator[dict], drop_every: int, rate: float) -> int:
    recent: collections.deque[str] = collections.deque(maxlen=REPLAY)
    pending = iter(events)
    sent = 0
    backoff = 0.5
    while True:
        try:
            async with websockets.connect(url, max_size=1 << 20) as ws:
                hello = json.loads(await ws.recv())
                print(f"connected to the console ({hello.get('platform')}, schema v{hello.get('v')})", file=sys.stderr)
                backoff = 0.5
                replies = asyncio.create_task(show_replies(ws))
                for frame in list(recent):  # in flight when the link dropped: the console dedupes
                    await ws.send(frame)
                for event in pending:
                    frame = json.dumps(event, ensure_ascii=False)
                    await ws.send(frame)
                    recent.append(frame)
                    sent += 1
                    if rate:
                        await asyncio.sleep(1 / rate)
                    if drop_every and sent % drop_every == 0:
                        print(f"forced disconnect after {sent} messages", file=sys.stderr)
                        ws.transport.abort()  # a real network drop: no goodbye
                        break
                else:
                    await asyncio.sleep(0.5)  # let error frames arrive before saying goodbye
                    replies.cancel()
                    print(f"done: {sent} messages sent", file=sys.stderr)
                    return sent
                replies.cancel()
        except (OSError, websockets.exceptions.WebSocketException) as exc:
            if isinstance(exc, websockets.exceptions.InvalidStatus) and exc.response.status_code == 401:
                print("the console refused the token", file=sys.stderr)
                return -1
            print(f"link down ({type(exc).__name__}); retrying in {backoff:.1f} s", file=sys.stderr)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 10)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", nargs="?", help="JSON-lines file of schema-v1 events ('-' = stdin)")
    ap.add_argument("--fake", type=int, metavar="N", help="send N made-up events instead")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--token", default=os.environ.get("LIVE_CONSOLE_BRIDGE_TOKEN", ""))
    ap.add_argument("--rate", type=float, default=0, help="events per second (0 = as fast as possible)")
    ap.add_argument("--drop-every", type=int, default=0, metavar="K", help="drop the link after every K messages")
    args = ap.parse_args()
    if not args.token:
        ap.error("a token is needed: --token or LIVE_CONSOLE_BRIDGE_TOKEN")
    if args.fake is None and not args.source:
        ap.error("give a source file or --fake N")
    events = fake_events(args.fake) if args.fake is not None else read_source(args.source)
    url = f"ws://{args.host}:{args.port}/bridge?token={args.token}"
    return 0 if asyncio.run(run(url, events, args.drop_every, args.rate)) >= 0 else 1


if __name__ == "__main__":
    sys.exit(main())
