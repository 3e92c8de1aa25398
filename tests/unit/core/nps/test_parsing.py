"""Free-text answers in Brazilian Portuguese: one clear 0-10 number is read, anything else refused."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lia_core.domain.text import fold
from lia_core.nps import ParsedScore, RefusalReason, UnparsedAnswer, parse_answer
from lia_core.nps.parsing import FOLLOW_WORDS, NUMBER_WORDS
from lia_core.testing.nps import written_scores
from tests.unit.core.nps._profile import PROPERTIES


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("9", 9),
        ("nota 9", 9),
        ("10!!", 10),
        ("dez", 10),
        ("nove", 9),
        ("minha nota é 7", 7),
        ("zero", 0),
        ("NOTA DEZ", 10),
        ("Três", 3),
        ("tres", 3),
        ("dou um 10", 10),
        ("um", 1),
        ("Nota - 9", 9),
        ("10 de 10", 10),
        ("7/10", 7),
        ("0/10", 0),
        ("7 / 10", 7),
        ("7 de 10", 7),
        ("nota 8 em 10", 8),
        ("nove sobre dez", 9),
        ("nota10", 10),
        ("\uff11\uff10", 10),
    ],
)
def test_examples_are_read(text: str, score: int) -> None:
    """Common ways of writing a score parse to it, with nothing beside it."""
    assert parse_answer(text) == ParsedScore(score=score)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Issue 15: only a message that answers the survey is a score.
        ("nota 9, ótimo atendimento", ParsedScore(score=9, comment="ótimo atendimento")),
        ("preciso de 2 vias", UnparsedAnswer(reason=RefusalReason.NOT_AN_ANSWER)),
        ("2 vias do boleto", UnparsedAnswer(reason=RefusalReason.NOT_AN_ANSWER)),
        ("preciso de 2 vias do boleto", UnparsedAnswer(reason=RefusalReason.NOT_AN_ANSWER)),
        ("quero 2 boletos", UnparsedAnswer(reason=RefusalReason.NOT_AN_ANSWER)),
        ("3 dias sem internet", UnparsedAnswer(reason=RefusalReason.NOT_AN_ANSWER)),
        ("10 megas não chega", UnparsedAnswer(reason=RefusalReason.NOT_AN_ANSWER)),
        ("meu cpf é 12345678900", UnparsedAnswer(reason=RefusalReason.NOT_AN_ANSWER)),
        ("R$ 2,50 a mais na fatura", UnparsedAnswer(reason=RefusalReason.NOT_AN_ANSWER)),
        ("oi, tudo bem?", UnparsedAnswer(reason=RefusalReason.NO_NUMBER)),
        ("ótimo atendimento, nota 9", ParsedScore(score=9, comment="ótimo atendimento")),
        ("10 muito bom", ParsedScore(score=10, comment="muito bom")),
        ("9 pq demorou 3 dias", ParsedScore(score=9, comment="pq demorou 3 dias")),
        ("Nota 2. Demoraram muito", ParsedScore(score=2, comment="Demoraram muito")),
        ("dez, adorei!", ParsedScore(score=10, comment="adorei")),
        ("muito bom 10", ParsedScore(score=10, comment="muito bom")),
        ("eu daria 8", ParsedScore(score=8)),
        ("10 pontos", ParsedScore(score=10)),
        ("9 ou 10", UnparsedAnswer(reason=RefusalReason.AMBIGUOUS, numbers=(9, 10))),
        ("9,5", UnparsedAnswer(reason=RefusalReason.DECIMAL)),
        ("100", UnparsedAnswer(reason=RefusalReason.OUT_OF_RANGE, numbers=(100,))),
    ],
)
def test_the_issue_table(text: str, expected: ParsedScore | UnparsedAnswer) -> None:
    """A number that counts something is not a score; the text beside a score is its comment."""
    assert parse_answer(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9 ou 7 de 10", UnparsedAnswer(reason=RefusalReason.AMBIGUOUS, numbers=(9, 7))),
        ("0000000009", ParsedScore(score=9)),
        ("nota 123456789", UnparsedAnswer(reason=RefusalReason.OUT_OF_RANGE, numbers=(123456789,))),
        ("1234567890", UnparsedAnswer(reason=RefusalReason.OUT_OF_RANGE, numbers=(10**9,))),
        (
            "atendimento ótimo, nota 9, muito rápido",
            ParsedScore(score=9, comment="atendimento ótimo, muito rápido"),
        ),
    ],
)
def test_scales_digits_and_comment_pieces_exactly(
    text: str, expected: ParsedScore | UnparsedAnswer
) -> None:
    """A trailing 10 only is a scale; leading zeros don't count; >9 digits is 10**9; ", " joins."""
    assert parse_answer(text) == expected


