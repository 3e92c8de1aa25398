"""WhatsApp Cloud API webhook bodies (``object: whatsapp_business_account``) → messages and receipts.

One body may carry several entries, changes, messages and statuses. Only the ``messages`` field
is read; other fields (``account_update``, template status…) are ignored with a reason.
"""

from __future__ import annotations

from lia_adapters.webhooks._cloud_content import cloud_content
from lia_adapters.webhooks._json import (
    ROOT,
    JsonObject,
    as_object,
    at,
    child,
    international_phone,
    objects,
    opt_text,
    text,
    unix_seconds,
)
from lia_adapters.webhooks.batch import MalformedWebhook, WebhookBatch
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage, MessageStatus, ReceiptError, StatusUpdate

__all__ = ["parse_cloud_api_webhook"]

_STATUSES = {
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.READ,
    "played": MessageStatus.READ,  # a voice message was played: it was read, and more
    "failed": MessageStatus.FAILED,
}

_Names = dict[tuple[str, str], str]


def parse_cloud_api_webhook(payload: object) -> WebhookBatch:
    """Every customer message and delivery receipt of a decoded Cloud API webhook body.

    Raises MalformedWebhook (``field`` = JSON path) when the body is not of the documented shape.
    """
    body = as_object(payload, ROOT)
    if body.get("object") != "whatsapp_business_account":
        raise MalformedWebhook("not a WhatsApp Business Account webhook", field="object")
    if not isinstance(body.get("entry"), list):
        raise MalformedWebhook("expected a JSON array", field="entry")
    messages: list[InboundMessage] = []
    statuses: list[StatusUpdate] = []
    ignored: list[str] = []
    for entry_path, entry in objects(body, "entry", ROOT):
        for change_path, change in objects(entry, "changes", entry_path):
            field = change.get("field")
            if field != "messages":
                ignored.append(f"{change_path}: field {field!r} is not read")
                continue
            value_path = at(change_path, "value")
            value = child(change, "value", change_path)
            names = _display_names(value, value_path)
            for message_path, message in objects(value, "messages", value_path):
                messages.append(_message(message, message_path, names))
            for status_path, status in objects(value, "statuses", value_path):
                update = _status(status, status_path)
                if isinstance(update, str):
                    ignored.append(update)
                else:
                    statuses.append(update)
            for error_path, error in objects(value, "errors", value_path):
                # System- or account-level failures: for the operator's log, not for a message.
                title = opt_text(error, "title", error_path) or ""
                ignored.append(
                    f"{error_path}: platform error {_code(error, error_path)} {title}".rstrip()
                )
    return WebhookBatch(messages=tuple(messages), statuses=tuple(statuses), ignored=tuple(ignored))


def _display_names(value: JsonObject, path: str) -> _Names:
    """Profile names by (``wa``, phone) and by (``user``, business-scoped user id)."""
    names: _Names = {}
    for contact_path, contact in objects(value, "contacts", path):
        profile = contact.get("profile")
        name = None
        if profile is not None:
            profile_path = at(contact_path, "profile")
            name = opt_text(as_object(profile, profile_path), "name", profile_path)
        if not name:
            continue
        for key, kind in (("wa_id", "wa"), ("user_id", "user")):
            identity = opt_text(contact, key, contact_path)
            if identity:
                names[(kind, identity)] = name
    return names


def _message(message: JsonObject, path: str, names: _Names) -> InboundMessage:
    """One customer message. The phone (``from``) identifies the sender when Meta shares it;
    a user who hides it behind a username is known only by the business-scoped user id."""
    phone = opt_text(message, "from", path)
    user_id = opt_text(message, "from_user_id", path)
    if phone:
        sender, reply_to = international_phone(phone, at(path, "from")), phone
    elif user_id:
        sender = reply_to = user_id
    else:
        raise MalformedWebhook("neither from nor from_user_id", field=at(path, "from"))
    display_name = names.get(("wa", phone or ""), "") or names.get(("user", user_id or ""), "")
    content = cloud_content(message, path)
    return InboundMessage(
        channel=Channel.WHATSAPP,
        provider_message_id=text(message, "id", path),
        sender=sender,
        reply_to=reply_to,
        sent_at=unix_seconds(message.get("timestamp"), at(path, "timestamp")),
        kind=content.kind,
        display_name=display_name,
        text=content.text,
        reply_id=content.reply_id,
        details=content.details,
    )


def _status(status: JsonObject, path: str) -> StatusUpdate | str:
    """A receipt for a message LIA sent, or why it is not recorded."""
    message_id = text(status, "id", path)
    name = text(status, "status", path)
    mapped = _STATUSES.get(name)
    if mapped is None:
        return f"{path}: status {name!r} of {message_id} is not tracked"
    error = None
    failures = objects(status, "errors", path)
    if mapped is MessageStatus.FAILED and failures:
        error_path, first = failures[0]
        title = opt_text(first, "title", error_path) or opt_text(first, "message", error_path)
        error = ReceiptError(code=_code(first, error_path), title=title or "")
    return StatusUpdate(
        channel=Channel.WHATSAPP,
        provider_message_id=message_id,
        status=mapped,
        at=unix_seconds(status.get("timestamp"), at(path, "timestamp")),
        # recipient_id is the phone when Meta shares it; statuses of messages sent to a
        # business-scoped user id may only carry recipient_user_id.
        recipient=opt_text(status, "recipient_id", path)
        or opt_text(status, "recipient_user_id", path)
        or "",
        error=error,
        idempotency_key=opt_text(status, "biz_opaque_callback_data", path),
    )


def _code(error: JsonObject, path: str) -> str:
    """An error code (a JSON integer, or a string in some relays) as text."""
    code = error.get("code")
    if isinstance(code, int) and not isinstance(code, bool):
        return str(code)
    if isinstance(code, str) and code:
        return code
    raise MalformedWebhook("expected an error code", field=at(path, "code"))
