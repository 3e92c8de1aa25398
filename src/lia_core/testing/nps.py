"""Hypothesis strategies for NPS rules: answers, answer sets, written scores, agent metrics.

Agents, assistants and departments come from small pools (with None) so groups collide;
timestamps are timezone-aware and span more than a year so days, weeks and months vary.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

from hypothesis import strategies as st

from lia_core.nps import AgentMetrics, NpsAnswer, ScoreWeights
from lia_core.nps.parsing import NUMBER_WORDS

__all__ = [
    "AGENTS",
    "ASSISTANTS",
    "DEPARTMENTS",
    "PHRASINGS",
    "agent_metric_sets",
    "agent_metrics",
    "answer_sets",
    "aware_datetimes",
    "nps_answers",
    "nps_scores",
    "score_weights",
    "written_scores",
]

AGENTS = ("ana", "bruno", "carla", "diego", "elisa")
"""Agent ids used by the strategies."""
ASSISTANTS = ("suporte", "financeiro", "comercial")
"""Virtual assistant names used by the strategies."""
DEPARTMENTS = ("suporte", "financeiro", "comercial", "ouvidoria")
"""Department names used by the strategies."""
PHRASINGS = (
    "{}",
    "{}!!",
    " {} ",
    "nota {}",
    "Nota: {}",
    "minha nota é {}",
    "Minha nota e {}.",
    "dou {}",
    "acho que {}",
    "{} pontos",
    "{}, obrigado",
    "NOTA {}!",
)
"""Common ways a customer writes one score; ``{}`` is the number."""

_EPOCH = datetime(2025, 12, 1, tzinfo=UTC)


def _spellings() -> dict[int, tuple[str, ...]]:
    """Each score's number words in lower, upper and capitalised case, "três" with its accent."""
    words: dict[int, tuple[str, ...]] = {}
    for word, value in [*NUMBER_WORDS.items(), ("três", 3)]:
        words[value] = (*words.get(value, ()), word, word.upper(), word.capitalize())
    return words


_WORDS = _spellings()


def nps_scores() -> st.SearchStrategy[int]:
    """Valid answers, 0 to 10."""
    return st.integers(min_value=0, max_value=10)


def aware_datetimes(*, days: int = 400) -> st.SearchStrategy[datetime]:
    """UTC instants over *days* days from 2025-12-01, to the second."""
    return st.integers(min_value=0, max_value=days * 86_400 - 1).map(
        lambda s: _EPOCH + timedelta(seconds=s)
    )


def nps_answers(
    *,
    agents: tuple[str, ...] = AGENTS,
    assistants: tuple[str, ...] = ASSISTANTS,
    departments: tuple[str, ...] = DEPARTMENTS,
) -> st.SearchStrategy[NpsAnswer]:
    """Answers with agents, assistants and departments drawn from small pools (or None)."""
    return st.builds(
        NpsAnswer,
        score=nps_scores(),
        answered_at=aware_datetimes(),
        conversation_id=st.uuids().map(str),
        agent_id=st.none() | st.sampled_from(agents),
        assistant=st.none() | st.sampled_from(assistants),
        department=st.none() | st.sampled_from(departments),
    )


def answer_sets(*, min_size: int = 0, max_size: int = 60) -> st.SearchStrategy[list[NpsAnswer]]:
    """Lists of answers (empty ones included by default)."""
    return st.lists(nps_answers(), min_size=min_size, max_size=max_size)


def written_scores(*, phrasings: tuple[str, ...] = PHRASINGS) -> st.SearchStrategy[tuple[int, str]]:
    """A score and a reply that says it, as digits or Portuguese words, in a common phrasing."""

    def spell(score: int) -> st.SearchStrategy[tuple[int, str]]:
        written = st.sampled_from((str(score), *_WORDS[score]))
        texts = st.builds(str.format, st.sampled_from(phrasings), written)
        return texts.map(lambda text: (score, text))

    return nps_scores().flatmap(spell)


def score_weights() -> st.SearchStrategy[ScoreWeights]:
    """Valid weights: four non-negative integers that sum to 100."""
    cuts = st.lists(st.integers(min_value=0, max_value=100), min_size=3, max_size=3)

    def build(points: list[int]) -> ScoreWeights:
        a, b, c = sorted(points)
        return ScoreWeights(nps=a, volume=b - a, resolution=c - b, response_time=100 - c)

    return cuts.map(build)


@st.composite
def agent_metrics(draw: st.DrawFn, *, agent_id: str | None = None) -> AgentMetrics:
    """Plausible metrics of one agent in one period (ties are frequent)."""
    conversations = draw(st.sampled_from((0, 1, 10, 50, 100, 500, 800)) | st.integers(0, 1000))
    resolved = draw(st.integers(min_value=0, max_value=conversations))
    seconds = draw(st.none() | st.sampled_from((30, 60, 120, 240)) | st.integers(0, 3_600))
    avg = draw(st.none() | st.fractions(min_value=0, max_value=10, max_denominator=20))
    name = agent_id if agent_id is not None else draw(st.sampled_from(AGENTS))
    return AgentMetrics(
        agent_id=name,
        conversations=conversations,
        resolved=resolved,
        avg_response_seconds=seconds,
        avg_nps=None if avg is None else Fraction(avg),
    )


def agent_metric_sets(*, max_size: int = 12) -> st.SearchStrategy[list[AgentMetrics]]:
    """Metrics of distinct agents (ids ``agent-0``, ``agent-1``, ...)."""
    return st.integers(min_value=0, max_value=max_size).flatmap(
        lambda n: st.tuples(*(agent_metrics(agent_id=f"agent-{i}") for i in range(n))).map(list)
    )
