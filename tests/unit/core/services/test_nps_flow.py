"""NPS in the live flow over the fakes: the survey after a resolution (once, cooldown, gate-only,
the WhatsApp window), replies that answer it or not, asking once more, withdrawal on reopen,
expiry, and the detractor's follow-up taken and resolved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_core.assignment import Claim
from lia_core.desk.commands import Reopen, Resolve
from lia_core.domain.activity import Actor
from lia_core.domain.delivery import Channel, JobName, OutboundJob
from lia_core.domain.feedback import Feedback, FollowUpStatus
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.recipients import Phone
from lia_core.domain.regions import parse_cep_rule
from lia_core.domain.surveys import Survey, SurveyStatus
from lia_core.domain.tickets import Priority
from lia_core.domain.users import Role, User
from lia_core.errors import InvalidTransition, NotPermitted, ValidationError
from lia_core.nps import NpsCategory
from lia_core.ports import TicketFilter
from lia_core.services import (
    BotPolicy,
    CreateUser,
    DeclareFailure,
    ListFeedback,
    ListFollowUps,
    LoadDeskPolicy,
    NpsPolicy,
    Reply,
    Services,
    UpdateUser,
)
from lia_core.services.inbound import InboundPolicy

MONDAY_11H = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # 11:00 in São Paulo, desk open
PHONE = "5531987654321"
CHAT = "553187654321"
SOFIA = Actor(name="sofia")


@attrs.define
class Flow:
    """Ingest, the gate, the bot, the desk and the surveys over one in-memory store."""

    store: InMemoryStore
    clock: FixedClock
    services: Services
    n: int = 0

    async def say(self, text: str) -> None:
        """The customer writes *text* now."""
        self.n += 1
        message = InboundMessage(
            channel=Channel.WHATSAPP,
            provider_message_id=f"m{self.n}",
            sender=Phone(PHONE),
            reply_to=CHAT,
            sent_at=self.clock.now(),
            text=text,
            display_name="Maria Souza",
        )
        report = await self.services.ingest([message])
        await self.services.process_inbound(report.new)

    def jobs(self) -> list[OutboundJob]:
        """The jobs queued to the customer, oldest first."""
        jobs = sorted(self.store.jobs.values(), key=lambda j: (j.created_at, len(j.id), j.id))
        return [j for j in jobs if j.job_name is JobName.for_channel(Channel.WHATSAPP)]

    def replies(self) -> list[str]:
        """The texts queued to the customer, oldest first (a template by its name)."""
        return [j.content.text or j.content.template or "" for j in self.jobs()]

    def surveys(self) -> list[Survey]:
        """Every survey, oldest first."""
        return sorted(self.store.nps_tables.surveys.values(), key=lambda s: (s.sent_at, s.id))

    def answers(self) -> list[Feedback]:
        """Every answer, oldest first."""
        rows = self.store.nps_tables.feedback.values()
        return sorted(rows, key=lambda f: (f.created_at, f.id))

    async def live_ticket(self) -> str:
        """The id of the customer's live ticket."""
        (ticket,) = [t for t in await self.services.desk.list(TicketFilter()) if t.status.is_live]
        return ticket.id

    async def resolve(self) -> str:
        """Sofia resolves the live ticket; its id."""
        ticket_id = await self.live_ticket()
        await self.services.desk.act(ticket_id, Resolve(reason="resolvido"), SOFIA)
        return ticket_id

    async def user(self, name: str, role: Role, *departments: str) -> User:
        """A staff account working in *departments*."""
        await self.services.create_user(
            CreateUser(username=name, role=role, password="senha-123456", actor="admin")
        )
        update = UpdateUser(username=name, actor=Actor(name="admin"), departments=departments)
        return await self.services.update_user(update)


def flow_with(policy: NpsPolicy | None = None, *, now: datetime = MONDAY_11H) -> Flow:
    """A flow with the bot on and surveys as *policy* says."""
    store, clock = InMemoryStore(), FixedClock(now)
    services = Services.build(
        uow=store.unit_of_work,
        clock=clock,
        ids=SequentialIds(),
        hasher=PlainTextHasher(),
        tz=UTC,
        inbound_policy=InboundPolicy(bot=BotPolicy()),
        nps_policy=policy,
    )
    return Flow(store, clock, services)


