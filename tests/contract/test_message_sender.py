"""The `MessageSender` contract: the sandbox and every vendor adapter, against the stub provider.

Each HTTP adapter talks to `lia stub-provider` served on a localhost socket (so a read timeout is
a real one); the sandbox is its own provider and shows the same behaviours through its failure
switch. Vendor-specific shapes and error-code tables stay in tests/unit/adapters/channels/.
"""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator, Callable
from enum import StrEnum

import attrs
import httpx
import pytest

from lia_adapters.channels import (
    CloudApiConfig,
    CloudApiWhatsAppSender,
    EvolutionConfig,
    EvolutionSender,
    FcmConfig,
    FcmPushSender,
    SandboxSender,
    TwilioConfig,
    TwilioSmsSender,
)
from lia_core.domain.delivery import Channel
from lia_core.domain.delivery_policy import FailureKind, SendFailure
from lia_core.errors import DeliveryError
from lia_core.ports import MessageSender
from lia_entrypoints.stub_provider.faults import FAULT_REPLIES
from tests.stub_server import StubControl, serve_stub
from tests.unit.adapters.channels.support import message

PHONE = "+55 21 99999-8888"
PHONE_KEY = "5521999998888"  # how the stub counts that recipient
DEVICE = "dev-token-1"
READ_TIMEOUT = 0.3
RETRY_AFTER = 2


class Fault(StrEnum):
    """What the provider does wrong, named as the stub names it."""

    REJECT = "reject"
    UNREACHABLE = "unreachable"
    ERROR = "error"
    RATE_LIMIT = "rate_limit"


KIND_OF = {
    Fault.REJECT: FailureKind.PERMANENT,
    Fault.UNREACHABLE: FailureKind.UNREACHABLE,
    Fault.ERROR: FailureKind.TRANSIENT,
    Fault.RATE_LIMIT: FailureKind.RATE_LIMITED,
}
"""The class every sender gives each fault (the port's promise)."""


