"""`live-console bench classify`: comments/s through the intent classifier on one core.

Two figures: unseen texts (every comment different — the cache never helps) and a realistic
stream drawn from the evaluation set (short texts repeat in a busy room, so the cache does).
"""

from __future__ import annotations

import argparse
import json
import random
import time

from console.resources import resource

TARGET = 50_000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--count", type=int, default=200_000, help="comments per figure (default 200000)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


def _texts() -> list[str]:
    lines = resource("insight", "comments_eval.tsv").read_text(encoding="utf-8").splitlines()
    return [ln.split("\t")[-1] for ln in lines if ln.strip() and not ln.startswith("#")]


def run(args: argparse.Namespace) -> int:
    from console.insight.classify import Classifier

    if args.count <= 0:
        print("--count must be greater than zero")
        return 2
    texts = _texts()
    rnd = random.Random(1)
    unseen = [f"{rnd.choice(texts)} {i}" for i in range(args.count)]
    stream = [rnd.choice(texts) for _ in range(args.count)]
    figures = {}
    for name, batch in (("unseen", unseen), ("stream", stream)):
        classifier = Classifier()
        started = time.perf_counter()
        for text in batch:
            classifier.classify(text)
        figures[f"{name}_per_s"] = round(len(batch) / (time.perf_counter() - started), 1)
    figures["target_per_s"] = TARGET
    figures["meets_target"] = figures["unseen_per_s"] >= TARGET
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"bench classify — {args.count:,} comments per figure, one core")
        print(f"  unseen texts  {figures['unseen_per_s']:>12,.0f} /s   (no cache hits)")
        print(f"  live stream   {figures['stream_per_s']:>12,.0f} /s   (texts repeat, as in a busy room)")
        print(f"  target        {TARGET:>12,} /s   {'met' if figures['meets_target'] else 'NOT met'}")
    return 0 if figures["meets_target"] else 1
