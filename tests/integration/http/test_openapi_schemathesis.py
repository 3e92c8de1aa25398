"""The OpenAPI document tells the truth: schemathesis, all checks, against the app in process.

Schemathesis drives the app's ASGI interface (and its lifespan) over a fresh SQLite file,
authenticated as an ADMIN. Generation is derandomized and bounded, so the run is repeatable
and takes about a minute on two cores.

The provider webhooks are excluded: each needs a body signed with the provider's secret
(Meta's HMAC, Twilio's URL signature, Evolution's shared secret), so generated requests are
refused with 401/403 before their body is read; their parsing is tested with signed bodies in
``tests/unit/entrypoints/http/test_http_webhooks.py`` and ``tests/unit/adapters/webhooks``.

The schema is built at import (pytest 9 breaks schemathesis' lazy ``from_fixture`` loader);
that only builds the app, nothing starts until the first request.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from litestar.testing import TestClient
from schemathesis import Case
from schemathesis.config import SchemathesisConfig
from schemathesis.python.asgi import shutdown_lifespans

from lia_core.domain.users import Role
from lia_core.services import CreateUser
from lia_entrypoints.bootstrap import bootstrap
from lia_entrypoints.http import create_app
from lia_entrypoints.settings import Settings

_POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
"""Schemathesis' default answers to a schema-valid request (5xx is caught by its own check)."""

_RULES_BEYOND_THE_SCHEMA = {
    "create_failure": "catalogue regions must exist; the estimated resolution follows the start",
    "edit_failure": "catalogue regions must exist; the estimated resolution follows the start",
    "replace_region": "a CEP range starts before it ends",
    "create_region": "a CEP range starts before it ends",
    "check_location": "a bairro needs its city",
    "notify_contact": "a phone number's possible lengths depend on its country",
    "send_message": "`to` is a phone or a push token by channel; parameters need a template",
    "reprocess_dead_letters": "`since` comes before `until`",
    "get_contact": "a phone number's possible lengths depend on its country",
    "list_conversations": "a phone number's possible lengths depend on its country",
    "update_user": "a phone number's possible lengths depend on its country",
    "load_rules": "the TOML document's content follows the desk-policy format",
    "open_ticket": "a phone number's possible lengths depend on its country",
    "reply_to_conversation": "exactly one of `text` and `template`; the template must exist",
    "create_template": "a body's `{{variables}}` must be known ones; a `{{` must open one",
    "replace_template": "a body's `{{variables}}` must be known ones; a `{{` must open one",
    "update_gamification_settings": "the four weights, with the stored ones, sum to 100",
    "change_password": "the new password is not on the list of common passwords",
}
"""Operations whose schema-valid input may still break a rule JSON Schema cannot state: a 422
naming the field is the right answer there. Every other operation accepts what its schema allows."""

_CONFIG = {
    "seed": 20260521,
    "generation": {
        "mode": "all",
        "max-examples": 12,
        "deterministic": True,
        "no-shrink": True,
        "database": "none",
        # Unknown query parameters are ignored, as by most HTTP servers; not a refusal to expect.
        "allow-extra-parameters": False,
    },
    "checks": {"enabled": True},
    "phases": {"stateful": {"enabled": False}},
    "operations": [
        {
            "include-operation-id": list(_RULES_BEYOND_THE_SCHEMA),
            "checks": {
                "positive_data_acceptance": {"expected-statuses": [*_POSITIVE_STATUSES, "422"]}
            },
        }
    ],
}
"""All checks, positive and negative inputs, a fixed seed and a bounded number of examples."""

_DATA = Path(tempfile.mkdtemp(prefix="lia-openapi-"))
_SETTINGS = Settings(
    _env_file=None,
    database_url=f"sqlite+aiosqlite:///{_DATA}/lia.db",
    data_dir=_DATA,
    jwt_secret="schemathesis-secret-" + "x" * 40,
)
_APP = create_app(_SETTINGS)

schema = schemathesis.openapi.from_dict(
    _APP.openapi_schema.to_schema(), config=SchemathesisConfig.from_dict(_CONFIG)
).exclude(tag="webhooks")
schema.app = _APP


_PASSWORD = "correct horse battery"


async def _create_admin(settings: Settings) -> None:
    runtime = await bootstrap(settings)  # migrates the new SQLite file
    try:
        await runtime.services.create_user(
            CreateUser(actor="tester", username="root", role=Role.ADMIN, password=_PASSWORD)
        )
    finally:
        await runtime.aclose()


@pytest.fixture(scope="module")
def admin() -> Iterator[dict[str, str]]:
    """The auth header of an ADMIN; at the end, the app is stopped and its files removed."""
    asyncio.run(_create_admin(_SETTINGS))
    with TestClient(_APP) as client:  # starts and stops the app once; schemathesis restarts it
        login = client.post("/api/v1/auth/login", json={"username": "root", "password": _PASSWORD})
    assert login.status_code == 200, login.text
    yield {"Authorization": f"Bearer {login.json()['access_token']}"}
    shutdown_lifespans()
    shutil.rmtree(_DATA, ignore_errors=True)


@schema.parametrize()
def test_the_api_answers_as_its_openapi_document_says(
    case: Case[Any], admin: dict[str, str]
) -> None:
    """Every operation, positive and negative inputs: no 500, and every answer matches the schema."""
    case.call_and_validate(headers=admin)
