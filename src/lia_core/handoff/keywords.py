"""The built-in intent classifier: pt-BR keyword phrases, counted, turned into confidences.

Text and keywords are folded (case, accents and punctuation ignored) and a keyword counts when
it occurs as whole words. With ``h[i]`` the number of distinct keywords of intent *i* found and
``H`` their sum, the confidence of *i* is ``h[i] / (H + smoothing)`` (``smoothing`` 0.25 by
default): one keyword alone gives 0.80, two of the same intent 0.89, one each of two intents 0.44
each. Every intent is ranked, so a message with no keyword ranks all five at 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import attrs

from lia_core.errors import ValidationError
from lia_core.handoff._words import fold_phrases, found_phrases, padded
from lia_core.handoff.intents import Intent, IntentScore, RankedIntents

__all__ = ["DEFAULT_KEYWORDS", "KeywordIntentClassifier"]

DEFAULT_KEYWORDS: Mapping[Intent, tuple[str, ...]] = {
    Intent.SUPPORT: (
        "sem internet", "internet caiu", "caiu", "lenta", "lento", "sem sinal", "sem conexão",
        "conexão", "wifi", "wi-fi", "roteador", "modem", "oscilando", "não conecta", "travando",
        "desconectando", "luz vermelha", "suporte", "técnico", "visita técnica", "fibra",
    ),
    Intent.FINANCIAL: (
        "boleto", "fatura", "segunda via", "pagamento", "pagar", "paguei", "pix", "cobrança",
        "cobrado", "débito", "vencimento", "desbloqueio", "desbloquear", "comprovante",
        "nota fiscal", "financeiro", "juros", "reembolso", "estorno",
    ),
    Intent.COMMERCIAL: (
        "plano", "planos", "contratar", "assinar", "upgrade", "mudar de plano", "trocar de plano",
        "mudança de endereço", "instalação", "instalar", "orçamento", "preço", "promoção",
        "comercial", "vendas", "novo ponto",
    ),
    Intent.CANCELLATION: (
        "cancelar", "cancelamento", "cancela", "encerrar contrato", "rescindir", "rescisão",
        "desistir", "quero sair", "portabilidade", "trocar de operadora", "mudar de operadora",
    ),
    Intent.OMBUDSMAN: (
        "ouvidoria", "procon", "anatel", "advogado", "advogada", "processo judicial", "processar",
        "juizado", "pequenas causas", "justiça", "reclame aqui", "consumidor.gov",
        "reclamação formal", "danos morais",
    ),
}  # fmt: skip
"""pt-BR keyword phrases per intent; Procon, Anatel and legal threats are ombudsman terms.

Bare "processo" is left out on purpose: "processo de instalação" is not a lawsuit.
"""


def _fold_table(table: Mapping[Intent, tuple[str, ...]]) -> Mapping[Intent, tuple[str, ...]]:
    folded = {Intent(intent): fold_phrases(phrases) for intent, phrases in table.items()}
    for intent, phrases in folded.items():
        if not phrases:
            raise ValidationError(f"intent {intent} has no usable keyword", field="keywords")
    return folded


def _smoothing(_instance: object, _attribute: object, value: float) -> None:
    if not (math.isfinite(value) and value > 0):
        raise ValidationError("smoothing must be a positive number", field="smoothing")


@attrs.frozen(kw_only=True)
class KeywordIntentClassifier:
    """Ranks intents by the keyword phrases a message contains (formula in the module docstring).

    Pass *keywords* to replace the table (intents left out are never detected); keywords are
    stored folded, so "Cobrança" and "cobranca" are the same keyword.
    """

    keywords: Mapping[Intent, tuple[str, ...]] = attrs.field(
        default=DEFAULT_KEYWORDS, converter=_fold_table, hash=False
    )
    smoothing: float = attrs.field(default=0.25, validator=_smoothing)
    """Added to the total number of hits; one keyword alone scores ``1 / (1 + smoothing)``."""

    def hits(self, text: str) -> Mapping[Intent, tuple[str, ...]]:
        """The folded keywords of each intent found in *text* (intents with none left out)."""
        haystack = padded(text)
        found = {i: found_phrases(haystack, phrases) for i, phrases in self.keywords.items()}
        return {intent: words for intent, words in found.items() if words}

    def classify(self, text: str) -> RankedIntents:
        """Rank every intent of the table by ``hits / (total hits + smoothing)``."""
        counts = {intent: len(words) for intent, words in self.hits(text).items()}
        total = sum(counts.values()) + self.smoothing
        return RankedIntents.of(
            IntentScore(intent=intent, confidence=counts.get(intent, 0) / total)
            for intent in self.keywords
        )
