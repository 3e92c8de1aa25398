"""The parts of an approved WhatsApp template besides its body: the header's parameter (a
text, or the link of an image, video or document) and the buttons' parameters (the
variable end of a URL button, the payload of a quick-reply button).

Meta's message templates take, at send time, one ``components`` entry per part that has a
variable: ``header`` (one parameter), ``body`` (the ``{{1}}``… parameters, `MessageContent.params`)
and one ``button`` per button with a variable, naming its ``sub_type`` and ``index``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence

import attrs

from lia_core.errors import ValidationError

__all__ = ["ButtonKind", "HeaderKind", "TemplateButton", "TemplateHeader", "buttons_from"]

MAX_HEADER_TEXT = 60
"""Meta's limit on a text header (its parameter included)."""
MAX_BUTTON_VALUE = 2000
"""A generous bound on a button's parameter (a URL's end, a payload)."""
MAX_BUTTONS = 10
"""A template has at most ten buttons (indexes 0-9)."""
MAX_LINK = 2048


class HeaderKind(enum.StrEnum):
    """What the template's header shows: a text, or a media file fetched from a link."""

    TEXT = "text"
    IMAGE = "image"
    VIDEO = "video"
    DOCUMENT = "document"


class ButtonKind(enum.StrEnum):
    """The buttons whose parameter is given when sending."""

    URL = "url"
    """A call-to-action URL button: its parameter is the end of the URL."""
    QUICK_REPLY = "quick_reply"
    """A quick-reply button: its parameter is the payload the customer's tap sends back."""


def _parse(kind: type[enum.StrEnum], raw: str, field: str) -> str:
    try:
        return kind(raw.strip().lower()).value
    except ValueError:
        names = ", ".join(k.value for k in kind)
        raise ValidationError(f"unknown type {raw!r}; use one of {names}", field=field) from None


def _https(link: str, field: str) -> str:
    link = link.strip()
    if not link.startswith("https://") or len(link) > MAX_LINK or any(c.isspace() for c in link):
        raise ValidationError(
            f"a media header needs an https:// link of at most {MAX_LINK} characters",
            field=field,
        )
    return link


@attrs.frozen(kw_only=True)
class TemplateHeader:
    """The header's parameter: *value* is the text, or the media's https link."""

    kind: HeaderKind
    value: str
    filename: str | None = None
    """A document's file name as the customer sees it (documents only)."""

    def __attrs_post_init__(self) -> None:
        if not self.value.strip():
            raise ValidationError("a header parameter needs a value", field="header")
        if self.kind is HeaderKind.TEXT:
            if len(self.value) > MAX_HEADER_TEXT:
                raise ValidationError(
                    f"a text header has at most {MAX_HEADER_TEXT} characters", field="header"
                )
        else:
            _https(self.value, "header")
        if self.filename is not None and self.kind is not HeaderKind.DOCUMENT:
            raise ValidationError("only a document header has a file name", field="header")

    @classmethod
    def of(cls, kind: str, value: str, *, filename: str | None = None) -> TemplateHeader:
        """Parse the kind by name (``text``, ``image``, ``video``, ``document``)."""
        return cls(
            kind=HeaderKind(_parse(HeaderKind, kind, "header")),
            value=value,
            filename=filename.strip() if filename and filename.strip() else None,
        )

    def to_dict(self) -> dict[str, str]:
        """A JSON-ready form (stored with the job)."""
        stored = {"kind": self.kind.value, "value": self.value}
        if self.filename is not None:
            stored["filename"] = self.filename
        return stored

    @classmethod
    def from_dict(cls, raw: Mapping[str, object]) -> TemplateHeader:
        """Inverse of `to_dict`."""
        filename = raw.get("filename")
        return cls.of(
            str(raw.get("kind") or ""),
            str(raw.get("value") or ""),
            filename=str(filename) if filename is not None else None,
        )


@attrs.frozen(kw_only=True)
class TemplateButton:
    """One button's parameter: the button at *index* (0-based, as approved) of *kind*."""

    kind: ButtonKind
    index: int
    value: str

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.index < MAX_BUTTONS:
            raise ValidationError(
                f"a button index is 0-{MAX_BUTTONS - 1} (its place in the template)",
                field="buttons",
            )
        if not self.value.strip() or len(self.value) > MAX_BUTTON_VALUE:
            raise ValidationError(
                f"a button parameter has 1-{MAX_BUTTON_VALUE} characters", field="buttons"
            )

    @classmethod
    def of(cls, kind: str, index: int, value: str) -> TemplateButton:
        """Parse the kind by name (``url``, ``quick_reply``)."""
        return cls(kind=ButtonKind(_parse(ButtonKind, kind, "buttons")), index=index, value=value)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form (stored with the job)."""
        return {"kind": self.kind.value, "index": self.index, "value": self.value}

    @classmethod
    def from_dict(cls, raw: Mapping[str, object]) -> TemplateButton:
        """Inverse of `to_dict`."""
        index = raw.get("index")
        if not isinstance(index, int) or isinstance(index, bool):
            raise ValidationError("a button index must be an integer", field="buttons")
        return cls.of(str(raw.get("kind") or ""), index, str(raw.get("value") or ""))


def buttons_from(buttons: Sequence[TemplateButton]) -> tuple[TemplateButton, ...]:
    """*buttons* in index order, refusing two parameters for one button."""
    ordered = tuple(sorted(buttons, key=lambda b: b.index))
    indexes = [b.index for b in ordered]
    if len(set(indexes)) != len(indexes):
        raise ValidationError("two parameters for the same button index", field="buttons")
    return ordered
