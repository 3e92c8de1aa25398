"""Canned responses as a state machine: create, update and delete (with and without the version
read) against a dictionary of key → (version, body), over the in-memory store."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import TypeVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from lia_adapters.memory import FixedClock, InMemoryStore, SequentialIds
from lia_core.domain.activity import Actor
from lia_core.errors import AlreadyExists, ConcurrencyConflict, NotFound
from lia_core.services import SaveCannedResponse
from lia_core.services.canned import CannedResponses

T = TypeVar("T")
SUP = Actor(name="sup")
keys = st.sampled_from(["oi", "tchau", "protocolo"])
bodies = st.sampled_from(
    ["Oi {{contact.first_name}}", "Protocolo {{ticket.id}}", "Aqui é {{agent.name}}.", "Até logo!"]
)
versions = st.none() | st.integers(min_value=0, max_value=4)


class CannedLifecycle(RuleBasedStateMachine):
    """The use cases against the model; every refusal leaves the store as it was."""

    def __init__(self) -> None:
        super().__init__()
        self.store = InMemoryStore()
        self.canned = CannedResponses(
            self.store.unit_of_work, FixedClock(datetime(2026, 5, 4, tzinfo=UTC)), SequentialIds()
        )
        self.model: dict[str, tuple[int, str]] = {}
        self.loop = asyncio.new_event_loop()

    def _run(self, step: Awaitable[T]) -> T:
        return self.loop.run_until_complete(step)

    def teardown(self) -> None:
        """Close the machine's event loop."""
        self.loop.close()

    @rule(key=keys, body=bodies)
    def create(self, key: str, body: str) -> None:
        """A new key is version 1; a taken one is AlreadyExists."""
        command = SaveCannedResponse(key=key, title=key, body=body)
        try:
            saved = self._run(self.canned.create(command, SUP))
        except AlreadyExists:
            assert key in self.model
            return
        assert key not in self.model
        assert saved.version == 1
        self.model[key] = (1, body)

    @rule(key=keys, body=bodies, expected=versions)
    def update(self, key: str, body: str, expected: int | None) -> None:
        """Unknown: NotFound; a version other than the stored one: conflict; else one up."""
        command = SaveCannedResponse(key=key, title=key, body=body)
        try:
            saved = self._run(self.canned.update(command, SUP, expected_version=expected))
        except NotFound:
            assert key not in self.model
            return
        except ConcurrencyConflict:
            assert expected is not None
            assert expected != self.model[key][0]
            return
        version, _ = self.model[key]
        assert expected in (None, version)
        assert saved.version == version + 1
        self.model[key] = (version + 1, body)

    @rule(key=keys, expected=versions)
    def delete(self, key: str, expected: int | None) -> None:
        """Unknown: NotFound; a stale version: conflict; else gone."""
        try:
            self._run(self.canned.delete(key, SUP, expected_version=expected))
        except NotFound:
            assert key not in self.model
            return
        except ConcurrencyConflict:
            assert expected is not None
            assert expected != self.model[key][0]
            return
        assert expected in (None, self.model[key][0])
        del self.model[key]

    @invariant()
    def stored_as_modelled(self) -> None:
        """The list holds exactly the model's keys, versions and bodies, by key."""
        listed = self._run(self.canned.list())
        assert [(r.key, r.version, r.body) for r in listed] == [
            (k, *self.model[k]) for k in sorted(self.model)
        ]


TestCannedLifecycle = CannedLifecycle.TestCase
