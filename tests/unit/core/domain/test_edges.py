"""Limits that are inclusive, and the default field a phone refusal names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lia_core.domain.conversations import Contact
from lia_core.domain.customers import CustomerAddress
from lia_core.domain.recipients import Phone
from lia_core.domain.surveys import SurveyStatus
from lia_core.errors import ValidationError
from tests.unit.core.domain.test_surveys import WINDOW, a_survey

NOW = datetime(2026, 5, 20, 14, 30, tzinfo=UTC)


def test_a_bad_phone_is_refused_as_to_by_default() -> None:
    """Without a field, an unreadable phone is refused on 'to'."""
    with pytest.raises(ValidationError) as refused:
        Phone.parse("not a phone")
    assert refused.value.field == "to"


@pytest.mark.parametrize("digits", ["123", "123456789012345"])
def test_stored_digits_of_the_shortest_and_longest_length_are_a_phone(digits: str) -> None:
    """Stored digits of 3 and of 15 characters (the limits) are kept as a phone."""
    assert Phone.stored(digits) == Phone(digits)


def test_a_survey_expires_exactly_at_its_expiry() -> None:
    """An open survey reads as expired at its expiry time, not only after it."""
    survey = a_survey()
    assert survey.status_at(survey.expires_at - timedelta(microseconds=1)) is SurveyStatus.OPEN
    assert survey.status_at(survey.expires_at) is SurveyStatus.EXPIRED
    assert survey.expires_at == survey.sent_at + WINDOW


def test_addresses_checked_exactly_ttl_ago_are_still_fresh() -> None:
    """Addresses checked exactly ttl ago are trusted; a moment later they are not."""
    ttl = timedelta(hours=1)
    contact = Contact(
        phone=Phone("5531987654321"),
        addresses=(CustomerAddress(city="Teresópolis"),),
        address_checked_at=NOW,
        created_at=NOW,
        updated_at=NOW,
    )
    assert contact.has_fresh_address(NOW + ttl, ttl)
    assert not contact.has_fresh_address(NOW + ttl + timedelta(microseconds=1), ttl)
