"""Fields a domain step is given or sets are kept, read back exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lia_core.domain.agents import AgentProfile, Presence
from lia_core.domain.delivery import GiveUp, JobAction, JobName, JobStatus, Lane
from lia_core.domain.failures import MassiveFailure
from lia_core.domain.feedback import Feedback
from lia_core.domain.pacing import BreakerState, CircuitBreaker
from lia_core.errors import InvalidTransition
from tests.unit.core.domain.test_failure_lifecycle import declare
from tests.unit.core.domain.test_job_lifecycle import ERROR, LEASE, T0, a_job

NOW = datetime(2026, 5, 20, 14, 30, tzinfo=UTC)
SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def test_an_answer_keeps_who_and_where_it_came_from() -> None:
    """A recorded answer keeps its survey, conversation, customer, agent and department."""
    answer = Feedback.record(
        id="f-1",
        survey_id="s-1",
        conversation_id="c-1",
        customer="5521999990001",
        score=9,
        comment="ok",
        at=NOW,
        agent="ana",
        department="suporte",
    )
    assert (answer.survey_id, answer.conversation_id, answer.customer) == (
        "s-1",
        "c-1",
        "5521999990001",
    )
    assert (answer.agent, answer.department) == ("ana", "suporte")


def test_a_breaker_that_opens_or_closes_carries_no_probe_over() -> None:
    """Opening (after a failed probe) or closing leaves the breaker as freshly set to that state."""
    breaker = CircuitBreaker(threshold=1, cooldown_seconds=10.0)
    assert breaker.record_failure(0.0)
    assert breaker.allows(10.0)
    assert breaker.record_failure(11.0)
    assert breaker == CircuitBreaker(
        threshold=1,
        cooldown_seconds=10.0,
        state=BreakerState.OPEN,
        failures=2,
        opened_at=11.0,
    )
    assert breaker.allows(21.0)
    breaker.record_success()
    assert breaker == CircuitBreaker(
        threshold=1, cooldown_seconds=10.0, state=BreakerState.CLOSED, opened_at=11.0
    )


def failure(eta: datetime | None = None) -> MassiveFailure:
    """A failure declared now over Teresópolis (Centro, Alto) using every placeholder, due at *eta*."""
    return declare(
        name="Fibra Centro",
        notification_message="Olá {nome}, previsão {previsao}, em {regiao}.",
        resolution_message="Resolvido, {nome}: {falha} (previsto {previsao}).",
        estimated_resolution=eta,
    )


def test_the_resolution_notice_shows_times_in_the_customers_zone() -> None:
    """The resolution notice's estimate is written in the time zone it is asked for."""
    eta = NOW + timedelta(hours=3)
    notice = failure(eta).resolution_notice_for(customer_name="Ana", tz=SAO_PAULO)
    assert notice == "Resolvido, Ana: Fibra Centro (previsto 20/05/2026 14:30)."


def test_a_notice_without_an_estimate_says_soon_and_names_the_region() -> None:
    """With no estimate the notice says 'em breve'; {regiao} is the regions' description."""
    notice = failure().notice_for(customer_name="Ana", tz=UTC)
    assert notice == "Olá Ana, previsão em breve, em Teresópolis (Centro, Alto)."


def test_an_agent_without_auto_offline_keeps_the_status_set() -> None:
    """With auto-offline off, an agent never heard from still reads as the status they set."""
    agent = AgentProfile(username="ana", status=Presence.ONLINE, auto_offline=False)
    assert agent.presence_at(NOW, timedelta(seconds=60)) is Presence.ONLINE


def test_a_sent_job_counts_one_more_attempt_and_keeps_the_provider_id() -> None:
    """Mark sent: attempts go up by one, the send time and provider id are stored."""
    job = a_job(attempts=2)
    job.claim(owner="w1", now=T0, lease_seconds=LEASE)
    job.mark_sent("wamid.1", now=T0 + timedelta(seconds=1))
    assert job.status is JobStatus.SENT
    assert (job.attempts, job.sent_at, job.provider_message_id) == (
        3,
        T0 + timedelta(seconds=1),
        "wamid.1",
    )


def test_a_dead_letter_names_the_job_kind_and_its_lane() -> None:
    """Giving up files a dead letter naming the job's kind and the lane it came from."""
    job = a_job(lane=Lane.BULK)
    job.claim(owner="w1", now=T0, lease_seconds=LEASE)
    job.record_failure(ERROR, uses_attempt=True, now=T0)
    dead = job.apply(GiveUp("gave up"), now=T0)
    assert dead is not None
    assert (dead.job_name, dead.origin_queue) == (JobName.SEND_WHATSAPP, Lane.BULK)


def test_a_refused_step_names_the_action() -> None:
    """A refused job step's error names the action that was refused."""
    job = a_job()
    with pytest.raises(InvalidTransition) as refused:
        job.mark_sent("wamid.1", now=T0)
    assert refused.value.action == JobAction.MARK_SENT.value
    assert str(refused.value) == f"cannot {JobAction.MARK_SENT.value} job j-1: it is pending"
