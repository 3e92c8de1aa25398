"""The public shapes of the desk policy: a stored revision, the policy in force, a load's result."""

from __future__ import annotations

from datetime import datetime, tzinfo

from lia_core.desk.policy import DeskPolicyRevision
from lia_core.services import CurrentDeskPolicy, LoadedDeskPolicy, TicketExplanation
from lia_entrypoints.schemas.base import Out

__all__ = [
    "DeskPolicyLoadOut",
    "DeskPolicyOut",
    "DeskPolicyRevisionOut",
    "TicketExplanationOut",
    "explanation_lines",
    "revision_header",
]


class DeskPolicyRevisionOut(Out):
    """One stored revision of the desk policy (without its text)."""

    revision: int
    """The revision number: 1, 2, 3… in load order."""
    loaded_by: str
    """Who loaded it."""
    loaded_at: datetime
    """When it was loaded."""
    filename: str | None
    """The file it was loaded from, when given."""
    digest: str
    """SHA-256 of the document, hex."""

    @classmethod
    def of(cls, revision: DeskPolicyRevision, tz: tzinfo) -> DeskPolicyRevisionOut:
        """Render a revision."""
        return cls(
            revision=revision.revision,
            loaded_by=revision.loaded_by,
            loaded_at=revision.loaded_at.astimezone(tz),
            filename=revision.filename,
            digest=revision.digest,
        )


class DeskPolicyOut(Out):
    """A desk-policy document: a stored revision, or the built-in policy when none is loaded."""

    builtin: bool
    """True when no revision was ever loaded and the built-in policy applies."""
    revision: DeskPolicyRevisionOut | None
    """The stored revision; null for the built-in policy."""
    source: str
    """The TOML document as stored (the built-in policy written in the same format)."""

    @classmethod
    def of(cls, current: CurrentDeskPolicy, tz: tzinfo) -> DeskPolicyOut:
        """Render the policy shown."""
        stored = current.revision
        return cls(
            builtin=stored is None,
            revision=DeskPolicyRevisionOut.of(stored, tz) if stored is not None else None,
            source=current.source,
        )


class DeskPolicyLoadOut(Out):
    """What a load did: the document is valid; stored as a new revision unless a dry run."""

    valid: bool
    """Always true: an invalid document is an error listing each fault with its line."""
    stored: bool
    """False on a dry run."""
    revision: DeskPolicyRevisionOut | None
    """The new revision; null on a dry run."""
    digest: str
    """SHA-256 of the document, hex."""

    @classmethod
    def of(cls, loaded: LoadedDeskPolicy, tz: tzinfo) -> DeskPolicyLoadOut:
        """Render a load."""
        stored = loaded.revision
        return cls(
            valid=True,
            stored=stored is not None,
            revision=DeskPolicyRevisionOut.of(stored, tz) if stored is not None else None,
            digest=loaded.digest,
        )


def revision_header(current: CurrentDeskPolicy, tz: tzinfo) -> str:
    """The TOML comment line that says which policy a shown document is."""
    stored = current.revision
    if stored is None:
        return "# built-in desk policy (no revision loaded; `lia rules load FILE` stores one)"
    when = stored.loaded_at.astimezone(tz).isoformat(timespec="seconds")
    origin = f" from {stored.filename}" if stored.filename else ""
    return f"# revision {stored.revision}, loaded by {stored.loaded_by} at {when}{origin}"


class ConditionCheckOut(Out):
    """One condition of a rule checked against the ticket."""

    condition: str
    """The condition's key in the file (`priority_at_least`, `keywords`, …)."""
    expected: str
    """What the rule asks."""
    actual: str
    """What the ticket has."""
    holds: bool


class RuleCheckOut(Out):
    """One rule: whether it matches, and each of its conditions."""

    rule: str
    reason: str | None
    matched: bool
    conditions: list[ConditionCheckOut]


class WouldEscalateOut(Out):
    """The escalation the rules would make."""

    level: str
    rule: str
    reason: str


class WouldRaiseOut(Out):
    """The priority raise the rules would make."""

    priority: str
    rule: str


class WouldNotifyOut(Out):
    """A notification the rules would send (never sent before for this ticket and rule)."""

    policy: str
    rule: str


class TicketExplanationOut(Out):
    """Why the desk policy's rules match a ticket or not, and what they would do; nothing changed."""

    ticket_id: str
    revision: int | None
    """The desk-policy revision explained; null for the built-in policy."""
    sla_policy: str
    """The SLA policy the ticket gets."""
    sla_state: str | None
    """The most urgent running clock's state (ok, warning, breached); null when none runs."""
    at: datetime
    """When the ticket was read."""
    rules: list[RuleCheckOut]
    """Every rule, in the policy's order."""
    escalate: WouldEscalateOut | None
    raise_priority: WouldRaiseOut | None
    notify: list[WouldNotifyOut]

    @classmethod
    def of(cls, explained: TicketExplanation, tz: tzinfo) -> TicketExplanationOut:
        """Render an explanation."""
        evaluation = explained.explanation.evaluation
        escalation, priority = evaluation.escalation, evaluation.priority
        return cls(
            ticket_id=explained.ticket_id,
            revision=explained.revision,
            sla_policy=explained.sla_policy,
            sla_state=explained.sla_state.value if explained.sla_state is not None else None,
            at=explained.at.astimezone(tz),
            rules=[
                RuleCheckOut(
                    rule=check.rule,
                    reason=check.reason,
                    matched=check.matched,
                    conditions=[
                        ConditionCheckOut(
                            condition=c.condition,
                            expected=c.expected,
                            actual=c.actual,
                            holds=c.holds,
                        )
                        for c in check.conditions
                    ],
                )
                for check in explained.explanation.rules
            ],
            escalate=WouldEscalateOut(
                level=escalation.level.value, rule=escalation.rule, reason=escalation.reason
            )
            if escalation is not None
            else None,
            raise_priority=WouldRaiseOut(priority=priority.priority.value, rule=priority.rule)
            if priority is not None
            else None,
            notify=[WouldNotifyOut(policy=n.policy, rule=n.rule) for n in evaluation.notifications],
        )


def explanation_lines(explained: TicketExplanationOut) -> list[str]:
    """The explanation as text lines (`lia rules explain`)."""
    policy = f"revision {explained.revision}" if explained.revision else "the built-in policy"
    state = explained.sla_state or "no clock running"
    lines = [
        f"ticket {explained.ticket_id} under {policy}: SLA policy {explained.sla_policy}, {state}"
    ]
    for check in explained.rules:
        mark = "[x]" if check.matched else "[ ]"
        why = f" ({check.reason})" if check.reason else ""
        lines.append(f"{mark} {check.rule}{why}")
        for c in check.conditions:
            lines.append(
                f"    {'yes' if c.holds else 'no '} {c.condition}: {c.expected}; ticket: {c.actual}"
            )
    would = []
    if explained.escalate is not None:
        would.append(f"escalate to {explained.escalate.level} ({explained.escalate.rule})")
    if explained.raise_priority is not None:
        would.append(
            f"raise priority to {explained.raise_priority.priority} ({explained.raise_priority.rule})"
        )
    would += [f"notify {n.policy} ({n.rule})" for n in explained.notify]
    lines.append("would: " + "; ".join(would) if would else "would do nothing (nothing changed)")
    return lines
