"""The long-running processes' garbage-collection tuning."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from lia_entrypoints.heap import YOUNG_THRESHOLD, settle_heap


@pytest.fixture
def restored_gc() -> Iterator[None]:
    """Put the test process's collector back as it was."""
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("restored_gc")
def test_settling_freezes_the_startup_heap_and_raises_the_young_threshold() -> None:
    """What lived before is out of the collector's walks; young collections come rarer."""
    gc.unfreeze()
    kept = [object() for _ in range(10)]
    settle_heap()
    assert gc.get_freeze_count() > len(kept)
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD > 700
