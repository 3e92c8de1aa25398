"""Helpers for browser tests: accounts, login, accessibility check, screenshots, and the use
cases over a live server's database (to seed what no person does in a console)."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
from playwright.async_api import Page, expect

from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.recipients import Phone
from lia_core.services import ListConversations, Services
from lia_entrypoints.bootstrap import Runtime, bootstrap
from lia_entrypoints.settings import Settings

__all__ = [
    "ACCOUNTS",
    "ADMIN",
    "AGENT",
    "SUPERVISOR",
    "Account",
    "assert_accessible",
    "customer_writes",
    "login",
    "logout",
    "runtime_over",
    "save_failure_screenshot",
    "shot",
]

ROOT = Path(__file__).resolve().parents[2]
FAILURE_SHOTS = ROOT / "build" / "browser"
"""Where a failing browser test leaves a full-page PNG of its page."""
DOC_SHOTS = ROOT / "docs" / "img" / "console"
"""Where `shot` saves pictures for the docs (only with LIA_DOC_SHOTS=1)."""
AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
"""axe-core, vendored (see vendor/README.md)."""
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
"""axe impacts that fail `assert_accessible`; minor and moderate ones are left to review."""


@attrs.frozen
class Account:
    """A staff account the live server is seeded with (via `lia user create`)."""

    username: str
    password: str
    role: str


ADMIN = Account("ana.admin", "admin-pass-123", "admin")
SUPERVISOR = Account("sergio.sup", "super-pass-123", "supervisor")
AGENT = Account("agata.agent", "agent-pass-123", "agent")
ACCOUNTS = (ADMIN, SUPERVISOR, AGENT)
"""Every seeded account, one per role."""


async def login(page: Page, username: str, password: str) -> None:
    """Log in through the console's form and wait for the landing page (Falha Massiva)."""
    await page.goto("/console/login")
    await page.get_by_label("Usuário").fill(username)
    await page.get_by_label("Senha").fill(password)
    await page.get_by_role("button", name="Entrar").click()
    await expect(page).to_have_url(re.compile(r"/console/falhas(\?.*)?$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Falha Massiva")


async def logout(page: Page) -> None:
    """Press the side menu's "Sair" button (a POST form)."""
    await page.get_by_role("button", name="Sair").click()


def _file_name(name: str) -> str:
    # Parametrised test names carry brackets and punctuation; keep a portable file name.
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "page"


async def save_failure_screenshot(
    page: Page, test_name: str, *, directory: Path = FAILURE_SHOTS
) -> Path:
    """Save a full-page PNG of *page* as ``<directory>/<test_name>.png`` and return its path."""
    path = directory / f"{_file_name(test_name)}.png"
    await page.screenshot(path=path, full_page=True)  # makes the missing directories
    return path


async def shot(page: Page, name: str, *, directory: Path = DOC_SHOTS) -> Path | None:
    """Save a picture of *page* for the docs as ``<directory>/<name>.png`` when LIA_DOC_SHOTS=1.

    Off by default so that test runs never rewrite the committed pictures.
    """
    if os.environ.get("LIA_DOC_SHOTS") != "1":
        return None
    path = directory / f"{_file_name(name)}.png"
    await page.screenshot(path=path, full_page=True)
    return path


def _describe(violation: dict[str, Any]) -> str:
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
    return f"- {violation['id']} ({violation['impact']}): {violation['help']}\n" + "\n".join(
        f"    {target}" for target in targets
    )


async def assert_accessible(page: Page) -> None:
    """Run axe-core on *page* and fail listing every serious or critical violation.

    The script goes in through ``page.evaluate`` (DevTools protocol), which the console's
    Content-Security-Policy (script-src 'self') does not block, unlike an injected tag.
    """
    if not await page.evaluate("() => typeof window.axe === 'object'"):
        await page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    results = await page.evaluate("() => window.axe.run(document, {resultTypes: ['violations']})")
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, (
        f"axe found {len(blocking)} serious/critical violation(s) on {page.url}:\n"
        + ("\n".join(_describe(v) for v in blocking))
    )


@asynccontextmanager
async def runtime_over(data_dir: Path) -> AsyncIterator[Runtime]:
    """The use cases over the SQLite in *data_dir* (a live server's `LIA_DATA_DIR`), as a
    worker or a CLI command beside `lia serve` would run them; their events reach the server
    through the relay table."""
    runtime = await bootstrap(Settings(_env_file=None, data_dir=data_dir))
    try:
        yield runtime
    finally:
        await runtime.aclose()


async def customer_writes(
    services: Services, phone: str, *, name: str, text: str = "quero falar com atendente"
) -> str:
    """What the WhatsApp webhook and the gate do with a customer's message asking for a
    person (the bot hands it to the desk's queue); the id of its conversation."""
    message = InboundMessage(
        channel=Channel.WHATSAPP,
        provider_message_id=f"wamid.{uuid.uuid4().hex}",
        sender=Phone(phone),
        reply_to=phone,
        sent_at=datetime.now(UTC),
        text=text,
        display_name=name,
    )
    report = await services.ingest([message])
    await services.process_inbound(report.new)
    (conversation,) = await services.list_conversations(ListConversations(phone=phone))
    return conversation.id
