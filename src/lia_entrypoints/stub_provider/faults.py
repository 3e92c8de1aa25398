"""The stub provider's fault model: what to break, the counters, and each provider's error shapes."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

import attrs

__all__ = ["FAULT_REPLIES", "Reply", "StubFaults", "StubState", "error_body", "recipient_key"]

_PHONE = re.compile(r"^\+?[\d\s().-]+$")
_SET_FIELDS = ("unreachable", "outside_window")


def recipient_key(raw: str) -> str:
    """Digits of a phone-like recipient, anything else (device tokens, JIDs) unchanged."""
    return re.sub(r"\D", "", raw) if _PHONE.match(raw) else raw


def _keys(recipients: Iterable[str]) -> frozenset[str]:
    return frozenset(recipient_key(str(r)) for r in recipients)


@attrs.frozen(kw_only=True)
class StubFaults:
    """What to break: ``*_rate`` are probabilities, ``*_every`` hit every Nth request (0 = off)."""

    error_rate: float = 0.0
    error_every: int = 0
    rate_limit_rate: float = 0.0
    rate_limit_every: int = 0
    retry_after_seconds: int = 1
    reject_rate: float = 0.0
    reject_every: int = 0
    delay_rate: float = 0.0
    delay_every: int = 0
    delay_seconds: float = 0.0
    """Accept the message, then answer this late (beyond a client's read timeout: UNCERTAIN)."""
    latency_seconds: float = 0.0
    """Every answer waits this long (a provider's normal latency; `benchmarks/scale_out.py` uses 0.02)."""
    unreachable: frozenset[str] = attrs.field(default=frozenset(), converter=_keys)
    """Recipients that always get 131026 / exists:false / 21211 / UNREGISTERED."""
    outside_window: frozenset[str] = attrs.field(default=frozenset(), converter=_keys)
    """WhatsApp recipients whose free text gets 131047 (templates still pass)."""
    seed: int | None = None

    @classmethod
    def from_json(cls, raw: Mapping[str, object]) -> StubFaults:
        """Parse a JSON object (missing fields take defaults); ValueError on unknown or bad fields."""
        fields = {f.name: f for f in attrs.fields(cls)}
        unknown = set(raw) - set(fields)
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        values: dict[str, Any] = {}
        for name, value in raw.items():
            if name in _SET_FIELDS:
                if not isinstance(value, list):
                    raise ValueError(f"{name} must be a list of recipients")
                values[name] = [str(v) for v in value]
            elif name == "seed":
                values[name] = None if value is None else int(str(value))
            else:
                values[name] = type(fields[name].default)(str(value))
        return cls(**values)

    def to_json(self) -> dict[str, object]:
        """The JSON form ``from_json`` reads."""
        raw = attrs.asdict(self)
        for name in _SET_FIELDS:
            raw[name] = sorted(raw[name])
        return raw


@attrs.define
class StubState:
    """Counters and the fault configuration of one running stub."""

    faults: StubFaults
    rng: random.Random = attrs.field(factory=random.Random)
    total: int = 0
    attempts: dict[str, Counter[str]] = attrs.field(factory=dict)
    accepted: dict[str, Counter[str]] = attrs.field(factory=dict)
    outcomes: Counter[str] = attrs.field(factory=Counter)
    messages: Counter[str] = attrs.field(factory=Counter)
    """Accepted sends per message (the idempotency key the send carried): above 1 is a duplicate."""
    arrivals: list[float] = attrs.field(factory=list)
    """When each accepted send arrived (seconds, this process's monotonic clock): the rate seen."""

    def set_faults(self, faults: StubFaults) -> None:
        """Replace the faults (reseeding the random source when they carry a seed)."""
        self.faults = faults
        if faults.seed is not None:
            self.rng.seed(faults.seed)

    def reset(self) -> None:
        """Forget every request seen so far."""
        self.total = 0
        self.attempts.clear()
        self.accepted.clear()
        self.outcomes.clear()
        self.messages.clear()
        self.arrivals.clear()

    def snapshot(self) -> dict[str, object]:
        """Counts per provider and recipient, and per outcome."""
        providers = set(self.attempts) | set(self.accepted)
        return {
            "total": self.total,
            "outcomes": dict(self.outcomes),
            "messages": {
                "distinct": len(self.messages),
                "repeated": {k: n for k, n in self.messages.items() if n > 1},
            },
            "providers": {
                p: {
                    "attempts": dict(self.attempts.get(p, {})),
                    "accepted": dict(self.accepted.get(p, {})),
                }
                for p in sorted(providers)
            },
        }

    def _hit(self, rate: float, every: int) -> bool:
        return bool(every and self.total % every == 0) or bool(rate and self.rng.random() < rate)

    def decide(
        self,
        provider: str,
        key: str,
        *,
        authed: bool,
        free_text: bool,
        message: str | None = None,
        at: float = 0.0,
    ) -> str:
        """Count one request and pick its outcome: a fault name, "delay" or "ok".

        *message* is the send's idempotency key when the request carries one, *at* when it
        arrived; both are kept for the accepted sends.
        """
        self.total += 1
        self.attempts.setdefault(provider, Counter())[key] += 1
        f = self.faults
        if not authed:
            outcome = "auth"
        elif key in f.unreachable:
            outcome = "unreachable"
        elif free_text and key in f.outside_window:
            outcome = "outside_window"
        elif self._hit(f.reject_rate, f.reject_every):
            outcome = "reject"
        elif self._hit(f.rate_limit_rate, f.rate_limit_every):
            outcome = "rate_limit"
        elif self._hit(f.error_rate, f.error_every):
            outcome = "error"
        elif f.delay_seconds > 0 and self._hit(f.delay_rate, f.delay_every):
            outcome = "delay"
        else:
            outcome = "ok"
        if outcome in ("ok", "delay"):  # a delayed answer is still a delivered message
            self.accepted.setdefault(provider, Counter())[key] += 1
            self.arrivals.append(at)
            if message:
                self.messages[message] += 1
        self.outcomes[outcome] += 1
        return outcome


Reply = tuple[int, dict[str, object]]

FAULT_REPLIES: Mapping[str, Mapping[str, tuple[int, str, str]]] = {
    "whatsapp": {
        "auth": (401, "190", "Access token has expired"),
        "unreachable": (400, "131026", "Message undeliverable"),
        "outside_window": (400, "131047", "Re-engagement message"),
        "reject": (400, "100", "Invalid parameter"),
        "rate_limit": (429, "130429", "Rate limit hit"),
        "error": (500, "131000", "Something went wrong"),
    },
    "evolution": {
        "auth": (401, "", "Unauthorized"),
        "unreachable": (400, "exists:false", ""),
        "reject": (400, "", 'instance requires property "text"'),
        "rate_limit": (429, "", "Too many requests"),
        "error": (500, "", "Internal Server Error"),
    },
    "twilio": {
        "auth": (401, "20003", "Authentication Error - invalid username"),
        "unreachable": (400, "21211", "The 'To' number is not a valid phone number."),
        "reject": (400, "21602", "Message body is required."),
        "rate_limit": (429, "20429", "Too Many Requests"),
        "error": (500, "20500", "Internal Server Error"),
    },
    "fcm": {
        "auth": (401, "THIRD_PARTY_AUTH_ERROR", "UNAUTHENTICATED"),
        "unreachable": (404, "UNREGISTERED", "NOT_FOUND"),
        "reject": (400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"),
        "rate_limit": (429, "QUOTA_EXCEEDED", "RESOURCE_EXHAUSTED"),
        "error": (500, "INTERNAL", "INTERNAL"),
    },
}
"""Per provider and fault: HTTP status, provider error code, title (FCM: google.rpc status)."""


def error_body(provider: str, fault: str, recipient: str) -> Reply:
    """The provider's documented error shape for *fault*."""
    status, code, title = FAULT_REPLIES[provider][fault]
    if provider == "whatsapp":
        details = {"messaging_product": "whatsapp", "details": title}
        error = {"message": f"({code}) {title}", "type": "OAuthException", "code": int(code)}
        return status, {"error": {**error, "error_data": details, "fbtrace_id": "stub"}}
    if provider == "evolution":
        missing = {"jid": f"{recipient}@s.whatsapp.net", "exists": False, "number": recipient}
        message = [missing] if code == "exists:false" else [title]
        reason = HTTPStatus(status).phrase
        return status, {"status": status, "error": reason, "response": {"message": message}}
    if provider == "twilio":
        more = f"https://www.twilio.com/docs/errors/{code}"
        return status, {"code": int(code), "message": title, "more_info": more, "status": status}
    detail = {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": code}
    return status, {
        "error": {"code": status, "message": code, "status": title, "details": [detail]}
    }
