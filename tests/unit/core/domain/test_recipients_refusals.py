"""Recipient parsing: the region a national number is read in, and the field a refusal names."""

from __future__ import annotations

import pytest

from lia_core.domain.delivery import Channel
from lia_core.domain.recipients import Phone, parse_address, parse_contact, parse_recipient
from lia_core.errors import ValidationError

PT_MOBILE = Phone.parse("+351 912 345 678")


def test_a_national_number_is_read_in_the_given_region() -> None:
    """A number without country code is read in the caller's region, for addresses and contacts."""
    assert parse_address("912 345 678", region="PT") == PT_MOBILE
    assert parse_contact("912 345 678", region="PT") == PT_MOBILE.canonical()


def test_a_bad_address_is_refused_as_to_by_default() -> None:
    """Without a field, an unreadable address is refused on 'to'."""
    with pytest.raises(ValidationError) as refused:
        parse_address("not a phone")
    assert refused.value.field == "to"


def test_a_bad_address_names_the_callers_field() -> None:
    """An unreadable address is refused on the field the caller gave."""
    with pytest.raises(ValidationError) as refused:
        parse_address("not a phone", field="contact")
    assert refused.value.field == "contact"


def test_a_bad_contact_is_refused_as_phone_by_default() -> None:
    """Without a field, an unreadable contact is refused on 'phone'."""
    with pytest.raises(ValidationError) as refused:
        parse_contact("not a phone")
    assert refused.value.field == "phone"


def test_a_bad_contact_names_the_callers_field() -> None:
    """An unreadable contact is refused on the field the caller gave."""
    with pytest.raises(ValidationError) as refused:
        parse_contact("not a phone", field="customer")
    assert refused.value.field == "customer"


def test_a_blank_recipient_is_refused_as_to_by_default() -> None:
    """A blank recipient is refused on 'to' with its own message."""
    with pytest.raises(ValidationError) as refused:
        parse_recipient("   ", channel=Channel.SMS)
    assert refused.value.field == "to"
    assert str(refused.value) == "recipient must not be blank"


def test_a_bad_recipient_names_the_callers_field() -> None:
    """An unreadable recipient phone is refused on the field the caller gave."""
    with pytest.raises(ValidationError) as refused:
        parse_recipient("not a phone", channel=Channel.SMS, field="recipients[1]")
    assert refused.value.field == "recipients[1]"
