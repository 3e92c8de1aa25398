"""The worker writes back only `OUTCOME_COLUMNS`: every outcome of a claimed job stays inside them."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta

import pytest

from lia_adapters.sql.delivery.mapping import OUTCOME_COLUMNS, job_values, outcome_values
from lia_core.domain.delivery import (
    AwaitSettlement,
    Channel,
    DeliveryErrorInfo,
    FallBack,
    GiveUp,
    HoldChannel,
    JobStatus,
    OutboundJob,
    RetryAt,
    RetryDecision,
)
from tests.contract.builders.delivery import T0, a_full_job

LATER = T0 + timedelta(minutes=5)
ERROR = DeliveryErrorInfo(kind="transient", code="500", http_status=500, provider="whatsapp")


def _fail_then(decision: RetryDecision) -> Callable[[OutboundJob], None]:
    def outcome(job: OutboundJob) -> None:
        job.record_failure(ERROR, uses_attempt=True, now=LATER)
        job.apply(decision, now=LATER)

    return outcome


OUTCOMES: dict[str, Callable[[OutboundJob], None]] = {
    "sent": lambda job: job.mark_sent("wamid.new", now=LATER),
    "requeued": lambda job: job.requeue(at=LATER + timedelta(seconds=3), now=LATER),
    "retry": _fail_then(RetryAt(at=LATER + timedelta(minutes=1))),
    "hold": _fail_then(HoldChannel(until=LATER + timedelta(minutes=2))),
    "fall back": _fail_then(FallBack(channel=Channel.EVOLUTION)),
    "uncertain": _fail_then(AwaitSettlement()),
    "dead": _fail_then(GiveUp(reason="out of attempts")),
}


@pytest.mark.parametrize("name", list(OUTCOMES))
def test_an_outcome_changes_only_outcome_columns(name: str) -> None:
    """Each way a claimed job can end its try changes no column outside `OUTCOME_COLUMNS`."""
    claimed = a_full_job()
    assert claimed.status is JobStatus.SENDING
    job = copy.deepcopy(claimed)
    OUTCOMES[name](job)
    before, after = job_values(claimed), job_values(job)
    changed = {column for column in after if after[column] != before[column]}
    assert changed  # the outcome did something
    assert changed <= set(OUTCOME_COLUMNS), changed - set(OUTCOME_COLUMNS)


def test_outcome_values_are_the_job_values_of_those_columns() -> None:
    """`outcome_values` is `job_values` cut to the id and `OUTCOME_COLUMNS`, same values."""
    job = a_full_job()
    full = job_values(job)
    assert outcome_values(job) == {name: full[name] for name in ("id", *OUTCOME_COLUMNS)}
