"""What escalation rules may look at: the ticket plus facts the caller gathered about it."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

from lia_core.domain.text import fold
from lia_core.domain.tickets import Ticket
from lia_core.escalation import _convert
from lia_core.sla.readings import SlaState
from lia_core.validation import require_aware

__all__ = ["EscalationFacts", "NotificationKey"]


@attrs.frozen(kw_only=True, order=True)
class NotificationKey:
    """One notification: *policy* for *ticket_id* because of *rule* (sent at most once)."""

    ticket_id: str
    policy: str
    rule: str


def _contacts(value: object) -> tuple[datetime, ...]:
    return _convert.instances(value, datetime, "contacts")


def _intents(value: object) -> frozenset[str]:
    return _convert.string_set(value, "intents")


def _notified(value: object) -> frozenset[NotificationKey]:
    return frozenset(_convert.instances(value, NotificationKey, "notified"))


@attrs.frozen(kw_only=True)
class EscalationFacts:
    """A ticket and what is known about its customer at *now*; every fact defaults to "no"."""

    ticket: Ticket
    now: datetime
    sla_state: SlaState | None = attrs.field(default=None, converter=_convert.sla_state_or_none)
    """The most urgent running SLA clock (lia_core.sla.worst_state), None when none runs."""
    vip: bool = False
    nps_detractor: bool = False
    """The customer's last NPS answer was a detractor's (0-6)."""
    contacts: tuple[datetime, ...] = attrs.field(default=(), converter=_contacts)
    """When the customer got in touch (this ticket or others); rules count those in a window."""
    intents: frozenset[str] = attrs.field(default=frozenset(), converter=_intents)
    """Intents the bot detected (`lia_core.handoff.Intent` values such as "cancellation"), exact."""
    text: str = ""
    """The customer's recent messages; keywords are searched here ignoring case and accents."""
    linked_active_outage: bool = False
    """The ticket is linked to an outage (massive failure) that is still active."""
    notified: frozenset[NotificationKey] = attrs.field(default=frozenset(), converter=_notified)
    """Notifications already sent for this ticket: the engine never repeats them."""
    folded_text: str = attrs.field(init=False, eq=False, repr=False)
    """The text as keywords are matched: lower case, no accents, no punctuation."""

    @folded_text.default
    def _fold_text(self) -> str:
        return fold(self.text)

    def __attrs_post_init__(self) -> None:
        require_aware(self.now, "now")
        for instant in self.contacts:
            require_aware(instant, "contacts")

    def contacts_within(self, days: int) -> int:
        """How many contacts happened in the last *days* days: now - days <= t <= now.

        A window reaching before the first representable instant counts every past contact.
        """
        try:
            start: datetime | None = self.now - timedelta(days=days)
        except OverflowError:
            start = None
        return sum(1 for t in self.contacts if (start is None or start <= t) and t <= self.now)
