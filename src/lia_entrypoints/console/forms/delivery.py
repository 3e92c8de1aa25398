"""The filters of Fila de envio and Mensagens com falha, and the reprocessing form.

Every field is text as typed (or as found in the address): reading it into the use case's
query is done here, and what cannot be read becomes a message beside its field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from urllib.parse import urlencode

from lia_core.domain.delivery import JobName, JobStatus
from lia_core.errors import ValidationError
from lia_core.ports import DeadLetterFilter
from lia_core.services import ListOutbox
from lia_core.services.outbox import MAX_LIST
from lia_entrypoints.schemas.base import parse_instant

__all__ = [
    "DEAD_LETTER_LIMIT",
    "DEFAULT_LIMIT",
    "DeadLetterFilterForm",
    "OutboxFilterForm",
    "ReprocessForm",
    "message_for",
]

DEFAULT_LIMIT = 100
"""Rows shown when the address names no limit (the CLI's default)."""
DEAD_LETTER_LIMIT = 10_000
"""The most dead letters one listing shows (as `lia dlq list --limit` and the API)."""

# Core messages are written for the CLI and the API; the console says the same in pt-BR.
_MESSAGES = {
    "limit": "Informe um número inteiro entre 1 e {most}.",
    "since": "O início deve ser anterior ao fim.",
    "job_ids": "Selecione ao menos uma mensagem (no máximo 1000) ou reprocesse todas do filtro.",
    "to": "Destinatário inválido.",
}
_BAD_TIME = "Data e hora inválidas: use dd/mm/aaaa hh:mm."


def message_for(error: ValidationError, *, most: int = MAX_LIST) -> str:
    """The pt-BR text shown beside the field a core `ValidationError` names."""
    template = _MESSAGES.get(error.field or "")
    return template.format(most=most) if template else error.message


def _limit(raw: str, most: int, errors: dict[str, str]) -> int:
    text = raw.strip()
    if not text:
        return DEFAULT_LIMIT
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= most:
        errors["limit"] = _MESSAGES["limit"].format(most=most)
    return value


@dataclass(frozen=True)
class OutboxFilterForm:
    """Fila de envio's filters: the same as `lia outbox list` (status, recipient, limit)."""

    status: str = ""
    to: str = ""
    limit: str = ""

    def read(self) -> tuple[ListOutbox | None, dict[str, str]]:
        """The use case's query, or None and the message for each field that cannot be read."""
        errors: dict[str, str] = {}
        status: JobStatus | None = None
        if self.status.strip():
            try:
                status = JobStatus(self.status.strip().lower())
            except ValueError:
                errors["status"] = "Situação desconhecida: escolha uma da lista."
        limit = _limit(self.limit, MAX_LIST, errors)
        if errors:
            return None, errors
        recipient = self.to.strip() or None
        return ListOutbox(status=status, recipient=recipient, limit=limit), errors

    def query_string(self, **changes: str) -> str:
        """This filter as an address query (blank fields left out), with *changes* applied."""
        values = {"status": self.status, "to": self.to, "limit": self.limit, **changes}
        return urlencode({k: v.strip() for k, v in values.items() if v.strip()})


@dataclass(frozen=True)
class DeadLetterFilterForm:
    """Mensagens com falha's filters: the same as `lia dlq list` (job name, error code, window, limit)."""

    job_name: str = ""
    err_code: str = ""
    since: str = ""
    until: str = ""
    limit: str = ""

    def read(self, tz: tzinfo) -> tuple[DeadLetterFilter | None, int, dict[str, str]]:
        """The core filter and the limit, or None and the message for each unreadable field."""
        errors: dict[str, str] = {}
        where = self.where(tz, errors)
        limit = _limit(self.limit, DEAD_LETTER_LIMIT, errors)
        return (None if errors else where), limit, errors

    def where(self, tz: tzinfo, errors: dict[str, str]) -> DeadLetterFilter:
        """The core filter; what cannot be read is left out and told in *errors*."""
        job_name: JobName | None = None
        if self.job_name.strip():
            try:
                job_name = JobName(self.job_name.strip().lower())
            except ValueError:
                errors["job_name"] = "Tipo de mensagem desconhecido: escolha um da lista."
        return DeadLetterFilter(
            job_name=job_name,
            err_code=self.err_code.strip() or None,
            since=_instant(self.since, tz, "since", errors),
            until=_instant(self.until, tz, "until", errors),
        )

    def query_string(self, **changes: str) -> str:
        """This filter as an address query (blank fields left out), with *changes* applied."""
        values = {
            "job_name": self.job_name,
            "err_code": self.err_code,
            "since": self.since,
            "until": self.until,
            "limit": self.limit,
            **changes,
        }
        return urlencode({k: v.strip() for k, v in values.items() if v.strip()})


def _instant(raw: str, tz: tzinfo, name: str, errors: dict[str, str]) -> datetime | None:
    text = raw.strip()
    if not text:
        return None
    try:
        return parse_instant(text, tz, field=name)
    except ValidationError:
        errors[name] = _BAD_TIME
        return None


@dataclass
class ReprocessForm:
    """Reprocess dead letters: the list's filters, the rows ticked, and whether it is the real run.

    ``scope`` is ``selecionadas`` (only ``job_id``) or ``todas`` (everything the filters match);
    without ``confirmar`` the run is a dry run.
    """

    job_name: str = ""
    err_code: str = ""
    since: str = ""
    until: str = ""
    scope: str = ""
    # One ticked box arrives as one value, several as a list: Litestar does not wrap the first.
    job_id: list[str] | str = field(default_factory=list)
    confirmar: str = ""

    @property
    def filters(self) -> DeadLetterFilterForm:
        """The list's filters this run was asked from."""
        return DeadLetterFilterForm(
            job_name=self.job_name, err_code=self.err_code, since=self.since, until=self.until
        )

    @property
    def selected(self) -> list[str]:
        """The ticked job ids, blanks and repeats dropped, in the order given."""
        ticked = [self.job_id] if isinstance(self.job_id, str) else self.job_id
        return list(dict.fromkeys(i.strip() for i in ticked if i.strip()))

    def where(self, tz: tzinfo) -> tuple[DeadLetterFilter | None, dict[str, str]]:
        """The run's filter (the selection narrows the list's filters), or None and errors."""
        errors: dict[str, str] = {}
        where = self.filters.where(tz, errors)
        if errors:
            return None, errors
        if self.scope == "todas":
            return where, errors
        # Anything else is a selection: an empty one is refused by the use case, as on the API.
        return DeadLetterFilter(
            job_name=where.job_name,
            err_code=where.err_code,
            since=where.since,
            until=where.until,
            job_ids=frozenset(self.selected),
        ), errors
