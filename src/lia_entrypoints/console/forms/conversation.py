"""The Conversa page's forms: a reply (free text or a canned response), a private note, a
transfer, a release and a resolution, read into the use cases' commands; the use cases'
refusals become pt-BR messages beside their fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lia_core.assignment import Release, Transfer
from lia_core.desk.commands import Resolve
from lia_core.domain.activity import Actor
from lia_core.domain.canned import MAX_BODY_CHARS
from lia_core.errors import ValidationError
from lia_core.services import Reply

__all__ = ["ACTIONS", "ConversationForm", "reply_error", "transfer_error"]

ACTIONS: Mapping[str, str] = {
    "assumir": "assumir a conversa",
    "transferir": "transferir a conversa",
    "liberar": "liberar a conversa",
    "resolver": "resolver a conversa",
    "responder": "enviar a resposta",
    "nota": "adicionar a nota",
}
"""Each action's slug in the address, and the verb its messages use."""

_REPLY_FIELDS = {"text": "texto", "template": "modelo", "idempotency_key": "texto"}
_TRANSFER_FIELDS = {
    "reason": "motivo",
    "to": "atendente",
    "agent": "atendente",
    "department": "departamento",
}


@dataclass
class ConversationForm:
    """Any form of the Conversa page: each action reads only its own fields."""

    texto: str = ""
    modelo: str = ""
    """The key of a canned response (the reply box's "Resposta pronta")."""
    atendente: str = ""
    departamento: str = ""
    motivo: str = ""
    versao: str = ""
    """The ticket's version the page showed: resolving a ticket changed since is refused."""
    chave: str = ""
    """The reply box's idempotency key, new on each page: a reply sent twice (a double click,
    the browser posting the form again) is queued once."""

    def reply(self, conversation_id: str) -> Reply:
        """The reply command: the canned response when one is chosen, else the text.

        Raises ValidationError (field ``text`` or ``template``) as the API's reply does.
        """
        key = self.modelo.strip() or None
        text = self.texto if self.texto.strip() or key is None else None
        return Reply(
            conversation_id=conversation_id,
            text=text,
            template=key,
            idempotency_key=self.chave.strip() or None,
        )

    def transfer(self, conversation_id: str, by: str, actor: Actor) -> Transfer:
        """The transfer command (the use case checks the reason and the target)."""
        return Transfer(
            conversation_id=conversation_id,
            by=by,
            actor=actor,
            reason=self.motivo,
            to_agent=self.atendente.strip().lower() or None,
            to_department=self.departamento.strip() or None,
        )

    def release(self, conversation_id: str, by: str, actor: Actor) -> Release:
        """The release command (its reason is optional)."""
        return Release(
            conversation_id=conversation_id,
            by=by,
            actor=actor,
            reason=self.motivo.strip() or None,
        )

    def resolve(self) -> Resolve:
        """The desk's resolve command, the solution as its (optional) reason."""
        return Resolve(reason=self.motivo.strip() or None)

    def expected_version(self) -> int | None:
        """The ticket version to insist on, or None when the form carried none."""
        text = self.versao.strip()
        return int(text) if text.isdecimal() and len(text) <= 9 else None


def reply_error(error: ValidationError) -> dict[str, str]:
    """The reply box's field a core `ValidationError` is about, and its pt-BR message."""
    field = _REPLY_FIELDS.get(error.field or "", "texto")
    if error.field == "idempotency_key":  # this page's form was sent already, with another text
        return {field: "Esta caixa já enviou uma resposta: recarregue a página para enviar outra."}
    if field == "modelo":
        if "renders to nothing" in error.message:
            return {field: "Esta resposta pronta sai vazia nesta conversa: escreva a mensagem."}
        return {field: "Resposta pronta não encontrada: escolha uma da lista."}
    if "either" in error.message:
        return {field: "Escreva a mensagem ou escolha uma resposta pronta (uma das duas)."}
    if "at most" in error.message:
        return {field: f"A mensagem passa de {MAX_BODY_CHARS} caracteres."}
    return {field: "Escreva a mensagem."}


def transfer_error(error: ValidationError) -> dict[str, str]:
    """The transfer form's field a core `ValidationError` is about, and its pt-BR message."""
    field = _TRANSFER_FIELDS.get(error.field or "", "motivo")
    if error.field == "to":
        return {field: "Escolha um atendente ou um departamento."}
    if field == "atendente":
        return {field: "Esta conta está desativada: escolha outro atendente."}
    if field == "departamento":
        return {field: "Informe o departamento."}
    return {"motivo": "Informe o motivo da transferência."}
