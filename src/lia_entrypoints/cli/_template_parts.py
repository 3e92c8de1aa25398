"""Parsing a WhatsApp template's header and button parameters from command-line options:
``--header KIND:VALUE`` and ``--button KIND:INDEX:VALUE`` (`lia message send`, `lia template`)."""

from __future__ import annotations

from lia_core.domain.template_parts import TemplateButton, TemplateHeader
from lia_core.errors import ValidationError

__all__ = ["parse_button", "parse_header"]


def parse_header(
    raw: str | None, filename: str | None, *, flag: str, filename_flag: str
) -> TemplateHeader | None:
    """``text:Fatura de maio`` or ``image:|video:|document:https://…``; None without one."""
    if raw is None:
        if filename is not None:
            raise ValidationError(f"needs {flag} document:LINK", field=filename_flag)
        return None
    kind, sep, value = raw.partition(":")
    if not sep:
        raise ValidationError(
            "write KIND:VALUE, e.g. text:Fatura de maio or image:https://…", field=flag
        )
    try:
        return TemplateHeader.of(kind, value, filename=filename)
    except ValidationError as bad:
        raise ValidationError(bad.message, field=flag) from None


def parse_button(raw: str, *, flag: str) -> TemplateButton:
    """``url:0:boleto/123`` or ``quick_reply:1:PAYLOAD`` (INDEX from 0, as approved)."""
    kind, _, rest = raw.partition(":")
    index, sep, value = rest.partition(":")
    if not sep or not index.strip().isdecimal():
        raise ValidationError(
            "write KIND:INDEX:VALUE, e.g. url:0:boleto/123 or quick_reply:1:sim", field=flag
        )
    try:
        return TemplateButton.of(kind, int(index), value)
    except ValidationError as bad:
        raise ValidationError(bad.message, field=flag) from None
