"""An outbound message's status: its job's status until a receipt ranks higher; receipts only climb."""

from __future__ import annotations

import pytest

from lia_core.domain.conversations import outbound_status
from lia_core.domain.delivery import JobStatus
from lia_core.domain.inbound import MessageStatus, advance_status

M = MessageStatus
# The order, written out by hand: a failure beats "sent" but not a delivery or a read receipt.
ORDER = [M.PENDING, M.SENT, M.FAILED, M.DELIVERED, M.READ, M.RECEIVED]
FROM_JOB: dict[JobStatus | None, MessageStatus] = {
    None: M.PENDING,
    JobStatus.PENDING: M.PENDING,
    JobStatus.SENDING: M.PENDING,
    JobStatus.UNCERTAIN: M.PENDING,
    JobStatus.SENT: M.SENT,
    JobStatus.DEAD: M.FAILED,
}


@pytest.mark.parametrize("job", list(FROM_JOB))
@pytest.mark.parametrize("receipt", [None, *MessageStatus])
def test_outbound_status_is_the_higher_of_job_and_receipt(
    job: JobStatus | None, receipt: MessageStatus | None
) -> None:
    """Without a receipt the job's status shows; with one, whichever of the two ranks higher."""
    from_job = FROM_JOB[job]
    expected = from_job if receipt is None else max(from_job, receipt, key=ORDER.index)
    assert outbound_status(job, receipt) is expected


@pytest.mark.parametrize("current", list(MessageStatus))
@pytest.mark.parametrize("reported", list(MessageStatus))
def test_a_receipt_only_moves_the_status_up(
    current: MessageStatus, reported: MessageStatus
) -> None:
    """The status after a receipt is the higher-ranked of the two."""
    expected = max(current, reported, key=ORDER.index)
    assert advance_status(current, reported) is expected
