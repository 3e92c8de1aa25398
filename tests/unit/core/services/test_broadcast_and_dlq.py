"""Outage notices, the resolution broadcast, and dead-letter reprocessing over the fakes."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from lia_core.domain.delivery import Channel, JobName, JobStatus, Lane
from lia_core.domain.delivery_policy import FailureKind
from lia_core.domain.failures import FailureAction, FailureStatus
from lia_core.domain.notices import FailureNotice, NoticeKind
from lia_core.domain.recipients import Phone
from lia_core.domain.regions import CityArea
from lia_core.errors import DomainError, InvalidTransition, ValidationError
from lia_core.ports import DeadLetterFilter
from lia_core.services import (
    ChangeFailureStatus,
    DeclareFailure,
    NotifyContact,
    ReprocessDeadLetters,
    ResolveAndBroadcast,
)
from lia_core.services.broadcast import notice_for_contact

from .delivery_harness import Harness, build_harness


async def active_failure(h: Harness, *, resolution: str | None = "Resolvido, {nome}!") -> str:
    """Declare an active failure over Teresópolis and return its id."""
    failure = await h.services.declare_failure(
        DeclareFailure(
            name="Fibra Centro",
            message="Olá {nome}, instabilidade em {regiao}.",
            resolution_message=resolution,
            cities=(CityArea.parse("Teresópolis"),),
            actor="sup",
        )
    )
    return failure.id


async def test_notice_is_queued_once_per_contact() -> None:
    """Notifying a contact twice queues one personalised notice and records one notice."""
    h = build_harness()
    fid = await active_failure(h)
    first = await h.services.notify_contact(
        NotifyContact(failure_id=fid, recipient="5521900000001", name="Ana")
    )
    again = await h.services.notify_contact(
        NotifyContact(failure_id=fid, recipient="5521900000001", name="Ana")
    )
    assert first.created
    assert not again.created
    assert first.job is not None
    assert first.job.job_name is JobName.OUTAGE_NOTICE
    assert first.job.content.text == "Olá Ana, instabilidade em Teresópolis."
    assert first.job.lane is Lane.LIVE
    assert (await h.services.failure_details(fid)).notices == 1


async def test_a_contact_is_one_contact_however_the_number_is_written() -> None:
    """Notices are keyed by the canonical number: other spellings are told once, resolved right."""
    h = build_harness()
    fid = await active_failure(h)
    spellings = ["(21) 98765-4321", "+55 21 98765-4321", "21987654321", "552187654321"]
    results = [
        await h.services.notify_contact(NotifyContact(failure_id=fid, recipient=raw))
        for raw in spellings
    ]
    assert [r.created for r in results] == [True, False, False, False]
    assert results[0].job is not None
    assert str(results[0].job.recipient) == "5521987654321"
    report = await h.services.resolve_and_broadcast(
        ResolveAndBroadcast(failure_id=fid, actor="sup")
    )
    assert (report.notified, report.queued) == (1, 1)
    resolutions = [j for j in h.store.jobs.values() if j.job_name is JobName.OUTAGE_RESOLUTION]
    assert [str(j.recipient) for j in resolutions] == ["5521987654321"]


async def test_a_number_that_is_no_phone_is_refused_before_anything_is_stored() -> None:
    """A bad number names the field and records no notice."""
    h = build_harness()
    fid = await active_failure(h)
    with pytest.raises(ValidationError) as caught:
        await h.services.notify_contact(NotifyContact(failure_id=fid, recipient="não sei"))
    assert caught.value.field == "to"
    assert (await h.services.failure_details(fid)).notices == 0


async def test_a_push_token_is_kept_as_given() -> None:
    """Push recipients are device tokens: stored and sent as given, not read as numbers."""
    h = build_harness()
    fid = await active_failure(h)
    result = await h.services.notify_contact(
        NotifyContact(failure_id=fid, recipient=" fcm-token:AbC123 ", channel=Channel.PUSH)
    )
    assert result.job is not None
    assert str(result.job.recipient) == "fcm-token:AbC123"


async def test_only_active_failures_notify() -> None:
    """A paused failure's notice is refused."""
    h = build_harness()
    fid = await active_failure(h)
    await h.services.change_failure_status(
        ChangeFailureStatus(failure_id=fid, action=FailureAction.PAUSE, actor="sup")
    )
    with pytest.raises(DomainError, match="only active failures notify"):
        await h.services.notify_contact(NotifyContact(failure_id=fid, recipient="5521900000001"))


