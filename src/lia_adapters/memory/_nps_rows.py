"""The fake's NPS rows: surveys and answers (staged or committed), with the database's keys.

A commit checks the versions read and the unique keys (a survey's id and subject, an
answer's id and survey), then applies, as the SQL unique indexes and conditional updates do.
"""

from __future__ import annotations

import attrs

from lia_core.domain.feedback import Feedback
from lia_core.domain.surveys import Survey
from lia_core.errors import AlreadyExists, ConcurrencyConflict

__all__ = ["NpsTables"]


@attrs.define
class NpsTables:
    """Committed (or staged) surveys and answers, each at its stored version."""

    surveys: dict[str, Survey] = attrs.field(factory=dict)
    feedback: dict[str, Feedback] = attrs.field(factory=dict)
    survey_reads: dict[str, int] = attrs.field(factory=dict)
    """Staged only: the version of each staged survey when read (0: added)."""
    feedback_reads: dict[str, int] = attrs.field(factory=dict)
    """Staged only: the version of each staged answer when read (0: added)."""

    def check(self, staged: NpsTables) -> None:
        """Raise AlreadyExists or ConcurrencyConflict if a row moved or a key was taken since."""
        subjects = {s.subject: sid for sid, s in self.surveys.items()}
        for sid, read in staged.survey_reads.items():
            current = self.surveys.get(sid)
            if read == 0:
                survey = staged.surveys[sid]
                if current is not None or subjects.get(survey.subject, sid) != sid:
                    raise AlreadyExists(entity="survey", entity_id=survey.subject)
            elif current is None or current.version != read:
                raise ConcurrencyConflict(entity="survey", entity_id=sid)
        answered = {f.survey_id: fid for fid, f in self.feedback.items()}
        for fid, read in staged.feedback_reads.items():
            current_f = self.feedback.get(fid)
            if read == 0:
                feedback = staged.feedback[fid]
                if current_f is not None or answered.get(feedback.survey_id, fid) != fid:
                    raise AlreadyExists(entity="feedback", entity_id=fid)
            elif current_f is None or current_f.version != read:
                raise ConcurrencyConflict(entity="feedback", entity_id=fid)

    def merge(self, staged: NpsTables) -> None:
        """Apply *staged* (after `check`)."""
        self.surveys.update(staged.surveys)
        self.feedback.update(staged.feedback)
