"""SQL canned responses: the `canned_responses` table, its row conversions, the repository."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, select, update

from lia_adapters.sql.base import ConnectionSource, Row
from lia_adapters.sql.bulk import insert_one
from lia_adapters.sql.errors import wrap_db_errors
from lia_adapters.sql.replies.tables import canned_responses
from lia_core.domain.canned import CannedResponse
from lia_core.domain.template_parts import TemplateButton, TemplateHeader
from lia_core.errors import ConcurrencyConflict, NotFound

__all__ = ["SqlCannedResponseRepository", "canned_from_row", "canned_values"]

_c = canned_responses.c


def _parts_value(response: CannedResponse) -> dict[str, object] | None:
    if response.whatsapp_header is None and not response.whatsapp_buttons:
        return None
    return {
        "header": response.whatsapp_header.to_dict() if response.whatsapp_header else None,
        "buttons": [b.to_dict() for b in response.whatsapp_buttons],
    }


def _header(parts: Mapping[str, Any] | None) -> TemplateHeader | None:
    header = (parts or {}).get("header")
    return TemplateHeader.from_dict(header) if isinstance(header, dict) else None


def _buttons(parts: Mapping[str, Any] | None) -> tuple[TemplateButton, ...]:
    buttons = (parts or {}).get("buttons") or []
    return tuple(TemplateButton.from_dict(b) for b in buttons if isinstance(b, dict))


def canned_values(response: CannedResponse) -> dict[str, object]:
    """The `canned_responses` row of *response*."""
    return {
        "key": response.key,
        "title": response.title,
        "body": response.body,
        "whatsapp_template": response.whatsapp_template,
        "whatsapp_language": response.whatsapp_language,
        "whatsapp_parts": _parts_value(response),
        "version": response.version,
        "created_at": response.created_at,
        "updated_at": response.updated_at,
        "updated_by": response.updated_by,
    }


def canned_from_row(row: Row) -> CannedResponse:
    """The response a `canned_responses` row holds."""
    return CannedResponse(
        key=row["key"],
        title=row["title"],
        body=row["body"],
        whatsapp_template=row["whatsapp_template"],
        whatsapp_language=row["whatsapp_language"],
        whatsapp_header=_header(row["whatsapp_parts"]),
        whatsapp_buttons=_buttons(row["whatsapp_parts"]),
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        updated_by=row["updated_by"],
    )


class SqlCannedResponseRepository:
    """Responses in `canned_responses`; an update is one UPDATE conditional on the version."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def add(self, response: CannedResponse) -> None:
        """Insert *response*. Raises AlreadyExists when its key is taken."""
        with wrap_db_errors(entity="template", entity_id=response.key):
            await insert_one(self._connection(), canned_responses, canned_values(response))

    async def get(self, key: str) -> CannedResponse:
        """One response. Raises NotFound."""
        result = await self._connection().execute(select(canned_responses).where(_c.key == key))
        row = result.mappings().one_or_none()
        if row is None:
            raise NotFound(entity="template", entity_id=key)
        return canned_from_row(row)

    async def list(self) -> Sequence[CannedResponse]:
        """Every response, by key."""
        result = await self._connection().execute(select(canned_responses).order_by(_c.key))
        return [canned_from_row(row) for row in result.mappings()]

    async def update(self, response: CannedResponse) -> None:
        """Replace the row if it is still at ``version - 1``; NotFound or ConcurrencyConflict."""
        values = canned_values(response)
        del values["key"], values["created_at"]
        result = await self._connection().execute(
            update(canned_responses)
            .where(_c.key == response.key, _c.version == response.version - 1)
            .values(values)
        )
        if result.rowcount == 0:
            await self.get(response.key)  # NotFound when it is gone
            raise ConcurrencyConflict(entity="template", entity_id=response.key)

    async def remove(self, key: str) -> None:
        """Delete the row. Raises NotFound."""
        result = await self._connection().execute(delete(canned_responses).where(_c.key == key))
        if result.rowcount == 0:
            raise NotFound(entity="template", entity_id=key)
