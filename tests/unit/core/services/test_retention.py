"""Retention purges over the fake: batches, the audit entry, dry runs, the worker's policy,
the ages accepted and refused."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from lia_adapters.memory import FixedClock, InMemoryStore, SequentialIds
from lia_core.domain.activity import Actor
from lia_core.domain.delivery import JobStatus
from lia_core.domain.retention import RetentionPolicy, RetentionTarget, parse_age
from lia_core.errors import ValidationError
from lia_core.services import Purge, Retention
from tests.contract.builders.delivery import T0, a_job, store_jobs

NOW = T0 + timedelta(days=40)
ANA = Actor(name="ana")


async def _setup(*statuses: JobStatus) -> tuple[InMemoryStore, Retention]:
    store = InMemoryStore()
    jobs = [a_job(f"j-{i}", status=s, created_at=T0) for i, s in enumerate(statuses)]
    await store_jobs(store.unit_of_work, *jobs)
    return store, Retention(store.unit_of_work, FixedClock(NOW), SequentialIds("a"))


async def test_a_purge_runs_in_batches_and_is_audited_once() -> None:
    """Seven finished jobs in batches of three: three transactions, one audit entry saying 7."""
    store, retention = await _setup(*[JobStatus.SENT] * 5, *[JobStatus.DEAD] * 2, JobStatus.PENDING)
    commits = store.commits

    report = await retention.purge(
        Purge(target=RetentionTarget.OUTBOX, older_than=timedelta(days=30), actor=ANA, batch_size=3)
    )

    assert (report.count, report.batches, report.dry_run) == (7, 3, False)
    assert report.before == NOW - timedelta(days=30)
    assert set(store.jobs) == {"j-7"}
    assert store.commits - commits == 4  # three batches, then the audit entry
    (entry,) = store.activity.values()
    assert (entry.actor, entry.action, entry.entity, entry.entity_id) == (
        "ana",
        "retention.purge",
        "retention",
        "outbox",
    )
    assert entry.reason == "older than 30d"
    assert entry.details == {"before": report.before.isoformat(), "purged": "7"}


async def test_a_dry_run_counts_and_changes_nothing() -> None:
    """--dry-run: the count, no row touched, nothing audited."""
    store, retention = await _setup(JobStatus.SENT, JobStatus.UNCERTAIN)
    report = await retention.purge(
        Purge(target=RetentionTarget.OUTBOX, older_than=timedelta(days=1), actor=ANA, dry_run=True)
    )
    assert (report.count, report.batches, report.dry_run) == (1, 0, True)
    assert set(store.jobs) == {"j-0", "j-1"}
    assert store.activity == {}


async def test_the_worker_purges_only_what_the_policy_does_not_keep_forever() -> None:
    """Outbox on (30 days), audit off: the jobs go, the audit log only gains the purge's entry."""
    store, retention = await _setup(JobStatus.SENT)
    reports = await retention.run_due(
        RetentionPolicy(outbox_days=30, audit_days=0), actor=Actor.service("retention")
    )
    assert [(r.target, r.count) for r in reports] == [(RetentionTarget.OUTBOX, 1)]
    assert [e.actor for e in store.activity.values()] == ["retention"]
    assert await retention.run_due(RetentionPolicy(), actor=ANA) == []


async def test_a_recently_finished_job_waits_for_its_own_age() -> None:
    """A dead job created long ago but dead-lettered yesterday is aged from its last change."""
    store = InMemoryStore()
    job = attrs.evolve(
        a_job("j-1", status=JobStatus.DEAD, created_at=T0), updated_at=NOW - timedelta(days=1)
    )
    await store_jobs(store.unit_of_work, job)
    retention = Retention(store.unit_of_work, FixedClock(NOW), SequentialIds("a"))
    report = await retention.purge(
        Purge(target=RetentionTarget.OUTBOX, older_than=timedelta(days=30), actor=ANA)
    )
    assert report.count == 0
    assert set(store.jobs) == {"j-1"}


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("30d", timedelta(days=30)),
        ("12h", timedelta(hours=12)),
        (" 90M ", timedelta(minutes=90)),
        ("2w", timedelta(weeks=2)),
    ],
)
def test_ages_are_read(text: str, age: timedelta) -> None:
    """A number and a unit (m, h, d, w), case and blanks aside."""
    assert parse_age(text) == age


@pytest.mark.parametrize("text", ["", "30", "d", "30 days", "1.5d", "-3d", "0d", "30s"])
def test_other_ages_are_refused_naming_the_field(text: str) -> None:
    """Anything else (or zero) is a ValidationError on ``older_than``."""
    with pytest.raises(ValidationError) as err:
        parse_age(text)
    assert err.value.field == "older_than"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (" 30 days ", "'30 days' is not an age: say a number and a unit, e.g. 30d, 12h, 90m or 2w"),
        ("0d", "the age must be more than zero"),
    ],
)
def test_a_refused_age_says_why_naming_the_given_field(text: str, message: str) -> None:
    """Not a number and a unit, or zero: the message says which, on the field the caller named."""
    with pytest.raises(ValidationError) as err:
        parse_age(text, field="age")
    assert (err.value.field, str(err.value)) == ("age", message)


def test_one_day_is_purged_and_zero_is_kept_forever() -> None:
    """`ages` lists a target kept 1 day and leaves out the one kept forever (0)."""
    ages = RetentionPolicy(outbox_days=1, webhook_raw_days=2, audit_days=0).ages()
    assert ages == {
        RetentionTarget.OUTBOX: timedelta(days=1),
        RetentionTarget.WEBHOOKS: timedelta(days=2),
    }


def test_a_purge_needs_a_positive_age_and_a_sane_batch() -> None:
    """The command refuses a zero age and a batch outside 1-100,000."""
    with pytest.raises(ValidationError):
        Purge(target=RetentionTarget.AUDIT, older_than=timedelta(0), actor=ANA)
    with pytest.raises(ValidationError) as err:
        Purge(target=RetentionTarget.AUDIT, older_than=timedelta(1), actor=ANA, batch_size=0)
    assert err.value.field == "batch_size"
