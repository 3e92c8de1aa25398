"""The NPS stores on the fake, SQLite and PostgreSQL alike: surveys (one per matter, versioned,
the open ones per conversation) and answers (one per survey, follow-ups versioned, filters)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest

from lia_core.domain.delivery import Channel
from lia_core.domain.feedback import Feedback, FollowUpStatus
from lia_core.domain.surveys import Survey, SurveyStatus
from lia_core.errors import AlreadyExists, ConcurrencyConflict, NotFound
from lia_core.nps import NpsCategory
from lia_core.ports import FeedbackFilter, UnitOfWork, UnitOfWorkFactory

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def a_survey(
    sid: str = "s-1",
    *,
    subject: str | None = None,
    cid: str = "c-1",
    customer: str = "5521999990001",
    sent_at: datetime = T0,
) -> Survey:
    """An open survey about ticket *sid*'s matter, answerable for a day."""
    return Survey(
        id=sid,
        subject=subject or f"ticket:t-{sid}",
        conversation_id=cid,
        customer=customer,
        channel=Channel.WHATSAPP,
        chat_id=customer,
        client_name="Maria",
        ticket_id=f"t-{sid}",
        agent="ana",
        assistant="financial",
        department="financial",
        sent_at=sent_at,
        expires_at=sent_at + DAY,
    )


def an_answer(
    fid: str = "f-1",
    *,
    sid: str = "s-1",
    score: int = 3,
    agent: str | None = "ana",
    customer: str = "5521999990001",
    at: datetime = T0,
) -> Feedback:
    """An answer to survey *sid* (a detractor's by default, with its follow-up)."""
    return Feedback.record(
        id=fid,
        survey_id=sid,
        conversation_id="c-1",
        ticket_id="t-1",
        customer=customer,
        client_name="Maria",
        score=score,
        comment="demorou muito",
        agent=agent,
        assistant="financial",
        department="financial",
        at=at,
    )


async def _add_and_commit(uow: UnitOfWork, row: Survey | Feedback) -> None:
    """Add a survey or an answer and commit."""
    if isinstance(row, Survey):
        await uow.surveys.add(row)
    else:
        await uow.feedback.add(row)
    await uow.commit()


