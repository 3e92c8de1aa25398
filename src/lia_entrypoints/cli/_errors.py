"""Turn every error into one ``error: …`` line on stderr and the CLI's exit code
(a faulty desk-policy file: one ``FILE:LINE: message`` line per fault).

Exit codes: 0 ok; 1 refused (domain rule, not found, conflict, outdated schema, database
unreachable); 2 bad input (click usage errors and the core's ValidationError).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import IO, Any

import click

from lia_core.desk.policy_file import DeskPolicyFileError
from lia_core.errors import LiaError, ValidationError

__all__ = [
    "EXIT_INVALID",
    "EXIT_REFUSED",
    "FIELD_FLAGS",
    "CliError",
    "InvalidInputError",
    "PolicyFileError",
    "translate",
]

EXIT_REFUSED = 1
EXIT_INVALID = 2

FIELD_FLAGS: Mapping[str, str] = {
    "name": "--name",
    "message": "--message",
    "resolution_message": "--resolution-message",
    "severity": "--severity",
    "regions": "--region",
    "cities": "--region",
    "ceps": "--cep",
    "cep": "--cep",
    "region_ids": "--region-id",
    "starts_at": "--starts-at",
    "estimated_resolution": "--estimated-resolution",
    "city": "--city",
    "neighbourhood": "--neighbourhood",
    "username": "--username",
    "password": "--password",
    "role": "--role",
    "id": "--id",
    "region_id": "ID",
    "failure_id": "ID",
    "channel": "--channel",
    "to": "--to",
    "recipient": "--to",
    "text": "--text",
    "template": "--template",
    "params": "--param",
    "status": "--status",
    "limit": "--limit",
    "job_name": "--job-name",
    "err_code": "--err-code",
    "since": "--since",
    "until": "--until",
    "job_id": "JOB_ID",
    "full_name": "--full-name",
    "phone": "--phone",
    "push_token": "--push-token",
    "departments": "--departments",
    "reason": "--reason",
    "subject": "--subject",
    "department": "--department",
    "assignee": "--assignee",
    "ticket_id": "ID",
    "entity": "--entity",
    "entity_id": "--entity-id",
    "user": "--user",
    "idempotency_key": "--idempotency-key",
    "header": "--header",
    "buttons": "--button",
    "whatsapp_header": "--whatsapp-header",
    "whatsapp_buttons": "--whatsapp-button",
    "period": "--period",
    "older_than": "--older-than",
    "batch_size": "--batch-size",
}
"""The core's ``ValidationError.field`` names and the command-line flag each comes from."""


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def _kind(exc: BaseException) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()


class CliError(click.ClickException):
    """A failure shown as one ``error: …`` line on stderr, ending the process with ``exit_code``."""

    exit_code = EXIT_REFUSED

    def __init__(self, message: str, *, kind: str = "error", field: str | None = None) -> None:
        super().__init__(_one_line(message))
        self.kind = kind
        self.field = field

    def show(self, file: IO[Any] | None = None) -> None:
        """Print ``error: <message>`` on stderr."""
        click.echo(f"error: {self.format_message()}", file=file, err=file is None)

    def to_json(self) -> str:
        """The error as the JSON document printed on stdout in ``--json`` mode."""
        return json.dumps(
            {
                "error": {
                    "kind": self.kind,
                    "message": self.format_message(),
                    "field": self.field,
                    "exit_code": self.exit_code,
                }
            },
            ensure_ascii=False,
        )


class InvalidInputError(CliError):
    """Bad input caught past click's own parsing (exit 2, like a usage error)."""

    exit_code = EXIT_INVALID


class PolicyFileError(InvalidInputError):
    """A desk-policy file with faults: each printed as ``FILE:LINE: message`` (exit 2)."""

    def __init__(self, exc: DeskPolicyFileError) -> None:
        super().__init__(str(exc), kind="policy_file_error", field=exc.field)
        self.faults = exc.errors

    def show(self, file: IO[Any] | None = None) -> None:
        """Print every fault on its own line on stderr."""
        for fault in self.faults:
            click.echo(_one_line(str(fault)), file=file, err=file is None)

    def to_json(self) -> str:
        """The error document, with ``errors``: each fault's line, field and message."""
        document = json.loads(super().to_json())
        document["error"]["errors"] = [
            {"line": f.line, "field": f.field, "message": f.problem} for f in self.faults
        ]
        return json.dumps(document, ensure_ascii=False)


def _database_problem(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return True
    try:
        from sqlalchemy.exc import SQLAlchemyError
    except ImportError:  # pragma: no cover - sqlalchemy is a dependency
        return False
    return isinstance(exc, SQLAlchemyError)


def _root_cause(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc) or type(exc).__name__
    return _one_line(text)


def translate(exc: Exception, *, database: str | None = None) -> CliError:
    """The `CliError` for *exc*: its message, exit code and the flag at fault."""
    if isinstance(exc, DeskPolicyFileError):
        return PolicyFileError(exc)
    if isinstance(exc, ValidationError) and (exc.field or "").startswith("LIA_"):
        # A setting (`InvalidSetting`): its message already names the variable.
        return InvalidInputError(exc.message, kind="invalid_setting", field=exc.field)
    if isinstance(exc, ValidationError):
        flag = FIELD_FLAGS.get(exc.field or "", exc.field)
        message = f"{flag}: {exc.message}" if flag else exc.message
        return InvalidInputError(message, kind="validation_error", field=flag)
    if isinstance(exc, LiaError):
        return CliError(exc.message, kind=_kind(exc))
    if _database_problem(exc):
        where = f" at {database}" if database else ""
        return CliError(
            f"cannot use the database{where}: {_root_cause(exc)}",
            kind="database_unavailable",
        )
    return CliError(
        f"unexpected {type(exc).__name__}: {_root_cause(exc)} "
        "(run with --log-level DEBUG for the details)",
        kind="internal_error",
    )
