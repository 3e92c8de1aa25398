"""Provider webhooks, parsed and authenticated: pure functions from request parts to core types.

No HTTP server here: entrypoints pass the raw body (for signatures) and the decoded JSON or form.
"""

from lia_adapters.webhooks.batch import MalformedWebhook, WebhookBatch
from lia_adapters.webhooks.evolution import parse_evolution_webhook
from lia_adapters.webhooks.signatures import (
    twilio_signature,
    verify_meta_signature,
    verify_shared_secret,
    verify_twilio_signature,
)
from lia_adapters.webhooks.twilio import parse_twilio_inbound, parse_twilio_status
from lia_adapters.webhooks.whatsapp_cloud import parse_cloud_api_webhook

__all__ = [
    "MalformedWebhook",
    "WebhookBatch",
    "parse_cloud_api_webhook",
    "parse_evolution_webhook",
    "parse_twilio_inbound",
    "parse_twilio_status",
    "twilio_signature",
    "verify_meta_signature",
    "verify_shared_secret",
    "verify_twilio_signature",
]