@pytest.mark.parametrize(
    ("reason", "asks_again"),
    [
        (RefusalReason.EMPTY, False),
        (RefusalReason.NO_NUMBER, False),
        (RefusalReason.NOT_AN_ANSWER, False),
        (RefusalReason.AMBIGUOUS, True),
        (RefusalReason.DECIMAL, True),
        (RefusalReason.OUT_OF_RANGE, True),
    ],
)
def test_only_a_reply_that_tried_to_answer_is_asked_again(
    reason: RefusalReason, asks_again: bool
) -> None:
    """Two numbers, a decimal or out of range: ask again; about something else: the normal flow."""
    assert UnparsedAnswer(reason=reason).asks_again is asks_again


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("100", RefusalReason.OUT_OF_RANGE),
        ("de 0 a 10", RefusalReason.AMBIGUOUS),
        ("9 ou 10", RefusalReason.AMBIGUOUS),
        ("9, 10", RefusalReason.AMBIGUOUS),
        ("", RefusalReason.EMPTY),
        ("   ", RefusalReason.EMPTY),
        ("ótimo", RefusalReason.NO_NUMBER),
        ("9,5", RefusalReason.DECIMAL),
        ("nota 8.5", RefusalReason.DECIMAL),
        ("-1", RefusalReason.OUT_OF_RANGE),
        ("onze", RefusalReason.OUT_OF_RANGE),
        ("nota mil", RefusalReason.OUT_OF_RANGE),
        ("9" * 5000, RefusalReason.OUT_OF_RANGE),
        ("sete ou oito", RefusalReason.AMBIGUOUS),
        ("3/4", RefusalReason.AMBIGUOUS),
        ("10/7", RefusalReason.AMBIGUOUS),
        ("7 a 10", RefusalReason.AMBIGUOUS),
    ],
)
def test_ambiguous_or_out_of_range_is_refused_with_a_reason(
    text: str, reason: RefusalReason
) -> None:
    """Refusals carry the reason so the survey can ask once more."""
    result = parse_answer(text)
    assert isinstance(result, UnparsedAnswer)
    assert result.reason is reason
    assert result.explanation


@PROPERTIES
@given(written_scores())
def test_every_score_in_a_common_phrasing_parses_to_itself(case: tuple[int, str]) -> None:
    """0-10 in digits or words, any case, with or without accents, inside a phrasing."""
    score, text = case
    result = parse_answer(text)
    assert isinstance(result, ParsedScore)
    assert result.score == score


_FILLERS = ("nota", "acho", "que", "ou", "talvez", "de", "a", "entre", "e", "!!", "...", "?")
_WORDS_BUT_ARTICLES = {v: w for w, v in NUMBER_WORDS.items() if w not in ("um", "uma")}


@st.composite
def written_number(draw: st.DrawFn, value: int) -> str:
    """*value* as digits, or as a word when it has a non-article word."""
    if value in _WORDS_BUT_ARTICLES and draw(st.booleans()):
        return _WORDS_BUT_ARTICLES[value]
    return str(value)


