"""The proactive notice against a brute-force oracle; idempotent; refused when not active."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lia_adapters.memory import FixedClock, InMemoryStore, SequentialIds
from lia_core.domain.customers import Customer, CustomerAddress
from lia_core.domain.delivery import JobName, Lane
from lia_core.domain.failures import FailureStatus, MassiveFailure, Severity
from lia_core.domain.matching import covering_area
from lia_core.domain.regions import AffectedRegions, Area, CityArea, Location
from lia_core.errors import DomainError
from lia_core.services.proactive import NotifyAffectedCustomers, NotifyAffectedCustomersHandler
from lia_core.testing import failures, locations


class Roster:
    """A fixed customer list."""

    def __init__(self, customers: list[Customer]) -> None:
        self.customers = customers

    async def all_customers(self) -> AsyncIterator[Customer]:
        """Every customer."""
        for customer in self.customers:
            yield customer


def _customers(places: list[list[Location]]) -> list[Customer]:
    return [
        Customer(
            crm_id=f"c{n}",
            phone=f"55219{n:08d}",
            name=f"Cliente {n}",
            addresses=tuple(
                CustomerAddress(city=p.city, neighbourhood=p.neighbourhood, cep=p.cep)
                for p in where
            ),
        )
        for n, where in enumerate(places)
    ]


def _handler(store: InMemoryStore, customers: list[Customer]) -> NotifyAffectedCustomersHandler:
    clock = FixedClock()
    return NotifyAffectedCustomersHandler(
        store.unit_of_work,
        clock,
        SequentialIds(),
        UTC,
        {},
        Roster(customers),
    )


@settings(max_examples=50)
@given(
    failures(statuses=(FailureStatus.ACTIVE,)),
    st.lists(st.lists(locations(), min_size=1, max_size=3), max_size=12),
)
def test_notifies_exactly_the_covered_customers_once(
    failure: MassiveFailure, places: list[list[Location]]
) -> None:
    """Who is queued equals a direct scan of every address against the failure's rules; a rerun adds nothing."""
    store = InMemoryStore()
    store.failures[failure.id] = failure
    customers = _customers(places)
    handler = _handler(store, customers)
    first = asyncio.run(handler(NotifyAffectedCustomers(failure_id=failure.id)))
    area = covering_area(failure, {})
    expected = {
        c.phone
        for c, where in zip(customers, places, strict=True)
        if any(area.covers(p) for p in where)
    }
    jobs = [j for j in store.jobs.values() if j.job_name is JobName.OUTAGE_NOTICE]
    assert {str(j.recipient) for j in jobs} == expected
    assert all(j.lane is Lane.BULK for j in jobs)
    assert first.queued == first.covered == len(expected)
    again = asyncio.run(handler(NotifyAffectedCustomers(failure_id=failure.id)))
    assert (again.queued, again.already_notified) == (0, len(expected))
    assert len(store.notices) == len(expected)


@given(failures(statuses=(FailureStatus.SCHEDULED, FailureStatus.PAUSED, FailureStatus.RESOLVED)))
def test_only_active_failures_notify(failure: MassiveFailure) -> None:
    """A failure that is not active is refused and nothing is queued."""
    store = InMemoryStore()
    store.failures[failure.id] = failure
    with pytest.raises(DomainError, match="only active failures notify"):
        asyncio.run(_handler(store, [])(NotifyAffectedCustomers(failure_id=failure.id)))
    assert store.jobs == {}


def test_template_is_used_when_given() -> None:
    """With a template the job carries it (WhatsApp business-initiated) with name, failure, ETA."""
    failure = MassiveFailure.declare(
        failure_id="f1",
        name="Fibra",
        notification_message="Falha, {nome}",
        resolution_message=None,
        severity=Severity.HIGH,
        regions=AffectedRegions(area=Area(cities=(CityArea.parse("Rio"),))),
        starts_at=None,
        estimated_resolution=None,
        by="sup",
        now=FixedClock().now(),
    )
    store = InMemoryStore()
    store.failures[failure.id] = failure
    customers = [
        Customer(
            crm_id="c", phone="5521999990001", name="Ana", addresses=(CustomerAddress(city="rio"),)
        )
    ]
    asyncio.run(
        _handler(store, customers)(NotifyAffectedCustomers(failure_id="f1", template="aviso_falha"))
    )
    (job,) = store.jobs.values()
    assert job.content.template == "aviso_falha"
    assert job.content.params == ("Ana", "Fibra", "em breve")
    assert job.content.text == "Falha, Ana"
