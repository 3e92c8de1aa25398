"""Channel adapters against the stub provider served by uvicorn on a real localhost socket."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
import uvicorn

from lia_adapters.channels import (
    CloudApiConfig,
    CloudApiWhatsAppSender,
    EvolutionConfig,
    EvolutionSender,
    FcmConfig,
    FcmPushSender,
    TemplateRef,
    TwilioConfig,
    TwilioSmsSender,
)
from lia_core.domain.delivery import Channel
from lia_core.domain.delivery_policy import FailureKind
from lia_core.errors import DeliveryError
from lia_core.ports import MessageSender
from lia_entrypoints.stub_provider import create_stub_app
from tests.unit.channels.support import message

TO = "+55 21 99999-8888"
KEY = "5521999998888"  # how the stub counts that recipient


@pytest.fixture(scope="module")
async def stub_url() -> AsyncIterator[str]:
    """The base URL of a stub provider served by uvicorn in a background task."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # the kernel picks a free port, no race with other tests
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_stub_app(), log_level="warning", access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(500):
        if server.started:
            break
        await asyncio.sleep(0.01)
    assert server.started, "the stub did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task
    sock.close()


@pytest.fixture
async def client(stub_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client with a short read timeout, against a stub with no faults and zeroed counters."""
    async with httpx.AsyncClient(timeout=httpx.Timeout(5.0, read=0.3)) as http:
        assert (await http.post(f"{stub_url}/_stub/faults", json={})).status_code == 200
        await http.post(f"{stub_url}/_stub/reset")
        yield http


async def faults(client: httpx.AsyncClient, url: str, **values: object) -> None:
    """Replace the stub's faults over HTTP."""
    assert (await client.post(f"{url}/_stub/faults", json=values)).status_code == 200


async def counts(client: httpx.AsyncClient, url: str, provider: str) -> dict[str, dict[str, int]]:
    """Attempts and accepted messages per recipient the stub saw for *provider*."""
    snapshot = (await client.get(f"{url}/_stub/requests")).json()
    result: dict[str, dict[str, int]] = snapshot["providers"][provider]
    return result


def whatsapp(
    client: httpx.AsyncClient, url: str, fallback: TemplateRef | None = None
) -> CloudApiWhatsAppSender:
    """A Cloud API sender pointed at the stub."""
    config = CloudApiConfig(
        phone_number_id="106540352242922",
        access_token="t",
        base_url=url,
        fallback_template=fallback,
    )
    return CloudApiWhatsAppSender(client, config)


def twilio(client: httpx.AsyncClient, url: str) -> TwilioSmsSender:
    """A Twilio sender pointed at the stub."""
    config = TwilioConfig(
        account_sid="AC1", auth_token="t", from_number="+15005550006", base_url=url
    )
    return TwilioSmsSender(client, config)


async def _token() -> str:
    return "ya29.test"


Factory = Callable[[httpx.AsyncClient, str], MessageSender]
SENDERS: dict[str, Factory] = {
    "whatsapp": lambda c, u: whatsapp(c, u),
    "twilio": twilio,
    "evolution": lambda c, u: EvolutionSender(
        c, EvolutionConfig(base_url=u, instance="lia", api_key="k")
    ),
    "fcm": lambda c, u: FcmPushSender(c, FcmConfig(project_id="p", base_url=u), _token),
}


async def send_or_fail(send: Awaitable[str]) -> DeliveryError:
    """The DeliveryError a send raised (failing the test if it succeeded)."""
    with pytest.raises(DeliveryError) as raised:
        await send
    return raised.value


@pytest.mark.parametrize("provider", list(SENDERS))
async def test_every_adapter_delivers_once_over_a_socket(
    client: httpx.AsyncClient, stub_url: str, provider: str
) -> None:
    """Each adapter gets a provider id back and the stub saw exactly one message."""
    sender = SENDERS[provider](client, stub_url)
    recipient = "dev-token-1" if provider == "fcm" else TO
    provider_id = await sender.send(message(sender.channel, recipient))
    assert provider_id
    key = "dev-token-1" if provider == "fcm" else KEY
    assert (await counts(client, stub_url, provider))["accepted"] == {key: 1}


@pytest.mark.parametrize("provider", ["whatsapp", "twilio"])
@pytest.mark.parametrize(
    ("injected", "kind", "status", "retry_after"),
    [
        ({"error_rate": 1.0}, FailureKind.TRANSIENT, 500, None),
        ({"rate_limit_rate": 1.0, "retry_after_seconds": 2}, FailureKind.RATE_LIMITED, 429, 2.0),
        ({"reject_rate": 1.0}, FailureKind.PERMANENT, 400, None),
        ({"unreachable": [TO]}, FailureKind.UNREACHABLE, 400, None),
    ],
)
async def test_injected_faults_are_classified(
    client: httpx.AsyncClient,
    stub_url: str,
    provider: str,
    injected: dict[str, object],
    kind: FailureKind,
    status: int,
    retry_after: float | None,
) -> None:
    """500, 429 with Retry-After, permanent 400 and undeliverable numbers get their classes."""
    await faults(client, stub_url, **injected)
    sender = SENDERS[provider](client, stub_url)
    error = await send_or_fail(sender.send(message(sender.channel, TO)))
    failure = error.failure
    assert (failure.kind, failure.http_status, failure.retry_after_seconds) == (
        kind,
        status,
        retry_after,
    )
    assert (await counts(client, stub_url, provider))["attempts"] == {KEY: 1}


@pytest.mark.parametrize("provider", ["whatsapp", "twilio"])
async def test_a_late_answer_is_uncertain_and_not_resent(
    client: httpx.AsyncClient, stub_url: str, provider: str
) -> None:
    """A reply slower than the read timeout is UNCERTAIN; the provider did get it, once."""
    await faults(client, stub_url, delay_rate=1.0, delay_seconds=0.8)
    sender = SENDERS[provider](client, stub_url)
    error = await send_or_fail(sender.send(message(sender.channel, TO)))
    assert (error.failure.kind, error.failure.code) == (FailureKind.UNCERTAIN, "ReadTimeout")
    seen = await counts(client, stub_url, provider)
    assert (seen["attempts"], seen["accepted"]) == ({KEY: 1}, {KEY: 1})


async def test_outside_the_window_the_template_goes_out_instead(
    client: httpx.AsyncClient, stub_url: str
) -> None:
    """131047 from the stub makes the adapter send the fallback template, which is accepted."""
    await faults(client, stub_url, outside_window=[TO])
    sender = whatsapp(client, stub_url, fallback=TemplateRef(name="retomar_conversa"))
    wamid = await sender.send(message(Channel.WHATSAPP, TO))
    assert wamid.startswith("wamid.")
    seen = await counts(client, stub_url, "whatsapp")
    assert (seen["attempts"], seen["accepted"]) == ({KEY: 2}, {KEY: 1})


async def test_a_burst_with_periodic_errors_delivers_each_message_at_most_once(
    client: httpx.AsyncClient, stub_url: str
) -> None:
    """200 concurrent sends with every 10th failing: 180 delivered once each, 20 transient."""
    await faults(client, stub_url, error_every=10)
    sender = twilio(client, stub_url)
    recipients = [f"+55 21 9{n:04d}-0000" for n in range(200)]
    results = await asyncio.gather(
        *(sender.send(message(Channel.SMS, to)) for to in recipients), return_exceptions=True
    )
    failed = [r for r in results if isinstance(r, DeliveryError)]
    assert len(failed) == 20
    assert {f.failure.kind for f in failed} == {FailureKind.TRANSIENT}
    accepted = (await counts(client, stub_url, "twilio"))["accepted"]
    assert len(accepted) == 180
    assert set(accepted.values()) == {1}


async def test_connection_refused_is_transient() -> None:
    """Nothing listening on the port: the request never left, so it is transient."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, never listening: connections are refused
        async with httpx.AsyncClient(timeout=2.0) as http:
            sender = twilio(http, f"http://127.0.0.1:{port}")
            error = await send_or_fail(sender.send(message(Channel.SMS, TO)))
    assert (error.failure.kind, error.failure.code) == (FailureKind.TRANSIENT, "ConnectError")
