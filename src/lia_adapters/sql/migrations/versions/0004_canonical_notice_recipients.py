"""Notices recorded as typed (``lia failure notify``, the API) keyed by their canonical number.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

Before this revision a notice recorded by ``lia failure notify`` or ``POST …/notify`` kept
the number as the user typed it ("(21) 98765-4321", "21987654321"), while the gate and the
proactive notice key contacts by their canonical number ("5521987654321"). The resolution
broadcast now sends to stored digit-only numbers as they are, and the gate looks notices
up by canonical number, so such rows are rewritten to the canonical form; where the same
contact was recorded twice under two spellings, one row is kept.

Which digit-only values are typed, not canonical, cannot always be told: "12025550123" is
a canonical US number and also a Brazilian national spelling. A digit-only value that is
a valid number once read with a leading "+" is kept; otherwise it is read as Brazilian.
The rule is spelled out here rather than imported, so this revision keeps doing the same
whatever later code does. Data only: downgrade leaves the rewritten rows as they are
(revision 0003's code reads canonical numbers too).
"""

from __future__ import annotations

from collections.abc import Sequence

import phonenumbers
import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REGION = "BR"
_BR_MOBILE_FIRST_DIGITS = frozenset("6789")
_PAGE = 5000

_notices = sa.table(
    "failure_notifications",
    sa.column("failure_id", sa.String()),
    sa.column("kind", sa.String()),
    sa.column("recipient", sa.String()),
    sa.column("channel", sa.String()),
)


def _parsed(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def _valid_international(digits: str) -> bool:
    number = _parsed(f"+{digits}", None)
    return number is not None and phonenumbers.is_valid_number(number)


def _canonical(raw: str) -> str | None:
    """The contact key of *raw* (``canonical_phone`` as of this revision), or None: no number."""
    number = _parsed(raw.strip(), _REGION)
    if number is None or not phonenumbers.is_possible_number(number):
        return None
    digits = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]
    national = digits[2:]
    if digits.startswith("55") and len(national) == 10 and national[2] in _BR_MOBILE_FIRST_DIGITS:
        return f"55{national[:2]}9{national[2:]}"
    return digits


def canonical_recipient(stored: str) -> str:
    """What a stored notice recipient becomes: unchanged unless it is a typed phone number."""
    if "@" in stored:  # provider identities (Evolution JIDs, Meta user ids)
        return stored
    if stored.isdigit():
        if _valid_international(stored):
            return stored
        canonical = _canonical(stored)
        return canonical if canonical is not None and _valid_international(canonical) else stored
    return _canonical(stored) or stored


def upgrade() -> None:
    """Rewrite typed recipients to their canonical number; drop the second copy of a contact."""
    connection = op.get_bind()
    after: tuple[str, str, str] | None = None
    key = sa.tuple_(_notices.c.failure_id, _notices.c.kind, _notices.c.recipient)
    while True:
        query = (
            sa.select(_notices.c.failure_id, _notices.c.kind, _notices.c.recipient)
            .where(_notices.c.channel != "push")  # device tokens are no numbers
            .order_by(_notices.c.failure_id, _notices.c.kind, _notices.c.recipient)
            .limit(_PAGE)
        )
        if after is not None:
            query = query.where(key > sa.tuple_(*map(sa.literal, after)))
        page = connection.execute(query).all()
        if not page:
            return
        for failure_id, kind, recipient in page:
            canonical = canonical_recipient(recipient)
            if canonical != recipient:
                _rekey(connection, failure_id, kind, recipient, canonical)
        after = tuple(page[-1])


def _rekey(
    connection: sa.Connection, failure_id: str, kind: str, recipient: str, canonical: str
) -> None:
    row = (
        (_notices.c.failure_id == failure_id)
        & (_notices.c.kind == kind)
        & (_notices.c.recipient == recipient)
    )
    taken = connection.execute(
        sa.select(sa.func.count())
        .select_from(_notices)
        .where(
            (_notices.c.failure_id == failure_id)
            & (_notices.c.kind == kind)
            & (_notices.c.recipient == canonical)
        )
    ).scalar_one()
    if taken:  # the contact was already recorded under its canonical number: told once
        connection.execute(sa.delete(_notices).where(row))
    else:
        connection.execute(sa.update(_notices).where(row).values(recipient=canonical))


def downgrade() -> None:
    """Nothing to undo: canonical recipients are valid under revision 0003 too."""