async def test_resolution_goes_to_everyone_notified_once_in_bulk() -> None:
    """Resolving queues one bulk resolution job per notified contact, with progress, and counts them."""
    h = build_harness()
    fid = await active_failure(h)
    people = [f"55219000000{n:02d}" for n in range(25)]
    for n, phone in enumerate(people):
        await h.services.notify_contact(
            NotifyContact(failure_id=fid, recipient=phone, name=f"C{n}")
        )
    seen: list[tuple[int, int]] = []
    report = await h.services.resolve_and_broadcast(
        ResolveAndBroadcast(failure_id=fid, actor="sup"), progress=lambda d, t: seen.append((d, t))
    )
    assert report.failure.status is FailureStatus.RESOLVED
    assert (report.notified, report.queued, report.already_queued) == (25, 25, 0)
    assert seen[-1] == (25, 25)
    resolutions = [j for j in h.store.jobs.values() if j.job_name is JobName.OUTAGE_RESOLUTION]
    assert sorted(str(j.recipient) for j in resolutions) == people
    assert all(j.lane is Lane.BULK for j in resolutions)
    assert {j.content.text for j in resolutions if str(j.recipient) == people[3]} == {
        "Resolvido, C3!"
    }
    details = await h.services.failure_details(fid)
    assert (details.notices, details.resolutions) == (25, 25)


async def test_resolution_keeps_stored_canonical_numbers_as_they_are() -> None:
    """A US contact stored by the gate as 1202… is resolved to 1202…, not re-read as Brazilian."""
    h = build_harness()
    fid = await active_failure(h)
    async with h.store.unit_of_work() as uow:
        await uow.notices.record_many(
            [
                FailureNotice(
                    failure_id=fid,
                    recipient=Phone("12025550123"),  # parse_contact("+1 202 555 0123")
                    name="Ann",
                    channel=Channel.WHATSAPP,
                    kind=NoticeKind.NOTICE,
                    job_id="job-us",
                    created_at=h.clock.now(),
                )
            ]
        )
        await uow.commit()
    await h.services.resolve_and_broadcast(ResolveAndBroadcast(failure_id=fid, actor="sup"))
    resolutions = [j for j in h.store.jobs.values() if j.job_name is JobName.OUTAGE_RESOLUTION]
    assert [str(j.recipient) for j in resolutions] == ["12025550123"]


async def test_notice_goes_to_the_typed_contact_as_it_is() -> None:
    """A US contact with no other reply address is sent 1650…, not a Brazilian misreading of it."""
    h = build_harness()
    fid = await active_failure(h)
    async with h.store.unit_of_work() as uow:
        failure = await uow.failures.get(fid)
    us = Phone("16505551234")  # as the WhatsApp webhook gives it (country code first)
    job, notice = notice_for_contact(
        failure,
        contact=us,
        name="Ann",
        channel=Channel.WHATSAPP,
        order={},
        job_id="job-us",
        now=h.clock.now(),
        tz=UTC,
        source="outage-gate",
    )
    assert (job.recipient, notice.recipient, notice.reply_to) == (us, us, None)
    assert job.idempotency_key == f"notice:{fid}:16505551234"


async def test_failed_resolution_queues_nothing() -> None:
    """A resolve refused by the lifecycle writes no broadcast."""
    h = build_harness()
    fid = await active_failure(h)
    await h.services.notify_contact(NotifyContact(failure_id=fid, recipient="5521900000001"))
    await h.services.resolve_and_broadcast(ResolveAndBroadcast(failure_id=fid, actor="sup"))
    jobs_before = len(h.store.jobs)
    with pytest.raises(InvalidTransition):
        await h.services.resolve_and_broadcast(ResolveAndBroadcast(failure_id=fid, actor="sup"))
    assert len(h.store.jobs) == jobs_before


async def test_resolve_without_broadcast_or_message_sends_nothing() -> None:
    """No resolution text, or broadcast off: the failure is resolved and nobody is messaged."""
    h = build_harness()
    fid = await active_failure(h, resolution=None)
    await h.services.notify_contact(NotifyContact(failure_id=fid, recipient="5521900000001"))
    report = await h.services.resolve_and_broadcast(
        ResolveAndBroadcast(failure_id=fid, actor="sup")
    )
    assert (report.notified, report.queued) == (1, 0)


async def dead_jobs(h: Harness, count: int) -> list[str]:
    """Queue *count* SMS jobs and let them die on permanent errors."""
    ids = [await h.enqueue(f"55219111111{n:02d}", channel=Channel.SMS) for n in range(count)]
    h.senders[Channel.SMS].fail_next(*[FailureKind.PERMANENT] * count)
    await h.dispatcher.run_once(owner="w1")
    assert all(h.store.jobs[i].status is JobStatus.DEAD for i in ids)
    return ids


