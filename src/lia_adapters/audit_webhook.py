"""Posts dead-letter reprocessing audit entries to a webhook (best effort, the table stays authoritative)."""

from __future__ import annotations

import httpx

from lia_core.errors import PortError
from lia_core.ports import ReprocessAudit

__all__ = ["WebhookAuditSink", "audit_payload"]


def audit_payload(entry: ReprocessAudit) -> dict[str, object]:
    """The JSON body posted for one run."""
    return {
        "event": "dlq.reprocess",
        "action_id": entry.action_id,
        "actor": entry.actor,
        "at": entry.at.isoformat(),
        "filters": dict(entry.filters),
        "dry_run": entry.dry_run,
        "stats": {"matched": entry.matched, "requeued": entry.requeued, "skipped": entry.skipped},
        "sample_ids": list(entry.sample_ids),
    }


class WebhookAuditSink:
    """POSTs each audit entry as JSON to a configured URL."""

    def __init__(self, client: httpx.AsyncClient, url: str) -> None:
        self._client = client
        self._url = url

    async def publish(self, entry: ReprocessAudit) -> None:
        """Post the entry; raises PortError when the webhook cannot be reached or refuses it."""
        try:
            response = await self._client.post(self._url, json=audit_payload(entry))
        except httpx.HTTPError as exc:
            raise PortError(f"audit webhook unreachable: {exc!r}") from exc
        if response.status_code >= 300:
            raise PortError(f"audit webhook answered {response.status_code}")
