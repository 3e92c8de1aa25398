"""People in the loop (docs/desk.md): agents and presence, queues, offers, claims, the return timer.

`Agents` keeps profiles and presence, `Claims` the atomic moves (claim, release, transfer,
assign, offer answers), `AssignmentTick` the worker's timers, `Queues` the listings and the inbox;
`enqueue_handoffs` puts the desk intake's new tickets in their queues.
"""

from __future__ import annotations

from lia_core.assignment.claims import AnswerOffer, Assign, Claim, Claims, Release, Transfer
from lia_core.assignment.inbox import MAX_SEARCH_CHARS, Inbox, InboxCounts, InboxOffer
from lia_core.assignment.moves import Context
from lia_core.assignment.people import Agents, AgentView, SetAgent
from lia_core.assignment.planning import Candidate, Planned, plan_offers
from lia_core.assignment.policy import AssignmentPolicy, AwayRule, Strategy
from lia_core.assignment.queueing import (
    MAX_QUEUE_LIST,
    Queues,
    close_assignment,
    enqueue_handoffs,
    follow_ticket,
    record_first_human_reply,
)
from lia_core.assignment.timers import AssignmentTick, TickReport

__all__ = [
    "MAX_QUEUE_LIST",
    "MAX_SEARCH_CHARS",
    "AgentView",
    "Agents",
    "AnswerOffer",
    "Assign",
    "AssignmentPolicy",
    "AssignmentTick",
    "AwayRule",
    "Candidate",
    "Claim",
    "Claims",
    "Context",
    "Inbox",
    "InboxCounts",
    "InboxOffer",
    "Planned",
    "Queues",
    "Release",
    "SetAgent",
    "Strategy",
    "TickReport",
    "Transfer",
    "close_assignment",
    "enqueue_handoffs",
    "follow_ticket",
    "plan_offers",
    "record_first_human_reply",
]
