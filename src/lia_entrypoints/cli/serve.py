"""``lia serve`` (the HTTP API under uvicorn) and ``lia worker`` (scheduled activations)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._errors import CliError, InvalidInputError
from lia_entrypoints.cli._options import json_option
from lia_entrypoints.cli.output import emit_json

if TYPE_CHECKING:
    from lia_entrypoints.bootstrap import Runtime
    from lia_entrypoints.worker import WorkerReport

__all__ = ["serve", "worker"]

_FIRST_USER_HINT = (
    "no user exists yet: create the first one with "
    "`lia user create --username admin --role ADMIN` (it asks for a password), "
    "then sign in at {url}/console"
)


@click.command("serve", short_help="Run the HTTP API.")
@click.option("--host", help="Interface to listen on.  [default: LIA_HTTP__HOST, 127.0.0.1]")
@click.option(
    "--port", type=click.IntRange(1, 65535), help="TCP port.  [default: LIA_HTTP__PORT, 8000]"
)
@json_option
@click.pass_obj
def serve(app: CliApp, host: str | None, port: int | None, as_json: bool) -> None:
    """Run the HTTP API (applies migrations itself on the embedded SQLite default).

    With --json, prints {"url", "host", "port"} once before serving; logs go to stderr.
    """
    with app.errors(as_json=as_json):
        settings = app.settings
        bind_host = host or settings.http.host
        bind_port = port or settings.http.port
        _check_host(bind_host, "--host" if host else "LIA_HTTP__HOST")
        try:
            import uvicorn

            from lia_entrypoints.http import create_app
        except ImportError as exc:
            raise CliError(
                f"the HTTP service cannot be loaded: {exc}", kind="import_error"
            ) from None
        url = f"http://{bind_host}:{bind_port}"

        async def main() -> None:
            # Bootstrap once, before listening: a setting that cannot work, an outdated
            # schema or an unreachable database is one line and exit 2, not a traceback
            # from the server's startup hook (it also migrates the embedded database). The
            # same runtime then serves (so the CSV CRM is parsed once per process) and the
            # app's shutdown closes it.
            runtime = await app.runtime_factory(settings)
            try:
                asgi = create_app(settings, runtime=runtime, close_runtime=True, settle_heap=True)
            except BaseException:
                await runtime.aclose()
                raise
            if as_json:
                emit_json({"url": url, "host": bind_host, "port": bind_port})
            else:
                click.echo(f"serving the LIA API on {url} (OpenAPI: {url}/schema/openapi.json)")
                click.echo(f"the console: open {url} in a browser")
            if not await runtime.services.list_users():
                # A new install has nobody to sign in as: say how to fix that, once.
                click.echo(_FIRST_USER_HINT.format(url=url), err=True)
            config = uvicorn.Config(
                asgi,
                host=bind_host,
                port=bind_port,
                log_config=None,
                access_log=False,  # the app writes its own access line with the user and duration
                server_header=False,
            )
            await uvicorn.Server(config).serve()

        # uvicorn re-raises the SIGINT it handled once the server has shut down; like
        # `uvicorn.run`, that is a clean stop.
        with (
            contextlib.suppress(KeyboardInterrupt),
            asyncio.Runner(loop_factory=_loop_factory()) as runner,
        ):
            runner.run(main())


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when installed (as uvicorn's "auto" loop picks it), else asyncio's own."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def _check_host(host: str, name: str) -> None:
    try:
        socket.getaddrinfo(host, None)
    except (OSError, UnicodeError) as exc:
        raise InvalidInputError(
            f"invalid setting {name}: cannot resolve {host!r} ({exc})", kind="invalid_setting"
        ) from None


@click.command(
    "worker", short_help="Run the background worker (sends messages, activates failures)."
)
@click.option("--once", is_flag=True, help="Process what is due now and exit (for cron).")
@click.option(
    "--gate-only",
    is_flag=True,
    help="Run only the gate over stored messages (needs LIA_INBOUND__GATE=worker): no sends, "
    "no timed jobs. For workers dedicated to the gate.",
)
@json_option
@click.pass_obj
def worker(app: CliApp, once: bool, gate_only: bool, as_json: bool) -> None:
    """Run the background worker: sends due outbox messages and activates scheduled failures.

    Without --once it runs until SIGINT/SIGTERM (finishing the current round), then prints
    what it did. Any number of workers may share one PostgreSQL database. With
    LIA_INBOUND__GATE=worker it also runs the gate over the messages `lia serve` stored;
    --gate-only runs that gate and nothing else.
    """
    with app.errors(as_json=as_json):
        if gate_only and app.settings.inbound.gate != "worker":
            raise InvalidInputError(
                "invalid setting LIA_INBOUND__GATE: --gate-only needs it set to worker "
                f"(it is {app.settings.inbound.gate})",
                kind="invalid_setting",
                field="LIA_INBOUND__GATE",
            )
        from lia_entrypoints.heap import settle_heap
        from lia_entrypoints.worker import run_worker  # lazy: imports the database adapter

        async def work(runtime: Runtime) -> WorkerReport:
            if not once:  # a long-running process from here on (see settle_heap)
                settle_heap()
            return await run_worker(runtime, once=once, gate_only=gate_only)

        # uvloop: the worker is one event loop driving sockets (provider sends, PostgreSQL);
        # asyncio's own loop and socket writes were a fifth of its CPU (benchmarks/dispatch.py).
        report = app.run(work, loop_factory=_loop_factory())
        if as_json:
            emit_json(
                {
                    "ticks": report.ticks,
                    "activated": list(report.activated),
                    "sent": report.sent,
                    "retried": report.retried,
                    "dead": report.dead,
                    "uncertain": report.uncertain,
                    "gated": report.gated,
                }
            )
            return
        if gate_only:
            click.echo(f"gate worker: {report.gated} stored message(s) gated")
            return
        ids = ", ".join(report.activated)
        activated = f"activated {len(report.activated)} failure(s)" + (f": {ids}" if ids else "")
        click.echo(
            f"worker ran {report.ticks} tick(s), {activated}; messages: {report.sent} sent, "
            f"{report.retried} to retry, {report.dead} dead-lettered, {report.uncertain} uncertain"
            + (f"; {report.gated} stored message(s) gated" if report.gated else "")
        )
