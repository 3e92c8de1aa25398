"""WhatsApp Cloud API webhook bodies (``object: whatsapp_business_account``) → messages and receipts.

One body may carry several entries, changes, messages and statuses. Only the ``messages`` field
is read; other fields (``account_update``, template status…) are ignored with a reason.
"""

from __future__ import annotations

from datetime import datetime

from lia_adapters.webhooks._cloud_content import cloud_content
from lia_adapters.webhooks._collect import Collected
from lia_adapters.webhooks._json import (
    ROOT,
    JsonObject,
    as_object,
    at,
    international_phone,
    loose_text,
    objects,
    opt_text,
    sent_time,
    text,
    unix_seconds,
)
from lia_adapters.webhooks.batch import MalformedWebhook, WebhookBatch
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage, MessageStatus, ReceiptError, StatusUpdate
from lia_core.domain.recipients import ContactKey, ProviderIdentity

__all__ = ["parse_cloud_api_webhook"]

_STATUSES = {
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.READ,
    "played": MessageStatus.READ,  # a voice message was played: it was read, and more
    "failed": MessageStatus.FAILED,
}

_Names = dict[tuple[str, str], str]


def parse_cloud_api_webhook(
    payload: object, *, received_at: datetime | None = None
) -> WebhookBatch:
    """Every customer message and delivery receipt of a decoded Cloud API webhook body.

    Raises MalformedWebhook (``field`` = JSON path) only when the body is no Cloud API webhook
    (not an object, another ``object``, no ``entry`` array). Below that, an item that cannot be
    read is skipped and named in ``unreadable``, and a message whose content cannot be read is
    UNSUPPORTED; a message with an unreadable ``timestamp`` is dated *received_at* when given.
    """
    body = as_object(payload, ROOT)
    if body.get("object") != "whatsapp_business_account":
        raise MalformedWebhook("not a WhatsApp Business Account webhook", field="object")
    if not isinstance(body.get("entry"), list):
        raise MalformedWebhook("expected a JSON array", field="entry")
    out = Collected()
    for entry_path, entry in out.each(body, "entry", ROOT):
        for change_path, change in out.each(entry, "changes", entry_path):
            field = change.get("field")
            if field != "messages":
                out.ignored.append(f"{change_path}: field {field!r} is not read")
                continue
            value_path = at(change_path, "value")
            value = change.get("value")
            if not isinstance(value, dict):
                out.unreadable.append(f"expected a JSON object at {value_path}")
                continue
            _read_value(value, value_path, out, received_at)
    return out.batch()


def _read_value(value: JsonObject, path: str, out: Collected, received_at: datetime | None) -> None:
    """The messages, receipts and platform errors of one ``messages`` change."""
    names = _display_names(value)
    for message_path, message in out.each(value, "messages", path):
        try:
            out.messages.append(_message(message, message_path, names, received_at))
        except MalformedWebhook as exc:
            out.refused(exc)
    for status_path, status in out.each(value, "statuses", path):
        try:
            update = _status(status, status_path)
        except MalformedWebhook as exc:
            out.refused(exc)
            continue
        if isinstance(update, str):
            out.ignored.append(update)
        else:
            out.statuses.append(update)
    for error_path, error in out.each(value, "errors", path):
        # System- or account-level failures: for the operator's log, not for a message.
        title = loose_text(error.get("title")) or ""
        code = _loose_code(error) or "?"
        out.ignored.append(f"{error_path}: platform error {code} {title}".rstrip())


def _display_names(value: JsonObject) -> _Names:
    """Profile names by (``wa``, phone) and by (``user``, business-scoped user id).

    Cosmetic: a contact of an unexpected shape simply gives no name.
    """
    names: _Names = {}
    contacts = value.get("contacts")
    if not isinstance(contacts, list):
        return names
    for contact in contacts:
        if not isinstance(contact, dict):
            continue
        profile = contact.get("profile")
        name = loose_text(profile.get("name")) if isinstance(profile, dict) else None
        if not name:
            continue
        for key, kind in (("wa_id", "wa"), ("user_id", "user")):
            identity = loose_text(contact.get(key))
            if identity:
                names[(kind, identity)] = name
    return names


def _message(
    message: JsonObject, path: str, names: _Names, received_at: datetime | None
) -> InboundMessage:
    """One customer message. The phone (``from``) identifies the sender when Meta shares it;
    a user who hides it behind a username is known only by the business-scoped user id."""
    provider_message_id = text(message, "id", path)
    phone = opt_text(message, "from", path)
    user_id = opt_text(message, "from_user_id", path)
    sender: ContactKey
    if phone:
        sender, reply_to = international_phone(phone, at(path, "from")), phone
    elif user_id:
        sender, reply_to = ProviderIdentity(user_id), user_id
    else:
        raise MalformedWebhook("neither from nor from_user_id", field=at(path, "from"))
    display_name = names.get(("wa", phone or ""), "") or names.get(("user", user_id or ""), "")
    sent_at = sent_time(message.get("timestamp"), at(path, "timestamp"), received_at)
    content = cloud_content(message, path)
    return InboundMessage(
        channel=Channel.WHATSAPP,
        provider_message_id=provider_message_id,
        sender=sender,
        reply_to=reply_to,
        sent_at=sent_at,
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
    code = _loose_code(error)
    if code is None:
        raise MalformedWebhook("expected an error code", field=at(path, "code"))
    return code


def _loose_code(error: JsonObject) -> str | None:
    """The error code as text, or None when there is none."""
    code = error.get("code")
    if isinstance(code, int) and not isinstance(code, bool):
        return str(code)
    return code if isinstance(code, str) and code else None
