"""Recipient phone numbers in the international form the providers expect (via `phonenumbers`)."""

from __future__ import annotations

import phonenumbers

from lia_core.domain.recipients import Phone

__all__ = ["phone_e164", "to_e164"]


def phone_e164(phone: Phone) -> str:
    """``+5521999998888`` for a `Phone`: its digits are E.164 already, so nothing is parsed.

    (Parsing them again read in a region cost 50 µs a send, and read a stored foreign
    number such as ``12025550123`` as Brazilian.)
    """
    return "+" + phone.digits


def to_e164(raw: str, *, region: str, strict: bool = True) -> str | None:
    """``+5521999998888`` for *raw* read in *region*; None when it is not a (valid) phone number.

    Strict checks the number against the numbering plan; lenient only checks its length, for
    providers that validate on their side and answer with a precise error code anyway.
    """
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    ok = phonenumbers.is_valid_number(number) if strict else phonenumbers.is_possible_number(number)
    if not ok:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
