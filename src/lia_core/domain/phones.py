"""Phone numbers as recipients: one canonical form (E.164 digits, no '+') whatever was typed."""

from __future__ import annotations

import phonenumbers

from lia_core.errors import ValidationError

__all__ = ["DEFAULT_REGION", "normalise_phone"]

DEFAULT_REGION = "BR"
"""How numbers typed without a country code are read."""


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
