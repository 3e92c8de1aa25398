"""WhatsApp Cloud API sender against Meta's documented request, response and error shapes."""

from __future__ import annotations

import attrs
import httpx
import pytest

from lia_adapters.channels import (
    CloudApiConfig,
    CloudApiWhatsAppSender,
    TemplateRef,
    classify_cloud_api_error,
)
from lia_core.domain.delivery import Channel
from lia_core.domain.delivery_policy import FailureKind
from lia_core.domain.template_parts import TemplateButton, TemplateHeader
from lia_core.errors import DeliveryError
from tests.unit.adapters.channels.support import FakeProvider, json_of, message, reply

URL = "https://graph.facebook.com/v21.0/106540352242922/messages"
OK = reply(
    200,
    {
        "messaging_product": "whatsapp",
        "contacts": [{"input": "+5521999998888", "wa_id": "5521999998888"}],
        "messages": [{"id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA"}],
    },
)


def meta_error(code: int, status: int = 400, title: str = "error") -> httpx.Response:
    """A Graph API error body as Meta documents it."""
    body = {
        "error": {
            "message": f"({code}) {title}",
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": title},
            "fbtrace_id": "Az8or2yhqkZfEZ-_4Qn_Bam",
        }
    }
    return reply(status, body)


def sender(fake: FakeProvider, *, fallback: TemplateRef | None = None) -> CloudApiWhatsAppSender:
    """A sender for phone number id 106540352242922 over *fake*."""
    config = CloudApiConfig(
        phone_number_id="106540352242922", access_token="EAAG-secret", fallback_template=fallback
    )
    return CloudApiWhatsAppSender(fake.client(), config)


async def test_text_message_request_shape() -> None:
    """A text goes as POST /v21.0/{id}/messages with a bearer token and the documented body."""
    fake = FakeProvider().answer(OK)
    wamid = await sender(fake).send(message(Channel.WHATSAPP, "(21) 99999-8888", text="Olá"))
    assert wamid == "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA"
    request = fake.last
    assert (request.method, str(request.url)) == ("POST", URL)
    assert request.headers["Authorization"] == "Bearer EAAG-secret"
    assert request.headers["Content-Type"] == "application/json"
    assert json_of(request) == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "+5521999998888",
        "type": "text",
        "text": {"body": "Olá", "preview_url": False},
        "biz_opaque_callback_data": "idem-1",
    }


async def test_template_message_request_shape() -> None:
    """Content naming a template goes as type template with its language and body parameters."""
    fake = FakeProvider().answer(OK)
    msg = message(Channel.WHATSAPP, text=None, template="outage_notice", params=("Ana", "14h"))
    await sender(fake).send(msg)
    body = json_of(fake.last)
    assert isinstance(body, dict)
    assert body["type"] == "template"
    assert body["template"] == {
        "name": "outage_notice",
        "language": {"code": "pt_BR"},
        "components": [
            {
                "type": "body",
                "parameters": [{"type": "text", "text": "Ana"}, {"type": "text", "text": "14h"}],
            }
        ],
    }


async def test_template_header_and_button_parameters_request_shape() -> None:
    """A document header, body parameters, a URL button and a quick-reply button go as Meta's
    message-template components: header, body, then one button component per index."""
    fake = FakeProvider().answer(OK)
    msg = message(Channel.WHATSAPP, text=None, template="fatura_pronta", params=("Ana",))
    content = attrs.evolve(
        msg.content,
        header=TemplateHeader.of(
            "document", "https://isp.example/f/123.pdf", filename="fatura-maio.pdf"
        ),
        buttons=(
            TemplateButton.of("quick_reply", 1, "falar-com-atendente"),
            TemplateButton.of("url", 0, "boleto/123"),
        ),
    )
    await sender(fake).send(attrs.evolve(msg, content=content))
    body = json_of(fake.last)
    assert isinstance(body, dict)
    assert body["template"] == {
        "name": "fatura_pronta",
        "language": {"code": "pt_BR"},
        "components": [
            {
                "type": "header",
                "parameters": [
                    {
                        "type": "document",
                        "document": {
                            "link": "https://isp.example/f/123.pdf",
                            "filename": "fatura-maio.pdf",
                        },
                    }
                ],
            },
            {"type": "body", "parameters": [{"type": "text", "text": "Ana"}]},
            {
                "type": "button",
                "sub_type": "url",
                "index": "0",
                "parameters": [{"type": "text", "text": "boleto/123"}],
            },
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": "1",
                "parameters": [{"type": "payload", "payload": "falar-com-atendente"}],
            },
        ],
    }