@pytest.fixture
def flow() -> Flow:
    """A flow on a Monday at 11:00 in São Paulo, surveys with their defaults."""
    return flow_with()


async def test_a_resolved_ticket_gets_its_survey_once(flow: Flow) -> None:
    """Resolving sends "De 0 a 10, …" through the outbox a moment later; reopening and
    resolving again sends nothing more."""
    await flow.say("quero cancelar meu plano")
    ticket_id = await flow.resolve()
    (survey,) = flow.surveys()
    assert (survey.subject, survey.ticket_id, survey.department) == (
        f"ticket:{ticket_id}",
        ticket_id,
        "cancellation",
    )
    assert survey.assistant == "cancellation"
    job = flow.jobs()[-1]
    assert job.content.text is not None
    assert job.content.text.startswith("De 0 a 10")
    assert job.next_attempt_at == MONDAY_11H + timedelta(seconds=5)
    sent = [a for a in flow.store.activity.values() if a.action == "survey.send"]
    assert [a.actor for a in sent] == ["sofia"]
    await flow.services.desk.act(ticket_id, Reopen(reason="cliente voltou"), SOFIA)
    assert flow.surveys()[0].status is SurveyStatus.WITHDRAWN
    await flow.services.desk.act(ticket_id, Resolve(reason="agora sim"), SOFIA)
    assert len(flow.surveys()) == 1
    assert sum(r.startswith("De 0 a 10") for r in flow.replies()) == 1


async def test_an_answer_is_stored_with_its_comment_and_thanked(flow: Flow) -> None:
    """ "nota 9, ótimo atendimento" → 9, promoter, the comment, who and what it rates."""
    await flow.say("quero cancelar meu plano")
    ana = await flow.user("ana", Role.AGENT, "cancellation")
    (conversation,) = flow.store.conversation_tables.conversations.values()
    await flow.services.claims.claim(
        Claim(conversation_id=conversation.id, agent=ana.username, actor=Actor(name="ana"))
    )
    await flow.resolve()
    tickets = len(await flow.services.desk.list(TicketFilter()))
    flow.clock.advance(minutes=3)
    await flow.say("nota 9, ótimo atendimento")
    (answer,) = flow.answers()
    assert (answer.score, answer.category, answer.comment) == (
        9,
        NpsCategory.PROMOTER,
        "ótimo atendimento",
    )
    assert (answer.agent, answer.department, answer.conversation_id) == (
        "ana",
        "cancellation",
        conversation.id,
    )
    assert answer.follow_up is None
    assert flow.surveys()[0].status is SurveyStatus.ANSWERED
    assert flow.replies()[-1] == "Obrigado pela sua avaliação!"
    assert len(await flow.services.desk.list(TicketFilter())) == tickets  # no new matter
    await flow.say("10")  # answered already: the bot takes it
    assert len(flow.answers()) == 1


async def test_a_reply_about_something_else_goes_to_the_normal_flow(flow: Flow) -> None:
    """ "preciso de 2 vias do boleto" is not a score: the desk gets it (people held the last
    matter), the survey stays open; while people hold the new ticket, "nota 9" is theirs;
    once that is resolved, it answers the first survey."""
    await flow.say("quero cancelar meu plano")
    await flow.resolve()
    await flow.say("preciso de 2 vias do boleto")
    assert flow.answers() == []
    assert flow.surveys()[0].status is SurveyStatus.OPEN
    live = [t for t in await flow.services.desk.list(TicketFilter()) if t.status.is_live]
    assert [t.subject for t in live] == ["preciso de 2 vias do boleto"]
    await flow.say("nota 9")  # people hold the bill: it joins that ticket
    assert flow.answers() == []
    await flow.resolve()  # within the cooldown: no second survey
    assert len(flow.surveys()) == 1
    await flow.say("nota 9")
    (answer,) = flow.answers()
    assert answer.score == 9
    assert answer.survey_id == flow.surveys()[0].id


async def test_an_unreadable_answer_is_asked_once_more(flow: Flow) -> None:
    """ "9 ou 10": asked again; "10": recorded. A second unreadable one goes to the flow."""
    await flow.say("quero cancelar meu plano")
    await flow.resolve()
    await flow.say("9 ou 10")
    assert flow.replies()[-1].startswith("Não entendi sua nota")
    assert flow.surveys()[0].asked_again
    await flow.say("10")
    assert [a.score for a in flow.answers()] == [10]

    other = flow_with()
    await other.say("quero cancelar meu plano")
    await other.resolve()
    await other.say("de 0 a 10")
    await other.say("9,5")  # asked once already: the normal flow (the bot) takes it
    assert sum(r.startswith("Não entendi sua nota") for r in other.replies()) == 1
    assert other.answers() == []
    assert other.surveys()[0].status is SurveyStatus.OPEN


