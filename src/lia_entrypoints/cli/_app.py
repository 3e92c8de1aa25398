"""What every command shares: settings with the global options, the runtime, error handling."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import attrs
import click
import pydantic
import structlog
from pydantic_settings import SettingsError

from lia_entrypoints.cli._errors import CliError, InvalidInputError, translate
from lia_entrypoints.logging import configure_logging
from lia_entrypoints.settings import Settings

if TYPE_CHECKING:
    from lia_entrypoints.bootstrap import Runtime

__all__ = ["CliApp", "RuntimeFactory", "default_runtime"]

T = TypeVar("T")
RuntimeFactory: TypeAlias = "Callable[[Settings], Awaitable[Runtime]]"

log = structlog.get_logger(__name__)

_OVERRIDE_FLAGS = {"database_url": "--database-url", "log_level": "--log-level"}


async def default_runtime(settings: Settings) -> Runtime:
    """Bootstrap the production runtime (database, Argon2, system clock)."""
    from lia_entrypoints.bootstrap import bootstrap  # lazy: `lia --help` needs no database driver

    return await bootstrap(settings)


def _settings_error(exc: pydantic.ValidationError, overrides: dict[str, Any]) -> CliError:
    first = exc.errors()[0]
    loc = [str(part) for part in first["loc"]]
    name = _OVERRIDE_FLAGS.get(loc[0]) if loc and loc[0] in overrides else None
    name = name or "LIA_" + "__".join(part.upper() for part in loc)
    reason = str(first["msg"]).removeprefix("Value error, ")
    return InvalidInputError(
        f"invalid setting {name}: {reason}", kind="invalid_setting", field=name
    )


@attrs.define
class CliApp:
    """The click context object: pass your own to `main` (``obj=``) to swap the runtime in tests."""

    runtime_factory: RuntimeFactory = default_runtime
    """Builds the runtime for one command; tests pass one over an in-memory store."""
    overrides: dict[str, Any] = attrs.field(factory=dict)
    """Settings given as global options; they beat the environment."""
    _settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        """The effective settings, read once; logging is configured from them on first use."""
        if self._settings is None:
            try:
                self._settings = Settings(**self.overrides)
            except pydantic.ValidationError as exc:
                raise _settings_error(exc, self.overrides) from None
            except SettingsError as exc:  # an env value that does not parse (nested JSON)
                raise InvalidInputError(f"invalid setting: {exc}", kind="invalid_setting") from None
            configure_logging(level=self._settings.log_level, fmt=self._settings.log_format)
        return self._settings

    def database_label(self) -> str | None:
        """The database URL in use with its password hidden, once settings are loaded."""
        if self._settings is None:
            return None
        from sqlalchemy.engine import make_url

        try:
            return make_url(self._settings.effective_database_url).render_as_string(
                hide_password=True
            )
        except Exception:  # an unparsable URL is reported by the driver itself
            return None

    def run(
        self,
        use: Callable[[Runtime], Awaitable[T]],
        *,
        loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None,
    ) -> T:
        """Bootstrap, run *use* (one use case) and release the runtime, in one event loop
        (asyncio's own, or the one *loop_factory* makes)."""
        settings = self.settings
        factory = self.runtime_factory

        async def main() -> T:
            runtime = await factory(settings)
            try:
                return await use(runtime)
            finally:
                await runtime.aclose()

        with asyncio.Runner(loop_factory=loop_factory) as runner:
            return runner.run(main())

    @contextlib.contextmanager
    def errors(self, *, as_json: bool) -> Iterator[None]:
        """Turn any error raised inside into a `CliError` (printed as JSON too with *as_json*)."""
        try:
            yield
        except CliError as err:
            if as_json:
                click.echo(err.to_json())
            raise
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            error = translate(exc, database=self.database_label())
            if error.kind == "internal_error":
                log.debug("cli.unexpected_error", exc_info=exc)
            if as_json:
                click.echo(error.to_json())
            raise error from None
