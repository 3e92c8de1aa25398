"""Channel adapters: one `MessageSender` per provider (WhatsApp Cloud, Evolution, Twilio, FCM, sandbox).

Each receives an ``httpx.AsyncClient`` and its own frozen config, never reads the environment,
and turns every provider answer into a provider message id or a classified `DeliveryError`.
"""

from lia_adapters.channels._http import map_http_errors, parse_retry_after
from lia_adapters.channels.evolution import (
    EvolutionConfig,
    EvolutionSender,
    classify_evolution_error,
)
from lia_adapters.channels.fcm import FcmConfig, FcmPushSender, classify_fcm_error
from lia_adapters.channels.fcm_auth import (
    FCM_SCOPE,
    HttpxAuthTransport,
    ServiceAccountTokenProvider,
)
from lia_adapters.channels.sandbox import SandboxSender
from lia_adapters.channels.twilio_sms import (
    TwilioConfig,
    TwilioSmsSender,
    classify_twilio_error,
)
from lia_adapters.channels.whatsapp_cloud import (
    CloudApiConfig,
    CloudApiWhatsAppSender,
    TemplateRef,
    classify_cloud_api_error,
)

__all__ = [
    "FCM_SCOPE",
    "CloudApiConfig",
    "CloudApiWhatsAppSender",
    "EvolutionConfig",
    "EvolutionSender",
    "FcmConfig",
    "FcmPushSender",
    "HttpxAuthTransport",
    "SandboxSender",
    "ServiceAccountTokenProvider",
    "TemplateRef",
    "TwilioConfig",
    "TwilioSmsSender",
    "classify_cloud_api_error",
    "classify_evolution_error",
    "classify_fcm_error",
    "classify_twilio_error",
    "map_http_errors",
    "parse_retry_after",
]
