"""Phone numbers as recipients: one canonical form (E.164 digits, no '+') whatever was typed."""

from __future__ import annotations

import functools

import phonenumbers

from lia_core.errors import ValidationError

__all__ = ["DEFAULT_REGION", "canonical_phone", "normalise_phone"]

DEFAULT_REGION = "BR"
"""How numbers typed without a country code are read."""


@functools.lru_cache(maxsize=4096)  # during an outage the same customers write again and again
def normalise_phone(raw: str, *, region: str = DEFAULT_REGION, field: str = "to") -> str:
    """``"(21) 99999-0001"`` → ``"5521999990001"``; a WhatsApp JID (``…@lid``) passes through.

    Raises ValidationError when the text is not a plausible phone number.
    """
    text = raw.strip()
    if "@" in text:  # provider-specific ids (Evolution JIDs, Meta user ids) are not numbers
        return text
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(f"not a phone number: {raw!r} ({exc})", field=field) from None
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(f"not a possible phone number: {raw!r}", field=field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


_BR_MOBILE_FIRST_DIGITS = frozenset("6789")


@functools.lru_cache(maxsize=4096)
def canonical_phone(raw: str, *, region: str = DEFAULT_REGION, field: str = "phone") -> str:
    """The contact key of a phone: E.164 digits, Brazilian mobiles always with the ninth digit.

    WhatsApp ids of older Brazilian numbers often lack it (``553187654321``); the CRM and the
    contact table know the number as ``5531987654321``. Landlines (first digit 2-5) are kept.
    Provider identities containing ``@`` pass through unchanged.
    """
    digits = normalise_phone(raw, region=region, field=field)
    if "@" in digits:
        return digits
    national = digits[2:]
    if (
        digits.startswith("55")
        and len(national) == 10  # DDD + 8-digit subscriber: the pre-2016 mobile form
        and national[2] in _BR_MOBILE_FIRST_DIGITS
    ):
        return f"55{national[:2]}9{national[2:]}"
    return digits
