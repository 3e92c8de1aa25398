"""NPS scoring: categories, exact NPS and its grouping, survey eligibility, answer parsing, gamification.

Pure domain (no I/O): feed it answers and facts, get values and decisions back. See
docs/nps.md for examples.
"""

from __future__ import annotations

from lia_core.nps.categories import MAX_SCORE, MIN_SCORE, NpsAnswer, NpsCategory, categorize
from lia_core.nps.eligibility import (
    AnswerDecision,
    AnswerStatus,
    ConversationFacts,
    SentSurvey,
    SurveyDecision,
    SurveyPolicy,
    SurveyReason,
    answer_status,
    decide_survey,
)
from lia_core.nps.gamification import (
    AgentMetrics,
    AgentScores,
    GamificationSettings,
    ScoreWeights,
    score_agent,
)
from lia_core.nps.parsing import ParsedScore, RefusalReason, UnparsedAnswer, parse_answer
from lia_core.nps.ranking import (
    Badge,
    BadgeAward,
    GamificationResult,
    HistoryEntry,
    Standing,
    award_badges,
    rank_agents,
    ranking_key,
)
from lia_core.nps.score import (
    NpsResult,
    Period,
    compute_nps,
    group_nps,
    nps_by_agent,
    nps_by_assistant,
    nps_by_department,
    nps_by_period,
    period_start,
)

__all__ = [
    "MAX_SCORE",
    "MIN_SCORE",
    "AgentMetrics",
    "AgentScores",
    "AnswerDecision",
    "AnswerStatus",
    "Badge",
    "BadgeAward",
    "ConversationFacts",
    "GamificationResult",
    "GamificationSettings",
    "HistoryEntry",
    "NpsAnswer",
    "NpsCategory",
    "NpsResult",
    "ParsedScore",
    "Period",
    "RefusalReason",
    "ScoreWeights",
    "SentSurvey",
    "Standing",
    "SurveyDecision",
    "SurveyPolicy",
    "SurveyReason",
    "UnparsedAnswer",
    "answer_status",
    "award_badges",
    "categorize",
    "compute_nps",
    "decide_survey",
    "group_nps",
    "nps_by_agent",
    "nps_by_assistant",
    "nps_by_department",
    "nps_by_period",
    "parse_answer",
    "period_start",
    "rank_agents",
    "ranking_key",
    "score_agent",
]