@pytest.mark.parametrize(
    ("header", "parameter"),
    [
        (TemplateHeader.of("text", "Fatura de maio"), {"type": "text", "text": "Fatura de maio"}),
        (
            TemplateHeader.of("image", "https://isp.example/banner.png"),
            {"type": "image", "image": {"link": "https://isp.example/banner.png"}},
        ),
        (
            TemplateHeader.of("video", "https://isp.example/tutorial.mp4"),
            {"type": "video", "video": {"link": "https://isp.example/tutorial.mp4"}},
        ),
    ],
)
async def test_a_header_alone_is_the_only_component(
    header: TemplateHeader, parameter: dict[str, object]
) -> None:
    """A template whose only variable is in its header sends just the header component."""
    fake = FakeProvider().answer(OK)
    msg = message(Channel.WHATSAPP, text=None, template="aviso")
    await sender(fake).send(attrs.evolve(msg, content=attrs.evolve(msg.content, header=header)))
    body = json_of(fake.last)
    assert isinstance(body, dict)
    assert body["template"]["components"] == [{"type": "header", "parameters": [parameter]}]


async def test_template_without_params_has_no_components() -> None:
    """A template without parameters sends no empty components list."""
    fake = FakeProvider().answer(OK)
    await sender(fake).send(message(Channel.WHATSAPP, text=None, template="hello_world"))
    body = json_of(fake.last)
    assert isinstance(body, dict)
    assert body["template"] == {"name": "hello_world", "language": {"code": "pt_BR"}}


async def test_long_text_is_cut_to_4096_characters() -> None:
    """Meta's 4,096-character text limit is applied before sending."""
    fake = FakeProvider().answer(OK)
    await sender(fake).send(message(Channel.WHATSAPP, text="a" * 5000))
    body = json_of(fake.last)
    assert isinstance(body, dict)
    assert body["text"] == {"body": "a" * 4096, "preview_url": False}


async def test_re_engagement_error_falls_back_to_the_configured_template() -> None:
    """131047 (outside the 24-hour window) makes exactly one more request, with the template."""
    fake = FakeProvider().answer(meta_error(131047, title="Re-engagement message"), OK)
    fallback = TemplateRef(name="retomar_conversa", language="pt_BR")
    wamid = await sender(fake, fallback=fallback).send(message(Channel.WHATSAPP, params=("Ana",)))
    assert wamid.startswith("wamid.")
    assert len(fake.requests) == 2
    first, second = (json_of(r) for r in fake.requests)
    assert isinstance(first, dict)
    assert isinstance(second, dict)
    assert first["type"] == "text"
    assert second["type"] == "template"
    assert second["template"] == {
        "name": "retomar_conversa",
        "language": {"code": "pt_BR"},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": "Ana"}]}],
    }


async def test_re_engagement_error_without_a_template_is_permanent() -> None:
    """Without a fallback template, 131047 is permanent and nothing else is sent."""
    fake = FakeProvider().answer(meta_error(131047))
    with pytest.raises(DeliveryError) as raised:
        await sender(fake).send(message(Channel.WHATSAPP))
    assert (raised.value.failure.kind, raised.value.failure.code) == (
        FailureKind.PERMANENT,
        "131047",
    )
    assert len(fake.requests) == 1


async def test_failed_fallback_template_reports_its_own_error() -> None:
    """When the fallback template is refused too, that refusal is what is reported."""
    fake = FakeProvider().answer(meta_error(131047), meta_error(130429, status=429))
    with pytest.raises(DeliveryError) as raised:
        await sender(fake, fallback=TemplateRef(name="t")).send(message(Channel.WHATSAPP))
    assert (raised.value.failure.kind, raised.value.failure.code) == (
        FailureKind.RATE_LIMITED,
        "130429",
    )
    assert len(fake.requests) == 2


