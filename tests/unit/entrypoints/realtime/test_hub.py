"""The WebSocket hub of one process: fan-out by viewer, slow clients, resync, shutdown."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry

from lia_adapters.memory.realtime import InProcessEventBus
from lia_core.domain.realtime import RealtimeEvent, RealtimeKind
from lia_core.domain.users import Role, User
from lia_entrypoints.realtime import RealtimeHub
from lia_entrypoints.realtime.hub import GOING_AWAY, TOO_SLOW

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _user(name: str, role: Role, *departments: str) -> User:
    return User(
        id=name,
        username=name,
        role=role,
        password_hash="x",
        created_at=T0,
        departments=frozenset(departments),
    )


def _hub(bus: InProcessEventBus, backlog: int = 10) -> tuple[RealtimeHub, CollectorRegistry]:
    registry = CollectorRegistry()
    hub = RealtimeHub(bus, registry=registry, backlog=backlog)
    hub.start()
    return hub, registry


def _ticket(n: int, department: str = "suporte") -> RealtimeEvent:
    return RealtimeEvent(
        kind=RealtimeKind.TICKET_UPDATED, at=T0, ticket_id=f"t-{n}", department=department
    )


async def test_each_socket_gets_what_its_viewer_may_see() -> None:
    """A supervisor's queue gets every event; an agent's only their department's."""
    bus = InProcessEventBus()
    hub, _ = _hub(bus)
    boss = hub.join(_user("sofia", Role.SUPERVISOR))
    agent = hub.join(_user("artur", Role.AGENT, "suporte"))
    bus.deliver([_ticket(1), _ticket(2, "comercial")])
    assert len(boss.pending) == 2
    (frame,) = agent.take()
    assert json.loads(frame) == {
        "type": "events",
        "events": [
            {
                "event": "ticket.updated",
                "data": {"at": T0.isoformat(), "department": "suporte", "ticket_id": "t-1"},
            }
        ],
    }
    assert agent.take() == []


async def test_a_burst_is_one_frame_and_control_frames_keep_their_place() -> None:
    """Events queued together go out as one `events` frame; a resync between them splits it."""
    bus = InProcessEventBus()
    hub, _ = _hub(bus)
    boss = hub.join(_user("sofia", Role.SUPERVISOR))
    bus.deliver([_ticket(1), _ticket(2)])
    hub.resync()
    bus.deliver([_ticket(3)])
    frames = [json.loads(f) for f in boss.take()]
    assert [f["type"] for f in frames] == ["events", "resync", "events"]
    assert [e["data"]["ticket_id"] for e in frames[0]["events"]] == ["t-1", "t-2"]
    assert [e["data"]["ticket_id"] for e in frames[2]["events"]] == ["t-3"]


async def test_a_client_too_far_behind_is_asked_to_go() -> None:
    """Past its backlog a socket is marked for closing with 1013 and counted, once."""
    bus = InProcessEventBus()
    hub, registry = _hub(bus, backlog=10)
    slow = hub.join(_user("sofia", Role.ADMIN))
    bus.deliver([_ticket(n) for n in range(25)])
    assert slow.closing == TOO_SLOW
    assert slow.ready.is_set()
    assert len(slow.pending) == 10
    assert registry.get_sample_value("lia_realtime_slow_clients_total") == 1


async def test_leaving_unsubscribes_and_close_sends_everyone_away() -> None:
    """The count follows join and leave; closing the hub stops it hearing and closes sockets."""
    bus = InProcessEventBus()
    hub, registry = _hub(bus)
    first, second = hub.join(_user("a-1", Role.ADMIN)), hub.join(_user("a-2", Role.ADMIN))
    assert registry.get_sample_value("lia_realtime_subscribers") == 2
    hub.leave(first)
    hub.leave(first)
    assert hub.subscribers == 1
    hub.resync()
    assert [json.loads(f) for f in second.take()] == [{"type": "resync"}]
    hub.close()
    assert second.closing == GOING_AWAY
    assert bus.listeners == 0
    bus.deliver([_ticket(1)])
    assert not second.pending


async def test_the_hub_hears_the_feed_only_while_a_socket_listens() -> None:
    """No socket, no listener on the feed (a replica nobody watches decodes nothing)."""
    bus = InProcessEventBus()
    hub, _ = _hub(bus)
    assert bus.listeners == 0
    first, second = hub.join(_user("a-1", Role.ADMIN)), hub.join(_user("a-2", Role.ADMIN))
    assert bus.listeners == 1
    hub.leave(first)
    assert bus.listeners == 1
    hub.leave(second)
    assert bus.listeners == 0
    bus.deliver([_ticket(1)])
    assert not first.pending
    assert not second.pending
