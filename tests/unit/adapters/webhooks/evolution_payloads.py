"""Evolution API webhook bodies, for the parser tests.

Envelope from EvolutionAPI/evolution-api ``src/api/integrations/event/webhook/webhook.controller.ts``
(``event, instance, data, destination, date_time, sender, server_url, apikey``); ``data`` shapes from
``src/api/integrations/channel/whatsapp/whatsapp.baileys.service.ts``: v2 ``messages.upsert`` sends
the stored message row (key, pushName, status, message, messageType, messageTimestamp, instanceId,
source) and ``messages.update`` sends ``{messageId, keyId, remoteJid, fromMe, participant, status,
instanceId}``; v1 sends the Baileys message (key, pushName, message, messageType, messageTimestamp,
owner, source) and ``{...key, status, datetime, owner}`` for updates.
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]

PHONE_JID = "553187654321@s.whatsapp.net"
LID_JID = "123456789012345@lid"
KEY_ID = "3EB0C431C26A1916C5D2"


def envelope(event: str, data: object) -> Json:
    """The body Evolution posts for *event*."""
    return {
        "event": event,
        "instance": "provedor-lia",
        "data": data,
        "destination": "https://lia.example.net/webhooks/evolution",
        "date_time": "2026-06-06T13:31:37.123Z",
        "sender": "5531900000000@s.whatsapp.net",
        "server_url": "https://evolution.example.net",
        "apikey": "B6D711FCDE4D4FD5936544120E713976",
    }


def upsert_v2(
    message: Json, *, key: Json | None = None, message_type: str = "conversation"
) -> Json:
    """A v2 ``messages.upsert`` for one incoming message."""
    return envelope(
        "messages.upsert",
        {
            "key": {"remoteJid": PHONE_JID, "fromMe": False, "id": KEY_ID, **(key or {})},
            "pushName": "Maria Souza",
            "status": "DELIVERY_ACK",
            "message": message,
            "contextInfo": None,
            "messageType": message_type,
            "messageTimestamp": 1780752697,
            "instanceId": "e4b1e2a0-4f7a-4c55-9e0d-5a3f1d7c2b10",
            "source": "android",
        },
    )


def message_v1(message: Json, *, key_id: str = KEY_ID, message_type: str = "conversation") -> Json:
    """A v1 message (the Baileys WebMessageInfo as Evolution v1 forwards it)."""
    return {
        "key": {"remoteJid": PHONE_JID, "fromMe": False, "id": key_id},
        "pushName": "Maria Souza",
        "message": message,
        "messageType": message_type,
        "messageTimestamp": 1780752697,
        "owner": "provedor-lia",
        "source": "ios",
    }


TEXT = {"conversation": "Estou sem internet desde ontem"}
EXTENDED_TEXT = {
    "extendedTextMessage": {"text": "Segue o protocolo 12345", "contextInfo": {"stanzaId": "BAE5"}},
    "messageContextInfo": {"deviceListMetadataVersion": 2},
}
BUTTONS_RESPONSE = {
    "buttonsResponseMessage": {
        "selectedButtonId": "btn-sim",
        "selectedDisplayText": "Sim, ainda sem sinal",
        "contextInfo": {"stanzaId": "BAE5F0C137"},
        "type": "DISPLAY_TEXT",
    }
}
LIST_RESPONSE = {
    "listResponseMessage": {
        "title": "Segunda via do boleto",
        "listType": "SINGLE_SELECT",
        "singleSelectReply": {"selectedRowId": "row-boleto"},
        "description": "Enviamos o PDF",
    }
}
TEMPLATE_BUTTON_REPLY = {
    "templateButtonReplyMessage": {
        "selectedId": "tpl-ok",
        "selectedDisplayText": "Voltou, obrigado",
        "selectedIndex": 0,
    }
}
LOCATION = {
    "locationMessage": {
        "degreesLatitude": -19.9166813,
        "degreesLongitude": -43.9344931,
        "name": "Praça da Liberdade",
        "address": "Funcionários, Belo Horizonte - MG",
    }
}
IMAGE = {
    "imageMessage": {
        "url": "https://mmg.whatsapp.net/o1/v/t62.7118-24/f1/m231/up-oil-image.enc",
        "mimetype": "image/jpeg",
        "caption": "Luz LOS vermelha",
        "fileSha256": "n0Zwo3wQ2x8fPgBr6p1Uk3VJqQ4t0c5G9S0Wm1cYk6E=",
        "fileLength": "48123",
        "height": 1280,
        "width": 960,
        "mediaKey": "r1T0lQ8b2V1m6Hc4eLk+z2cXqk8dO3Zc7gX1H9y6qAI=",
    },
    "messageContextInfo": {},
}
DOCUMENT_WITH_CAPTION = {
    "documentWithCaptionMessage": {
        "message": {
            "documentMessage": {
                "mimetype": "application/pdf",
                "fileName": "comprovante.pdf",
                "caption": "Paguei ontem",
                "fileSha256": "q3Zb7YgS1m9rO0iKQ1f3d1zT2v0bYk9m8Fh2Q6cXw0E=",
            }
        }
    }
}
AUDIO = {"audioMessage": {"mimetype": "audio/ogg; codecs=opus", "seconds": 7, "ptt": True}}
EPHEMERAL = {
    "ephemeralMessage": {"message": {"extendedTextMessage": {"text": "mensagem temporária"}}}
}
REACTION = {"reactionMessage": {"key": {"id": "BAE5"}, "text": "\U0001f44d"}}
PROTOCOL = {"protocolMessage": {"key": {"id": "BAE5"}, "type": "REVOKE"}}


def update_v2(status: str, *, from_me: bool = True, remote_jid: str = PHONE_JID) -> Json:
    """A v2 ``messages.update``: keyId is the WhatsApp id, messageId Evolution's row id."""
    return envelope(
        "messages.update",
        {
            "messageId": "clx9r2m4k000108l4d2q7e5fz",
            "keyId": "BAE594145F4C59B4",
            "remoteJid": remote_jid,
            "fromMe": from_me,
            "participant": remote_jid,
            "status": status,
            "instanceId": "e4b1e2a0-4f7a-4c55-9e0d-5a3f1d7c2b10",
        },
    )


def update_v1(status: object) -> Json:
    """A v1 ``messages.update``: the message key spread, a status and a millisecond time."""
    return envelope(
        "messages.update",
        {
            "id": "BAE594145F4C59B4",
            "remoteJid": PHONE_JID,
            "fromMe": True,
            "status": status,
            "datetime": 1780752700123,
            "owner": "provedor-lia",
        },
    )