@attrs.define
class Recorder(httpx.AsyncBaseTransport):
    """A real socket transport that keeps every request it sends."""

    inner: httpx.AsyncHTTPTransport = attrs.field(factory=httpx.AsyncHTTPTransport)
    requests: list[httpx.Request] = attrs.field(factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Record *request*, then send it."""
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        """Close the inner transport."""
        await self.inner.aclose()


@attrs.define
class Subject:
    """One sender under test, the recipient it is asked to reach, and its provider."""

    name: str
    sender: MessageSender
    channel: Channel
    recipient: str
    stub: StubControl | None
    """The stub provider behind an HTTP adapter; None for the sandbox (its own provider)."""
    recorder: Recorder
    secret: str | None = None
    """A credential that must never show in the sender's repr."""

    @property
    def provider(self) -> str:
        """The stub's name for this sender's provider."""
        return self.name

    @property
    def key(self) -> str:
        """How the stub counts the recipient."""
        return DEVICE if self.recipient == DEVICE else PHONE_KEY

    async def inject(self, fault: Fault, **extra: object) -> None:
        """Make the provider answer the next send with *fault*."""
        if isinstance(self.sender, SandboxSender):
            status = FAULT_REPLIES["whatsapp"][fault][0]
            retry_after = float(RETRY_AFTER) if fault is Fault.RATE_LIMIT else None
            self.sender.fail_next(
                DeliveryError(
                    SendFailure(
                        kind=KIND_OF[fault],
                        provider="sandbox",
                        http_status=status,
                        retry_after_seconds=retry_after,
                    )
                )
            )
            return
        assert self.stub is not None
        if fault is Fault.UNREACHABLE:
            await self.stub.faults(unreachable=[self.recipient], **extra)
        else:
            await self.stub.faults(**{f"{fault}_rate": 1.0}, **extra)

    async def seen(self) -> tuple[int, int] | None:
        """Requests for the recipient that reached the provider, and those it accepted."""
        if self.stub is None:
            return None
        counts = await self.stub.counts(self.provider)
        return counts["attempts"].get(self.key, 0), counts["accepted"].get(self.key, 0)


async def _token() -> str:
    return "ya29.test"


Build = Callable[[httpx.AsyncClient, str], MessageSender]
HTTP_SENDERS: dict[str, tuple[Build, Channel, str, str | None]] = {
    "whatsapp": (
        lambda c, u: CloudApiWhatsAppSender(
            c, CloudApiConfig(phone_number_id="106540352242922", access_token="EAAG-s", base_url=u)
        ),
        Channel.WHATSAPP,
        PHONE,
        "EAAG-s",
    ),
    "evolution": (
        lambda c, u: EvolutionSender(
            c, EvolutionConfig(base_url=u, instance="lia", api_key="evo-s")
        ),
        Channel.EVOLUTION,
        PHONE,
        "evo-s",
    ),
    "twilio": (
        lambda c, u: TwilioSmsSender(
            c,
            TwilioConfig(
                account_sid="AC1", auth_token="tw-s", from_number="+15005550006", base_url=u
            ),
        ),
        Channel.SMS,
        PHONE,
        "tw-s",
    ),
    "fcm": (
        lambda c, u: FcmPushSender(c, FcmConfig(project_id="p", base_url=u), _token),
        Channel.PUSH,
        DEVICE,
        None,  # the OAuth token comes from an injected provider, not the config
    ),
}
"""Per vendor adapter: how to build it against a base URL, its channel, recipient and secret."""

SENDERS = ["sandbox", *HTTP_SENDERS]


@attrs.frozen
class Clients:
    """Shared by the module (building a client costs an SSL context): the senders' and the stub's."""

    sending: httpx.AsyncClient
    recorder: Recorder
    stub: StubControl


@pytest.fixture(scope="module")
async def clients() -> AsyncIterator[Clients]:
    """One stub provider and the clients that reach it, for the whole module."""
    recorder = Recorder()
    timeout = httpx.Timeout(5.0, read=READ_TIMEOUT)
    async with (
        serve_stub() as url,
        httpx.AsyncClient(transport=recorder, timeout=timeout) as sending,
        httpx.AsyncClient(timeout=5.0) as control,
    ):
        yield Clients(sending, recorder, StubControl(control, url))


@pytest.fixture(params=SENDERS)
async def subject(request: pytest.FixtureRequest, clients: Clients) -> Subject:
    """Each sender in turn, against a stub with no faults and zeroed counters."""
    clients.recorder.requests.clear()
    name: str = request.param
    if name == "sandbox":
        sandbox = SandboxSender(channel=Channel.WHATSAPP)
        return Subject(name, sandbox, Channel.WHATSAPP, PHONE, None, clients.recorder)
    await clients.stub.reset()
    build, channel, recipient, secret = HTTP_SENDERS[name]
    sender = build(clients.sending, clients.stub.url)
    return Subject(name, sender, channel, recipient, clients.stub, clients.recorder, secret)


async def failed(subject: Subject) -> SendFailure:
    """The classified failure of one send (failing the test if the send succeeded)."""
    with pytest.raises(DeliveryError) as raised:
        await subject.sender.send(message(subject.channel, subject.recipient))
    return raised.value.failure


async def test_a_send_returns_the_provider_id_and_delivers_once(subject: Subject) -> None:
    """A send answers a non-empty provider message id; the provider accepted it exactly once."""
    sent = message(subject.channel, subject.recipient)
    provider_id = await subject.sender.send(sent)
    assert isinstance(provider_id, str)
    assert provider_id.strip()
    assert subject.sender.channel is subject.channel
    assert await subject.seen() in (None, (1, 1))
    if isinstance(subject.sender, SandboxSender):
        assert [m.recipient for m in subject.sender.sent] == [sent.recipient]


async def test_two_sends_get_two_provider_ids(subject: Subject) -> None:
    """Each accepted send has its own provider message id (receipts are matched by it)."""
    first = await subject.sender.send(message(subject.channel, subject.recipient))
    second = await subject.sender.send(message(subject.channel, subject.recipient))
    assert first != second


@pytest.mark.parametrize("fault", list(Fault))
async def test_provider_refusals_are_classified_and_not_retried_in_place(
    subject: Subject, fault: Fault
) -> None:
    """Rejected → PERMANENT, no such recipient → UNREACHABLE, 5xx → TRANSIENT, 429 →
    RATE_LIMITED with its Retry-After; the adapter made exactly one request."""
    await subject.inject(fault, retry_after_seconds=RETRY_AFTER)
    failure = await failed(subject)
    status = FAULT_REPLIES["whatsapp" if subject.stub is None else subject.provider][fault][0]
    retry_after = float(RETRY_AFTER) if fault is Fault.RATE_LIMIT else None
    assert (failure.kind, failure.http_status, failure.retry_after_seconds) == (
        KIND_OF[fault],
        status,
        retry_after,
    )
    assert await subject.seen() in (None, (1, 0))


async def test_a_late_answer_is_uncertain_and_not_resent(subject: Subject) -> None:
    """A reply slower than the read timeout is UNCERTAIN: the provider got it once, no resend."""
    if isinstance(subject.sender, SandboxSender):
        uncertain = SendFailure(kind=FailureKind.UNCERTAIN, provider="sandbox", code="ReadTimeout")
        subject.sender.fail_next(DeliveryError(uncertain))
    else:
        assert subject.stub is not None
        await subject.stub.faults(delay_rate=1.0, delay_seconds=READ_TIMEOUT + 0.5)
    failure = await failed(subject)
    assert (failure.kind, failure.code) == (FailureKind.UNCERTAIN, "ReadTimeout")
    assert await subject.seen() in (None, (1, 1))
    assert len(subject.recorder.requests) == (0 if subject.stub is None else 1)


async def test_after_a_failure_the_next_send_goes_through(subject: Subject) -> None:
    """A failure is per send: once the provider recovers, the same message is delivered."""
    await subject.inject(Fault.ERROR)
    await failed(subject)
    if subject.stub is not None:
        await subject.stub.faults()
    assert await subject.sender.send(message(subject.channel, subject.recipient))
    assert await subject.seen() in (None, (2, 1))


@pytest.mark.parametrize("name", list(HTTP_SENDERS))
async def test_a_refused_connection_is_transient(name: str) -> None:
    """Nothing listening on the port: the request never left, so it is TRANSIENT."""
    build, channel, recipient, _ = HTTP_SENDERS[name]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, never listening: connections are refused
        async with httpx.AsyncClient(timeout=2.0) as http:
            sender = build(http, f"http://127.0.0.1:{port}")
            with pytest.raises(DeliveryError) as raised:
                await sender.send(message(channel, recipient))
    assert (raised.value.failure.kind, raised.value.failure.code) == (
        FailureKind.TRANSIENT,
        "ConnectError",
    )


def _key_sent(subject: Subject) -> str | None:
    """Where each provider that takes an idempotency key finds it; None if it takes none."""
    if isinstance(subject.sender, SandboxSender):
        return subject.sender.sent[-1].idempotency_key
    request = subject.recorder.requests[-1]
    if subject.name == "whatsapp":
        return str(json.loads(request.content)["biz_opaque_callback_data"])
    token: str | None = request.headers.get("I-Twilio-Idempotency-Token")
    return token


async def test_the_idempotency_key_goes_out_where_the_provider_takes_one(subject: Subject) -> None:
    """The message's idempotency key reaches the provider (Evolution and FCM take none)."""
    await subject.sender.send(message(subject.channel, subject.recipient))
    expected = None if subject.name in ("evolution", "fcm") else "idem-1"
    assert _key_sent(subject) == expected


async def test_the_repr_never_shows_a_credential(subject: Subject) -> None:
    """A sender's repr (what logs show) leaves out its token, key or password."""
    if subject.secret is None:
        pytest.skip("no credential in this sender's config")
    assert subject.secret not in repr(subject.sender)