async def test_a_detractor_opens_a_follow_up_a_supervisor_takes_and_resolves(flow: Flow) -> None:
    """ "2, demorou demais": a detractor, the apology, a pending follow-up; only a manager
    takes it, the refused moves say why, each move is audited."""
    await flow.say("quero cancelar meu plano")
    await flow.resolve()
    await flow.say("2, demorou demais")
    (answer,) = flow.answers()
    assert answer.category is NpsCategory.DETRACTOR
    assert answer.follow_up is not None
    assert answer.follow_up.status is FollowUpStatus.PENDING
    assert "Sentimos muito" in flow.replies()[-1]
    nps = flow.services.nps
    (pending,) = await nps.follow_ups(ListFollowUps(status="pending"))
    sofia = await flow.user("sofia", Role.SUPERVISOR)
    ana = await flow.user("ana", Role.AGENT)
    with pytest.raises(NotPermitted):
        await nps.take(pending.id, by=ana, actor=Actor(name="ana"))
    with pytest.raises(InvalidTransition, match="it is pending"):
        await nps.resolve(pending.id, by=sofia, actor=SOFIA, notes="x", score=3)
    taken = await nps.take(pending.id, by=sofia, actor=SOFIA, notes="vou ligar")
    assert taken.follow_up is not None
    assert taken.follow_up.handler == "sofia"
    with pytest.raises(InvalidTransition, match=r"in progress \(taken by sofia\)"):
        await nps.take(pending.id, by=sofia, actor=SOFIA)
    with pytest.raises(ValidationError) as refused:
        await nps.resolve(pending.id, by=sofia, actor=SOFIA, notes="liguei", score=9)
    assert refused.value.field == "score"
    done = await nps.resolve(
        pending.id, by=sofia, actor=SOFIA, notes="liguei, desconto aplicado", score=4
    )
    assert done.follow_up is not None
    assert (done.follow_up.status, done.follow_up.score) == (FollowUpStatus.RESOLVED, 4)
    actions = [a.action for a in flow.store.activity.values() if a.entity == "feedback"]
    assert actions == ["feedback.follow_up.take", "feedback.follow_up.resolve"]
    assert await nps.follow_ups(ListFollowUps(status="pending")) == []


async def test_listing_answers_filters_and_scopes_agents(flow: Flow) -> None:
    """Category, agent and since filter; an agent sees only the answers about themselves."""
    await flow.say("quero cancelar meu plano")
    await flow.resolve()
    await flow.say("nota 3")
    nps = flow.services.nps
    assert [f.score for f in await nps.list(ListFeedback(category="detractor"))] == [3]
    assert await nps.list(ListFeedback(category="promoter")) == []
    assert await nps.list(ListFeedback(since="1h")) != []
    bia = await flow.user("bia", Role.AGENT)
    assert await nps.list(ListFeedback(), viewer=bia) == []  # rated nobody: the bot's
    with pytest.raises(NotPermitted):
        await nps.list(ListFeedback(agent="ana"), viewer=bia)
    for bad, field in (("category", "category"), ("since", "since"), ("limit", "limit")):
        query = {"category": "great", "since": "ontem", "limit": 0}[bad]
        with pytest.raises(ValidationError) as refused:
            await nps.list(ListFeedback(**{bad: query}))  # type: ignore[arg-type]
        assert refused.value.field == field


async def test_the_cooldown_and_the_expiry(flow: Flow) -> None:
    """A second resolution within 30 days sends nothing; an answer after 24 hours is no answer."""
    await flow.say("quero cancelar meu plano")
    await flow.resolve()
    flow.clock.advance(hours=25)
    await flow.say("10")
    assert flow.answers() == []
    assert flow.surveys()[0].status_at(flow.clock.now()) is SurveyStatus.EXPIRED
    # The resolved conversation is a new matter for the bot: "10" opens no ticket.
    assert not [t for t in await flow.services.desk.list(TicketFilter()) if t.status.is_live]
    await flow.say("quero cancelar meu plano")
    await flow.resolve()
    assert len(flow.surveys()) == 1  # cooldown
    flow.clock.advance(days=31)
    await flow.say("quero cancelar meu plano")
    await flow.resolve()
    assert len(flow.surveys()) == 2


