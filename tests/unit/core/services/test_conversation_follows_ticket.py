"""A conversation's status follows its ticket: resolved with it, with people again on a reopen."""

from __future__ import annotations

from lia_core.desk.commands import Reopen
from lia_core.domain.conversations import Conversation, ConversationStatus
from lia_core.ports import TicketFilter
from tests.unit.core.services.test_nps_flow import SOFIA, Flow, flow_with


def _conversation(flow: Flow) -> Conversation:
    (conversation,) = flow.store.conversation_tables.conversations.values()
    return conversation


async def _live(flow: Flow) -> list[str]:
    return [t.id for t in await flow.services.desk.list(TicketFilter()) if t.status.is_live]


async def test_resolving_resolves_the_conversation_and_reopening_brings_it_back() -> None:
    """Resolved: `resolved`, and the next message is the bot's; reopened: `waiting` again."""
    flow = flow_with()
    await flow.say("quero cancelar meu plano")
    assert _conversation(flow).status is ConversationStatus.WAITING
    ticket_id = await flow.resolve()
    conversation = _conversation(flow)
    assert (conversation.status, conversation.status_reason) == (
        ConversationStatus.RESOLVED,
        "ticket resolved",
    )
    await flow.services.desk.act(ticket_id, Reopen(reason="cliente voltou"), SOFIA)
    conversation = _conversation(flow)
    assert (conversation.status, conversation.status_reason) == (
        ConversationStatus.WAITING,
        "ticket reopened",
    )
    assert await _live(flow) == [ticket_id]


async def test_after_a_resolution_the_customer_talks_to_the_bot_again() -> None:
    """The message after a resolution opens no ticket by itself: the bot answers it."""
    flow = flow_with()
    await flow.say("quero cancelar meu plano")
    await flow.resolve()
    await flow.say("oi")
    assert _conversation(flow).status is ConversationStatus.ACTIVE
    assert await _live(flow) == []
    await flow.say("quero cancelar meu plano")
    assert _conversation(flow).status is ConversationStatus.WAITING
    assert len(await _live(flow)) == 1
