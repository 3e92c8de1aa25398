"""Staff notifications: who gets one, on which channel, the text, and never twice."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_adapters.memory import InMemoryStore, SequentialIds
from lia_core.desk.alerts import (
    OutboxStaffNotifier,
    alert_key,
    alert_text,
    covers,
    mask_contact,
    reach,
)
from lia_core.desk.policy import builtin_desk_policy
from lia_core.domain.delivery import Channel, JobName, OutboundJob
from lia_core.domain.recipients import Phone, ProviderIdentity, PushToken
from lia_core.domain.tickets import EventKind, Priority, Severity, Ticket
from lia_core.domain.users import Role, User

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
DESK = attrs.evolve(
    builtin_desk_policy("UTC"),
    channels={
        "sla-alert": (Channel.WHATSAPP, Channel.SMS, Channel.PUSH),
        "only-push": (Channel.PUSH,),
        "sandbox": (Channel.SANDBOX,),
    },
)
PHONE = Phone.stored("5521988887777")


def user(
    name: str,
    role: Role = Role.SUPERVISOR,
    *,
    departments: frozenset[str] = frozenset(),
    phone: Phone | None = PHONE,
    push_token: str | None = None,
    active: bool = True,
) -> User:
    """A staff account with contact fields."""
    return User(
        id=f"u-{name}",
        username=name,
        role=role,
        password_hash="x",
        created_at=T0,
        is_active=active,
        phone=phone,
        push_token=push_token,
        departments=departments,
    )


def ticket(department: str = "suporte") -> Ticket:
    """An open ticket of a customer with a phone."""
    return Ticket.open(
        id="tk-1",
        department=department,
        priority=Priority.HIGH,
        severity=Severity.LOW,
        at=T0,
        subject="Sem internet",
        contact=Phone.stored("5521999990001"),
    )


@pytest.mark.parametrize(
    ("staff", "expected"),
    [
        (user("sup"), True),
        (user("adm", Role.ADMIN), True),
        (user("agent", Role.AGENT), False),
        (user("gone", active=False), False),
        (user("fin", departments=frozenset({"financeiro"})), False),
        (user("both", departments=frozenset({"financeiro", "suporte"})), True),
    ],
)
def test_supervisors_and_admins_of_the_department_or_of_all(staff: User, expected: bool) -> None:
    """Active supervisors and admins whose departments include the ticket's, or list none."""
    assert covers(staff, "suporte") is expected


def test_the_first_channel_the_user_can_be_reached_on() -> None:
    """A phone serves WhatsApp and SMS, a token push; the sandbox reaches anyone."""
    both = user("a", phone=PHONE, push_token="tok-1")
    assert reach(both, (Channel.PUSH, Channel.WHATSAPP)) == (Channel.PUSH, PushToken("tok-1"))
    assert reach(both, (Channel.SMS, Channel.PUSH)) == (Channel.SMS, PHONE)
    token_only = user("b", phone=None, push_token="tok-2")
    assert reach(token_only, (Channel.WHATSAPP, Channel.PUSH)) == (
        Channel.PUSH,
        PushToken("tok-2"),
    )
    nothing = user("c", phone=None)
    assert reach(nothing, (Channel.WHATSAPP, Channel.SMS, Channel.PUSH)) is None
    assert reach(nothing, (Channel.SANDBOX,)) == (Channel.SANDBOX, ProviderIdentity("c@lia"))


def test_the_text_is_portuguese_and_masks_the_customers_phone() -> None:
    """The message names the ticket, its clock's state in pt-BR, and no full phone."""
    text = alert_text(ticket(), policy="sla-alert", cause="resolution-breached")
    assert text.startswith("Alerta de SLA: ticket tk-1 (suporte, N1, prioridade high")
    assert "resolução: prazo estourado" in text
    assert "5521999990001" not in text
    assert mask_contact(ticket()) == "5521*******01"
    assert "regra notify-escalation" in alert_text(
        ticket(), policy="ticket-escalation", cause="rule:notify-escalation"
    )


@given(
    st.tuples(st.sampled_from(["sla-alert", "ticket-escalation"]), st.sampled_from(["a", "b"])),
    st.tuples(st.sampled_from(["resolution-warning", "rule:x" * 200]), st.integers(0, 2)),
    st.sampled_from(["ana", "bia"]),
)
def test_one_key_per_policy_cause_cycle_and_user(
    first: tuple[str, str], second: tuple[str, int], username: str
) -> None:
    """Keys differ whenever policy, ticket, cause, reopening or user differ, and fit the column."""
    policy, ticket_id = first
    cause, cycle = second
    base = attrs.evolve(ticket(), id=ticket_id)
    for _ in range(cycle):
        base = base.record(EventKind.RESOLVED, at=T0).record(EventKind.REOPENED, at=T0)
    key = alert_key(base, policy=policy, cause=cause, username=username)
    assert len(key) <= 640
    others = {
        alert_key(base, policy="other", cause=cause, username=username),
        alert_key(attrs.evolve(base, id="zz"), policy=policy, cause=cause, username=username),
        alert_key(base, policy=policy, cause="other", username=username),
        alert_key(
            base.record(EventKind.RESOLVED, at=T0).record(EventKind.REOPENED, at=T0),
            policy=policy,
            cause=cause,
            username=username,
        ),
        alert_key(base, policy=policy, cause=cause, username="other"),
    }
    assert key not in others
    assert len(others) == 5


@attrs.define
class Failures:
    """What the notifier reported as not queued."""

    seen: list[tuple[str, str]] = attrs.Factory(list)

    def alert_failed(self, *, ticket_id: str, policy: str, username: str, error: str) -> None:
        """Keep who and why."""
        self.seen.append((username, error))


async def queued(store: InMemoryStore) -> list[OutboundJob]:
    """Every job in the outbox."""
    async with store.unit_of_work() as uow:
        return list(await uow.outbox.list(status=None, recipient=None, limit=100))


async def test_notify_queues_one_job_per_reachable_user_and_never_twice() -> None:
    """Each covered user with a contact gets one notify-user job; the same call again adds none."""
    store = InMemoryStore()
    failures = Failures()
    notifier = OutboxStaffNotifier(SequentialIds("job"), observer=failures)
    async with store.unit_of_work() as uow:
        for staff in (
            user("sup"),
            user("adm", Role.ADMIN, phone=None, push_token="tok-9"),
            user("mute", phone=None),
            user("fin", departments=frozenset({"financeiro"})),
            user("agent", Role.AGENT),
        ):
            await uow.users.add(staff)
        await uow.commit()
    for attempt in (2, 0):
        async with store.unit_of_work() as uow:
            count = await notifier.notify(
                uow, ticket(), policy="sla-alert", cause="resolution-warning", now=T0, desk=DESK
            )
            await uow.commit()
        assert count == attempt
    jobs = await queued(store)
    assert {(j.channel, str(j.recipient)) for j in jobs} == {
        (Channel.WHATSAPP, "5521988887777"),
        (Channel.PUSH, "tok-9"),
    }
    assert {j.job_name for j in jobs} == {JobName.NOTIFY_USER}
    whatsapp = next(j for j in jobs if j.channel is Channel.WHATSAPP)
    assert whatsapp.fallback_channels == (Channel.SMS,)
    assert [name for name, _ in failures.seen] == ["mute", "mute"]
