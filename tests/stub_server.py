"""The stub provider served by uvicorn on a localhost socket, and its control endpoints, for tests."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

import attrs
import httpx
import uvicorn

from lia_entrypoints.stub_provider import create_stub_app

__all__ = ["StubControl", "serve_stub"]


@contextlib.asynccontextmanager
async def serve_stub() -> AsyncIterator[str]:
    """Serve a fresh stub provider in a background task; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # the kernel picks a free port, no race with other tests
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_stub_app(), log_level="warning", access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(500):
            if server.started:
                break
            await asyncio.sleep(0.01)
        assert server.started, "the stub did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@attrs.frozen
class StubControl:
    """The stub's own endpoints: faults, counters."""

    client: httpx.AsyncClient
    url: str

    async def faults(self, **values: object) -> None:
        """Replace the stub's faults."""
        answer = await self.client.post(f"{self.url}/_stub/faults", json=values)
        assert answer.status_code == 200, answer.text

    async def reset(self) -> None:
        """Clear the faults and zero the counters."""
        await self.faults()
        assert (await self.client.post(f"{self.url}/_stub/reset")).status_code == 200

    async def counts(self, provider: str) -> dict[str, dict[str, int]]:
        """Attempts and accepted messages per recipient the stub saw for *provider*."""
        snapshot = (await self.client.get(f"{self.url}/_stub/requests")).json()
        empty: dict[str, dict[str, int]] = {"attempts": {}, "accepted": {}}
        result: dict[str, dict[str, int]] = snapshot["providers"].get(provider, empty)
        return result
