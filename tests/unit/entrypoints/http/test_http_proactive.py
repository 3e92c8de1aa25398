"""`POST /api/v1/failures/{id}/notify-customers`: the proactive notice over HTTP."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from lia_adapters.memory import (
    FixedClock,
    InMemoryCustomerDirectory,
    InMemoryStore,
    PlainTextHasher,
    SequentialIds,
)
from lia_core.domain.customers import Customer, CustomerAddress
from lia_core.domain.delivery import JobName, Lane
from lia_entrypoints.bootstrap import bootstrap
from lia_entrypoints.http import create_app
from lia_entrypoints.settings import Settings

from .api_support import Client, Headers, problem

OUTAGE = {"name": "Fibra", "message": "Olá {nome}, falha.", "cities": [{"city": "Teresópolis"}]}


async def test_notify_customers_queues_once_and_needs_a_listing_crm(
    client: Client,
    settings: Settings,
    store: InMemoryStore,
    clock: FixedClock,
    supervisor: Headers,
    agent: Headers,
) -> None:
    """Covered CRM customers are queued on the bulk lane once; agents may not; no CRM → 409."""
    created = await client.post("/api/v1/failures", json=OUTAGE, headers=supervisor)
    fid = created.json()["id"]
    url = f"/api/v1/failures/{fid}/notify-customers"
    problem(await client.post(url, headers=supervisor), 409)
    roster = InMemoryCustomerDirectory(
        (
            Customer(
                crm_id="1",
                phone="5521999990001",
                name="Ana",
                addresses=(CustomerAddress(city="teresopolis"),),
            ),
            Customer(
                crm_id="2",
                phone="5521999990002",
                name="Bia",
                addresses=(CustomerAddress(city="Rio"),),
            ),
        )
    )
    listing = await bootstrap(
        settings,
        uow=store.unit_of_work,
        clock=clock,
        ids=SequentialIds(),
        hasher=PlainTextHasher(),
        roster=roster,
    )
    async with AsyncTestClient(create_app(settings, runtime=listing)) as client:  # the same store
        problem(await client.post(url, headers=agent), 403)
        first = await client.post(url, headers=supervisor, json={"template": "aviso_falha"})
        assert first.status_code == 202, first.text
        assert first.json() == {
            "failure_id": fid, "scanned": 2, "covered": 1, "queued": 1, "already_notified": 0,
        }  # fmt: skip
        again = await client.post(url, headers=supervisor)
        assert (again.json()["queued"], again.json()["already_notified"]) == (0, 1)
        (job,) = [j for j in store.jobs.values() if j.job_name is JobName.OUTAGE_NOTICE]
        assert (str(job.recipient), job.lane, job.content.template) == (
            "5521999990001",
            Lane.BULK,
            "aviso_falha",
        )
        problem(
            await client.post("/api/v1/failures/nope/notify-customers", headers=supervisor), 404
        )
