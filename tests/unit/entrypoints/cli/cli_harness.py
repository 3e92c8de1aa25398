"""Run the `lia` CLI in-process over an in-memory runtime kept across invocations."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import attrs
from click.testing import CliRunner, Result

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_entrypoints.bootstrap import Runtime, bootstrap
from lia_entrypoints.cli import CliApp, main
from lia_entrypoints.settings import Settings

__all__ = ["NOW", "CliHarness"]

NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)
"""The harness clock's starting time (09:00 in America/Sao_Paulo)."""


@attrs.define
class CliHarness:
    """Invoke `lia` as a user would; every invocation bootstraps over the same store and clock."""

    store: InMemoryStore = attrs.field(factory=InMemoryStore)
    clock: FixedClock = attrs.field(factory=lambda: FixedClock(NOW))
    ids: SequentialIds = attrs.field(factory=lambda: SequentialIds("f"))

    async def _runtime(self, settings: Settings) -> Runtime:
        return await bootstrap(
            settings,
            uow=self.store.unit_of_work,
            clock=self.clock,
            ids=self.ids,
            hasher=PlainTextHasher(),
        )

    def __call__(
        self, *args: str, input: str | None = None, env: Mapping[str, str] | None = None
    ) -> Result:
        """Run ``lia *args`` and return click's result (stdout and stderr kept apart)."""
        app = CliApp(runtime_factory=self._runtime)
        return CliRunner().invoke(main, list(args), obj=app, input=input, env=env)

    def ok(self, *args: str, env: Mapping[str, str] | None = None) -> Result:
        """Run a command that must succeed."""
        result = self(*args, env=env)
        assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
        return result

    def json(self, *args: str, env: Mapping[str, str] | None = None) -> Any:
        """Run a command with ``--json`` that must succeed and return the parsed document."""
        return json.loads(self.ok(*args, "--json", env=env).stdout)
