"""Browser fixtures: a real `lia serve` on a temporary SQLite, Debian's Chromium driven by Playwright.

Playwright's async API runs on pytest-asyncio's session loop: its sync API marks its own
loop as running in the main thread for as long as the browser lives, which breaks every
async test that runs after it.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path

import attrs
import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.integration.cli.lia_process import (
    LiaProcess,
    clean_environment,
    free_port,
    wait_for_health,
)
from tests.log_scan import assert_no_leaks, watch_file

from .support import ACCOUNTS, save_failure_screenshot

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # containers and CI runners have no user namespaces for the sandbox
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Flags that keep a headless Chromium quiet: no GPU, no calls home, no first-run UI."""

FAILED = pytest.StashKey[bool]()
"""Set on a test item whose setup or call failed, for the page fixture to take its picture."""


@attrs.frozen
class LiveServer:
    """A running `lia serve` and how to reach it."""

    url: str
    log: Path
    lia: LiaProcess


@attrs.define
class ServeProcess:
    """`lia serve` over one data dir on one port, which a test may stop and start again
    (the session key is kept in the data dir, so a browser stays signed in across restarts)."""

    lia: LiaProcess
    port: int
    log: Path
    process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start `lia serve` and wait until /health answers 200 (fail the test otherwise)."""
        with self.log.open("a") as sink:
            self.process = subprocess.Popen(
                [str(self.lia.binary), "serve", "--port", str(self.port)],
                env=self.lia.env,
                cwd=self.lia.cwd,
                stdout=sink,  # a file, not a pipe: nobody drains a pipe while tests run
                stderr=subprocess.STDOUT,
                text=True,
            )
        status = wait_for_health(self.port, self.process, timeout=90)  # a busy CI machine
        if status != 200:
            self.stop()
            tail = self.log.read_text()[-2000:]
            pytest.fail(f"`lia serve` did not answer /health (status {status}):\n{tail}")

    def stop(self) -> None:
        """Stop it as an operator would (SIGINT: open sockets are closed with 1001)."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


def seeded_lia(home: Path) -> LiaProcess:
    """`lia` over an embedded SQLite in *home*, with one account per role."""
    lia = LiaProcess(
        env=clean_environment(LIA_DATA_DIR=str(home / "var"), LIA_LOG_FORMAT="json"),
        cwd=home,
    )
    for account in ACCOUNTS:
        lia.ok(
            "user", "create",
            "--username", account.username,
            "--role", account.role,
            "--password", account.password,
        )  # fmt: skip
    return lia


@pytest.fixture(scope="package")
def chromium_executable() -> str:
    """Debian's Chromium (env LIA_TEST_CHROMIUM overrides the path); skipped, or failed under CI=true, when absent."""
    path = os.environ.get("LIA_TEST_CHROMIUM", DEFAULT_CHROMIUM)
    if not Path(path).is_file():
        reason = f"Chromium not found at {path} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI=true: browser tests must run")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="package")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`lia serve` on a free port, embedded SQLite in a temporary data dir, one account per role."""
    home = tmp_path_factory.mktemp("live-server")
    serve = ServeProcess(lia=seeded_lia(home), port=free_port(), log=home / "serve.log")
    serve.start()
    try:
        yield LiveServer(url=serve.url, log=serve.log, lia=serve.lia)
    finally:
        serve.stop()
    # It outlives every test of the package: its log is scanned once, when it stops.
    assert_no_leaks(serve.log, source="lia serve (browser tests)")


@pytest.fixture
def restartable_server(tmp_path: Path) -> Iterator[ServeProcess]:
    """A `lia serve` of the test's own (fresh SQLite, one account per role) that it may stop
    and start again, leaving the package's `live_server` alone."""
    serve = ServeProcess(lia=seeded_lia(tmp_path), port=free_port(), log=tmp_path / "serve.log")
    watch_file(serve.log, source="lia serve")
    serve.start()
    try:
        yield serve
    finally:
        serve.stop()


@pytest.fixture(scope="package")
async def browser(chromium_executable: str) -> AsyncIterator[Browser]:
    """One headless Chromium for the browser tests (contexts keep tests apart)."""
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        await chromium.close()


@pytest.fixture
async def context(browser: Browser, live_server: LiveServer) -> AsyncIterator[BrowserContext]:
    """A fresh browser profile (no cookies) whose relative URLs go to the live server."""
    fresh = await browser.new_context(base_url=live_server.url, locale="pt-BR")
    yield fresh
    await fresh.close()


@pytest.fixture
async def page(context: BrowserContext, request: pytest.FixtureRequest) -> AsyncIterator[Page]:
    """A tab in a fresh context; if the test fails, its full-page PNG goes to build/browser/."""
    tab = await context.new_page()
    yield tab
    if request.node.stash.get(FAILED, False) and not tab.is_closed():
        await save_failure_screenshot(tab, request.node.name)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember a failed setup or call on the item; the page fixture's teardown takes the picture.

    The hook cannot drive the page itself: Playwright's async API only runs on the event loop.
    """
    report = yield
    if report.when in ("setup", "call") and report.failed:
        item.stash[FAILED] = True
    return report