async def test_a_template_refused_with_131047_is_not_retried_as_a_template() -> None:
    """Only free text falls back: a template send refused with 131047 makes no second request."""
    fake = FakeProvider().answer(meta_error(131047))
    with pytest.raises(DeliveryError):
        await sender(fake, fallback=TemplateRef(name="t")).send(
            message(Channel.WHATSAPP, text=None, template="x")
        )
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [
        (131026, 400, FailureKind.UNREACHABLE),
        (130429, 429, FailureKind.RATE_LIMITED),
        (131056, 400, FailureKind.RATE_LIMITED),
        (131048, 400, FailureKind.RATE_LIMITED),
        (80007, 400, FailureKind.RATE_LIMITED),
        (4, 400, FailureKind.RATE_LIMITED),
        (613, 400, FailureKind.RATE_LIMITED),
        (190, 401, FailureKind.CHANNEL_DOWN),
        (10, 403, FailureKind.CHANNEL_DOWN),
        (200, 403, FailureKind.CHANNEL_DOWN),
        (299, 403, FailureKind.CHANNEL_DOWN),
        (368, 400, FailureKind.CHANNEL_DOWN),
        (131031, 400, FailureKind.CHANNEL_DOWN),
        (131000, 500, FailureKind.TRANSIENT),
        (1, 400, FailureKind.TRANSIENT),
        (2, 503, FailureKind.TRANSIENT),
        (131016, 503, FailureKind.TRANSIENT),
        (100, 400, FailureKind.PERMANENT),
        (131051, 400, FailureKind.PERMANENT),
        (132001, 404, FailureKind.PERMANENT),
        (999999, 502, FailureKind.TRANSIENT),
        (999999, 401, FailureKind.CHANNEL_DOWN),
    ],
)
async def test_error_codes_map_to_retry_classes(code: int, status: int, kind: FailureKind) -> None:
    """Each documented error code gets its retry class; unknown codes fall back on the status."""
    fake = FakeProvider().answer(meta_error(code, status=status))
    with pytest.raises(DeliveryError) as raised:
        await sender(fake).send(message(Channel.WHATSAPP))
    failure = raised.value.failure
    assert (failure.kind, failure.code, failure.http_status) == (kind, str(code), status)
    assert failure.provider == "whatsapp_cloud"
    assert f"({code})" in failure.excerpt


async def test_an_html_error_page_is_classified_by_status() -> None:
    """A non-JSON 502 from a proxy is transient with no provider code."""
    fake = FakeProvider().answer(httpx.Response(502, text="<html>Bad Gateway</html>"))
    with pytest.raises(DeliveryError) as raised:
        await sender(fake).send(message(Channel.WHATSAPP))
    assert (raised.value.failure.kind, raised.value.failure.code) == (FailureKind.TRANSIENT, None)


async def test_accepted_without_a_message_id_is_uncertain() -> None:
    """A 200 without messages[0].id is not resent: the message may well be out."""
    fake = FakeProvider().answer(reply(200, {"messaging_product": "whatsapp"}))
    with pytest.raises(DeliveryError) as raised:
        await sender(fake).send(message(Channel.WHATSAPP))
    assert raised.value.failure.kind is FailureKind.UNCERTAIN


@pytest.mark.parametrize(
    ("recipient", "text", "data"),
    [("not a number", "oi", None), ("+55 21 99999-8888", None, {"k": "v"})],
)
async def test_unsendable_messages_are_permanent_without_a_request(
    recipient: str, text: str | None, data: dict[str, str] | None
) -> None:
    """A recipient that is no phone number, or content without text or template, sends nothing."""
    fake = FakeProvider().answer(OK)
    with pytest.raises(DeliveryError) as raised:
        await sender(fake).send(message(Channel.WHATSAPP, recipient, text=text, data=data))
    assert raised.value.failure.kind is FailureKind.PERMANENT
    assert fake.requests == []


def test_classification_is_usable_for_webhook_errors() -> None:
    """The same table classifies codes reported asynchronously (no HTTP status: 200)."""
    assert classify_cloud_api_error(131026, 200) is FailureKind.UNREACHABLE
    assert classify_cloud_api_error(None, 500) is FailureKind.TRANSIENT


async def test_business_scoped_user_id_goes_in_recipient() -> None:
    """A BSUID (users with a username, no phone) is sent as "recipient", not "to" (Meta, 2026)."""
    fake = FakeProvider().answer(OK)
    await sender(fake).send(message(Channel.WHATSAPP, "US.13491208655302741918", text="Olá"))
    body = json_of(fake.last)
    assert isinstance(body, dict)
    assert body["recipient"] == "US.13491208655302741918"
    assert "to" not in body


async def test_bsuid_unsupported_for_the_message_is_permanent() -> None:
    """131062 (this message cannot go to a BSUID) is permanent: retrying cannot help."""
    fake = FakeProvider().answer(meta_error(131062))
    with pytest.raises(DeliveryError) as caught:
        await sender(fake).send(message(Channel.WHATSAPP, "BR.ENT.11815799212886844830", text="x"))
    assert caught.value.failure.kind is FailureKind.PERMANENT
