"""Whether a short text carries a full phone number: what realtime references and
department names are checked against, so a customer's number never reaches a staff screen.

A run of digits alone says little: ticket numbers, protocol numbers and CRM contract ids
are long digit runs too. A number here is digit groups joined by at most two of
``space ( ) . -`` ("21-98765-4321", "(21) 98765.4321"); it carries a phone when some run of
its consecutive groups is

- a valid Brazilian number: national with its area code ("21987654321"), with the trunk or
  carrier prefix ("0 21 21 …"), or with the country code 55 ("5521987654321"); or
- a valid number of another country written from its country code, 11 to 15 digits (E.164),
  unless it starts with a calendar date (YYYYMMDD, 1990-2099) in a text that is no provider
  address: that is the shape of protocol numbers ("202612060001", "20261206001"), which
  would otherwise read as Egyptian numbers (+20) a fifth to a third of the time. In a
  provider address (``whatsapp:``, ``tel:``, ``sms:``, ``@s.whatsapp.net``, ``@c.us``,
  ``@g.us``, ``@lid``) every valid number is a phone.

So a subscriber number without its area code ("98765-4321"), a date-based protocol, a
zero-padded sequence ("TK-000012345") or an employee number ("op12345678") is not a full
phone number; "c-5521987654321", "5521987654321@s.whatsapp.net" and "21.98765.4321" are.

The strings that read both ways are decided for the protocol only in that one case: a
foreign number written bare (no address around it) whose digits start with a date — some
Egyptian numbers ("201001234000" is +20 10 0123 4000 and 2010-01-23's protocol 4000) —
passes. The Brazilian reading is checked first and always wins.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

__all__ = ["carries_phone"]

_NUMBER = re.compile(r"\d+(?:[ ().-]{1,2}\d+)*")
_GROUP = re.compile(r"\d+")
_DATED = re.compile(r"^(?:199\d|20\d\d)(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")
_ADDRESS = re.compile(r"whatsapp:|tel:|sms:|@s\.whatsapp\.net|@c\.us|@g\.us|@lid", re.IGNORECASE)
_SHORTEST = 10
"""No full phone number has fewer digits (a Brazilian one: area code and 8 digits)."""
_CANDIDATE = re.compile(rf"\d(?:[ ().-]{{0,2}}\d){{{_SHORTEST - 1}}}")
"""`_SHORTEST` digits within one number: text without them carries no phone (a fast no)."""
_LONGEST = 17
"""Nor more (a Brazilian number with trunk and carrier prefixes)."""


@lru_cache(maxsize=4096)
def _valid(raw: str, region: str | None) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(raw, region))
    except phonenumbers.NumberParseException:
        return False


def _is_phone(digits: str, *, address: bool) -> bool:
    if _valid(digits, "BR"):
        return True
    if not 11 <= len(digits) <= 15 or (not address and _DATED.match(digits)):
        return False
    return _valid("+" + digits, None)


def carries_phone(text: str) -> bool:
    """Whether *text* holds a full phone number (see the module's rules)."""
    # Most references (ticket ids, usernames, department names) have no ten digits in one
    # number: one regex search answers them, where the walk below costs a few microseconds
    # on every realtime event (the SLA monitor publishes a thousand at once).
    return _CANDIDATE.search(text) is not None and _walk(text)


def _walk(text: str) -> bool:
    address = _ADDRESS.search(text) is not None
    for number in _NUMBER.finditer(text):
        groups = _GROUP.findall(number.group())
        for start in range(len(groups)):
            digits = ""
            for group in groups[start:]:
                digits += group
                if len(digits) > _LONGEST:
                    break
                if len(digits) >= _SHORTEST and _is_phone(digits, address=address):
                    return True
    return False
