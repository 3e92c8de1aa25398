"""WhatsApp Cloud API webhook bodies as Meta documents them, for the parser tests.

Shapes from https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
(and its text, interactive, button, location, image, document, status and errors pages), and the
business-scoped user id fields from
https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/
"""

from __future__ import annotations

from typing import Any

WABA_ID = "102290129340398"
METADATA = {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"}
WAMID = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA="
BSUID = "BR.1502576394655843"

Json = dict[str, Any]


def body(*changes: Json) -> Json:
    """One entry holding *changes* (each a ``{"value", "field"}`` object)."""
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": WABA_ID, "changes": list(changes)}],
    }


def change(value: Json, field: str = "messages") -> Json:
    """A change of the ``messages`` field (or another one)."""
    return {
        "value": {"messaging_product": "whatsapp", "metadata": METADATA, **value},
        "field": field,
    }


def incoming(message: Json, *, wa_id: str = "16505551234", name: str = "Sheena Nelson") -> Json:
    """The value of an incoming message from a customer whose phone Meta shares."""
    return {
        "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
        "messages": [{"from": wa_id, "id": WAMID, "timestamp": "1749416383", **message}],
    }


TEXT = incoming({"type": "text", "text": {"body": "Does it come in another color?"}})

BUTTON_REPLY = incoming(
    {
        "context": {
            "from": "15550783881",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3NjQ0QjJFMzQ1QUZBMjZGOUMA",
        },
        "type": "interactive",
        "interactive": {
            "type": "button_reply",
            "button_reply": {"id": "unsubscribe-yes", "title": "Yes, unsubscribe"},
        },
    }
)

LIST_REPLY = incoming(
    {
        "context": {
            "from": "15550783881",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJGQjNBNTNFMkQ1NDY4QzhFMjQA",
        },
        "type": "interactive",
        "interactive": {
            "type": "list_reply",
            "list_reply": {
                "id": "priority_express",
                "title": "Priority Mail Express",
                "description": "Next Day to 2 Days",
            },
        },
    }
)

QUICK_REPLY = incoming(
    {
        "context": {
            "from": "15550783881",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJEQjc2RjY3QkI4RUJFNzMzRkQA",
        },
        "type": "button",
        "button": {"payload": "Unsubscribe from Promos", "text": "Unsubscribe from Promos"},
    }
)

LOCATION = incoming(
    {
        "type": "location",
        "location": {
            "address": "1071 5th Ave, New York, NY 10128",
            "latitude": 40.782910059774,
            "longitude": -73.959075808525,
            "name": "Solomon R. Guggenheim Museum",
            "url": "https://www.guggenheim.org/",
        },
    }
)

IMAGE = incoming(
    {
        "type": "image",
        "image": {
            "caption": "Roteador piscando vermelho",
            "mime_type": "image/jpeg",
            "sha256": "SfInY0gHQ5ZK2hGz7Nw+3NFJvZNBGRQ3Bd2KqGtq/4g=",
            "id": "1003383421387256",
            "url": "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1003383421387256",
        },
    }
)

DOCUMENT = incoming(
    {
        "type": "document",
        "document": {
            "caption": "Fatura de maio",
            "filename": "fatura-2026-05.pdf",
            "mime_type": "application/pdf",
            "sha256": "Vn3TqLPb3mNs1JO/RDZn2DKu0XzVFx5W1lEhqOnlXtU=",
            "id": "1003383421387257",
        },
    }
)

AUDIO = incoming(
    {
        "type": "audio",
        "audio": {
            "mime_type": "audio/ogg; codecs=opus",
            "sha256": "XJ5xD2a0pSFFaQSF6CvCZXyGZ3w2hSDYC/rW0SjHC9w=",
            "id": "1003383421387258",
            "voice": True,
        },
    }
)

STICKER = incoming(
    {
        "type": "sticker",
        "sticker": {
            "mime_type": "image/webp",
            "sha256": "abc=",
            "id": "1003383421387259",
            "animated": False,
        },
    }
)

UNSUPPORTED = incoming(
    {
        "type": "unsupported",
        "errors": [
            {
                "code": 131051,
                "title": "Message type unknown",
                "message": "Message type unknown",
                "error_data": {"details": "Message type is currently not supported."},
            }
        ],
        "unsupported": {"type": "edit"},
    }
)

REACTION = incoming({"type": "reaction", "reaction": {"message_id": WAMID, "emoji": "\U0001f44d"}})

USER_ID_ONLY = {
    # A customer who adopted a username: no wa_id, no from; only the business-scoped user id.
    "contacts": [{"profile": {"name": "Sheena Nelson", "username": "@sheena"}, "user_id": BSUID}],
    "messages": [
        {
            "from_user_id": BSUID,
            "id": WAMID,
            "timestamp": "1749416383",
            "type": "text",
            "text": {"body": "Oi, estou sem sinal"},
        }
    ],
}

PHONE_AND_USER_ID = {
    "contacts": [{"profile": {"name": "Ana Lima"}, "wa_id": "553187654321", "user_id": BSUID}],
    "messages": [
        {
            "from": "553187654321",
            "from_user_id": BSUID,
            "id": WAMID,
            "timestamp": "1749416383",
            "type": "text",
            "text": {"body": "Minha internet caiu"},
        }
    ],
}


def status(name: str, **extra: Any) -> Json:
    """The value of one status webhook for a message LIA sent."""
    return {
        "statuses": [
            {
                "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3N0EyRjQ0QTJCRjg0NEMyRjUA",
                "status": name,
                "timestamp": "1750263773",
                "recipient_id": "16505551234",
                **extra,
            }
        ]
    }


PRICING = {
    "pricing": {"billable": True, "pricing_model": "PMP", "category": "utility", "type": "regular"}
}

FAILED = status(
    "failed",
    errors=[
        {
            "code": 131047,
            "title": "Re-engagement message",
            "message": "Re-engagement message",
            "error_data": {
                "details": "Message failed to send because more than 24 hours have passed since the customer last replied to this number."
            },
            "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
        }
    ],
)

PLATFORM_ERROR = {
    "errors": [
        {
            "code": 130429,
            "title": "Rate limit hit",
            "message": "Rate limit hit",
            "error_data": {"details": "Cloud API message throughput has been reached."},
            "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
        }
    ]
}

ACCOUNT_UPDATE = {
    "value": {
        "phone_number": "15550783881",
        "event": "VERIFIED_ACCOUNT",
    },
    "field": "account_update",
}
