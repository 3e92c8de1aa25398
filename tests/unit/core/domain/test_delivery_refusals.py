"""Delivery refusals and give-ups: the message, the field or action named, the cause kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lia_core.domain.delivery import (
    Channel,
    DeliveryErrorInfo,
    GiveUp,
    JobContext,
    JobName,
    Lane,
    MessageContent,
    OutboundJob,
)
from lia_core.domain.recipients import Phone
from lia_core.domain.template_parts import ButtonKind, HeaderKind, TemplateButton, TemplateHeader
from lia_core.errors import InvalidTransition, ValidationError

T0 = datetime(2026, 5, 20, 15, 0, tzinfo=UTC)


def _job(*, due: datetime = T0) -> OutboundJob:
    """A pending WhatsApp job due at *due*."""
    return OutboundJob(
        id="j-1",
        job_name=JobName.SEND_WHATSAPP,
        channel=Channel.WHATSAPP,
        recipient=Phone.stored("5521999998888"),
        content=MessageContent(text="Olá"),
        context=JobContext(source="test"),
        idempotency_key="k-1",
        lane=Lane.LIVE,
        next_attempt_at=due,
        created_at=T0,
        updated_at=T0,
    )


def test_an_empty_message_is_refused_naming_text() -> None:
    """A message with only blank text, no template and no push data is refused on 'text'."""
    with pytest.raises(ValidationError) as refused:
        MessageContent(text="  ")
    assert refused.value.field == "text"
    assert str(refused.value) == "a message needs a text, a template or push data"


def test_buttons_without_a_template_are_refused_naming_buttons() -> None:
    """Button parameters on a message without a template are refused on 'buttons'."""
    button = TemplateButton(kind=ButtonKind.QUICK_REPLY, index=0, value="sim")
    with pytest.raises(ValidationError) as refused:
        MessageContent(text="Olá", buttons=(button,))
    assert refused.value.field == "buttons"
    assert str(refused.value) == "header and button parameters need a template"


def test_a_header_without_a_template_is_refused_naming_header() -> None:
    """A header parameter on a message without a template is refused on 'header'."""
    header = TemplateHeader(kind=HeaderKind.TEXT, value="Aviso")
    with pytest.raises(ValidationError) as refused:
        MessageContent(text="Olá", header=header)
    assert refused.value.field == "header"
    assert str(refused.value) == "header and button parameters need a template"


def test_claiming_a_job_not_yet_due_is_refused_naming_claim() -> None:
    """A job due later cannot be claimed now: the refusal names the claim and the status."""
    job = _job(due=T0 + timedelta(hours=1))
    with pytest.raises(InvalidTransition) as refused:
        job.claim(owner="w-1", now=T0, lease_seconds=30)
    assert refused.value.action == "claim"
    assert str(refused.value) == "cannot claim job j-1: it is pending"


def test_giving_up_without_a_recorded_error_keeps_the_reason_as_gave_up() -> None:
    """A job given up with no failure recorded is dead-lettered as 'gave_up' with the reason."""
    job = _job()
    job.claim(owner="w-1", now=T0, lease_seconds=30)
    letter = job.apply(GiveUp(reason="no channel left"), now=T0)
    assert letter is not None
    assert letter.error == DeliveryErrorInfo(kind="gave_up", excerpt="no channel left")
    assert letter.channel is Channel.WHATSAPP
