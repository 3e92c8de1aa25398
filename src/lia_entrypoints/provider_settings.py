"""Settings of the providers LIA sends through and of the CRM it asks (``LIA_WHATSAPP__*`` …)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from lia_core.services.inbound import InboundPolicy

__all__ = ["CrmSettings", "EvolutionSettings", "FcmSettings", "TwilioSettings", "WhatsAppSettings"]

# Defaults are the core's (stated once there); the settings only say how to override them.
_INBOUND = InboundPolicy()


class WhatsAppSettings(BaseModel):
    """WhatsApp Cloud API; used when both the phone number id and the token are set."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    phone_number_id: str | None = None
    """The sending phone number's id (Meta Business Manager)."""
    access_token: SecretStr | None = None
    """System-user access token."""
    base_url: str = "https://graph.facebook.com"
    """Graph API base URL (point it at a stub for tests)."""
    api_version: str = "v21.0"
    """Graph API version."""
    fallback_template: str | None = None
    """Approved template sent instead of free text outside the 24-hour window."""
    fallback_template_language: str = "pt_BR"
    """Language code of the fallback template."""
    app_secret: SecretStr | None = None
    """App secret that signs webhooks (`X-Hub-Signature-256`); `POST /webhooks/whatsapp` refuses everything without it."""
    verify_token: SecretStr | None = None
    """The token you typed in Meta's webhook setup; `GET /webhooks/whatsapp` answers the challenge only for it."""


class EvolutionSettings(BaseModel):
    """Evolution API (self-hosted WhatsApp gateway); used when base URL, instance and key are set."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    base_url: str | None = None
    """Evolution server URL."""
    instance: str | None = None
    """Instance name."""
    api_key: SecretStr | None = None
    """The `apikey` header value."""
    api_version: Literal["v1", "v2"] = "v2"
    """Request body shape."""
    webhook_token: SecretStr | None = None
    """Shared secret Evolution must send (header below, or `?token=` in the webhook URL); without it the webhook refuses everything."""
    webhook_header: str = "X-Lia-Webhook-Token"
    """Header carrying the webhook token."""


class TwilioSettings(BaseModel):
    """Twilio Programmable Messaging (SMS); used when the account SID and token are set."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    account_sid: str | None = None
    """Account SID (AC…)."""
    auth_token: SecretStr | None = None
    """Auth token."""
    from_number: str | None = None
    """Sender number in E.164 (or set messaging_service_sid)."""
    messaging_service_sid: str | None = None
    """Messaging service SID (MG…), instead of a from number."""
    status_callback_url: str | None = None
    """Public URL Twilio posts delivery statuses to."""
    base_url: str = "https://api.twilio.com"
    """API base URL (point it at a stub for tests)."""


class FcmSettings(BaseModel):
    """Firebase Cloud Messaging HTTP v1; used when the project id and a service account (or token) are set."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    project_id: str | None = None
    """Firebase project id."""
    service_account_file: Path | None = None
    """Service-account JSON key file (tokens are fetched and refreshed from it)."""
    access_token: SecretStr | None = None
    """A ready OAuth2 token used instead of a service account (tests, `lia stub-provider`); it is not refreshed."""
    base_url: str = "https://fcm.googleapis.com"
    """API base URL (point it at a stub for tests)."""


class CrmSettings(BaseModel):
    """The ISP's CRM, looked up by phone to find where a customer is (`lia crm lookup`)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    kind: Literal["none", "file", "rest", "ixc"] = "none"
    """Which CRM: `none`, `file` (a CSV export), `rest` (any JSON API), `ixc` (IXC Soft)."""
    file: Path | None = None
    """With `file`: the CSV (columns phone, name, document, street, number, bairro, city, state, cep, contract_id)."""
    rest_url_template: str | None = None
    """With `rest`: the search URL, `{phone}` (E.164 digits) or `{national}` replaced, e.g. `https://crm/api/clientes?fone={phone}`."""
    rest_bearer_token: SecretStr | None = None
    """With `rest`: sent as `Authorization: Bearer …`."""
    rest_header_name: str | None = None
    """With `rest`: the name of an extra authentication header."""
    rest_header_value: SecretStr | None = None
    """With `rest`: its value."""
    rest_fields: dict[str, str] = Field(default_factory=dict)
    """With `rest`: dotted paths into the JSON answer, e.g. `{"results": "data", "name": "nome", "addresses": "enderecos", "neighbourhood": "bairro"}` (see docs/crm.md)."""
    ixc_base_url: str | None = None
    """With `ixc`: the IXC server, e.g. `https://ixc.example.com.br`."""
    ixc_user_id: str | None = None
    """With `ixc`: the webservice user id."""
    ixc_token: SecretStr | None = None
    """With `ixc`: the webservice token."""
    timeout_seconds: float = Field(default=_INBOUND.crm_timeout.total_seconds(), gt=0, le=60)
    """How long a lookup may take before LIA gives up on the CRM (and asks the customer instead)."""
    cache_ttl_seconds: float = Field(default=300.0, ge=0)
    """How long a found customer is remembered (`rest` and `ixc`; the file is in memory)."""
    negative_cache_ttl_seconds: float = Field(default=60.0, ge=0)
    """How long "not in the CRM" is remembered (`rest` and `ixc`)."""
