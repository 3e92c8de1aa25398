"""Options shared by several commands: ``--json``, ``--actor`` and the region-rule flags."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from typing import TypeVar

import click

__all__ = ["actor_option", "cep_option", "default_actor", "json_option", "region_option"]

F = TypeVar("F", bound=Callable[..., object])

JSON_HELP = (
    "Print exactly one JSON document on stdout instead of text. An error is still one "
    "line on stderr; once the arguments are parsed, stdout then gets "
    '{"error": {"kind", "message", "field", "exit_code"}}.'
)


def json_option(func: F) -> F:
    """The ``--json`` flag (bound to the ``as_json`` parameter)."""
    return click.option("--json", "as_json", is_flag=True, help=JSON_HELP)(func)


def default_actor() -> str:
    """Who is acting: ``$LIA_ACTOR``, else the operating-system user name."""
    if actor := os.environ.get("LIA_ACTOR", "").strip():
        return actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "cli"


def _clean_actor(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    actor = value.strip()
    if not actor:
        raise click.BadParameter("must not be blank")
    return actor


def actor_option(func: F) -> F:
    """The ``--actor`` option recorded as who did it."""
    return click.option(
        "--actor",
        default=default_actor,
        show_default="$LIA_ACTOR or your user name",
        callback=_clean_actor,
        help="Who is doing this, recorded with the change (on the failure, in the audit log).",
    )(func)


def region_option(func: F) -> F:
    """The repeatable ``--region CITY[:BAIRRO,BAIRRO]`` option (bound to ``regions``)."""
    return click.option(
        "--region",
        "regions",
        multiple=True,
        metavar="CITY[:BAIRRO,BAIRRO]",
        help="A whole city, or some of its bairros: 'Teresópolis:Centro,Alto'. Repeatable.",
    )(func)


def cep_option(func: F) -> F:
    """The repeatable ``--cep PREFIX|START..END`` option (bound to ``ceps``)."""
    return click.option(
        "--cep",
        "ceps",
        multiple=True,
        metavar="PREFIX|START..END",
        help="A CEP prefix (2595) or range (25950-000..25959-999). Repeatable.",
    )(func)
