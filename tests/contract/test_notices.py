"""The NoticeRepository contract: recording, paging, counting and finding failure notices, on every backend."""

from __future__ import annotations

import attrs

from lia_core.domain.delivery import JobStatus
from lia_core.domain.notices import FailureNotice, NoticeKind
from lia_core.domain.recipients import Phone
from lia_core.ports import UnitOfWorkFactory
from tests.contract.builders.delivery import a_job, a_notice, store_failures, store_jobs


async def test_record_skips_an_existing_notice(uow_factory: UnitOfWorkFactory) -> None:
    """A contact has at most one notice per failure and kind; other kinds and failures are new."""
    await store_failures(uow_factory, "f-1", "f-2")

    async with uow_factory() as uow:
        assert await uow.notices.record(a_notice())
        assert not await uow.notices.record(a_notice(name="Ana Souza"))  # staged already
        await uow.commit()
    async with uow_factory() as uow:
        assert not await uow.notices.record(a_notice(name="Outra"))
        assert await uow.notices.record(a_notice(kind=NoticeKind.RESOLUTION))
        assert await uow.notices.record(a_notice(failure_id="f-2"))
        await uow.commit()

    async with uow_factory() as uow:
        (stored,) = await uow.notices.page("f-1", NoticeKind.NOTICE, after=None, limit=10)
    assert stored == a_notice()


async def test_record_many_counts_new_notices(uow_factory: UnitOfWorkFactory) -> None:
    """record_many() skips stored notices and repeats within the batch, counting the new ones."""
    await store_failures(uow_factory, "f-1")
    async with uow_factory() as uow:
        await uow.notices.record(a_notice("+5521900000001"))
        await uow.commit()

    batch = [a_notice(f"+55219000000{n:02}") for n in range(1, 6)] + [a_notice("+5521900000003")]
    async with uow_factory() as uow:
        assert await uow.notices.record_many(batch) == 4
        assert await uow.notices.record_many([]) == 0
        await uow.commit()

    async with uow_factory() as uow:
        assert (await uow.notices.counts("f-1"))[NoticeKind.NOTICE] == 5


async def test_page_walks_recipients_in_code_point_order(uow_factory: UnitOfWorkFactory) -> None:
    """page() returns one failure's notices of one kind by recipient, after the given one."""
    await store_failures(uow_factory, "f-1", "f-2")
    recipients = ["ana@isp.com.br", "+5521999990002", "Zeca@isp.com.br", "ábaco@x.br", "5521"]
    async with uow_factory() as uow:
        await uow.notices.record_many([a_notice(r) for r in recipients])
        await uow.notices.record(a_notice("+5521000000000", kind=NoticeKind.RESOLUTION))
        await uow.notices.record(a_notice("+5521000000000", failure_id="f-2"))
        await uow.commit()

    walked: list[FailureNotice] = []
    after: str | None = None
    async with uow_factory() as uow:
        while page := await uow.notices.page("f-1", NoticeKind.NOTICE, after=after, limit=2):
            walked.extend(page)
            after = str(page[-1].recipient)

    assert [str(n.recipient) for n in walked] == sorted(recipients)
    assert walked[0] == a_notice("+5521999990002")


async def test_counts_per_kind(uow_factory: UnitOfWorkFactory) -> None:
    """counts() counts one failure's notices per kind, zero for kinds it has none of."""
    await store_failures(uow_factory, "f-1", "f-2")
    async with uow_factory() as uow:
        assert (await uow.notices.counts("f-1"))[NoticeKind.NOTICE] == 0
        await uow.notices.record_many([a_notice(f"+55219000000{n:02}") for n in range(3)])
        await uow.notices.record(a_notice("+5521900000000", kind=NoticeKind.RESOLUTION))
        await uow.notices.record(a_notice("+5521900000009", failure_id="f-2"))
        await uow.commit()

    async with uow_factory() as uow:
        counts = await uow.notices.counts("f-1")
    assert {kind: counts[kind] for kind in NoticeKind} == {
        NoticeKind.NOTICE: 3,
        NoticeKind.RESOLUTION: 1,
    }


