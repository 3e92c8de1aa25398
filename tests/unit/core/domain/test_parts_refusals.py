"""Small domain rules stated exactly: CEP and header/button refusals, the window edge, addresses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lia_core.domain.canned import CannedResponse
from lia_core.domain.customers import CustomerAddress
from lia_core.domain.delivery import Channel
from lia_core.domain.regions import Location
from lia_core.domain.service_window import WindowClosed, WindowOpen, service_window
from lia_core.domain.template_parts import (
    ButtonKind,
    HeaderKind,
    TemplateButton,
    TemplateHeader,
    buttons_from,
)
from lia_core.domain.text import normalise_cep
from lia_core.errors import ValidationError

T0 = datetime(2026, 12, 6, 12, tzinfo=UTC)


def test_a_bad_cep_is_refused_naming_cep() -> None:
    """A CEP without 8 digits is refused by default under field cep, quoting what was given."""
    with pytest.raises(ValidationError) as caught:
        normalise_cep("2595-12")
    assert caught.value.field == "cep"
    assert str(caught.value) == "CEP must have 8 digits (e.g. 25953-120), got '2595-12'"


def test_an_address_with_a_bad_cep_keeps_its_city_and_bairro() -> None:
    """A malformed CEP does not hide the address's city and bairro from matching."""
    address = CustomerAddress(city="Maricá", neighbourhood="Centro", cep="not a cep")
    assert address.location() == Location.of(city="Maricá", neighbourhood="Centro")
    assert address.location() is not None


def test_two_parameters_for_one_button_are_refused_with_the_rule() -> None:
    """Two parameters for the same button index are refused, naming buttons and the rule."""
    one = TemplateButton(kind=ButtonKind.URL, index=0, value="a")
    two = TemplateButton(kind=ButtonKind.QUICK_REPLY, index=0, value="b")
    with pytest.raises(ValidationError) as caught:
        buttons_from([one, two])
    assert caught.value.field == "buttons"
    assert str(caught.value) == "two parameters for the same button index"


def test_the_window_is_closed_at_the_instant_it_closes() -> None:
    """At last_inbound_at + length the window is closed, and says when it closed."""
    length = timedelta(hours=24)
    closes = T0 + length
    just_before = service_window(
        Channel.WHATSAPP, T0, now=closes - timedelta(microseconds=1), length=length
    )
    assert just_before == WindowOpen(closes_at=closes)
    assert service_window(Channel.WHATSAPP, T0, now=closes, length=length) == WindowClosed(
        closed_at=closes
    )


def test_a_header_with_an_unknown_variable_is_refused_naming_whatsapp_header() -> None:
    """A header parameter's text is checked like a body, but the refusal names whatsapp_header."""
    with pytest.raises(ValidationError) as caught:
        CannedResponse.create(
            key="oi",
            title="Oi",
            body="Oi",
            whatsapp_template="boas_vindas",
            whatsapp_header=TemplateHeader(kind=HeaderKind.TEXT, value="Oi {{nope}}"),
            by="ana",
            at=T0,
        )
    assert caught.value.field == "whatsapp_header"


def test_buttons_without_a_template_are_refused_naming_whatsapp_buttons() -> None:
    """Button parameters need a template: without one they are refused under whatsapp_buttons."""
    button = TemplateButton(kind=ButtonKind.QUICK_REPLY, index=0, value="sim")
    with pytest.raises(ValidationError) as caught:
        CannedResponse.create(
            key="oi", title="Oi", body="Oi", whatsapp_buttons=(button,), by="ana", at=T0
        )
    assert caught.value.field == "whatsapp_buttons"
    assert str(caught.value) == "a header or button parameter needs whatsapp_template"


def test_create_keeps_the_template_name() -> None:
    """A canned response created with a template name keeps it, trimmed."""
    canned = CannedResponse.create(
        key="oi", title="Oi", body="Oi", whatsapp_template=" boas_vindas ", by="ana", at=T0
    )
    assert canned.whatsapp_template == "boas_vindas"
