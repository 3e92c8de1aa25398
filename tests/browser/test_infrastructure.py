"""The browser test machinery itself: live server, Chromium, screenshots, the axe check."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.async_api import Page, Route, expect

from .conftest import LiveServer
from .support import ADMIN, FAILURE_SHOTS, ROOT, assert_accessible, save_failure_screenshot, shot

pytestmark = pytest.mark.browser

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'"
"""The console's policy: no inline script, so the axe check must not inject a tag."""


async def test_live_server_health_renders(page: Page) -> None:
    """Chromium opens the live server's /health and shows its JSON body."""
    response = await page.goto("/health")
    assert response is not None
    assert response.status == 200
    await expect(page.locator("body")).to_contain_text('"status"')


async def test_seeded_accounts_log_in_over_the_api(page: Page, live_server: LiveServer) -> None:
    """The accounts made with `lia user create` exist on the running server."""
    listed = live_server.lia.json("user", "list")
    assert ADMIN.username in {u["username"] for u in listed["items"]}
    answer = await page.request.post(
        "/api/v1/auth/login", data={"username": ADMIN.username, "password": ADMIN.password}
    )
    assert answer.status == 200, await answer.text()


async def _serve(page: Page, html: str) -> None:
    """Show *html* as if the console had sent it, strict CSP header included."""

    async def fulfil(route: Route) -> None:
        await route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": STRICT_CSP},
            body=html,
        )

    await page.route("**/fake-console", fulfil)
    await page.goto("/fake-console")


ACCESSIBLE = """<!doctype html><html lang="pt-BR"><head><title>Entrar</title></head>
<body><main><h1>Entrar</h1><form method="post">
<label for="u">Usuário</label><input id="u" name="username">
<button type="submit">Entrar</button></form></main></body></html>"""

INACCESSIBLE = """<!doctype html><html lang="pt-BR"><head><title>Ruim</title></head>
<body><main><h1>Ruim</h1><form><input name="username"><button type="submit"></button></form>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>"""


async def test_axe_runs_under_a_strict_csp_and_passes_a_clean_page(page: Page) -> None:
    """assert_accessible works on a page whose CSP forbids inline scripts, and passes a clean one."""
    await _serve(page, ACCESSIBLE)
    await assert_accessible(page)
    assert await page.evaluate("() => typeof window.axe") == "object"


async def test_axe_failure_lists_each_serious_violation(page: Page) -> None:
    """An unlabelled input, an empty button and an image without alt text are all reported."""
    await _serve(page, INACCESSIBLE)
    with pytest.raises(AssertionError) as failure:
        await assert_accessible(page)
    message = str(failure.value)
    for rule in ("label", "button-name", "image-alt"):
        assert f"- {rule} (" in message, message
    assert "input" in message


async def test_failure_screenshot_and_doc_shot(
    page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screenshot helpers write PNGs; doc shots only with LIA_DOC_SHOTS=1."""
    await _serve(page, ACCESSIBLE)
    saved = await save_failure_screenshot(page, "test_x[param-1]", directory=tmp_path)
    assert saved == tmp_path / "test_x_param-1.png"
    assert saved.read_bytes().startswith(PNG_MAGIC)

    monkeypatch.delenv("LIA_DOC_SHOTS", raising=False)
    assert await shot(page, "login", directory=tmp_path / "docs") is None
    assert not (tmp_path / "docs").exists()
    monkeypatch.setenv("LIA_DOC_SHOTS", "1")
    doc = await shot(page, "login", directory=tmp_path / "docs")
    assert doc == tmp_path / "docs" / "login.png"
    assert doc.read_bytes().startswith(PNG_MAGIC)


FAILING_TEST = """
from types import SimpleNamespace

import pytest
from playwright.async_api import Page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server():
    # This test needs no server: overriding the fixture saves starting one.
    return SimpleNamespace(url="http://127.0.0.1:9")


async def test_fails_on_purpose_for_the_hook(page: Page) -> None:
    await page.set_content("<h1>about to fail</h1>")
    assert False, "failing on purpose"
"""


def test_a_failing_browser_test_leaves_its_picture(
    tmp_path: Path, chromium_executable: str
) -> None:
    """A browser test that fails (in a pytest of its own) leaves build/browser/<test>.png."""
    del chromium_executable  # requested for its skip (or CI failure) when Chromium is missing
    test_file = tmp_path / "test_fails.py"
    test_file.write_text(FAILING_TEST)
    picture = FAILURE_SHOTS / "test_fails_on_purpose_for_the_hook.png"
    picture.unlink(missing_ok=True)
    started = time.time()
    inner = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "-n", "0",  # one test: no xdist workers to start
            "-c", str(ROOT / "pyproject.toml"), "-p", "tests.browser.conftest",
            str(test_file),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )  # fmt: skip
    try:
        assert inner.returncode == 1, inner.stdout + inner.stderr
        assert "1 failed" in inner.stdout, inner.stdout
        assert "failing on purpose" in inner.stdout, inner.stdout
        assert picture.read_bytes().startswith(PNG_MAGIC)
        assert picture.stat().st_mtime >= started - 1
    finally:
        picture.unlink(missing_ok=True)
