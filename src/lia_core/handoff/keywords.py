"""The built-in intent classifier: pt-BR keyword phrases, counted, turned into confidences.

Text and keywords are folded (case, accents and punctuation ignored, a letter typed three or
more times in a row kept once) and a keyword counts when it occurs as whole words, except where
it is part of a longer keyword found at the same place ("velocidade" inside "velocidade baixa").
With ``h[i]`` the number of distinct keywords of intent *i* counted and ``H`` their sum, the
confidence of *i* is ``h[i] / (H + smoothing)`` (``smoothing`` 0.25 by default): one keyword
alone gives 0.80, two of the same intent 0.89, one each of two intents 0.44 each. Every intent
is ranked, so a message with no keyword ranks all five at 0; intents with a keyword are
``detected`` whatever their confidence (a critical one goes to a human).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import attrs

from lia_core.errors import ValidationError
from lia_core.handoff._words import counted_phrases, fold_phrases, padded, phrase_list
from lia_core.handoff.intents import Intent, IntentScore, RankedIntents, parse_intent

__all__ = ["DEFAULT_KEYWORDS", "DEFAULT_WEAK_KEYWORDS", "KeywordIntentClassifier"]

DEFAULT_KEYWORDS: Mapping[Intent, tuple[str, ...]] = {
    Intent.SUPPORT: (
        "sem internet", "internet caiu", "caiu", "caindo", "lenta", "lento", "sinal", "sem sinal",
        "sinal fraco", "sem conexão", "conexão", "net", "wifi", "wi-fi", "roteador", "modem",
        "oscilando", "instável", "não conecta", "travando", "desconectando", "luz vermelha",
        "cortada", "cortaram", "velocidade baixa", "suporte", "técnico", "visita técnica",
        "fibra",
    ),
    Intent.FINANCIAL: (
        "boleto", "fatura", "segunda via", "2 via", "2a via", "2o via", "mensalidade",
        "código de barras", "pagamento", "pagar", "paguei", "pix", "cobrança", "cobrado",
        "débito", "vencimento", "desbloqueio", "desbloquear", "comprovante", "nota fiscal",
        "financeiro", "juros", "reembolso", "estorno",
    ),
    Intent.COMMERCIAL: (
        "plano", "planos", "contratar", "assinar", "upgrade", "mudar de plano", "trocar de plano",
        "velocidade", "aumentar a velocidade", "aumentar velocidade", "mudança de endereço",
        "mudar de endereço", "mudar de casa", "mudei de casa", "instalação", "instalar",
        "orçamento", "preço", "promoção", "comercial", "vendas", "novo ponto",
    ),
    Intent.CANCELLATION: (
        "cancelar", "cancelamento", "cancela", "encerrar contrato", "rescindir", "rescisão",
        "desistir", "quero sair", "portabilidade", "trocar de operadora", "mudar de operadora",
        # the spellings customers type: no accent, s for c, a letter lost, another tense
        "canselar", "cancelr", "cancelat", "cancelo", "cancele", "cancelem", "cancelei",
        "cancelamentu", "kancelar", "encerrar o contrato", "encerrar meu contrato",
        "encerrar o plano", "encerrar meu plano", "sair da operadora",
    ),
    Intent.OMBUDSMAN: (
        "ouvidoria", "procon", "anatel", "advogado", "advogada", "processo judicial",
        "ação judicial", "vou processar", "vou te processar", "processar vocês",
        "processar vcs", "processar a empresa", "juizado", "pequenas causas", "justiça",
        "reclame aqui", "consumidor.gov", "reclamação formal", "danos morais",
    ),
}  # fmt: skip
"""pt-BR keyword phrases per intent; Procon, Anatel and legal threats are ombudsman terms.

"plano" and "planos" are weak (`DEFAULT_WEAK_KEYWORDS`): the thing a customer cancels, pays or
finds slow as often as the thing they buy, so they count for commercial only when no other
intent's keyword is in the message ("quero cancelar meu plano" is a cancellation).

Bare "processo" and "processar" are left out on purpose: "processo de instalação" is not a
lawsuit and "o pagamento está demorando para processar" is not a threat. "velocidade" alone is
commercial (a faster plan), "velocidade baixa" is support: the longer phrase wins where it
occurs. A change of address ("mudar de casa") is commercial: it is a new installation and a
contract change, sold and scheduled by the commercial team.
"""


DEFAULT_WEAK_KEYWORDS: tuple[str, ...] = ("plano", "planos")
"""Keywords that count only when no keyword of another intent is found in the message."""


def _fold_table(table: Mapping[Intent, Iterable[str]]) -> Mapping[Intent, tuple[str, ...]]:
    if not isinstance(table, Mapping):
        raise ValidationError("keywords maps intents to phrases", field="keywords")
    folded = {
        parse_intent(intent, field="keywords"): fold_phrases(phrase_list(words, field="keywords"))
        for intent, words in table.items()
    }
    for intent, phrases in folded.items():
        if not phrases:
            raise ValidationError(f"intent {intent} has no usable keyword", field="keywords")
    return folded


def _fold_weak(value: Iterable[str]) -> tuple[str, ...]:
    return fold_phrases(phrase_list(value, field="weak"))


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
    weak: tuple[str, ...] = attrs.field(default=DEFAULT_WEAK_KEYWORDS, converter=_fold_weak)
    """Keywords (of any intent) dropped from a message in which another intent has a keyword."""
    _by_head: Mapping[str, tuple[tuple[Intent, str], ...]] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    """Each keyword under its first word: a message is searched only for keywords whose first
    word it contains (the classifier runs on every inbound message; this keeps it cheap)."""

    @_by_head.default
    def _index(self) -> Mapping[str, tuple[tuple[Intent, str], ...]]:
        heads: dict[str, list[tuple[Intent, str]]] = {}
        for intent, phrases in self.keywords.items():
            for phrase in phrases:
                heads.setdefault(phrase.split(" ", 1)[0], []).append((intent, phrase))
        return {head: tuple(entries) for head, entries in heads.items()}

    def hits(self, text: str) -> Mapping[Intent, tuple[str, ...]]:
        """The folded keywords of each intent counted in *text* (intents with none left out)."""
        haystack = padded(text)
        found: dict[Intent, list[str]] = {}
        for word in dict.fromkeys(haystack.split()):
            for intent, phrase in self._by_head.get(word, ()):
                if f" {phrase} " in haystack:
                    found.setdefault(intent, []).append(phrase)
        if not found:
            return {}
        every = [p for words in found.values() for p in words]
        counted = counted_phrases(haystack, every) if len(every) > 1 else frozenset(every)
        kept = {i: tuple(p for p in words if p in counted) for i, words in found.items()}
        kept = {intent: words for intent, words in kept.items() if words}
        strong = {i for i, words in kept.items() if any(p not in self.weak for p in words)}
        if not self.weak or not strong:
            return kept
        # A weak word is the object of another intent's verb ("cancelar meu plano").
        trimmed = {
            i: words if i in strong else tuple(p for p in words if p not in self.weak)
            for i, words in kept.items()
        }
        return {intent: words for intent, words in trimmed.items() if words}

    def classify(self, text: str) -> RankedIntents:
        """Rank every intent of the table by ``hits / (total hits + smoothing)``."""
        counts = {intent: len(words) for intent, words in self.hits(text).items()}
        total = sum(counts.values()) + self.smoothing
        return RankedIntents.of(
            (
                IntentScore(intent=intent, confidence=counts.get(intent, 0) / total)
                for intent in self.keywords
            ),
            detected=counts,
        )
