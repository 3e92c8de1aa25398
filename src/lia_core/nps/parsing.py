"""Read a 0-10 score out of a customer's free-text answer in Brazilian Portuguese.

Digits and number words count ("9", "nota 9", "10!!", "dez", "minha nota é sete"), in any
case and with or without accents. A reply is refused, with a reason, when it holds no
number, two different numbers ("9 ou 10", "de 0 a 10"), a decimal ("9,5"), or a number
outside 0-10 ("100", "-1", "onze"), so the survey can ask once more. "um"/"uma" is read
as 1 only when no other number is present: in "dou um 10" it is the article.
"""

from __future__ import annotations

import enum
import re

import attrs

from lia_core.domain.text import fold
from lia_core.nps.categories import MAX_SCORE

__all__ = ["NUMBER_WORDS", "ParsedScore", "RefusalReason", "UnparsedAnswer", "parse_answer"]

NUMBER_WORDS: dict[str, int] = {
    "zero": 0,
    "um": 1,
    "uma": 1,
    "dois": 2,
    "duas": 2,
    "tres": 3,
    "quatro": 4,
    "cinco": 5,
    "seis": 6,
    "sete": 7,
    "oito": 8,
    "nove": 9,
    "dez": 10,
}
"""Folded Portuguese words for 0-10 (feminine forms included)."""

_OUT_OF_RANGE_WORDS = frozenset(
    {
        "onze", "doze", "treze", "catorze", "quatorze", "quinze", "dezesseis", "dezasseis",
        "dezessete", "dezassete", "dezoito", "dezenove", "dezanove", "vinte", "trinta",
        "quarenta", "cinquenta", "sessenta", "setenta", "oitenta", "noventa", "cem", "cento",
        "mil", "milhao",
    }
)  # fmt: skip
_ARTICLES = frozenset({"um", "uma"})
_NUMBER = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"[0-9][.,][0-9]")
_NEGATIVE = re.compile(r"(?:^|\s)[-\u2212][0-9]")
_HUGE = 10**9
"""Stands for any number written with more than 9 digits (all are out of range)."""


class RefusalReason(enum.StrEnum):
    """Why a reply could not be read as one 0-10 score."""

    EMPTY = "empty"
    NO_NUMBER = "no_number"
    AMBIGUOUS = "ambiguous"
    DECIMAL = "decimal"
    OUT_OF_RANGE = "out_of_range"


_EXPLANATIONS = {
    RefusalReason.EMPTY: "the reply is empty",
    RefusalReason.NO_NUMBER: "the reply holds no number",
    RefusalReason.AMBIGUOUS: "the reply holds more than one different number",
    RefusalReason.DECIMAL: "the reply holds a decimal number; scores are whole numbers",
    RefusalReason.OUT_OF_RANGE: "the reply holds a number outside 0 to 10",
}


@attrs.frozen(kw_only=True)
class ParsedScore:
    """The reply is the 0-10 score ``score``."""

    score: int


@attrs.frozen(kw_only=True)
class UnparsedAnswer:
    """The reply was refused for ``reason``; ask the customer once more."""

    reason: RefusalReason
    numbers: tuple[int, ...] = ()
    """The distinct numbers found, in order of appearance."""

    @property
    def explanation(self) -> str:
        """A one-line English explanation of the reason, for logs and operators."""
        return _EXPLANATIONS[self.reason]


def _integer(digits: str) -> int:
    significant = digits.lstrip("0") or "0"
    return int(significant) if len(significant) <= 9 else _HUGE


def parse_answer(text: str) -> ParsedScore | UnparsedAnswer:
    """Read one 0-10 score from *text*, or say why it cannot be read."""
    if not text.strip():
        return UnparsedAnswer(reason=RefusalReason.EMPTY)
    if _DECIMAL.search(text):
        return UnparsedAnswer(reason=RefusalReason.DECIMAL)
    negative = _NEGATIVE.search(text) is not None
    numbers: list[int] = []
    articles: list[int] = []
    out_of_range = negative
    for token in fold(text).split():
        if token in NUMBER_WORDS:
            (articles if token in _ARTICLES else numbers).append(NUMBER_WORDS[token])
        elif token in _OUT_OF_RANGE_WORDS:
            out_of_range = True
        else:
            numbers.extend(_integer(digits) for digits in _NUMBER.findall(token))
    if not numbers:
        numbers = articles
    distinct = tuple(dict.fromkeys(numbers))
    if len(distinct) > 1:
        return UnparsedAnswer(reason=RefusalReason.AMBIGUOUS, numbers=distinct)
    if out_of_range or (distinct and distinct[0] > MAX_SCORE):
        return UnparsedAnswer(reason=RefusalReason.OUT_OF_RANGE, numbers=distinct)
    if not distinct:
        return UnparsedAnswer(reason=RefusalReason.NO_NUMBER)
    return ParsedScore(score=distinct[0])
