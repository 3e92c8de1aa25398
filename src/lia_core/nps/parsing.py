"""Read a 0-10 score out of a customer's reply to the survey, in Brazilian Portuguese.

Only a reply that *answers* the survey is read: the number must stand as a score, alone or
with the words people put around one ("nota 9", "minha nota é sete", "dou um 10",
"10 pontos", "9, ótimo atendimento", "10 muito bom"). A number that counts something
("preciso de 2 vias", "2 vias do boleto", "3 dias sem internet") is not a score: the reply
is about something else (`RefusalReason.NOT_AN_ANSWER`) and belongs to the normal flow.

The reply is cut into clauses at punctuation (`, ; . ! ? :`, a spaced dash, a line break). A
clause answers when its number is preceded only by survey words (`LEAD_WORDS`, and the
evaluative words of `FOLLOW_WORDS`) and followed by nothing, a unit ("pontos", "de 10"), or
an evaluative word that starts a comment (`FOLLOW_WORDS`). What the reply says beside the
score is its comment ("nota 9, ótimo atendimento" → 9, "ótimo atendimento").

An answering reply is still refused, with a reason, when it holds two different numbers
("9 ou 10", "de 0 a 10"), a decimal ("9,5") or a number outside 0-10 ("100", "-1", "onze"):
those tried to answer, so the survey asks once more (`UnparsedAnswer.asks_again`). "um"/"uma"
is read as 1 only when no other number is present: in "dou um 10" it is the article. A 10
written as the scale right after the score ("7/10", "7 de 10", "8 em 10", "9 sobre dez") is
the scale, not a second number.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Sequence

import attrs

from lia_core.domain.text import fold
from lia_core.nps.categories import MAX_SCORE

__all__ = [
    "FOLLOW_WORDS",
    "LEAD_WORDS",
    "NUMBER_WORDS",
    "UNIT_WORDS",
    "ParsedScore",
    "RefusalReason",
    "UnparsedAnswer",
    "parse_answer",
]

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

LEAD_WORDS = frozenset(
    {
        "nota", "notas", "minha", "meu", "e", "eh", "dou", "daria", "darei", "dar", "dando",
        "te", "lhe", "eu", "acho", "que", "talvez", "ou", "entre", "de", "a", "o", "seria",
        "fica", "sobre", "numa", "escala", "avaliacao", "avalio", "pontuacao", "vai", "ser",
        "sim", "em",
    }
)  # fmt: skip
"""Folded words a score is said with ("minha nota é", "acho que", "de 0 a 10")."""

UNIT_WORDS = frozenset({"ponto", "pontos", "estrela", "estrelas"})
"""Folded words that may follow a score as its unit ("10 pontos")."""

FOLLOW_WORDS = frozenset(
    {
        "muito", "muita", "bem", "bom", "boa", "otimo", "otima", "excelente", "excelentes",
        "perfeito", "perfeita", "maravilhoso", "maravilhosa", "show", "top", "legal",
        "satisfeito", "satisfeita", "ruim", "pessimo", "pessima", "horrivel", "pior",
        "melhor", "demorado", "demorada", "demorou", "demora", "lento", "lenta", "regular",
        "razoavel", "porque", "pq", "por", "pois", "mas", "pelo", "pela", "pelos", "pelas",
        "pro", "pra", "para", "obrigado", "obrigada", "obg", "brigado", "valeu", "vlw",
        "atendimento", "atendente", "servico", "suporte", "adorei", "gostei", "amei",
        "parabens", "com", "certeza", "so", "apenas", "demais", "mesmo", "rapido", "rapida",
        "atencioso", "atenciosa", "educado", "educada", "eficiente", "resolveu", "resolvido",
        "resolvida", "tudo", "nada", "vcs", "voces", "voce",
    }
)  # fmt: skip
"""Folded words that may start a comment right after the score, without punctuation
("10 muito bom", "9 pq demorou"). Any other word there ("2 vias", "10 megas") means the
number counts something: the reply is not an answer."""

_ARTICLES = frozenset({"um", "uma"})
_SCALE_JOINS = frozenset({"de", "em", "sobre"})
"""Folded words that join a score to its scale ("7 de 10"; "/" too): that 10 is no number."""
_HUGE = 10**9
"""Stands for any number written with more than 9 digits (all are out of range)."""
_TOKEN = re.compile(
    r"(?P<sep>[,;.!?:\n\r\u2026]+|(?<=\s)[-\u2013\u2014](?=\s))"
    r"|(?P<number>[-\u2212]?\d+(?:[.,]\d+)?)"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<symbol>[^\s\w]+|_+)"
)
_EDGES = " \t\r\n,;.!?:\u2026-\u2013\u2014"


class RefusalReason(enum.StrEnum):
    """Why a reply could not be read as one 0-10 score."""

    EMPTY = "empty"
    NO_NUMBER = "no_number"
    NOT_AN_ANSWER = "not_an_answer"
    AMBIGUOUS = "ambiguous"
    DECIMAL = "decimal"
    OUT_OF_RANGE = "out_of_range"


_EXPLANATIONS = {
    RefusalReason.EMPTY: "the reply is empty",
    RefusalReason.NO_NUMBER: "the reply holds no number",
    RefusalReason.NOT_AN_ANSWER: "the reply's numbers count something else; it is not a score",
    RefusalReason.AMBIGUOUS: "the reply holds more than one different number",
    RefusalReason.DECIMAL: "the reply holds a decimal number; scores are whole numbers",
    RefusalReason.OUT_OF_RANGE: "the reply holds a number outside 0 to 10",
}
_TRIED = frozenset({RefusalReason.AMBIGUOUS, RefusalReason.DECIMAL, RefusalReason.OUT_OF_RANGE})


@attrs.frozen(kw_only=True)
class ParsedScore:
    """The reply is the 0-10 score ``score``; ``comment`` is what it says beside it."""

    score: int
    comment: str = ""


@attrs.frozen(kw_only=True)
class UnparsedAnswer:
    """The reply was refused for ``reason``."""

    reason: RefusalReason
    numbers: tuple[int, ...] = ()
    """The distinct numbers found where a score stands, in order of appearance."""

    @property
    def explanation(self) -> str:
        """A one-line English explanation of the reason, for logs and operators."""
        return _EXPLANATIONS[self.reason]

    @property
    def asks_again(self) -> bool:
        """True when the reply tried to answer (two numbers, a decimal, out of range): ask
        once more. False when it is about something else (no number, a number that counts
        something): it goes to the normal flow."""
        return self.reason in _TRIED


class _Kind(enum.Enum):
    NUMBER = enum.auto()
    DECIMAL = enum.auto()
    ARTICLE = enum.auto()
    TOO_BIG = enum.auto()
    """A number word outside 0-10 ("onze", "mil")."""
    LEAD = enum.auto()
    UNIT = enum.auto()
    FOLLOW = enum.auto()
    OTHER = enum.auto()
    SYMBOL = enum.auto()


_NUMERIC = frozenset({_Kind.NUMBER, _Kind.DECIMAL, _Kind.ARTICLE, _Kind.TOO_BIG})
_IN_SCORE = _NUMERIC | {_Kind.LEAD, _Kind.UNIT, _Kind.SYMBOL}
"""What may stand between the numbers of one score part ("9 ou 10", "10 de 10", "9/10")."""
_BEFORE_SCORE = frozenset({_Kind.LEAD, _Kind.FOLLOW, _Kind.SYMBOL, _Kind.ARTICLE})


@attrs.frozen
class _Token:
    kind: _Kind
    start: int
    end: int
    value: int = 0


def _integer(digits: str) -> int:
    normal = unicodedata.normalize("NFKC", digits)
    negative = normal[0] in "-\u2212"
    significant = normal.lstrip("-\u2212").lstrip("0") or "0"
    if len(significant) > 9:
        return _HUGE
    return -int(significant) if negative else int(significant)


def _word(word: str) -> tuple[_Kind, int]:
    folded = fold(word)
    if folded in _ARTICLES:
        return _Kind.ARTICLE, 1
    if folded in NUMBER_WORDS:
        return _Kind.NUMBER, NUMBER_WORDS[folded]
    if folded in _OUT_OF_RANGE_WORDS:
        return _Kind.TOO_BIG, _HUGE
    digits = "".join(ch for ch in folded if ch.isdecimal())
    if digits:  # "²" folds to "2": a digit, not a word
        return _Kind.NUMBER, _integer(digits)
    for kind, words in ((_Kind.LEAD, LEAD_WORDS), (_Kind.UNIT, UNIT_WORDS)):
        if folded in words:
            return kind, 0
    return (_Kind.FOLLOW if folded in FOLLOW_WORDS else _Kind.OTHER), 0


def _clauses(text: str) -> list[list[_Token]]:
    """The tokens of *text*, clause by clause (punctuation ends a clause)."""
    clauses: list[list[_Token]] = [[]]
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if match.lastgroup == "sep":
            clauses.append([])
        elif match.lastgroup == "number":
            raw = match.group()
            if "," in raw or "." in raw:
                clauses[-1].append(_Token(_Kind.DECIMAL, start, end))
                continue
            negative = raw[0] in "-\u2212" and (start == 0 or text[start - 1].isspace())
            digits = raw if negative else raw.lstrip("-\u2212")
            if not negative and digits != raw:  # "a-1": the dash is a symbol
                clauses[-1].append(_Token(_Kind.SYMBOL, start, start + 1))
                start += 1
            clauses[-1].append(_Token(_Kind.NUMBER, start, end, _integer(digits)))
        elif match.lastgroup == "word":
            kind, value = _word(match.group())
            clauses[-1].append(_Token(kind, start, end, value))
        else:
            clauses[-1].append(_Token(_Kind.SYMBOL, start, end))
    return [c for c in clauses if c]


@attrs.frozen
class _Answer:
    """One clause that states a score: its numbers and the span the score takes."""

    numbers: tuple[_Token, ...]
    start: int
    end: int


def _without_scale(text: str, numbers: tuple[_Token, ...]) -> tuple[_Token, ...]:
    """*numbers* without a trailing 10 that is the scale of the score before it."""
    if len(numbers) < 2 or numbers[-1].value != 10 or numbers[-2].kind is not _Kind.NUMBER:
        return numbers
    join = text[numbers[-2].end : numbers[-1].start].strip()
    return numbers[:-1] if (join == "/" or fold(join) in _SCALE_JOINS) else numbers


def _answer(text: str, clause: Sequence[_Token]) -> _Answer | None:
    """The score part of *clause*, or None when the clause does not state a score."""
    first = next((i for i, t in enumerate(clause) if t.kind in _NUMERIC), None)
    if first is None or any(t.kind not in _BEFORE_SCORE for t in clause[:first]):
        return None
    last = first
    for i in range(first, len(clause)):
        kind = clause[i].kind
        if kind not in _IN_SCORE:
            break
        if kind in _NUMERIC or kind is _Kind.UNIT:
            last = i
    after = next((t for t in clause[last + 1 :] if t.kind not in _IN_SCORE), None)
    if after is not None and after.kind is not _Kind.FOLLOW:
        return None  # "2 vias", "10 megas": the number counts something
    lead = first
    while lead > 0 and clause[lead - 1].kind in (_Kind.LEAD, _Kind.ARTICLE):
        lead -= 1
    numbers = tuple(t for t in clause[first : last + 1] if t.kind in _NUMERIC)
    return _Answer(
        numbers=_without_scale(text, numbers), start=clause[lead].start, end=clause[last].end
    )


def _comment(text: str, clauses: Sequence[Sequence[_Token]], answers: Sequence[_Answer]) -> str:
    """*text* without the score parts and the clauses made only of survey words."""
    cut = [(a.start, a.end) for a in answers]
    for clause in clauses:
        if all(t.kind in _IN_SCORE for t in clause):
            cut.append((clause[0].start, clause[-1].end))
    kept: list[str] = []
    at = 0
    for start, end in sorted(cut):
        if start >= at:
            kept.append(text[at:start])
        at = max(at, end)
    kept.append(text[at:])
    pieces = (piece.strip(_EDGES) for piece in kept)
    return ", ".join(piece for piece in pieces if piece)


def parse_answer(text: str) -> ParsedScore | UnparsedAnswer:
    """Read one 0-10 score from a reply to the survey, or say why it is not one."""
    if not text.strip():
        return UnparsedAnswer(reason=RefusalReason.EMPTY)
    clauses = _clauses(text)
    answers = [a for c in clauses if (a := _answer(text, c)) is not None]
    if not answers:
        mentions = any(t.kind in _NUMERIC - {_Kind.ARTICLE} for c in clauses for t in c)
        reason = RefusalReason.NOT_AN_ANSWER if mentions else RefusalReason.NO_NUMBER
        return UnparsedAnswer(reason=reason)
    tokens = [t for a in answers for t in a.numbers]
    if any(t.kind is _Kind.DECIMAL for t in tokens):
        return UnparsedAnswer(reason=RefusalReason.DECIMAL)
    counted = [t for t in tokens if t.kind is not _Kind.ARTICLE] or tokens
    distinct = tuple(dict.fromkeys(t.value for t in counted))
    if len(distinct) > 1:
        return UnparsedAnswer(reason=RefusalReason.AMBIGUOUS, numbers=distinct)
    score = distinct[0]
    if not 0 <= score <= MAX_SCORE:
        return UnparsedAnswer(reason=RefusalReason.OUT_OF_RANGE, numbers=distinct)
    return ParsedScore(score=score, comment=_comment(text, clauses, answers))
