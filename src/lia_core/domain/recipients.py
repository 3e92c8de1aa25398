"""Who a message goes to: a `Phone`, a provider's own identity for a person, or a push token.

Made once at the edge: `parse_recipient` / `Phone.parse` read what people and providers type
(with `phonenumbers`), `load_recipient` / `Phone.stored` take back what LIA itself stored
(canonical digits, trusted without parsing again: a broadcast reads 100,000 of them).
"""

from __future__ import annotations

import functools
import re

import attrs
import phonenumbers

from lia_core.domain.delivery import Channel
from lia_core.errors import ValidationError

__all__ = [
    "DEFAULT_REGION",
    "ContactKey",
    "Phone",
    "ProviderIdentity",
    "PushToken",
    "Recipient",
    "is_meta_bsuid",
    "is_provider_identity",
    "load_contact",
    "load_recipient",
    "parse_address",
    "parse_contact",
    "parse_recipient",
    "recorded_recipient",
]

DEFAULT_REGION = "BR"
"""How numbers typed without a country code are read."""

MAX_E164_DIGITS = 15
_MIN_DIGITS = 3  # nothing shorter passes `phonenumbers.is_possible_number` with a country code
_BR_MOBILE_FIRST_DIGITS = frozenset("6789")
_BRAZIL_E164 = re.compile(r"\+55[1-9]{2}[0-9]{8,9}")
"""A Brazilian number in E.164 (DDD without a 0, 8- or 9-digit subscriber): already canonical."""
_META_BSUID = re.compile(r"[A-Z]{2}\.(?:ENT\.)?[0-9A-Za-z]+")
"""Meta's business-scoped user id (``BR.1A2b3C``, ``US.ENT.9z``), sent instead of a phone."""


@functools.lru_cache(maxsize=4096)  # during an outage the same customers write again and again
def _e164_digits(raw: str, region: str, field: str) -> str:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(f"not a phone number: {raw!r} ({exc})", field=field) from None
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(f"not a possible phone number: {raw!r}", field=field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


@attrs.frozen
class Phone:
    """A phone number in E.164 digits without '+' (``5521999998888``); made by `parse` or `stored`."""

    digits: str

    @classmethod
    def parse(cls, raw: str, *, region: str = DEFAULT_REGION, field: str = "to") -> Phone:
        """``"(21) 99999-0001"`` → ``Phone("5521999990001")``; ValidationError when not a number."""
        text = raw.strip()
        if _BRAZIL_E164.fullmatch(text):  # WhatsApp senders: phonenumbers returns these as is
            return cls(text[1:])
        return cls(_e164_digits(text, region, field))

    @classmethod
    def stored(cls, digits: str) -> Phone:
        """The phone LIA stored as *digits* (canonical already: checked, not parsed again)."""
        if not _stored_digits(digits):
            raise ValidationError(f"not stored phone digits: {digits!r}", field="phone")
        return cls(digits)

    def canonical(self) -> Phone:
        """The contact key: Brazilian mobiles always with the ninth digit.

        WhatsApp ids of older Brazilian numbers often lack it (``553187654321``); the CRM and
        the contact table know the number as ``5531987654321``. Landlines (2-5) are kept.
        """
        digits = self.digits
        national = digits[2:]
        if (
            digits.startswith("55")
            and len(national) == 10  # DDD + 8-digit subscriber: the pre-2016 mobile form
            and national[2] in _BR_MOBILE_FIRST_DIGITS
        ):
            return Phone(f"55{national[:2]}9{national[2:]}")
        return self

    def __str__(self) -> str:
        return self.digits


@attrs.frozen
class ProviderIdentity:
    """A provider's id for a person instead of a number: an Evolution JID (``…@lid``), a Meta BSUID."""

    value: str

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class PushToken:
    """A device registration token for push messages, kept as given."""

    value: str

    def __str__(self) -> str:
        return self.value


Recipient = Phone | ProviderIdentity | PushToken
"""Any address a job can be sent to; ``str(recipient)`` is its stored and displayed form."""

ContactKey = Phone | ProviderIdentity
"""Who a person is to LIA: their canonical `Phone`, or a provider identity when no phone is known."""


def is_meta_bsuid(raw: str) -> bool:
    """True for a Meta business-scoped user id (users with a username and no phone)."""
    return _META_BSUID.fullmatch(raw) is not None


def is_provider_identity(raw: str) -> bool:
    """True for a JID (it has an ``@``) or a Meta business-scoped user id: not phone numbers."""
    return "@" in raw or is_meta_bsuid(raw)


def parse_address(
    raw: str, *, region: str = DEFAULT_REGION, field: str = "to"
) -> Phone | ProviderIdentity:
    """A typed phone (E.164) or a provider identity (kept as given); ValidationError otherwise."""
    text = raw.strip()
    if is_provider_identity(text):
        return ProviderIdentity(text)
    return Phone.parse(text, region=region, field=field)


def parse_contact(
    raw: str, *, region: str = DEFAULT_REGION, field: str = "phone"
) -> Phone | ProviderIdentity:
    """The contact key of *raw*: its canonical `Phone`, or the provider identity as given."""
    address = parse_address(raw, region=region, field=field)
    return address.canonical() if isinstance(address, Phone) else address


def parse_recipient(raw: str, *, channel: Channel, field: str = "to") -> Recipient:
    """Where to send on *channel*, from text someone typed: a push token on push, else an address."""
    text = raw.strip()
    if not text:
        raise ValidationError("recipient must not be blank", field=field)
    if channel is Channel.PUSH:
        return PushToken(text)
    return parse_address(text, field=field)


def _stored_digits(raw: str) -> bool:
    return raw.isdigit() and raw.isascii() and _MIN_DIGITS <= len(raw) <= MAX_E164_DIGITS


def recorded_recipient(raw: str, *, channel: Channel) -> Recipient:
    """An address LIA recorded (a notice's contact or reply address) as a recipient on *channel*.

    Canonical digits are trusted as stored; anything else is read as typed.
    """
    if _stored_digits(raw):
        return Phone(raw)
    return parse_recipient(raw, channel=channel)


def load_recipient(raw: str) -> Recipient:
    """A job's recipient as LIA stored it, never parsed again: digits are a `Phone`, then a
    provider identity, and anything else a push token (`parse_recipient` made it, so nothing
    else can be there)."""
    if _stored_digits(raw):
        return Phone(raw)
    if is_provider_identity(raw):
        return ProviderIdentity(raw)
    return PushToken(raw)


def load_contact(raw: str) -> ContactKey:
    """A contact key as LIA stored it, never parsed again: digits are a `Phone`, else an identity."""
    if _stored_digits(raw):
        return Phone(raw)
    return ProviderIdentity(raw)