async def test_a_survey_round_trips_and_saves_check_the_version(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Every field reads back; a save from a stale read conflicts and keeps nothing."""
    async with uow_factory() as uow:
        added = await uow.surveys.add(a_survey())
        await uow.commit()
    assert added == attrs.evolve(a_survey(), version=1)
    async with uow_factory() as uow:
        read = await uow.surveys.get("s-1")
        assert read == added
        saved = await uow.surveys.save(read.ask_again(at=T0 + timedelta(minutes=1)))
        await uow.commit()
    assert saved.version == 2
    assert saved.asked_again
    async with uow_factory() as uow:
        with pytest.raises(ConcurrencyConflict):
            await uow.surveys.save(read.answer(at=T0 + timedelta(minutes=2)))
    async with uow_factory() as uow:
        stored = await uow.surveys.get("s-1")
        with pytest.raises(NotFound):
            await uow.surveys.get("s-9")
    assert stored == saved
    assert stored.status is SurveyStatus.OPEN


async def test_one_survey_per_matter(uow_factory: UnitOfWorkFactory) -> None:
    """A second survey with the same subject is refused; the first stays."""
    async with uow_factory() as uow:
        await uow.surveys.add(a_survey("s-1", subject="ticket:t-1"))
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(AlreadyExists):  # the fake finds it at once, SQL by its unique index
            await _add_and_commit(uow, a_survey("s-2", subject="ticket:t-1"))
    async with uow_factory() as uow:
        assert (await uow.surveys.for_subject("ticket:t-1")) == attrs.evolve(
            a_survey("s-1", subject="ticket:t-1"), version=1
        )
        assert await uow.surveys.for_subject("ticket:t-2") is None


async def test_the_latest_survey_of_a_customer(uow_factory: UnitOfWorkFactory) -> None:
    """The cooldown reads the customer's latest survey, not another customer's."""
    async with uow_factory() as uow:
        await uow.surveys.add(a_survey("s-1", sent_at=T0))
        await uow.surveys.add(a_survey("s-2", sent_at=T0 + DAY * 3))
        await uow.surveys.add(a_survey("s-3", sent_at=T0 + DAY * 9, customer="5521999990002"))
        await uow.commit()
    async with uow_factory() as uow:
        latest = await uow.surveys.latest_for_customer("5521999990001")
        nobody = await uow.surveys.latest_for_customer("5521999990003")
    assert latest is not None
    assert latest.id == "s-2"
    assert nobody is None


async def test_open_surveys_by_conversation(uow_factory: UnitOfWorkFactory) -> None:
    """Only open, unexpired surveys of the conversations asked for; the latest of each."""
    async with uow_factory() as uow:
        await uow.surveys.add(a_survey("s-old", cid="c-1", sent_at=T0 - DAY * 3))
        await uow.surveys.add(a_survey("s-1", cid="c-1", sent_at=T0))
        await uow.surveys.add(a_survey("s-2", cid="c-2", sent_at=T0))
        answered = await uow.surveys.add(a_survey("s-3", cid="c-3", sent_at=T0))
        await uow.surveys.save(answered.answer(at=T0))
        await uow.surveys.add(a_survey("s-4", cid="c-4", sent_at=T0 - DAY * 2))
        await uow.commit()
    async with uow_factory() as uow:
        found = await uow.surveys.open_for(
            ["c-1", "c-3", "c-4", "c-9"], now=T0 + timedelta(hours=1)
        )
        assert await uow.surveys.open_for([], now=T0) == {}
    assert {cid: s.id for cid, s in found.items()} == {"c-1": "s-1"}


async def test_an_answer_round_trips_with_its_follow_up(uow_factory: UnitOfWorkFactory) -> None:
    """A detractor's answer opens its follow-up; take and resolve save it, version-checked."""
    async with uow_factory() as uow:
        added = await uow.feedback.add(an_answer())
        await uow.feedback.add(an_answer("f-2", sid="s-2", score=9))
        await uow.commit()
    assert added.version == 1
    assert added.follow_up is not None
    assert added.follow_up.status is FollowUpStatus.PENDING
    async with uow_factory() as uow:
        read = await uow.feedback.get("f-1")
        assert read == added
        promoter = await uow.feedback.get("f-2")
        taken = await uow.feedback.save(read.take(by="sofia", at=T0 + timedelta(hours=1)))
        await uow.commit()
    assert promoter.follow_up is None
    assert promoter.category is NpsCategory.PROMOTER
    assert taken.version == 2
    async with uow_factory() as uow:
        with pytest.raises(ConcurrencyConflict):
            await uow.feedback.save(read.take(by="bia", at=T0 + timedelta(hours=2)))
    later = T0 + timedelta(hours=3)
    async with uow_factory() as uow:
        current = await uow.feedback.get("f-1")
        resolved = current.resolve(by="sofia", at=later, notes="liguei, resolvido", score=4)
        await uow.feedback.save(resolved)
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.feedback.get("f-1")
        with pytest.raises(NotFound):
            await uow.feedback.get("f-9")
    assert stored == attrs.evolve(resolved, version=3)
    assert stored.follow_up is not None
    assert (stored.follow_up.handler, stored.follow_up.score) == ("sofia", 4)
    assert stored.follow_up.resolved_at == later


async def test_a_survey_is_answered_once(uow_factory: UnitOfWorkFactory) -> None:
    """A second answer to the same survey is refused."""
    async with uow_factory() as uow:
        await uow.feedback.add(an_answer("f-1", sid="s-1"))
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(AlreadyExists):
            await _add_and_commit(uow, an_answer("f-2", sid="s-1"))
    async with uow_factory() as uow:
        assert len(await uow.feedback.list(FeedbackFilter())) == 1


async def test_answers_are_listed_newest_first_and_filtered(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Category, agent, time and follow-up status filters each hold; the limit cuts the oldest."""
    answers = [
        an_answer("f-1", sid="s-1", score=2, agent="ana", at=T0),
        an_answer("f-2", sid="s-2", score=9, agent="ana", at=T0 + DAY),
        an_answer("f-3", sid="s-3", score=7, agent="bia", at=T0 + DAY * 2),
        an_answer("f-4", sid="s-4", score=0, agent=None, at=T0 + DAY * 3),
    ]
    async with uow_factory() as uow:
        for answer in answers:
            await uow.feedback.add(answer)
        await uow.commit()
    async with uow_factory() as uow:
        taken = await uow.feedback.get("f-4")
        await uow.feedback.save(taken.take(by="sofia", at=T0 + DAY * 3))
        await uow.commit()

    async def ids(**where: object) -> list[str]:
        async with uow_factory() as uow:
            return [f.id for f in await uow.feedback.list(FeedbackFilter(**where))]  # type: ignore[arg-type]

    assert await ids() == ["f-4", "f-3", "f-2", "f-1"]
    assert await ids(limit=2) == ["f-4", "f-3"]
    assert await ids(category=NpsCategory.DETRACTOR) == ["f-4", "f-1"]
    assert await ids(category=NpsCategory.PASSIVE) == ["f-3"]
    assert await ids(agent="ana") == ["f-2", "f-1"]
    assert await ids(since=T0 + DAY) == ["f-4", "f-3", "f-2"]
    assert await ids(follow_ups=True) == ["f-4", "f-1"]
    assert await ids(follow_up=FollowUpStatus.PENDING) == ["f-1"]
    assert await ids(follow_up=FollowUpStatus.IN_PROGRESS) == ["f-4"]


async def test_the_latest_answer_of_a_customer(uow_factory: UnitOfWorkFactory) -> None:
    """What the escalation rules' nps_detractor reads: the customer's most recent answer."""
    async with uow_factory() as uow:
        await uow.feedback.add(an_answer("f-1", sid="s-1", score=2, at=T0))
        await uow.feedback.add(an_answer("f-2", sid="s-2", score=10, at=T0 + DAY))
        await uow.feedback.add(
            an_answer("f-3", sid="s-3", score=1, at=T0 + DAY * 2, customer="5521999990002")
        )
        await uow.commit()
    async with uow_factory() as uow:
        latest = await uow.feedback.latest_for_customer("5521999990001")
        nobody = await uow.feedback.latest_for_customer("5521999990009")
    assert latest is not None
    assert latest.id == "f-2"
    assert nobody is None
