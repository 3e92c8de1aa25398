"""The presence picker's form: the status the agent chose (the heartbeat carries it)."""

from __future__ import annotations

from dataclasses import dataclass

from lia_core.domain.agents import Presence
from lia_core.errors import ValidationError

__all__ = ["PRESENCE_LABELS", "PresenceForm"]

PRESENCE_LABELS = {
    Presence.ONLINE: "Disponível",
    Presence.BUSY: "Ocupado",
    Presence.AWAY: "Ausente",
    Presence.OFFLINE: "Offline",
}
"""Each presence on screen, in the picker's order."""


@dataclass
class PresenceForm:
    """The heartbeat (from live.js) or the picker's form (without script)."""

    status: str = Presence.ONLINE.value
    next: str = ""

    def presence(self) -> Presence:
        """The chosen presence; ValidationError (in pt-BR, naming `status`) when unknown."""
        try:
            return Presence((self.status or Presence.ONLINE.value).strip().lower())
        except ValueError:
            names = ", ".join(p.value for p in Presence)
            raise ValidationError(
                f"Status de presença desconhecido: use um de {names}.", field="status"
            ) from None
