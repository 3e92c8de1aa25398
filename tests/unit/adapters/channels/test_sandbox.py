"""The sandbox sender: no network, records and logs, scripted failures, bounded memory."""

from __future__ import annotations

import uuid

import pytest
from structlog.testing import capture_logs

from lia_adapters.channels import SandboxSender
from lia_core.domain.delivery import Channel
from lia_core.domain.delivery_policy import FailureKind, SendFailure
from lia_core.errors import DeliveryError
from tests.unit.adapters.channels.support import message


async def test_send_records_logs_and_returns_a_sandbox_id() -> None:
    """A send answers sandbox-<uuid4>, keeps the message and logs one sandbox.sent event."""
    sandbox = SandboxSender()
    msg = message(Channel.SANDBOX)
    with capture_logs() as logs:
        provider_id = await sandbox.send(msg)
    assert provider_id.startswith("sandbox-")
    assert uuid.UUID(provider_id.removeprefix("sandbox-")).version == 4
    assert sandbox.sent == [msg]
    assert [(e["event"], e["job_id"], e["provider_message_id"]) for e in logs] == [
        ("sandbox.sent", "job-1", provider_id)
    ]
    assert "text" not in logs[0]
    assert logs[0]["text_chars"] == len(msg.content.text or "")


async def test_fail_next_raises_queued_failures_in_order_then_sends() -> None:
    """Queued failures are raised one per send, in order, and nothing is recorded for them."""
    sandbox = SandboxSender(channel=Channel.SMS)
    first = DeliveryError(SendFailure(kind=FailureKind.TRANSIENT, provider="sandbox"))
    second = DeliveryError(SendFailure(kind=FailureKind.UNREACHABLE, provider="sandbox"))
    sandbox.fail_next(first)
    sandbox.fail_next(second)
    for expected in (first, second):
        with pytest.raises(DeliveryError) as raised:
            await sandbox.send(message(Channel.SMS))
        assert raised.value is expected
    assert sandbox.sent == []
    await sandbox.send(message(Channel.SMS))
    assert len(sandbox.sent) == 1
    assert sandbox.channel is Channel.SMS


async def test_sent_stays_bounded() -> None:
    """A long run keeps only recent messages: at least max_kept, never more than twice that."""
    sandbox = SandboxSender(max_kept=10)
    for _ in range(55):
        await sandbox.send(message(Channel.SANDBOX))
    assert 10 <= len(sandbox.sent) <= 20
