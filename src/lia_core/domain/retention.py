"""Retention: which stored rows may go after how long, and the ``30d`` / ``12h`` / ``90m`` ages.

Three targets (docs/deployment.md, "Retention"): finished outbox jobs are deleted, the
customer-written content of processed inbound messages (what the webhooks brought) is blanked
while the row and its dedup key stay, and old audit-log rows are deleted.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from datetime import timedelta

import attrs

from lia_core.domain.delivery import JobStatus
from lia_core.errors import ValidationError

__all__ = ["FINISHED_JOBS", "RetentionPolicy", "RetentionTarget", "parse_age"]

FINISHED_JOBS: frozenset[JobStatus] = frozenset({JobStatus.SENT, JobStatus.DEAD})
"""The only job statuses a purge may delete: nothing more happens to them by itself.

Pending, sending and uncertain jobs are never touched, whatever their age (an uncertain send
waits for a person to settle it). A dead job can still be reprocessed by hand, so it is aged
from its last change (``updated_at``), not from its creation, and goes with its dead letter.
"""


class RetentionTarget(enum.StrEnum):
    """What a purge works on."""

    OUTBOX = "outbox"
    """Finished outbound jobs (and the dead letters of dead ones): deleted."""
    WEBHOOKS = "webhooks"
    """Processed inbound messages: text, display name, details and reply id blanked; the row
    (provider message id, so a provider's retry is still recognised) stays."""
    AUDIT = "audit"
    """Audit-log rows: deleted."""


_AGE = re.compile(r"([0-9]{1,6})(m|h|d|w)")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_age(text: str, *, field: str = "older_than") -> timedelta:
    """``30d``, ``12h``, ``90m`` or ``2w`` as a positive duration.

    Raises:
        ValidationError: another form, or zero (field *field*).
    """
    match = _AGE.fullmatch(text.strip().lower())
    if match is None:
        raise ValidationError(
            f"{text.strip()!r} is not an age: say a number and a unit, e.g. 30d, 12h, 90m or 2w",
            field=field,
        )
    age = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    if age <= timedelta(0):
        raise ValidationError("the age must be more than zero", field=field)
    return age


@attrs.frozen(kw_only=True)
class RetentionPolicy:
    """How many days each target keeps (0: forever), as the worker applies it."""

    outbox_days: int = 0
    webhook_raw_days: int = 0
    audit_days: int = 0
    batch_size: int = 1000
    """Rows per transaction, so a purge of millions never holds its locks for long."""

    def ages(self) -> Mapping[RetentionTarget, timedelta]:
        """The targets that are purged, each with its age; the kept-forever ones left out."""
        days = {
            RetentionTarget.OUTBOX: self.outbox_days,
            RetentionTarget.WEBHOOKS: self.webhook_raw_days,
            RetentionTarget.AUDIT: self.audit_days,
        }
        return {target: timedelta(days=n) for target, n in days.items() if n > 0}
