"""The Cloud API sender over `AiohttpPoster` (the worker's path) against real local sockets.

A small HTTP/1.1 server scripted per test answers, stalls or hangs up after reading a request,
so every outcome class is a real one: the request shape Meta documents, 4xx/5xx/429 with
Retry-After classified, a refused or unanswered connection TRANSIENT ("never left", retried
in place), and anything after the request was written UNCERTAIN and never sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import attrs
import httpx
import pytest

from lia_adapters.channels import CloudApiConfig, CloudApiWhatsAppSender
from lia_adapters.channels.poster import AiohttpPoster
from lia_core.domain.delivery import Channel
from lia_core.domain.delivery_policy import FailureKind, SendFailure
from lia_core.errors import DeliveryError
from tests.stub_server import StubControl, serve_stub
from tests.unit.adapters.channels.support import message

TIMEOUT = 0.3
WAMID = "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA"
Answer = tuple[int, dict[str, str], object] | str
"""A reply (status, headers, JSON body), or "close" (hang up) / "stall" (never answer)."""

OK: Answer = (200, {}, {"messaging_product": "whatsapp", "messages": [{"id": WAMID}]})


@attrs.frozen
class Seen:
    """One request as the server read it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@attrs.define
class Provider:
    """A scripted HTTP/1.1 server on a localhost port (keep-alive, one request at a time)."""

    answer: Answer = OK
    seen: list[Seen] = attrs.field(factory=list)
    url: str = ""

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                request_line, *lines = head.decode("latin-1").split("\r\n")
                headers = {
                    name.strip().lower(): value.strip()
                    for name, _, value in (line.partition(":") for line in lines if line)
                }
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                method, path, _ = request_line.split(" ", 2)
                self.seen.append(Seen(method, path, headers, body))
                if self.answer == "close":
                    break
                if self.answer == "stall":
                    await asyncio.sleep(30)
                    break
                assert not isinstance(self.answer, str)
                status, extra, document = self.answer
                payload = json.dumps(document).encode()
                fields = {"Content-Type": "application/json", **extra}
                fields["Content-Length"] = str(len(payload))
                head_out = f"HTTP/1.1 {status} X\r\n" + "".join(
                    f"{k}: {v}\r\n" for k, v in fields.items()
                )
                writer.write(head_out.encode() + b"\r\n" + payload)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def provider() -> AsyncIterator[Provider]:
    """A scripted provider answering OK until told otherwise."""
    fake = Provider()
    server = await asyncio.start_server(fake._serve, "127.0.0.1", 0)
    fake.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    async with server:
        yield fake
        server.close()


@pytest.fixture
async def poster() -> AsyncIterator[AiohttpPoster]:
    """A poster with a short timeout, closed after the test."""
    made = AiohttpPoster(timeout=TIMEOUT, max_connections=4, user_agent="lia-delivery")
    yield made
    await made.aclose()


def sender_for(url: str, poster: AiohttpPoster) -> CloudApiWhatsAppSender:
    """A Cloud API sender for phone number id 106540352242922 at *url*, over *poster*."""
    config = CloudApiConfig(phone_number_id="106540352242922", access_token="EAAG-s", base_url=url)
    return CloudApiWhatsAppSender(httpx.AsyncClient(), config, poster=poster)


async def failure_of(send: Callable[[], Any]) -> SendFailure:
    """The classified failure of *send* (failing the test if it succeeded)."""
    with pytest.raises(DeliveryError) as raised:
        await send()
    return raised.value.failure


async def test_a_send_goes_out_in_the_documented_shape(
    provider: Provider, poster: AiohttpPoster
) -> None:
    """POST /v21.0/{id}/messages, bearer token, JSON body with the key; the wamid comes back."""
    sender = sender_for(provider.url, poster)
    assert await sender.send(message(Channel.WHATSAPP, "(21) 99999-8888", text="Olá")) == WAMID
    assert await sender.send(message(Channel.WHATSAPP, "(21) 99999-8888", text="de novo"))
    first = provider.seen[0]
    assert (first.method, first.path) == ("POST", "/v21.0/106540352242922/messages")
    assert first.headers["authorization"] == "Bearer EAAG-s"
    assert first.headers["content-type"] == "application/json"
    assert first.headers["user-agent"] == "lia-delivery"
    assert json.loads(first.body) == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "+5521999998888",
        "type": "text",
        "text": {"body": "Olá", "preview_url": False},
        "biz_opaque_callback_data": "idem-1",
    }
    assert len(provider.seen) == 2


