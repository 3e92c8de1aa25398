"""The realtime phone guard, as properties: no generated phone number, in any form it takes
in a provider address or an id, reaches a frame; no generated ticket, protocol, contract or
employee number is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import phonenumbers
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lia_core.domain.phone_guard import _CANDIDATE, _DATED, _walk, carries_phone
from lia_core.domain.realtime import (
    RealtimeEvent,
    RealtimeKind,
    department_or_none,
    ref_or_none,
    to_wire,
)
from lia_core.errors import ValidationError

T0 = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
_REF_FIELDS = [
    "conversation_id",
    "message_id",
    "ticket_id",
    "offer_id",
    "agent",
    "previous_agent",
    "status",
    "priority",
    "channel",
]
# Brazil's area codes (Anatel's plan).
_DDDS = [11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38,
         41, 42, 43, 44, 45, 46, 47, 48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68,
         69, 71, 73, 74, 75, 77, 79, 81, 82, 83, 84, 85, 86, 87, 88, 89, 91, 92, 93, 94, 95,
         96, 97, 98, 99]  # fmt: skip
_ABROAD = ["US", "PT", "AR", "UY", "PY", "CL", "ES", "IT", "DE", "FR", "GB", "MX", "EG", "JP"]


@st.composite
def brazilian_phones(draw: st.DrawFn) -> str:
    """A valid Brazilian number, national digits (area code first): mobile or landline."""
    ddd = draw(st.sampled_from(_DDDS))
    if draw(st.booleans()):
        subscriber = "9" + draw(st.from_regex(r"[6-9][0-9]{7}", fullmatch=True))
    else:
        subscriber = draw(st.from_regex(r"[2-5][0-9]{7}", fullmatch=True))
    national = f"{ddd}{subscriber}"
    assume(phonenumbers.is_valid_number(phonenumbers.parse(national, "BR")))
    return national


@st.composite
def foreign_phones(draw: st.DrawFn) -> str:
    """A valid number of another country, E.164 digits (country code first, no plus)."""
    region = draw(st.sampled_from(_ABROAD))
    kind = draw(st.sampled_from([phonenumbers.PhoneNumberType.MOBILE,
                                 phonenumbers.PhoneNumberType.FIXED_LINE]))  # fmt: skip
    example = phonenumbers.example_number_for_type(region, kind)
    assert example is not None
    national = str(example.national_number)
    tail = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    number = phonenumbers.parse(f"+{example.country_code}{national[:-3]}{tail}")
    assume(phonenumbers.is_valid_number(number))
    return f"{number.country_code}{number.national_number}"


def _split(digits: str, cuts: list[int], separator: str) -> str:
    points = sorted({c % len(digits) for c in cuts} - {0})
    parts = [digits[a:b] for a, b in zip([0, *points], [*points, len(digits)], strict=True)]
    return separator.join(parts)


@st.composite
def phone_tokens(draw: st.DrawFn) -> tuple[str, str]:
    """(a token a phone could hide in, the phone's digits): bare, with 55, split by dashes
    or dots, in a provider address or an id."""
    addresses = ["whatsapp:{}", "{}@s.whatsapp.net", "{}@c.us"]
    others = ["{}", "c-{}", "wa.{}", "x{}y", "id-2026-{}"]
    if draw(st.booleans()):
        national = draw(brazilian_phones())
        digits = draw(st.sampled_from([national, "55" + national]))
    else:
        digits = draw(foreign_phones())
        if _DATED.match(digits):  # reads as a protocol too: a phone only in an address
            others = []
    written = digits
    if draw(st.booleans()):
        cuts = draw(st.lists(st.integers(1, 12), max_size=3))
        written = _split(digits, cuts, draw(st.sampled_from(["-", "."])))
    wrapper = draw(st.sampled_from(addresses + others))
    return wrapper.format(written), digits


@st.composite
def ids(draw: st.DrawFn) -> str:
    """Ids people and systems give: UUIDs, date-based protocols, zero-padded ticket numbers,
    CRM contract numbers, employee-numbered usernames."""
    family = draw(st.integers(0, 4))
    if family == 0:
        return str(draw(st.uuids()))
    if family == 1:
        day = draw(st.dates(min_value=datetime(2000, 1, 1).date(),
                            max_value=datetime(2099, 12, 31).date()))  # fmt: skip
        clock = draw(st.sampled_from(["", "143012", "000001"]))
        seq = draw(st.from_regex(r"[0-9]{0,8}", fullmatch=True))
        prefix = draw(st.sampled_from(["", "PROT-", "P", "protocolo:"]))
        joiner = draw(st.sampled_from(["", "-"])) if seq else ""
        return f"{prefix}{day:%Y%m%d}{clock}{joiner}{seq}"
    if family == 2:
        width = draw(st.integers(6, 12))
        value = draw(st.integers(1, 10 ** min(width - 1, 9) - 1))
        prefix = draw(st.sampled_from(["TK", "T", "CT", "CTR", "OS", "ticket"]))
        return f"{prefix}{draw(st.sampled_from(['-', '', ':', '_', '.']))}{value:0{width}d}"
    if family == 3:
        return str(draw(st.integers(1, 999_999_999)))
    name = draw(st.sampled_from(["op", "ana.", "joao_", "agente-"]))
    return f"{name}{draw(st.integers(0, 999_999_999)):06d}"


@given(phone_tokens())
def test_no_generated_phone_reaches_a_frame(token_and_digits: tuple[str, str]) -> None:
    """Every reference field and department refuses it; what is made of it by `ref_or_none`
    and `department_or_none` is nothing; so no frame can hold it."""
    token, digits = token_and_digits
    assert carries_phone(token)
    assert ref_or_none(token) is None
    assert department_or_none(token) is None
    for field in _REF_FIELDS:
        with pytest.raises(ValidationError):
            RealtimeEvent(kind=RealtimeKind.TICKET_UPDATED, at=T0, **{field: token})  # type: ignore[arg-type]
    event = RealtimeEvent(
        kind=RealtimeKind.TICKET_UPDATED,
        at=T0,
        ticket_id=ref_or_none(token),
        department=department_or_none(token),
        agent=ref_or_none(token),
    )
    assert digits not in to_wire(event)


@given(ids())
def test_generated_ids_always_pass(value: str) -> None:
    """Each id travels in every reference field, unchanged (a UUID whatever its digits)."""
    for field in _REF_FIELDS:
        event = RealtimeEvent(kind=RealtimeKind.TICKET_UPDATED, at=T0, **{field: value})  # type: ignore[arg-type]
        assert attrs.asdict(event)[field] == value
        assert value in to_wire(event)


@pytest.mark.parametrize(
    "value",
    [
        "20261206143012000123",  # protocol: date, time, sequence
        "202612060001",  # date and sequence: would read as an Egyptian number (+20)
        "TK-20261206-0042",
        "CTR-000012345",
        "op12345678",  # an employee number in a username
        "Suporte 24h",
    ],
)
def test_known_ids_pass(value: str) -> None:
    """Ids the previous rule (any eight digits in a row) refused, breaking their events."""
    assert not carries_phone(value)


@pytest.mark.parametrize(
    "value",
    [
        "21987654321",
        "55-21-98765-4321",
        "5521987654321@s.whatsapp.net",
        "(21) 3456-7890",
        "0 21 21 98765 4321",
        "14155552671",
    ],
)
def test_known_phones_are_caught(value: str) -> None:
    """National, split, in a JID, a landline in parentheses, with carrier code, abroad."""
    assert carries_phone(value)


def test_a_foreign_number_that_reads_as_a_dated_protocol_passes_only_bare() -> None:
    """+20 10 0123 4000 is also 2010-01-23's protocol 4000: bare it passes, in an address it
    is a phone (the documented limit of the guard)."""
    assert not carries_phone("201001234000")
    assert carries_phone("whatsapp:201001234000")
    assert carries_phone("201001234000@s.whatsapp.net")


@given(
    st.text(alphabet=st.sampled_from("0123456789 ().-+:@abcz"), max_size=40)
    | phone_tokens().map(lambda token_and_digits: token_and_digits[0])
)
def test_the_fast_no_never_hides_a_phone(text: str) -> None:
    """`carries_phone` answers "no" by one regex when *text* has no ten digits in one number;
    the full walk must never find a phone in such a text."""
    if _CANDIDATE.search(text) is None:
        assert not _walk(text)
    assert carries_phone(text) == (_CANDIDATE.search(text) is not None and _walk(text))


def test_a_foreign_number_has_at_most_15_digits() -> None:
    """A 15-digit number abroad (German toll-free) is a phone; 16 digits never read as one,
    even where phonenumbers would drop a trunk 0 to make it valid."""
    assert carries_phone("498001234567890")
    assert not carries_phone("whatsapp:4908001234567890")


def test_a_brazilian_number_dialled_abroad_with_17_digits_is_caught() -> None:
    """International prefix, carrier, country code and number in one 17-digit run is a phone."""
    assert carries_phone("00155521987654321")


def test_a_phone_after_a_long_protocol_in_the_same_number_is_caught() -> None:
    """A run too long from the first group still has its later groups tried on their own."""
    assert not carries_phone("20261206143012")
    assert carries_phone("20261206143012 21987654321") is True
