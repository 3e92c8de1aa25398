"""The assignment policy: presence time limit, offers (strategy, time limit), away rule, return timer."""

from __future__ import annotations

import enum
from datetime import timedelta

import attrs

from lia_core.validation import positive

__all__ = [
    "DEFAULT_OFFER_TIMEOUT",
    "DEFAULT_PRESENCE_TTL",
    "DEFAULT_RETURN_AFTER",
    "AssignmentPolicy",
    "AwayRule",
    "Strategy",
]

DEFAULT_PRESENCE_TTL = timedelta(seconds=60)
"""An agent not heard from for this long counts as offline (Chatwoot's PRESENCE_DURATION)."""
DEFAULT_OFFER_TIMEOUT = timedelta(seconds=120)
"""How long an offer waits for an answer (Twilio TaskRouter's reservation default)."""
DEFAULT_RETURN_AFTER = timedelta(minutes=10)
"""An assigned conversation with no human reply for this long goes back to its queue."""


class Strategy(enum.StrEnum):
    """How a department picks the next agent for an offer."""

    ROUND_ROBIN = "round_robin"
    """The agent offered least recently (never offered first)."""
    LEAST_LOAD = "least_load"
    """The agent holding the fewest conversations (ties: least recently offered)."""


class AwayRule(enum.StrEnum):
    """What happens to an agent's conversations when they go away or offline."""

    KEEP = "keep"
    RETURN = "return"
    """Back to their queues, each with an audit entry."""


@attrs.frozen(kw_only=True)
class AssignmentPolicy:
    """How conversations find agents; the defaults are the documented ones."""

    presence_ttl: timedelta = attrs.field(default=DEFAULT_PRESENCE_TTL, validator=positive)
    offer_timeout: timedelta = attrs.field(default=DEFAULT_OFFER_TIMEOUT, validator=positive)
    strategy: Strategy = Strategy.ROUND_ROBIN
    on_away: AwayRule = AwayRule.KEEP
    return_after: timedelta | None = DEFAULT_RETURN_AFTER
    """None: no return timer."""
    batch: int = 1000
    """Rows one worker transaction takes (offers made, offers expired, returns)."""