async def test_the_bot_closing_a_conversation_surveys_it(flow: Flow) -> None:
    """The customer's "3 - Encerrar" closes the conversation; the survey follows the goodbye."""
    await flow.say("oi")
    flow.clock.advance(minutes=5)
    await flow.services.bot_timers()
    await flow.say("3")
    (survey,) = flow.surveys()
    assert survey.subject.startswith("conversation:")
    assert survey.ticket_id is None
    assert flow.replies()[-1].startswith("De 0 a 10")
    await flow.say("dez")
    assert [a.score for a in flow.answers()] == [10]


async def test_an_outage_only_contact_is_not_surveyed(flow: Flow) -> None:
    """Answered by the outage gate, escaped to a person nobody replied to, resolved: no
    survey. The same with an agent's reply is surveyed."""
    await flow.services.declare_failure(
        DeclareFailure(
            name="Fibra",
            message="Olá {nome}, falha em {regiao}.",
            resolution_message=None,
            ceps=(parse_cep_rule("2595"),),
            actor="sup",
        )
    )
    await flow.say("sem internet")
    await flow.say("25953-120")
    await flow.say("quero falar com um atendente")
    await flow.resolve()
    assert flow.surveys() == []
    # Resolved, the conversation is a new matter: the gate reminds of the outage first,
    # then the customer who insists is handed over again.
    await flow.say("quero falar com um atendente")
    assert flow.replies()[-1].startswith("Seguimos trabalhando na falha")
    await flow.say("quero falar com um atendente")
    sofia = await flow.user("sofia", Role.SUPERVISOR)
    (conversation,) = flow.store.conversation_tables.conversations.values()
    await flow.services.replies.reply(
        Reply(conversation_id=conversation.id, text="Oi Maria, estamos vendo."),
        author=sofia,
        actor=SOFIA,
    )
    await flow.resolve()
    assert len(flow.surveys()) == 1


async def test_outside_the_whatsapp_window_a_template_or_nothing(flow: Flow) -> None:
    """A day after the customer's last message: the configured template, else no survey."""
    await flow.say("quero cancelar meu plano")
    flow.clock.advance(hours=25)
    await flow.resolve()
    assert flow.surveys() == []

    templated = flow_with(NpsPolicy(whatsapp_template="pesquisa_nps"))
    await templated.say("quero cancelar meu plano")
    templated.clock.advance(hours=25)
    await templated.resolve()
    (_survey,) = templated.surveys()
    job = templated.jobs()[-1]
    assert (job.content.template, job.content.text) == ("pesquisa_nps", None)


async def test_surveys_off_sends_nothing() -> None:
    """LIA_NPS__ENABLED=false: resolutions send no survey, replies are never taken as scores."""
    off = flow_with(NpsPolicy(enabled=False))
    await off.say("quero cancelar meu plano")
    await off.resolve()
    assert off.surveys() == []


DETRACTOR_RULE = """[[rule]]
name = "detractor-urgent"
reason = "the customer's last NPS answer was a detractor's"
[rule.when]
nps_detractor = true
[rule.then]
raise_priority = "urgent"
"""


async def test_a_detractor_reaches_the_escalation_rules(flow: Flow) -> None:
    """With a rule on nps_detractor, the detractor's next ticket is raised; a promoter's is not."""
    await flow.services.load_desk_policy(LoadDeskPolicy(source=DETRACTOR_RULE, actor=SOFIA))
    flow.clock.advance(minutes=1)  # the cached policy is re-read
    await flow.say("quero falar com um atendente")
    first = await flow.live_ticket()
    assert (await flow.services.desk.show(first)).ticket.priority is not Priority.URGENT
    await flow.resolve()
    await flow.say("nota 2")
    flow.clock.advance(days=1)
    await flow.say("quero falar com um atendente")
    view = await flow.services.desk.show(await flow.live_ticket())
    assert view.ticket.priority is Priority.URGENT
    assert any(e.by == "rule:detractor-urgent" for e in view.ticket.timeline.events)