@st.composite
def two_numbers(draw: st.DrawFn) -> tuple[int, int, str]:
    """A text holding two different numbers among filler words."""
    a, b = draw(
        st.lists(st.integers(min_value=0, max_value=200), min_size=2, max_size=2, unique=True)
    )
    fill = st.lists(st.sampled_from(_FILLERS), max_size=3).map(" ".join)
    middle = draw(fill)
    # "7 de 10" is the score 7 on its scale (test_a_score_on_its_scale), not two numbers.
    assume(not (b == 10 and middle == "de"))
    parts = [draw(fill), draw(written_number(a)), middle, draw(written_number(b)), draw(fill)]
    return a, b, " ".join(parts)


@PROPERTIES
@given(
    st.integers(min_value=0, max_value=10).flatmap(
        lambda n: st.tuples(st.just(n), written_number(n))
    ),
    st.sampled_from(("/", " / ", " de ", " em ", " sobre ", " De ")),
    st.sampled_from(("10", "dez")),
)
def test_a_score_on_its_scale(score: tuple[int, str], join: str, ten: str) -> None:
    """ "7/10", "sete de dez": the 10 after the score is its scale, whatever the score."""
    value, written = score
    result = parse_answer(f"nota {written}{join}{ten}")
    assert result == ParsedScore(score=value)


@PROPERTIES
@given(two_numbers())
def test_any_text_with_two_different_numbers_is_refused(case: tuple[int, int, str]) -> None:
    """Two different numbers are never guessed between; in range, the reason is AMBIGUOUS."""
    a, b, text = case
    result = parse_answer(text)
    assert isinstance(result, UnparsedAnswer)
    if a <= 10 and b <= 10:
        assert result.reason is RefusalReason.AMBIGUOUS
        assert set(result.numbers) == {a, b}


@PROPERTIES
@given(st.text(alphabet=st.characters(exclude_categories=["Nd"]), max_size=30))
def test_text_without_digits_or_number_words_is_never_a_score(text: str) -> None:
    """Without a digit or number word (after folding: "²" is 2), nothing is read."""
    result = parse_answer(text)
    folded = fold(text)
    if not set(folded.split()) & set(NUMBER_WORDS) and not any(c.isdigit() for c in folded):
        assert isinstance(result, UnparsedAnswer)


# The oracle: replies built from parts whose meaning is known by construction.
_LEADS = ("", "nota ", "Nota ", "minha nota é ", "dou ", "acho que ", "eu daria ", "NOTA: ")
_UNITS = ("", " pontos", "!!", ".")
_SEPARATORS = (", ", ". ", "! ", " - ", "\n", "; ")
_COMMENT_WORDS = (
    "ótimo", "atendimento", "demorou", "internet", "caiu", "ontem", "técnico", "educado",
    "resolveu", "Gostei", "rápido", "problema", "voltou", "obrigado", "fibra",
)  # fmt: skip
_REQUESTS = ("", "preciso de ", "quero ", "me manda ", "pode mandar ", "Tem ", "faltam ")
_NOUNS = (
    "vias", "boletos", "dias", "megas", "reais", "faturas", "meses", "horas", "aparelhos",
    "roteadores", "pessoas", "Vias", "mb",
)  # fmt: skip
_RESTS = ("", " do boleto", " sem internet", " em atraso", " por favor")


def _comment_text() -> st.SearchStrategy[str]:
    """A comment with no number in it."""
    return st.lists(st.sampled_from(_COMMENT_WORDS), min_size=1, max_size=5).map(" ".join)


@st.composite
def quantity(draw: st.DrawFn) -> str:
    """A reply where the number counts something ("preciso de 2 vias do boleto")."""
    number = draw(st.integers(min_value=0, max_value=10))
    request = draw(st.sampled_from(_REQUESTS))
    noun = draw(st.sampled_from(_NOUNS))
    return f"{request}{draw(written_number(number))} {noun}{draw(st.sampled_from(_RESTS))}"


