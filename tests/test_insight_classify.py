"""Intent/sentiment classifier: precision and recall per label on hand-written comment sets.

Four files in resources/insight/ (all written for this project, zh + en, slang, emoji, typos):
- comments_eval.tsv (≥ 400), comments_heldout.tsv and comments_fresh.tsv were each used to tune
  the rules (in that order; each was written before it was used). Their floors are a regression
  guard: 0.90 precision and recall per label on the two larger sets, 0.90 micro on the small one,
  so a rule change that breaks cases we know work fails here.
- comments_fresh2.tsv was written last and never used to change a rule: it is the honest
  estimate on unseen comments. It is small (≤ 25 per label), so its floors are on the totals:
  micro precision ≥ 0.90 — a wrong comment surfaced costs the host attention mid-show, so
  precision is what a rules classifier must keep — question recall ≥ 0.85 (questions are what
  the panel surfaces first) and micro recall ≥ 0.65 (measured 0.77: complaints and colour talk
  phrased in new words are the known gap; see the printed table).
"""

from __future__ import annotations

import collections
import json
import subprocess
import sys

import pytest

from console.insight.classify import Classifier, classify
from console.insight.lexicon import LABELS, SENTIMENTS
from console.insight.text import fold
from console.resources import resource


def load(name: str) -> list[tuple[set[str], str, str]]:
    rows = []
    for line in resource("insight", name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        labels, sentiment, text = line.split("\t")
        gold = set() if labels == "-" else set(labels.split(","))
        assert gold <= set(LABELS), (gold, text)
        assert sentiment in SENTIMENTS, text
        rows.append((gold, sentiment, text))
    return rows


def score(rows):
    clf = Classifier()
    tp, fp, fn = collections.Counter(), collections.Counter(), collections.Counter()
    sentiment_ok = 0
    for gold, sentiment, text in rows:
        result = clf.classify(text)
        got = set(result.intents)
        sentiment_ok += result.sentiment == sentiment
        for label in LABELS:
            tp[label] += label in gold and label in got
            fp[label] += label in got and label not in gold
            fn[label] += label in gold and label not in got
    table = {}
    for label in LABELS:
        p = tp[label] / max(1, tp[label] + fp[label])
        r = tp[label] / max(1, tp[label] + fn[label])
        table[label] = (p, r, tp[label] + fn[label])
    micro_p = sum(tp.values()) / max(1, sum(tp.values()) + sum(fp.values()))
    micro_r = sum(tp.values()) / max(1, sum(tp.values()) + sum(fn.values()))
    return table, micro_p, micro_r, sentiment_ok / len(rows)


def report(name, table, micro_p, micro_r, sent_acc) -> str:
    lines = [f"{name}: label            precision recall  n"]
    lines += [f"  {label:<16} {p:9.2f} {r:6.2f} {n:3d}" for label, (p, r, n) in table.items()]
    lines.append(f"  micro            {micro_p:9.2f} {micro_r:6.2f}   sentiment accuracy {sent_acc:.2f}")
    text = "\n".join(lines)
    print(text)
    return text


def test_eval_set_is_big_and_covers_every_label():
    rows = load("comments_eval.tsv")
    assert len(rows) >= 400
    counts = collections.Counter(label for gold, _, _ in rows for label in gold)
    assert all(counts[label] >= 20 for label in LABELS), counts
    texts = [t for _, _, t in rows]
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in t) and any(ch.isascii() and ch.isalpha() for ch in t) for t in texts)


@pytest.mark.parametrize("name", ["comments_eval.tsv", "comments_heldout.tsv"])
def test_tuned_sets_meet_floors(name):
    table, micro_p, micro_r, sent_acc = score(load(name))
    text = report(name, table, micro_p, micro_r, sent_acc)
    for label, (p, r, n) in table.items():
        assert p >= 0.90 and r >= 0.90, f"{label} below 0.90 floor\n{text}"
    assert micro_p >= 0.95 and micro_r >= 0.95, text
    assert sent_acc >= 0.95, text


def test_small_tuned_set_meets_floors():
    table, micro_p, micro_r, sent_acc = score(load("comments_fresh.tsv"))
    text = report("comments_fresh.tsv", table, micro_p, micro_r, sent_acc)
    assert micro_p >= 0.90 and micro_r >= 0.90, text


def test_untouched_set_meets_floors():
    table, micro_p, micro_r, sent_acc = score(load("comments_fresh2.tsv"))
    text = report("comments_fresh2.tsv", table, micro_p, micro_r, sent_acc)
    assert micro_p >= 0.90, text
    assert table["question"][1] >= 0.85, text
    assert micro_r >= 0.65, text


def test_why_names_the_text_that_fired():
    result = classify("160斤穿什么码？想要黑色")
    assert set(result.intents) == {"question", "purchase_intent", "size_fit", "color_shade"}
    folded = fold("160斤穿什么码？想要黑色")
    for label in result.intents:
        rule, _, quoted = result.why[label].partition(": ")
        assert rule and quoted.strip("'") in folded
    assert "sentiment" in result.why


def test_spam_is_never_surfaced_as_a_buyer():
    result = classify("便宜代购 加V shop.example 想要的私我")
    assert result.intents == ("spam",)


def test_hostile_input_never_raises():
    clf = Classifier()
    for text in ["", " ", "\x00", "\ud800 lone", "<table>" * 5000, "a\u0301" * 300, "\u202e贵", "?" * 100_000]:
        result = clf.classify(text)
        assert result.sentiment in SENTIMENTS


def test_classify_cli_prints_one_json_line_per_comment(tmp_path):
    src = tmp_path / "comments.txt"
    src.write_bytes("多少钱\n\n扣1\nbad \xff byte\n".encode("utf-8").replace(b"\xc3\xbf", b"\xff"))
    out = subprocess.run([sys.executable, "-m", "console", "classify", str(src)],
                         capture_output=True, text=True, check=True, encoding="utf-8").stdout
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["text"] for r in rows] == ["多少钱", "扣1", "bad \ufffd byte"]
    assert rows[0]["intents"] == ["question", "price"] and rows[1]["intents"] == ["purchase_intent"]
    assert set(rows[0]) == {"text", "intents", "sentiment", "why"}
    missing = subprocess.run([sys.executable, "-m", "console", "classify", str(tmp_path / "nope.txt")],
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "Cannot read" in missing.stderr
