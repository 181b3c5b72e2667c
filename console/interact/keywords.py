"""Matching viewers' comments to keywords ("1", "A", "一", "抽奖", an option's name).

Comments are free text typed on phones: full-width digits, trailing "!!!", repeated "1111".
Everything is normalised the same way on both sides before comparing.
"""

from __future__ import annotations

import re
import unicodedata

CHINESE_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
LETTERS = "ABCDEFGHIJ"

_STRIP = re.compile(r"[\s\W_]+", re.UNICODE)


def normalize(text: str) -> str:
    """NFKC (full-width → ASCII), case-folded, whitespace and punctuation removed."""
    return _STRIP.sub("", unicodedata.normalize("NFKC", text)).casefold()


def default_option_keywords(index: int, label: str) -> list[str]:
    """Option i answers to its number, its letter, its Chinese numeral and its own name."""
    words = [str(index + 1), LETTERS[index], CHINESE_NUMERALS[index], label]
    return [w for w in words if normalize(w)]


def _collapse_repeats(text: str) -> set[str]:
    """'1111' → {'1111', '1'}; 'aa' → {'aa', 'a'}; spammed keywords still count once."""
    out = {text}
    for size in range(1, len(text) // 2 + 1):
        unit = text[:size]
        if len(text) % size == 0 and unit * (len(text) // size) == text:
            out.add(unit)
            break
    return out


def matches_exact(text: str, keywords: set[str]) -> bool:
    """For votes: the whole comment is the keyword (possibly repeated), nothing else.

    `keywords` must already be normalised. Loose matching would count "I have 1 question" as a
    vote for option 1.
    """
    norm = normalize(text)
    return bool(norm) and not _collapse_repeats(norm).isdisjoint(keywords)


def matches_entry(text: str, keyword: str) -> bool:
    """For lottery entries and coupon claims: exact, or contains a keyword of 2+ characters.

    "我要抽奖" enters a "抽奖" lottery; a one-character keyword like "1" must be the whole comment.
    """
    kw = normalize(keyword)
    if not kw:
        return False
    norm = normalize(text)
    if kw in _collapse_repeats(norm):
        return True
    return len(kw) >= 2 and kw in norm
