"""``lia stub-provider``: a local stand-in for WhatsApp Cloud, Evolution, Twilio and FCM, with faults."""

from __future__ import annotations

import json

import click

from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._errors import InvalidInputError
from lia_entrypoints.cli._options import json_option
from lia_entrypoints.cli.output import emit_json

__all__ = ["stub_provider"]


@click.command(
    "stub-provider", short_help="Run a fake WhatsApp/Evolution/Twilio/FCM for demos and tests."
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8089, show_default=True, help="TCP port."
)
@click.option(
    "--faults",
    default="{}",
    metavar="JSON",
    help='Faults to inject, e.g. \'{"error_every": 5, "unreachable": ["5521999990001"]}\' '
    "(fields: error_rate/every, rate_limit_rate/every, retry_after_seconds, reject_rate/every, "
    "delay_rate/every, delay_seconds, unreachable, outside_window, seed). Change them later "
    "with POST /_stub/faults.",
)
@json_option
@click.pass_obj
def stub_provider(app: CliApp, host: str, port: int, faults: str, as_json: bool) -> None:
    """Serve a local stub of the providers; point LIA_WHATSAPP__BASE_URL & co. at it.

    It never sends anything anywhere; GET /_stub/requests shows what it received.
    """
    with app.errors(as_json=as_json):
        from lia_entrypoints.stub_provider import StubFaults, run_stub

        try:
            parsed = StubFaults.from_json(json.loads(faults))
        except (ValueError, TypeError) as exc:
            raise InvalidInputError(f"--faults: {exc}", field="faults") from None
        url = f"http://{host}:{port}"
        if as_json:
            emit_json({"url": url, "faults": parsed.to_json()})
        else:
            click.echo(f"stub provider on {url} (requests seen: {url}/_stub/requests)")
        run_stub(host, port, parsed)
