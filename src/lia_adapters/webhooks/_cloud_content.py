"""The content of one WhatsApp Cloud API ``messages[]`` item, by its ``type``."""

from __future__ import annotations

from lia_adapters.webhooks._content import Content, present, unreadable
from lia_adapters.webhooks._json import JsonObject, at, child, number_text, opt_text, text
from lia_adapters.webhooks.batch import MalformedWebhook
from lia_core.domain.inbound import MessageKind

MEDIA_TYPES = frozenset({"image", "audio", "video", "document", "sticker"})
_REPLY_KINDS = {"button_reply": MessageKind.BUTTON_REPLY, "list_reply": MessageKind.LIST_REPLY}


def cloud_content(message: JsonObject, path: str) -> Content:
    """What the customer sent; types LIA does not read (reaction, contacts, order…) are UNSUPPORTED.

    So is a body that is missing or of an unexpected shape (an ``interactive`` message without
    its ``interactive`` object exists in the wild), with the reason in ``details["error"]``.
    """
    try:
        return _content(message, path)
    except MalformedWebhook as exc:
        return unreadable(message.get("type"), exc)


def _content(message: JsonObject, path: str) -> Content:
    kind = text(message, "type", path)
    if kind == "text":
        return Content(
            kind=MessageKind.TEXT,
            text=opt_text(child(message, "text", path), "body", at(path, "text")) or "",
        )
    if kind == "interactive":
        return _interactive(child(message, "interactive", path), at(path, "interactive"))
    if kind == "button":  # a quick-reply button of a template message
        button = child(message, "button", path)
        button_path = at(path, "button")
        return Content(
            kind=MessageKind.BUTTON_REPLY,
            text=opt_text(button, "text", button_path) or "",
            reply_id=opt_text(button, "payload", button_path),
        )
    if kind == "location":
        return _location(child(message, "location", path), at(path, "location"))
    if kind in MEDIA_TYPES:
        return _media(kind, child(message, kind, path), at(path, kind))
    return Content(kind=MessageKind.UNSUPPORTED, details={"type": kind})


def _interactive(interactive: JsonObject, path: str) -> Content:
    """A reply button or list row the customer chose; other interactive replies are UNSUPPORTED."""
    reply_type = text(interactive, "type", path)
    kind = _REPLY_KINDS.get(reply_type)
    if kind is None:  # nfm_reply (Flows), call_permission_reply…
        return Content(kind=MessageKind.UNSUPPORTED, details={"type": f"interactive.{reply_type}"})
    reply = child(interactive, reply_type, path)
    reply_path = at(path, reply_type)
    return Content(
        kind=kind,
        text=opt_text(reply, "title", reply_path) or "",
        reply_id=text(reply, "id", reply_path),
    )


def _location(location: JsonObject, path: str) -> Content:
    """A shared pin: coordinates always, name and address when the customer picked a place."""
    return Content(
        kind=MessageKind.LOCATION,
        details={
            "latitude": number_text(location, "latitude", path),
            "longitude": number_text(location, "longitude", path),
            **present(
                name=opt_text(location, "name", path),
                address=opt_text(location, "address", path),
            ),
        },
    )


def _media(media_type: str, media: JsonObject, path: str) -> Content:
    """Only the metadata: the file itself is fetched later, by media id, if anyone needs it."""
    return Content(
        kind=MessageKind.MEDIA,
        text=opt_text(media, "caption", path) or "",
        details={
            "media_type": media_type,
            "media_id": text(media, "id", path),
            **present(
                mime_type=opt_text(media, "mime_type", path),
                sha256=opt_text(media, "sha256", path),
                filename=opt_text(media, "filename", path),
            ),
        },
    )