@pytest.mark.parametrize(
    ("answer", "kind", "code", "retry_after"),
    [
        ((400, {}, {"error": {"code": 131026}}), FailureKind.UNREACHABLE, "131026", None),
        ((400, {}, {"error": {"code": 100}}), FailureKind.PERMANENT, "100", None),
        ((401, {}, {"error": {"code": 190}}), FailureKind.CHANNEL_DOWN, "190", None),
        ((500, {}, {"error": {"code": 2}}), FailureKind.TRANSIENT, "2", None),
        ((503, {}, "<html>down</html>"), FailureKind.TRANSIENT, None, None),
        (
            (429, {"Retry-After": "7"}, {"error": {"code": 130429}}),
            FailureKind.RATE_LIMITED,
            "130429",
            7.0,
        ),
    ],
)
async def test_provider_answers_are_classified_as_before(
    provider: Provider,
    poster: AiohttpPoster,
    answer: Answer,
    kind: FailureKind,
    code: str | None,
    retry_after: float | None,
) -> None:
    """Status, Meta error code and Retry-After give the same classes; one request, no resend."""
    provider.answer = answer
    sender = sender_for(provider.url, poster)
    failure = await failure_of(lambda: sender.send(message(Channel.WHATSAPP, "+5521999998888")))
    assert isinstance(answer, tuple)
    assert (failure.kind, failure.code, failure.http_status) == (kind, code, answer[0])
    assert failure.retry_after_seconds == retry_after
    assert len(provider.seen) == 1


async def test_a_hang_up_after_the_request_is_uncertain_and_not_resent(
    provider: Provider, poster: AiohttpPoster
) -> None:
    """The server read the request and closed the connection: it may have acted on it."""
    provider.answer = "close"
    sender = sender_for(provider.url, poster)
    failure = await failure_of(lambda: sender.send(message(Channel.WHATSAPP, "+5521999998888")))
    assert (failure.kind, failure.code) == (FailureKind.UNCERTAIN, "RemoteProtocolError")
    assert len(provider.seen) == 1


async def test_no_answer_in_time_is_uncertain_and_not_resent(
    provider: Provider, poster: AiohttpPoster
) -> None:
    """The server read the request and never answered: ReadTimeout, UNCERTAIN, sent once."""
    provider.answer = "stall"
    sender = sender_for(provider.url, poster)
    failure = await failure_of(lambda: sender.send(message(Channel.WHATSAPP, "+5521999998888")))
    assert (failure.kind, failure.code) == (FailureKind.UNCERTAIN, "ReadTimeout")
    assert len(provider.seen) == 1


async def test_a_refused_connection_never_left_and_is_transient(poster: AiohttpPoster) -> None:
    """Nothing listening: TRANSIENT ConnectError (tried in place, then left to the outbox)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        sender = sender_for(f"http://127.0.0.1:{probe.getsockname()[1]}", poster)
        failure = await failure_of(lambda: sender.send(message(Channel.WHATSAPP, "+5521999998888")))
    assert (failure.kind, failure.code) == (FailureKind.TRANSIENT, "ConnectError")


async def test_a_connection_not_accepted_in_time_never_left(poster: AiohttpPoster) -> None:
    """A listener whose accept queue is full drops the handshake: TRANSIENT ConnectTimeout."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        address = listener.getsockname()
        fillers = [socket.socket() for _ in range(3)]
        try:
            for filler in fillers:  # fill the accept queue: further handshakes go unanswered
                filler.setblocking(False)
                with contextlib.suppress(BlockingIOError):
                    filler.connect(address)
            sender = sender_for(f"http://127.0.0.1:{address[1]}", poster)
            failure = await failure_of(
                lambda: sender.send(message(Channel.WHATSAPP, "+5521999998888"))
            )
        finally:
            for filler in fillers:
                filler.close()
    assert (failure.kind, failure.code) == (FailureKind.TRANSIENT, "ConnectTimeout")


async def test_a_url_that_is_not_http_holds_the_channel(poster: AiohttpPoster) -> None:
    """A base URL aiohttp cannot send to is configuration: CHANNEL_DOWN, nothing sent."""
    sender = sender_for("ftp://graph.example", poster)
    failure = await failure_of(lambda: sender.send(message(Channel.WHATSAPP, "+5521999998888")))
    assert failure.kind is FailureKind.CHANNEL_DOWN


@pytest.fixture(scope="module")
async def stub_url() -> AsyncIterator[str]:
    """`lia stub-provider`'s app served on a localhost socket."""
    async with serve_stub() as url:
        yield url


async def test_against_the_stub_provider_each_send_is_accepted_once(
    stub_url: str, poster: AiohttpPoster
) -> None:
    """50 concurrent sends through one pooled session: 50 wamids, each recipient seen once."""
    async with httpx.AsyncClient(timeout=5.0) as http:
        stub = StubControl(http, stub_url)
        await stub.reset()
        sender = sender_for(stub_url, poster)
        recipients = [f"+55 21 9{n:04d}-0000" for n in range(50)]
        wamids = await asyncio.gather(
            *(sender.send(message(Channel.WHATSAPP, to)) for to in recipients)
        )
        counts = await stub.counts("whatsapp")
    assert len(set(wamids)) == 50
    assert len(counts["accepted"]) == 50
    assert set(counts["attempts"].values()) == {1}
