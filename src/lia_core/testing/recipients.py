"""Hypothesis strategies for recipients: Brazilian numbers as people type them, provider ids, tokens."""

from __future__ import annotations

from hypothesis import strategies as st

from lia_core.domain.recipients import Phone, ProviderIdentity, PushToken, Recipient

__all__ = [
    "AREA_CODES",
    "phones",
    "provider_identities",
    "push_tokens",
    "recipients",
    "typed_br_mobiles",
]

AREA_CODES = ("11", "21", "24", "31", "61", "71", "81", "91")
"""Brazilian DDDs the strategies draw from."""

_SHAPES = ("{a}{n}", "({a}) {h}-{t}", "+55 {a} {h}-{t}", "0{a} {n}", "55{a}{n}", " +55{a}{n} ")


@st.composite
def typed_br_mobiles(draw: st.DrawFn) -> tuple[str, str]:
    """(a Brazilian mobile as someone types it, its E.164 digits without '+')."""
    area = draw(st.sampled_from(AREA_CODES))
    local = str(draw(st.integers(900_000_000, 999_999_999)))
    shape = draw(st.sampled_from(_SHAPES))
    return shape.format(a=area, n=local, h=local[:5], t=local[5:]), f"55{area}{local}"


def phones() -> st.SearchStrategy[Phone]:
    """Canonical Brazilian phones: mobiles with the ninth digit and landlines (first digit 2-5)."""
    mobile = st.integers(900_000_000, 999_999_999)
    landline = st.integers(20_000_000, 59_999_999)
    return st.builds(
        lambda area, local: Phone.stored(f"55{area}{local}"),
        st.sampled_from(AREA_CODES),
        mobile | landline,
    )


def provider_identities() -> st.SearchStrategy[ProviderIdentity]:
    """Evolution JIDs (``…@lid``, ``…@s.whatsapp.net``, groups) and Meta business-scoped user ids."""
    digits = st.text("0123456789", min_size=6, max_size=20)
    jid = st.builds(
        lambda user, server: f"{user}@{server}",
        digits,
        st.sampled_from(["lid", "s.whatsapp.net", "g.us"]),
    )
    bsuid = st.builds(
        lambda country, ent, rest: f"{country}.{ent}{rest}",
        st.sampled_from(["BR", "US", "PT"]),
        st.sampled_from(["", "ENT."]),
        st.text("0123456789ABCDEFabcdef", min_size=6, max_size=24),
    )
    return st.builds(ProviderIdentity, jid | bsuid)


def push_tokens() -> st.SearchStrategy[PushToken]:
    """FCM-like device tokens (a colon and letters, so never mistaken for a number)."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
    return st.builds(
        lambda head, tail: PushToken(f"{head}:{tail}"),
        st.text(alphabet, min_size=4, max_size=22),
        st.text(alphabet, min_size=8, max_size=140),
    )


def recipients() -> st.SearchStrategy[Recipient]:
    """Any recipient kind."""
    return st.one_of(phones(), provider_identities(), push_tokens())