@st.composite
def answers(draw: st.DrawFn) -> tuple[ParsedScore, str]:
    """A reply that answers the survey, and what it means: its score and comment."""
    score = draw(st.integers(min_value=0, max_value=10))
    said = (
        f"{draw(st.sampled_from(_LEADS))}{draw(written_number(score))}"
        f"{draw(st.sampled_from(_UNITS))}"
    )
    shape = draw(st.sampled_from(("alone", "comment after", "comment before", "follows")))
    comment = ""
    if shape == "follows":  # "10 muito bom": an evaluative word, no punctuation
        follow = draw(st.sampled_from(sorted(FOLLOW_WORDS)))
        comment = f"{follow} {draw(_comment_text())}"
        said = f"{said.rstrip('!.')} {comment}"
    elif shape != "alone":
        comment = draw(_comment_text() | quantity())
        separator = draw(st.sampled_from(_SEPARATORS))
        after = shape == "comment after"
        said = f"{said}{separator}{comment}" if after else f"{comment}{separator}{said}"
    return ParsedScore(score=score, comment=comment), said


@PROPERTIES
@given(answers())
def test_a_reply_that_answers_is_read_with_its_comment(case: tuple[ParsedScore, str]) -> None:
    """A score said with survey words is read; the text beside it (even "2 vias") is the comment."""
    expected, text = case
    assert parse_answer(text) == expected


@PROPERTIES
@given(quantity())
def test_a_number_that_counts_something_is_never_a_score(text: str) -> None:
    """A number that counts ("preciso de 2 vias") is not a score, nor asked again: normal flow."""
    result = parse_answer(text)
    assert isinstance(result, UnparsedAnswer)
    assert not result.asks_again


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A dash glued to a digit after a word or punctuation is a symbol, not a minus sign.
        ("9-10", UnparsedAnswer(reason=RefusalReason.AMBIGUOUS, numbers=(9, 10))),
        ("nota:-9", ParsedScore(score=9)),
        ("ótimo-10", ParsedScore(score=10, comment="ótimo")),
        # After a space (or at the start) the dash is the sign.
        ("nota -1", UnparsedAnswer(reason=RefusalReason.OUT_OF_RANGE, numbers=(-1,))),
        ("9 -1", UnparsedAnswer(reason=RefusalReason.AMBIGUOUS, numbers=(9, -1))),
    ],
)
def test_a_dash_is_a_sign_only_after_a_space(
    text: str, expected: ParsedScore | UnparsedAnswer
) -> None:
    """ "9-10" is two numbers and "ótimo-10" a 10; "nota -1" and "9 -1" hold a -1."""
    assert parse_answer(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Reading goes on after a decimal: the score may come in a later clause.
        (
            "R$ 2,50 a mais na fatura, nota 7",
            ParsedScore(score=7, comment="R$ 2,50 a mais na fatura"),
        ),
        # A clause of survey words with a decimal ("pontos 7,5") is cut from the comment.
        ("nota 9, pontos 7,5", ParsedScore(score=9)),
        # A clause of symbols only (a smiley) is cut too.
        ("nota 10 :)", ParsedScore(score=10)),
        ("²", ParsedScore(score=2)),
        ("nota ²", ParsedScore(score=2)),
    ],
)
def test_decimals_symbols_and_superscripts_around_a_score(
    text: str, expected: ParsedScore | UnparsedAnswer
) -> None:
    """A decimal that counts something does not hide a later score; "²" is the digit 2."""
    assert parse_answer(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The score part runs from the score to its last number or unit, and no further...
        ("ótimo atendimento 9 de 10", ParsedScore(score=9, comment="ótimo atendimento")),
        ("muito bom 9 ou 10", UnparsedAnswer(reason=RefusalReason.AMBIGUOUS, numbers=(9, 10))),
        # ...so an emoji after it stays in the comment...
        ("10 😍 adorei o atendimento", ParsedScore(score=10, comment="😍 adorei o atendimento")),
        # ...and the survey words before it are cut only back to the clause's start.
        ("nota 10 gostei muito sim", ParsedScore(score=10, comment="gostei muito sim")),
    ],
)
def test_the_score_part_after_an_evaluative_word_and_before_a_comment(
    text: str, expected: ParsedScore | UnparsedAnswer
) -> None:
    """Numbers after a leading comment belong to the score; what follows its end is comment."""
    assert parse_answer(text) == expected
