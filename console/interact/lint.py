"""Air-text lint: stop absolute/false claims and coercive prompts before they go on air.

A hit blocks the action; the host can resend with an explicit override, which is logged
(LINT_OVERRIDE) so the review after the show sees it.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from console.messages import M, Message
from console.resources import resource


@dataclass(frozen=True, slots=True)
class LintHit:
    term: str
    reason: str
    """Why, in English."""
    reason_zh: str = ""


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _pattern(term: str) -> re.Pattern[str]:
    folded = _fold(term)
    body = re.escape(folded)
    if folded.isascii():
        # Whole-word for Latin text ("cure" must not hit "secure"); CJK has no word spaces.
        body = rf"(?<![a-z0-9]){body}(?![a-z0-9])"
    return re.compile(body)


class AirTextLint:
    def __init__(self, groups: dict[str, tuple[str | tuple[str, str], Iterable[str]]]) -> None:
        """groups: name -> (reason, terms); a reason is English text or (English, Chinese)."""
        self._rules: list[tuple[str, tuple[str, str], re.Pattern[str]]] = []
        for reason, terms in groups.values():
            pair = (reason, reason) if isinstance(reason, str) else (reason[0], reason[1])
            for term in terms:
                if term.strip():
                    self._rules.append((term, pair, _pattern(term)))

    @classmethod
    def load(cls, path: Path | None = None) -> "AirTextLint":
        path = path or resource("lint_terms.toml")
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        groups = {
            name: ((g.get("reason_en", name), g.get("reason_zh", g.get("reason_en", name))), g.get("terms", []))
            for name, g in data.items()
            if isinstance(g, dict)
        }
        return cls(groups)

    def check(self, *texts: str | None) -> list[LintHit]:
        folded = [_fold(t) for t in texts if t]
        hits: list[LintHit] = []
        seen: set[str] = set()
        for term, reason, pattern in self._rules:
            if term not in seen and any(pattern.search(t) for t in folded):
                seen.add(term)
                hits.append(LintHit(term, reason[0], reason[1]))
        return hits


def describe(hits: list[LintHit]) -> Message:
    frozen = tuple(hits)

    def listed(lang: str) -> str:  # the flagged terms with their reasons, in the reader's language
        sep = "、" if lang == "zh_CN" else ", "
        return sep.join(M("lint.hit", term=h.term, reason=h.reason_zh if lang == "zh_CN" else h.reason).text(lang)
                        for h in frozen)

    return M("lint.blocked", hits=listed)
