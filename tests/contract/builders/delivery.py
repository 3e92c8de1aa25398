"""Builders for the delivery suites: outbox jobs, dead letters, notices (and the failures they refer to)."""

from __future__ import annotations

from datetime import UTC, datetime

from lia_core.domain.delivery import (
    Channel,
    DeadLetter,
    DeliveryErrorInfo,
    JobContext,
    JobName,
    JobStatus,
    Lane,
    MessageContent,
    OutboundJob,
)
from lia_core.domain.failures import FailureStatus, MassiveFailure, Severity
from lia_core.domain.notices import FailureNotice, NoticeKind
from lia_core.domain.recipients import Phone, load_contact
from lia_core.domain.regions import AffectedRegions, Area, CityArea
from lia_core.ports import UnitOfWorkFactory
from tests.contract.builders.outages import BRT, T0

__all__ = [
    "BRT",
    "PHONE",
    "T0",
    "a_dead_letter",
    "a_failure",
    "a_full_job",
    "a_job",
    "a_notice",
    "claim",
    "load_job",
    "store_failures",
    "store_jobs",
]


PHONE = "5521999990001"


def a_job(
    job_id: str = "j-1",
    *,
    key: str | None = None,
    lane: Lane = Lane.LIVE,
    due: datetime = T0,
    status: JobStatus = JobStatus.PENDING,
    recipient: str = PHONE,
    created_at: datetime = T0,
) -> OutboundJob:
    """A pending SMS job due at *due*; optional fields left empty."""
    return OutboundJob(
        id=job_id,
        job_name=JobName.SEND_SMS,
        channel=Channel.SMS,
        recipient=Phone.stored(recipient),
        content=MessageContent(text=f"Mensagem {job_id}"),
        context=JobContext(source="test"),
        idempotency_key=key or f"key-{job_id}",
        lane=lane,
        status=status,
        next_attempt_at=due,
        created_at=created_at,
        updated_at=created_at,
    )


def a_full_job() -> OutboundJob:
    """A job with every field set, timestamps in several zones, accents in the content."""
    return OutboundJob(
        id="7c0e2b9a-1f4d-4e8b-a2c3-5d6e7f8a9b0c",
        job_name=JobName.OUTAGE_NOTICE,
        channel=Channel.WHATSAPP,
        recipient=Phone.stored("5521999990001"),
        content=MessageContent(
            text="Olá Ana, falha em Teresópolis — previsão 18h.",
            template="aviso_falha",
            template_language="pt_BR",
            params=("Ana", "Várzea", "18h"),
            data={"failure_id": "f-1", "região": "serra"},
        ),
        context=JobContext(
            source="crm-webhook", correlation_id="f-1", request_id="req:edge-1/a+b=c@x"
        ),
        idempotency_key="notice:f-1:+55 21 99999-0001",
        lane=Lane.BULK,
        status=JobStatus.SENDING,
        attempts=3,
        next_attempt_at=datetime(2026, 3, 10, 9, 30, 15, 123456, tzinfo=BRT),
        fallback_channels=(Channel.EVOLUTION, Channel.SMS),
        lease_owner="worker-1:4242",
        lease_expires_at=datetime(2026, 3, 10, 12, 31, tzinfo=UTC),
        provider_message_id="wamid.HBgNNTUyMTk5OTk5MDAwMRUCABEYEjQ1",
        last_error=DeliveryErrorInfo(
            kind="rate_limited",
            code="131056",
            http_status=429,
            provider="whatsapp",
            excerpt="(#131056) Limite de mensagens por par atingido — tente depois",
        ),
        dlq_reprocess_count=2,
        created_at=datetime(2026, 3, 10, 12, 0, tzinfo=UTC),
        updated_at=datetime(2026, 3, 10, 9, 31, tzinfo=BRT),
        sent_at=datetime(2026, 3, 10, 12, 32, 0, 1, tzinfo=UTC),
    )


def a_dead_letter(
    job_id: str = "j-1",
    *,
    failed_at: datetime = T0,
    job_name: JobName = JobName.SEND_SMS,
    code: str | None = "21610",
) -> DeadLetter:
    """The dead letter of job *job_id*, failed permanently at *failed_at*."""
    return DeadLetter(
        job_id=job_id,
        job_name=job_name,
        channel=Channel.SMS,
        origin_queue=Lane.LIVE,
        error=DeliveryErrorInfo(
            kind="permanent", code=code, http_status=400, provider="twilio", excerpt="Unsubscribed"
        ),
        payload_hash="a" * 64,
        failed_at=failed_at,
        attempts=1,
    )


def a_notice(
    recipient: str = PHONE,
    *,
    failure_id: str = "f-1",
    kind: NoticeKind = NoticeKind.NOTICE,
    name: str = "Ana",
) -> FailureNotice:
    """A notice telling *recipient* about failure *failure_id*."""
    return FailureNotice(
        failure_id=failure_id,
        recipient=load_contact(recipient),  # what the store gives back for this text
        name=name,
        channel=Channel.WHATSAPP,
        kind=kind,
        job_id=f"job-{failure_id}-{kind.value}-{recipient}",
        created_at=T0,
    )


def a_failure(failure_id: str = "f-1") -> MassiveFailure:
    """An active failure that notices can refer to."""
    return MassiveFailure(
        id=failure_id,
        name=f"Falha {failure_id}",
        notification_message="Olá {nome}.",
        resolution_message=None,
        severity=Severity.HIGH,
        regions=AffectedRegions(area=Area(cities=(CityArea(city="Teresópolis"),))),
        starts_at=T0,
        estimated_resolution=None,
        status=FailureStatus.ACTIVE,
        created_by="ana",
        created_at=T0,
        updated_at=T0,
    )


async def store_jobs(uow_factory: UnitOfWorkFactory, *jobs: OutboundJob) -> None:
    """Add and commit *jobs* in one unit of work."""
    async with uow_factory() as uow:
        assert await uow.outbox.add_many(jobs) == len(jobs)
        await uow.commit()


async def claim(
    uow_factory: UnitOfWorkFactory,
    *,
    owner: str = "w1",
    now: datetime = T0,
    lease_seconds: float = 60,
    limit: int = 100,
) -> list[OutboundJob]:
    """Claim and commit, as the dispatcher does."""
    async with uow_factory() as uow:
        jobs = await uow.outbox.claim(
            owner=owner, now=now, lease_seconds=lease_seconds, limit=limit
        )
        await uow.commit()
    return list(jobs)


async def load_job(uow_factory: UnitOfWorkFactory, job_id: str) -> OutboundJob:
    """The committed state of a job."""
    async with uow_factory() as uow:
        return await uow.outbox.get(job_id)


async def store_failures(uow_factory: UnitOfWorkFactory, *failure_ids: str) -> None:
    """Store failures for notices to refer to."""
    async with uow_factory() as uow:
        for failure_id in failure_ids:
            await uow.failures.add(a_failure(failure_id))
        await uow.commit()