async def test_reprocess_requeues_matching_dead_letters_and_audits() -> None:
    """Reprocessing by job name requeues the dead letters, writes an audit entry, and they get sent."""
    h = build_harness()
    ids = await dead_jobs(h, 3)
    where = DeadLetterFilter(job_name=JobName.SEND_SMS, err_code="E-permanent")
    dry = await h.services.reprocess_dead_letters(
        ReprocessDeadLetters(where=where, actor="ops", dry_run=True)
    )
    assert (dry.audit.matched, dry.audit.requeued, dry.audit.dry_run) == (3, 3, True)
    assert all(h.store.jobs[i].status is JobStatus.DEAD for i in ids)
    report = await h.services.reprocess_dead_letters(ReprocessDeadLetters(where=where, actor="ops"))
    assert (report.audit.matched, report.audit.requeued, report.audit.skipped) == (3, 3, 0)
    assert set(report.audit.sample_ids) == set(ids)
    assert report.audit.filters == {"job_name": "send-sms", "err_code": "E-permanent"}
    assert h.store.dead_letters == {}
    assert [a.action_id for a in h.store.audit] == [dry.audit.action_id, report.audit.action_id]
    await h.dispatcher.run_once(owner="w1")
    assert all(h.store.jobs[i].status is JobStatus.SENT for i in ids)


async def test_reprocess_limit_skips_jobs_reprocessed_too_often() -> None:
    """A job already reprocessed the maximum number of times stays dead and is counted as skipped."""
    h = build_harness()
    (job_id,) = await dead_jobs(h, 1)
    everything = DeadLetterFilter()
    for _ in range(2):
        await h.services.reprocess_dead_letters(
            ReprocessDeadLetters(where=everything, actor="ops", max_reprocess=2)
        )
        h.senders[Channel.SMS].fail_next(FailureKind.PERMANENT)
        await h.dispatcher.run_once(owner="w1")
    report = await h.services.reprocess_dead_letters(
        ReprocessDeadLetters(where=everything, actor="ops", max_reprocess=2)
    )
    assert (report.audit.requeued, report.audit.skipped) == (0, 1)
    assert h.store.jobs[job_id].status is JobStatus.DEAD
    assert h.store.dead_letters[job_id].reprocess_count == 2


async def test_time_filters_and_bad_window() -> None:
    """--since/--until select by failure time; an empty window is refused."""
    h = build_harness()
    await dead_jobs(h, 2)
    now = h.clock.now()
    later = DeadLetterFilter(since=now + timedelta(minutes=1))
    assert await h.services.list_dead_letters(later) == []
    assert (
        len(await h.services.list_dead_letters(DeadLetterFilter(until=now + timedelta(seconds=1))))
        == 2
    )
    with pytest.raises(ValidationError):
        await h.services.list_dead_letters(DeadLetterFilter(since=now, until=now))


async def test_progress_follows_the_outbox_as_the_broadcast_drains() -> None:
    """failure_progress counts notices and resolutions by where their jobs stand: queued
    until the dispatcher sends them, then sent; nothing queued means not draining."""
    h = build_harness()
    fid = await active_failure(h)
    for n in range(3):
        await h.services.notify_contact(NotifyContact(failure_id=fid, recipient=f"552190000000{n}"))
    before = await h.services.failure_progress(fid)
    assert before.failure.id == fid
    assert (before.notices.contacts, before.notices.queued) == (3, 3)
    assert (before.notices.sent, before.resolutions.contacts) == (0, 0)
    assert before.draining
    await h.services.resolve_and_broadcast(ResolveAndBroadcast(failure_id=fid, actor="sup"))
    queued = await h.services.failure_progress(fid)
    assert queued.resolutions.queued == 3
    await h.dispatcher.run_once(owner="w1")
    done = await h.services.failure_progress(fid)
    assert (done.notices.sent, done.resolutions.sent, done.resolutions.queued) == (3, 3, 0)
    assert done.resolutions.contacts == 3
    assert not done.draining


async def test_reprocess_a_selection_requeues_only_those_and_audits_the_ids() -> None:
    """Dead letters named by id are the only ones requeued; an empty selection is refused."""
    h = build_harness()
    ids = await dead_jobs(h, 3)
    chosen = DeadLetterFilter(job_ids=frozenset(ids[:2]))
    report = await h.services.reprocess_dead_letters(
        ReprocessDeadLetters(where=chosen, actor="ops")
    )
    assert (report.audit.matched, report.audit.requeued) == (2, 2)
    assert report.audit.filters == {"job_ids": ",".join(sorted(ids[:2]))}
    assert list(h.store.dead_letters) == [ids[2]]
    for where in (
        DeadLetterFilter(job_ids=frozenset()),
        DeadLetterFilter(job_ids=frozenset(str(n) for n in range(1001))),
    ):
        with pytest.raises(ValidationError) as caught:
            await h.services.reprocess_dead_letters(ReprocessDeadLetters(where=where, actor="ops"))
        assert caught.value.field == "job_ids"
