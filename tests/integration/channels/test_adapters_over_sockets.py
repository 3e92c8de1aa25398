"""Adapter-specific behaviours against the stub provider served by uvicorn on a localhost socket.

What every sender must do (delivery, fault classes, late answers, refused connections) is the
`MessageSender` contract in tests/contract/test_message_sender.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from lia_adapters.channels import (
    CloudApiConfig,
    CloudApiWhatsAppSender,
    TemplateRef,
    TwilioConfig,
    TwilioSmsSender,
)
from lia_core.domain.delivery import Channel
from lia_core.domain.delivery_policy import FailureKind
from lia_core.errors import DeliveryError
from tests.stub_server import StubControl, serve_stub
from tests.unit.adapters.channels.support import message

TO = "+55 21 99999-8888"
KEY = "5521999998888"  # how the stub counts that recipient


@pytest.fixture(scope="module")
async def stub_url() -> AsyncIterator[str]:
    """The base URL of a stub provider served by uvicorn in a background task."""
    async with serve_stub() as url:
        yield url


@pytest.fixture
async def stub(stub_url: str) -> AsyncIterator[StubControl]:
    """The stub's controls with no faults and zeroed counters; its client has a short read timeout."""
    async with httpx.AsyncClient(timeout=httpx.Timeout(5.0, read=0.3)) as http:
        control = StubControl(http, stub_url)
        await control.reset()
        yield control


async def test_outside_the_window_the_template_goes_out_instead(stub: StubControl) -> None:
    """131047 from the stub makes the adapter send the fallback template, which is accepted."""
    await stub.faults(outside_window=[TO])
    config = CloudApiConfig(
        phone_number_id="106540352242922",
        access_token="t",
        base_url=stub.url,
        fallback_template=TemplateRef(name="retomar_conversa"),
    )
    sender = CloudApiWhatsAppSender(stub.client, config)
    wamid = await sender.send(message(Channel.WHATSAPP, TO))
    assert wamid.startswith("wamid.")
    seen = await stub.counts("whatsapp")
    assert (seen["attempts"], seen["accepted"]) == ({KEY: 2}, {KEY: 1})


async def test_a_burst_with_periodic_errors_delivers_each_message_at_most_once(
    stub: StubControl,
) -> None:
    """200 concurrent sends with every 10th failing: 180 delivered once each, 20 transient."""
    await stub.faults(error_every=10)
    config = TwilioConfig(
        account_sid="AC1", auth_token="t", from_number="+15005550006", base_url=stub.url
    )
    sender = TwilioSmsSender(stub.client, config)
    recipients = [f"+55 21 9{n:04d}-0000" for n in range(200)]
    results = await asyncio.gather(
        *(sender.send(message(Channel.SMS, to)) for to in recipients), return_exceptions=True
    )
    failed = [r for r in results if isinstance(r, DeliveryError)]
    assert len(failed) == 20
    assert {f.failure.kind for f in failed} == {FailureKind.TRANSIENT}
    accepted = (await stub.counts("twilio"))["accepted"]
    assert len(accepted) == 180
    assert set(accepted.values()) == {1}
