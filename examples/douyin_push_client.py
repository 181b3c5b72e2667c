#!/usr/bin/env python3
"""Rehearse Douyin push without Douyin: sends signed pushes, exactly as the platform does, to the
console's receiver (or to your relay). Standard library only.

    LIVE_CONSOLE_DOUYIN_APP_SECRET=secret python examples/douyin_push_client.py \
        --url http://127.0.0.1:8766/douyin/push --comments 300 --gifts 40 --likes 60 --redeliver --bad

Each push is a JSON array of up to --batch messages with the headers x-nonce-str, x-timestamp
(ms), x-roomid, x-msg-type and x-signature = base64(MD5(sorted "k=v&…" of those x- headers +
body + secret)). --redeliver sends every push twice (Douyin delivers at least once); --bad adds
an unsigned, a wrongly signed and a stale push, which the console must refuse. Prints what was
sent so the session log can be checked against it.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid

SIGNED = ("x-msg-type", "x-nonce-str", "x-roomid", "x-timestamp")


def sign(headers: dict, body: bytes, secret: str) -> str:
    head = "&".join(f"{k}={headers[k]}" for k in sorted(SIGNED))
    return base64.b64encode(hashlib.md5(head.encode() + body + secret.encode()).digest()).decode()


def post(url: str, msg_type: str, items: list, secret: str, *, signed=True, age_s=0.0, roomid="7000") -> int:
    body = json.dumps(items, ensure_ascii=False).encode()
    headers = {"x-nonce-str": uuid.uuid4().hex, "x-timestamp": str(int((time.time() - age_s) * 1000)),
               "x-roomid": roomid, "x-msg-type": msg_type}
    if signed:
        headers["x-signature"] = sign(headers, body, secret)
    req = urllib.request.Request(url, data=body, method="POST", headers={**headers, "content-type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def messages(kind: str, n: int, run: str) -> list[dict]:
    out = []
    for i in range(n):
        m = {"msg_id": f"{run}-{kind}-{i}", "sec_openid": f"open{i % 25}", "nickname": f"观众{i % 25}",
             "avatar_url": "", "timestamp": int(time.time() * 1000)}
        if kind == "live_comment":
            m["content"] = ["好看!", "链接在哪", "多少钱", "求试色", "1"][i % 5]
        elif kind == "live_gift":
            m.update(sec_gift_id="rose", gift_num=1 + i % 3, gift_value=10 * (1 + i % 3))
        elif kind == "live_like":
            m["like_num"] = 1 + i % 15
        else:
            m["fansclub_reason_type"] = 2
        out.append(m)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:8766/douyin/push")
    ap.add_argument("--secret", default=os.environ.get("LIVE_CONSOLE_DOUYIN_APP_SECRET", ""))
    ap.add_argument("--comments", type=int, default=100)
    ap.add_argument("--gifts", type=int, default=10)
    ap.add_argument("--likes", type=int, default=20)
    ap.add_argument("--fansclub", type=int, default=5)
    ap.add_argument("--batch", type=int, default=20)
    ap.add_argument("--redeliver", action="store_true", help="send every push twice")
    ap.add_argument("--bad", action="store_true", help="also send unsigned, wrongly signed and stale pushes")
    args = ap.parse_args()
    if not args.secret:
        ap.error("the push secret is needed: --secret or LIVE_CONSOLE_DOUYIN_APP_SECRET")
    run = uuid.uuid4().hex[:6]
    sent: dict[str, int] = {}
    failures = 0
    for kind, n in (("live_comment", args.comments), ("live_gift", args.gifts), ("live_like", args.likes),
                    ("live_fansclub", args.fansclub)):
        items = messages(kind, n, run)
        for start in range(0, len(items), args.batch):
            chunk = items[start:start + args.batch]
            for _ in range(2 if args.redeliver else 1):
                status = post(args.url, kind, chunk, args.secret)
                failures += status != 200
        sent[kind] = n
    refused = {}
    if args.bad:
        probe = messages("live_comment", 1, run + "-bad")
        refused["unsigned"] = post(args.url, "live_comment", probe, args.secret, signed=False)
        refused["wrong secret"] = post(args.url, "live_comment", probe, args.secret + "x")
        refused["stale"] = post(args.url, "live_comment", probe, args.secret, age_s=3600)
    print(json.dumps({"sent_unique": sent, "non_200_answers": failures, "refused_http_status": refused},
                     ensure_ascii=False))
    return 0 if failures == 0 and all(code == 401 for code in refused.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
