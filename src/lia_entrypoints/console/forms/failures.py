"""The Falha Massiva page's small forms: a lifecycle action and the Finalizar dialog."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SEND_RESOLUTION", "ActionForm", "FinalizeForm"]

SEND_RESOLUTION = "enviar"
"""The Finalizar choice that broadcasts the resolution message (the other is "desativar")."""


@dataclass
class ActionForm:
    """Pausar, Retomar, Ativar or Cancelar: only where to go back to."""

    voltar: str = ""


@dataclass
class FinalizeForm:
    """The Finalizar dialog: deactivate only, or also send the (edited) resolution message."""

    envio: str = SEND_RESOLUTION
    mensagem: str = ""
