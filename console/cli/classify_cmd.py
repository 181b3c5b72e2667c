"""`live-console classify [FILE|-]`: one comment per line in, one JSON line per comment out.

    {"text": "...", "intents": ["question", "price"], "sentiment": "neutral",
     "why": {"question": "zh question word: '多少'", "price": "zh price: '多少钱'", "sentiment": "..."}}

Blank lines are skipped. Bytes that are not UTF-8 are replaced (U+FFFD), never a crash, so a
log scraped from anywhere can be piped through.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", default="-",
                        help="text file with one comment per line, or - for standard input (default)")


def run(args: argparse.Namespace) -> int:
    from console.insight.classify import default_classifier

    if args.file == "-":
        stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    else:
        path = Path(args.file)
        try:
            stream = path.open(encoding="utf-8", errors="replace")
        except OSError as exc:
            print(f"Cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    classifier = default_classifier()
    out = sys.stdout
    with stream:
        for line in stream:
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            result = classifier.classify(text)
            out.write(json.dumps({"text": text, **result.as_dict()}, ensure_ascii=False) + "\n")
    out.flush()
    return 0
