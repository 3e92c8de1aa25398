"""Recipients are made once at the edge: typed numbers parse to one canonical form, stored ones come back as they were."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.domain.delivery import Channel
from lia_core.domain.recipients import (
    Phone,
    ProviderIdentity,
    PushToken,
    Recipient,
    load_contact,
    load_recipient,
    parse_address,
    parse_contact,
    parse_recipient,
)
from lia_core.errors import ValidationError
from lia_core.testing.recipients import (
    phones,
    provider_identities,
    push_tokens,
    recipients,
    typed_br_mobiles,
)


@given(typed_br_mobiles())
def test_every_usual_spelling_gives_the_same_digits(typed: tuple[str, str]) -> None:
    """Formats people type (with or without country code, punctuation) normalise alike, idempotently."""
    raw, digits = typed
    phone = Phone.parse(raw)
    assert phone.digits == digits
    assert Phone.parse(phone.digits) == phone


@given(phones())
def test_stored_and_parsed_phones_round_trip(phone: Phone) -> None:
    """A phone's stored form comes back equal through Phone.stored, and through Phone.parse with '+'."""
    assert Phone.stored(str(phone)) == phone
    assert Phone.parse(f"+{phone}") == phone


@given(phones())
def test_the_canonical_form_is_idempotent(phone: Phone) -> None:
    """Canonicalising a canonical phone changes nothing."""
    assert phone.canonical().canonical() == phone.canonical()


@given(st.sampled_from(["21", "31", "71"]), st.integers(6_000_000, 99_999_999))
def test_old_mobile_ids_get_the_ninth_digit(area: str, local: int) -> None:
    """A pre-2016 Brazilian mobile (8 digits, first 6-9) is keyed with the ninth digit; landlines not."""
    eight = f"{local:08}"
    key = parse_contact(f"+55{area}{eight}")
    if eight[0] in "6789":
        assert key == Phone(f"55{area}9{eight}")
    else:
        assert key == Phone(f"55{area}{eight}")


@given(recipients())
def test_every_recipient_survives_storage(recipient: Recipient) -> None:
    """What a job stores (its text) reads back as the same recipient, without parsing."""
    assert load_recipient(str(recipient)) == recipient


@given(st.one_of(phones(), provider_identities()))
def test_every_contact_key_survives_storage(key: Phone | ProviderIdentity) -> None:
    """A contact's stored phone text reads back as the same key, without parsing."""
    assert load_contact(str(key)) == key


@given(provider_identities())
def test_provider_identities_pass_through(identity: ProviderIdentity) -> None:
    """WhatsApp JIDs and Meta user ids are not phone numbers: kept as given, never canonicalised."""
    assert parse_address(f" {identity} ") == identity
    assert parse_contact(str(identity)) == identity
    assert parse_recipient(str(identity), channel=Channel.WHATSAPP) == identity


@given(push_tokens())
def test_push_recipients_are_tokens(token: PushToken) -> None:
    """On the push channel the recipient is the device token as given."""
    assert parse_recipient(f"{token} ", channel=Channel.PUSH) == token


@pytest.mark.parametrize("bad", ["abc", "123", ""])
def test_garbage_is_refused_naming_the_field(bad: str) -> None:
    """Text that cannot be a phone number is a validation error on the given field."""
    with pytest.raises(ValidationError) as info:
        parse_recipient(bad, channel=Channel.SMS, field="to")
    assert info.value.field == "to"


@pytest.mark.parametrize("bad", ["+5521999998888", "55 21 99999", "٥٥٢١٩٩٩٩٩٨٨٨٨", "12", "9" * 16])
def test_stored_phones_must_be_canonical_digits(bad: str) -> None:
    """Phone.stored refuses anything but 3 to 15 ASCII digits (it does not parse)."""
    with pytest.raises(ValidationError) as refused:
        Phone.stored(bad)
    assert (refused.value.field, str(refused.value)) == (
        "phone",
        f"not stored phone digits: {bad!r}",
    )


@given(st.from_regex(r"\+55[1-9]{2}[0-9]{8,9}", fullmatch=True))
def test_brazilian_e164_needs_no_parsing(raw: str) -> None:
    """The shortcut for WhatsApp senders gives what phonenumbers gives, and accepts only what it accepts."""
    import phonenumbers

    number = phonenumbers.parse(raw, "BR")
    assert phonenumbers.is_possible_number(number)
    assert Phone.parse(raw).digits == phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.E164
    ).lstrip("+")