async def test_counts_many_counts_several_failures_in_one_call(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """counts_many() gives each asked failure its counts per kind; unknown or quiet ones are empty."""
    await store_failures(uow_factory, "f-1", "f-2", "f-3")
    async with uow_factory() as uow:
        assert await uow.notices.counts_many([]) == {}
        await uow.notices.record_many([a_notice(f"+55219000000{n:02}") for n in range(3)])
        await uow.notices.record(a_notice("+5521900000000", kind=NoticeKind.RESOLUTION))
        await uow.notices.record(a_notice("+5521900000009", failure_id="f-2"))
        await uow.notices.record(a_notice("+5521900000009", failure_id="f-3"))
        await uow.commit()

    async with uow_factory() as uow:
        counts = await uow.notices.counts_many(["f-1", "f-2", "f-9"])
    assert set(counts) == {"f-1", "f-2", "f-9"}
    assert {k: counts["f-1"].get(k, 0) for k in NoticeKind} == {
        NoticeKind.NOTICE: 3,
        NoticeKind.RESOLUTION: 1,
    }
    assert {k: counts["f-2"].get(k, 0) for k in NoticeKind} == {
        NoticeKind.NOTICE: 1,
        NoticeKind.RESOLUTION: 0,
    }
    assert sum(counts["f-9"].values()) == 0


async def test_delivery_counts_notices_by_kind_and_job_status_in_one_query(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """delivery() joins a failure's notices to their jobs: (kind, status) → count, None for a
    notice without a job; other failures' notices are left out."""
    await store_failures(uow_factory, "f-1", "f-2")
    notices = [a_notice(f"+55219000000{n:02}") for n in range(4)]
    resolution = a_notice("+5521900000000", kind=NoticeKind.RESOLUTION)
    other = a_notice("+5521900000001", failure_id="f-2")
    orphan = a_notice("+5521900000099")
    statuses = [JobStatus.PENDING, JobStatus.SENT, JobStatus.SENT, JobStatus.DEAD]
    jobs = [a_job(n.job_id, status=status) for n, status in zip(notices, statuses, strict=True)] + [
        a_job(resolution.job_id),
        a_job(other.job_id, status=JobStatus.SENT),
    ]
    await store_jobs(uow_factory, *jobs)
    async with uow_factory() as uow:
        await uow.notices.record_many([*notices, resolution, other, orphan])
        await uow.commit()

    async with uow_factory() as uow:
        counts = await uow.notices.delivery("f-1")
        quiet = await uow.notices.delivery("f-9")
    assert {key: n for key, n in counts.items() if n} == {
        (NoticeKind.NOTICE, JobStatus.PENDING): 1,
        (NoticeKind.NOTICE, JobStatus.SENT): 2,
        (NoticeKind.NOTICE, JobStatus.DEAD): 1,
        (NoticeKind.RESOLUTION, JobStatus.PENDING): 1,
        (NoticeKind.NOTICE, None): 1,
    }
    assert sum(quiet.values()) == 0


async def test_rollback_discards_notices(uow_factory: UnitOfWorkFactory) -> None:
    """Notices recorded without commit are not kept."""
    await store_failures(uow_factory, "f-1")
    async with uow_factory() as uow:
        await uow.notices.record(a_notice())
        await uow.notices.record_many([a_notice("+5521900000001")])

    async with uow_factory() as uow:
        assert await uow.notices.page("f-1", NoticeKind.NOTICE, after=None, limit=10) == []


async def test_notified_finds_notice_pairs_among_the_given(uow_factory: UnitOfWorkFactory) -> None:
    """Only (failure, recipient) pairs with a NOTICE, among those asked, come back."""
    await store_failures(uow_factory, "f-1", "f-2", "f-3")
    async with uow_factory() as uow:
        await uow.notices.record_many(
            [
                a_notice("5521911110001", failure_id="f-1"),
                a_notice("5521911110002", failure_id="f-1"),
                a_notice("5521911110001", failure_id="f-2"),
                a_notice("5521911110003", failure_id="f-2", kind=NoticeKind.RESOLUTION),
                a_notice("5521911110001", failure_id="f-3"),
            ]
        )
        await uow.commit()

    async with uow_factory() as uow:
        people = ["5521911110001", "5521911110003", "5521999999999"]
        assert await uow.notices.notified(["f-1", "f-2", "f-9"], people) == {
            ("f-1", "5521911110001"),
            ("f-2", "5521911110001"),
        }
        assert await uow.notices.notified([], people) == set()
        assert await uow.notices.notified(["f-1"], []) == set()


async def test_notice_reply_to_round_trips(uow_factory: UnitOfWorkFactory) -> None:
    """A notice's reply_to (the platform's address of the contact) survives, and None stays None."""
    await store_failures(uow_factory, "f-1")
    told = attrs.evolve(a_notice("5521911110001"), reply_to="552191110001")
    plain = a_notice("5521911110002")
    async with uow_factory() as uow:
        assert await uow.notices.record_many([told, plain]) == 2
        await uow.commit()

    async with uow_factory() as uow:
        page = await uow.notices.page("f-1", NoticeKind.NOTICE, after=None, limit=10)
    assert list(page) == [told, plain]
    assert page[0].address == Phone("552191110001")
    assert page[1].reply_to is None
