"""``lia failure notify`` and ``lia failure resolve``: outage notices and the resolution broadcast."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs
import click

from lia_core.domain.delivery import Channel
from lia_core.services import NotifyContact, ResolveAndBroadcast
from lia_core.services.broadcast import ResolutionReport
from lia_core.services.proactive import NotifyAffectedCustomers
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._options import actor_option, json_option
from lia_entrypoints.cli.output import emit_json
from lia_entrypoints.schemas.delivery import NoticeOut
from lia_entrypoints.schemas.failures import ResolutionOut

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

__all__ = ["notify", "notify_customers", "resolve"]


def stderr_is_tty() -> bool:
    """True when stderr is a terminal (the progress bar is drawn only then)."""
    return sys.stderr.isatty()


class _Progress:
    """A click progress bar on stderr, opened at the first report (when the total is known)."""

    def __init__(self, stack: contextlib.ExitStack) -> None:
        self._stack = stack
        self._bar: ProgressBar[int] | None = None
        self._done = 0

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            bar = click.progressbar(
                length=total,
                label="queueing resolution messages",
                file=sys.stderr,
            )
            self._bar = self._stack.enter_context(bar)
        self._bar.update(done - self._done)
        self._done = done


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[_Progress | None]:
    with contextlib.ExitStack() as stack:
        yield _Progress(stack) if enabled else None


@click.command("notify", short_help="Queue an active failure's notice for one contact.")
@click.argument("failure_id", metavar="ID")
@click.option("--to", "recipient", required=True, help="The contact's phone number (E.164).")
@click.option("--name", default="", help="The contact's name, for {nome} in the message.")
@click.option(
    "--channel",
    type=click.Choice([c.value for c in Channel], case_sensitive=False),
    help="Channel to use.  [default: the first of LIA_DELIVERY__NOTICE_CHANNELS]",
)
@json_option
@click.pass_obj
def notify(
    app: CliApp,
    failure_id: str,
    recipient: str,
    name: str,
    channel: str | None,
    as_json: bool,
) -> None:
    """Queue an active failure's notice for one contact (at most once per contact)."""
    with app.errors(as_json=as_json):
        cmd = NotifyContact(
            failure_id=failure_id,
            recipient=recipient,
            name=name.strip(),
            channel=Channel.parse(channel) if channel else None,
        )
        result = app.run(lambda rt: rt.services.notify_contact(cmd))
        if as_json:
            emit_json(NoticeOut.of(failure_id, result, app.settings.tz))
        elif result.job is None:
            click.echo(f"already notified: {result.recipient} was told about failure {failure_id}")
        else:
            job = result.job
            click.echo(f"notice queued: job {job.id} to {job.recipient} on {job.channel}")


def _resolution_text(report: ResolutionReport, broadcast: bool) -> str:
    failure = report.failure
    line = (
        f"failure {failure.id} ({failure.name}) resolved; {report.notified} notified, "
        f"{report.queued} resolution messages queued"
    )
    if report.already_queued:
        line += f" ({report.already_queued} already queued)"
    if report.notified and not broadcast:
        line += "; broadcast skipped (--no-broadcast)"
    elif report.notified and not failure.resolution_message:
        line += "; no resolution message, so nobody was messaged"
    return line


@click.command("resolve", short_help="Resolve a failure and broadcast its resolution.")
@click.argument("failure_id", metavar="ID")
@click.option("--resolution-message", help="Replace the message sent to customers on resolution.")
@click.option(
    "--broadcast/--no-broadcast",
    default=True,
    show_default=True,
    help="Send the resolution message to every contact that got the failure's notice.",
)
@actor_option
@json_option
@click.pass_obj
def resolve(
    app: CliApp,
    failure_id: str,
    resolution_message: str | None,
    broadcast: bool,
    actor: str,
    as_json: bool,
) -> None:
    """Resolve an active or paused failure and queue its resolution broadcast."""
    with app.errors(as_json=as_json):
        cmd = ResolveAndBroadcast(
            failure_id=failure_id,
            actor=actor,
            broadcast=broadcast,
            resolution_message=resolution_message,
        )
        with _progress(not as_json and stderr_is_tty()) as progress:
            report = app.run(lambda rt: rt.services.resolve_and_broadcast(cmd, progress=progress))
        if as_json:
            emit_json(ResolutionOut.of(report, app.settings.tz))
        else:
            click.echo(_resolution_text(report, broadcast))


@click.command("notify-customers", short_help="Notify every CRM customer in a failure's regions.")
@click.argument("failure_id", metavar="ID")
@click.option(
    "--template",
    help="Approved WhatsApp template to send (business-initiated).  "
    "[default: LIA_INBOUND__PROACTIVE_TEMPLATE]",
)
@json_option
@click.pass_obj
def notify_customers(app: CliApp, failure_id: str, template: str | None, as_json: bool) -> None:
    """Queue the notice for every CRM customer with a contract inside an active failure's regions.

    Safe to repeat: customers already told (proactively or when they wrote) are skipped.
    Needs a CRM that can list its customers (LIA_CRM__KIND=file).
    """
    with app.errors(as_json=as_json):
        cmd = NotifyAffectedCustomers(
            failure_id=failure_id,
            template=template or app.settings.inbound.proactive_template,
        )
        report = app.run(lambda rt: rt.proactive_notice()(cmd))
        if as_json:
            emit_json({"failure_id": failure_id, **attrs.asdict(report)})
        else:
            click.echo(
                f"{report.covered} of {report.scanned} CRM customers are in failure {failure_id}'s "
                f"regions: {report.queued} notices queued, {report.already_notified} already told"
            )
