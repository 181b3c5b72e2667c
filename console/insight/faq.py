"""FAQ suggestions: a viewer's question matched to a catalog product's `[[product.faq]]`.

A FAQ entry is `{q_en, q_zh, a_en, a_zh, keywords = [...]}` (keywords optional, either
language). A question matches when one of the FAQ's keywords occurs in it, or when it reads
like the FAQ's question (rapidfuzz partial ratio on folded text ≥ `threshold`). Products on
air are tried first, so "多少钱" finds the lipstick being shown, not a ring from an hour ago.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from rapidfuzz import fuzz

from console.i18n import pick

from .grouping import question_key
from .text import fold


@dataclass(frozen=True, slots=True)
class Faq:
    sku: str
    q_en: str
    q_zh: str
    a_en: str
    a_zh: str
    keywords: tuple[str, ...]

    @property
    def answer(self) -> str:
        return pick(self.a_en or self.a_zh, self.a_zh or self.a_en)

    @property
    def question(self) -> str:
        return pick(self.q_en or self.q_zh, self.q_zh or self.q_en)


def faq_from(sku: str, raw: Mapping[str, Any]) -> Faq | None:
    q_en, q_zh = str(raw.get("q_en", "")), str(raw.get("q_zh", ""))
    a_en, a_zh = str(raw.get("a_en", "")), str(raw.get("a_zh", ""))
    if not (q_en or q_zh) or not (a_en or a_zh):
        return None
    words = raw.get("keywords", [])
    keywords = tuple(fold(str(w)) for w in words if str(w).strip()) if isinstance(words, list) else ()
    return Faq(sku, q_en, q_zh, a_en, a_zh, keywords)


class FaqIndex:
    def __init__(self, products: Iterable[Any] = (), threshold: float = 80.0) -> None:
        """`products`: catalog products (anything with `.sku` and `.faqs`)."""
        self.threshold = threshold
        self.by_sku: dict[str, list[Faq]] = {}
        for product in products:
            faqs = [f for f in (faq_from(product.sku, raw) for raw in getattr(product, "faqs", ())) if f]
            if faqs:
                self.by_sku[product.sku] = faqs
        self._keys = {id(f): (question_key(f.q_en), question_key(f.q_zh))
                      for faqs in self.by_sku.values() for f in faqs}

    def __len__(self) -> int:
        return sum(map(len, self.by_sku.values()))

    def match(self, question: str, on_air: Iterable[str] = ()) -> Faq | None:
        if not self.by_sku:
            return None
        folded = fold(question)
        key = question_key(question)
        on_air = [s for s in on_air if s in self.by_sku]
        order = on_air + [s for s in self.by_sku if s not in on_air]
        best: tuple[float, Faq] | None = None
        for rank, sku in enumerate(order):
            for faq in self.by_sku[sku]:
                score = 100.0 if any(k and k in folded for k in faq.keywords) else max(
                    (fuzz.ratio(key, k) for k in self._keys[id(faq)] if k), default=0.0)
                score -= 0.01 * rank  # ties go to what is on air
                if score >= self.threshold and (best is None or score > best[0]):
                    best = (score, faq)
        return best[1] if best else None
