"""The content of one Evolution API (Baileys) message: ``data.message`` keyed by message type."""

from __future__ import annotations

from lia_adapters.webhooks._content import Content, present, unreadable
from lia_adapters.webhooks._json import (
    JsonObject,
    as_object,
    at,
    child,
    loose_text,
    number_text,
    opt_text,
)
from lia_adapters.webhooks.batch import MalformedWebhook
from lia_core.domain.inbound import MessageKind

_WRAPPERS = (
    # Containers whose ``message`` holds the real content (disappearing, view-once, captioned docs).
    "ephemeralMessage",
    "viewOnceMessage",
    "viewOnceMessageV2",
    "viewOnceMessageV2Extension",
    "documentWithCaptionMessage",
)
_MEDIA = {
    "imageMessage": "image",
    "videoMessage": "video",
    "ptvMessage": "video",
    "audioMessage": "audio",
    "documentMessage": "document",
    "stickerMessage": "sticker",
}
_NOT_CONTENT = frozenset({"messageContextInfo", "senderKeyDistributionMessage"})


def evolution_content(item: JsonObject, path: str) -> Content | str:
    """What the customer sent, or why the item carries nothing to read (a reason to log).

    Content of an unexpected shape is UNSUPPORTED, with the reason in ``details["error"]``.
    """
    try:
        return _read(item, path)
    except MalformedWebhook as exc:
        return unreadable(loose_text(item.get("messageType")), exc)


def _read(item: JsonObject, path: str) -> Content | str:
    if item.get("message") is None:
        return f"{path}: no message content (a stub or an undecryptable message)"
    message_path = at(path, "message")
    message = as_object(item["message"], message_path)
    for _ in _WRAPPERS:  # bounded: each pass removes one level of wrapping
        inner = _unwrapped(message)
        if inner is None:
            break
        wrapper, message = inner
        message_path = at(at(message_path, wrapper), "message")
    if message.get("protocolMessage") is not None:
        return f"{path}: protocol message (an edit, a deletion or a chat setting)"
    return _content(message, message_path, item)


def _unwrapped(message: JsonObject) -> tuple[str, JsonObject] | None:
    """The wrapper's name and the message inside it, when *message* is a wrapper."""
    for name in _WRAPPERS:
        wrapper = message.get(name)
        if isinstance(wrapper, dict) and isinstance(wrapper.get("message"), dict):
            return name, wrapper["message"]
    return None


def _content(message: JsonObject, path: str, item: JsonObject) -> Content:
    """The first content key Baileys set; unknown keys (reaction, contact, poll…) are UNSUPPORTED."""

    def has(name: str) -> bool:
        return message.get(name) is not None

    if has("conversation"):
        return Content(kind=MessageKind.TEXT, text=opt_text(message, "conversation", path) or "")
    if has("extendedTextMessage"):
        extended = child(message, "extendedTextMessage", path)
        text = opt_text(extended, "text", at(path, "extendedTextMessage"))
        return Content(kind=MessageKind.TEXT, text=text or "")
    for name, (kind, id_key, text_key) in _REPLIES.items():
        if has(name):
            reply = child(message, name, path)
            reply_path = at(path, name)
            return Content(
                kind=kind,
                text=opt_text(reply, text_key, reply_path) or "",
                reply_id=_reply_id(reply, id_key, reply_path),
            )
    for name in ("locationMessage", "liveLocationMessage"):
        if has(name):
            location = child(message, name, path)
            location_path = at(path, name)
            details = {
                "latitude": number_text(location, "degreesLatitude", location_path),
                "longitude": number_text(location, "degreesLongitude", location_path),
                **present(
                    name=loose_text(location.get("name")),
                    address=loose_text(location.get("address")),
                ),
            }
            return Content(kind=MessageKind.LOCATION, details=details)
    for name, media_type in _MEDIA.items():
        if has(name):
            return _media(media_type, child(message, name, path))
    kinds = [key for key in message if has(key) and key not in _NOT_CONTENT]
    name = kinds[0] if kinds else loose_text(item.get("messageType")) or "unknown"
    return Content(kind=MessageKind.UNSUPPORTED, details={"type": name})


_REPLIES = {
    # message key: (kind, where the chosen id is, where its label is)
    "buttonsResponseMessage": (MessageKind.BUTTON_REPLY, "selectedButtonId", "selectedDisplayText"),
    "templateButtonReplyMessage": (MessageKind.BUTTON_REPLY, "selectedId", "selectedDisplayText"),
    "listResponseMessage": (MessageKind.LIST_REPLY, "singleSelectReply.selectedRowId", "title"),
}


def _reply_id(reply: JsonObject, dotted: str, path: str) -> str | None:
    """The chosen button or row id, following a dotted key into nested objects."""
    *parents, last = dotted.split(".")
    for parent in parents:
        value = reply.get(parent)
        if value is None:
            return None
        path = at(path, parent)
        reply = as_object(value, path)
    return opt_text(reply, last, path)


def _media(media_type: str, media: JsonObject) -> Content:
    """Only the metadata; Baileys serialises binary fields inconsistently, so non-text is dropped."""
    return Content(
        kind=MessageKind.MEDIA,
        text=loose_text(media.get("caption")) or "",
        details={
            "media_type": media_type,
            **present(
                mime_type=loose_text(media.get("mimetype")),
                sha256=loose_text(media.get("fileSha256")),
                filename=loose_text(media.get("fileName")),
            ),
        },
    )
