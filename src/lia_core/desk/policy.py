"""The desk policy: escalation rules, SLA policies, the business calendar and the alert channels.

One document (TOML, see docs/tickets.md) stored in the database with revisions, so every
replica and worker applies the same rules. `builtin_desk_policy` is what applies while no
revision was ever loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import attrs

from lia_core.domain.delivery import Channel
from lia_core.domain.tickets import Priority, SupportLevel
from lia_core.escalation.book import RuleBook
from lia_core.escalation.rules import Actions, Conditions, Rule
from lia_core.sla.calendar import BusinessCalendar
from lia_core.sla.policy import PolicyBook, SlaPolicy, SlaTargets, Target
from lia_core.sla.workweek import HolidayRules, WeeklyHours

__all__ = [
    "BUILTIN_CHANNELS",
    "DeskPolicy",
    "DeskPolicyRevision",
    "builtin_desk_policy",
]

BUILTIN_CHANNELS: Mapping[str, tuple[Channel, ...]] = {
    "ticket-escalation": (Channel.WHATSAPP, Channel.SMS, Channel.PUSH),
    "ticket-priority-high": (Channel.WHATSAPP, Channel.SMS, Channel.PUSH),
    "sla-alert": (Channel.WHATSAPP, Channel.SMS, Channel.PUSH),
}
"""Which channels each staff notification policy tries, in order (the first the user can get)."""


@attrs.frozen(kw_only=True)
class DeskPolicy:
    """Everything the desk decides by: which SLA policy a ticket gets, the rules, the channels."""

    sla: PolicyBook
    """SLA policies (each with its business calendar), first matching rule wins."""
    rules: RuleBook
    """Escalation rules evaluated on every ticket event and SLA state change."""
    channels: Mapping[str, tuple[Channel, ...]] = attrs.field(
        factory=lambda: dict(BUILTIN_CHANNELS)
    )
    """Notification policy name → channels tried in order for each staff member."""
    revision: int | None = attrs.field(default=None, eq=False)
    """The stored revision this policy was read from (None: built-in or given in code); the
    SLA monitor's visit plans are only followed under the revision they were made with."""

    @property
    def calendar(self) -> BusinessCalendar:
        """The default SLA policy's calendar (the one the console shows)."""
        return self.sla.fallback.calendar

    @classmethod
    def from_toml(
        cls, text: str, *, source: str = "<string>", timezone: str = "America/Sao_Paulo"
    ) -> DeskPolicy:
        """The policy written in TOML *text* (docs/tickets.md); *timezone* when it names none.

        Raises:
            DeskPolicyFileError: every fault found, each with *source* and its line.
        """
        from lia_core.desk.policy_file import parse_desk_policy  # the parser imports this module

        return parse_desk_policy(text, source=source, timezone=timezone)

    def to_toml(self) -> str:
        """The policy as a TOML document that `from_toml` reads back to an equal policy."""
        from lia_core.desk._policy_writer import policy_to_toml  # the writer imports this module

        return policy_to_toml(self)


@attrs.frozen(kw_only=True)
class DeskPolicyRevision:
    """One stored revision of the desk policy: its TOML source and who loaded it when."""

    revision: int
    source: str
    digest: str
    """SHA-256 of the source, hex: two loads of the same text are the same policy."""
    loaded_by: str
    loaded_at: datetime
    filename: str | None = None


_OFFICE = "08:00-18:00"


def builtin_desk_policy(timezone: str = "America/Sao_Paulo") -> DeskPolicy:
    """The policy while none was loaded: Mon-Fri 08:00-18:00 in *timezone*, Brazil's holidays.

    Targets (business minutes, first response / resolution): urgent 30 / 240, high 60 / 480,
    medium 240 / 1440, low 480 / 2880. Two rules notify the department's supervisors and
    admins once per ticket: when it is escalated (N2 or above) and when its priority is
    HIGH or URGENT.
    """
    calendar = BusinessCalendar(
        hours=WeeklyHours.of({day: _OFFICE for day in range(5)}),
        timezone=timezone,
        holidays=HolidayRules(country="BR"),
    )
    targets = {
        Priority.URGENT: (30, 240),
        Priority.HIGH: (60, 480),
        Priority.MEDIUM: (240, 1440),
        Priority.LOW: (480, 2880),
    }
    standard = SlaPolicy(
        name="standard",
        calendar=calendar,
        by_priority={
            priority: SlaTargets(
                first_response=Target.business(first), resolution=Target.business(resolve)
            )
            for priority, (first, resolve) in targets.items()
        },
    )
    rules = RuleBook(
        rules=(
            Rule(
                name="notify-escalation",
                when=Conditions(level_at_least=SupportLevel.N2),
                then=Actions(notify=("ticket-escalation",)),
            ),
            Rule(
                name="notify-high-priority",
                when=Conditions(priority_at_least=Priority.HIGH),
                then=Actions(notify=("ticket-priority-high",)),
            ),
        )
    )
    return DeskPolicy(sla=PolicyBook(fallback=standard), rules=rules)
