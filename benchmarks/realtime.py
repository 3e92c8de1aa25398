"""Realtime events: webhook ack → WebSocket frame at 200 inbound messages/s with 50 clients.

Target (issue 14): p99 ≤ 100 ms. One `lia serve` on a fresh PostgreSQL schema (events go
through NOTIFY and its LISTEN connection, as with several replicas); 50 WebSocket clients of
`/api/v1/realtime`, signed in as an ADMIN (who hears every event), in two processes of their
own; signed WhatsApp Cloud webhooks, one text message each from distinct senders, posted
open loop at 200/s (request k is due at start + k/200 whatever the answers). For every
message and every client: the time the client read the message's `message.received` frame
minus the time the webhook's 200 came back (wall clocks of one machine). Every client must
get every message's frame. Prints one JSON document; exits 1 when the target is missed or a
frame is missing.

    python benchmarks/realtime.py            # 20 s of load, ~1 minute
    python benchmarks/realtime.py --quick    # 5 s
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from _ingest_bodies import APP_SECRET, WEBHOOK_PATH, message_body, message_id
from _ingest_loadgen import percentile
from _ingest_servers import lia_serve
from _report import python_version, report
from _support import LIA, fresh_schema
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

TARGET_P99_MS = 100.0
PASSWORD = "bench-password-123"
PHASE = "latency"


# --- the WebSocket clients (run as `realtime.py --listen ...` in their own process) -------


async def _client(url: str, token: str, until: float, heard: list[tuple[str, float]]) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(url, headers={"Authorization": f"Bearer {token}"}) as socket,
    ):
        ready = json.loads((await socket.receive()).data)
        assert ready["type"] == "ready", ready
        while (left := until - time.time()) > 0:
            try:
                message = await socket.receive(timeout=left)
            except TimeoutError:
                break
            if message.type is not aiohttp.WSMsgType.TEXT:
                break
            at = time.time()
            if '"message.received"' in message.data:
                for event in json.loads(message.data)["events"]:
                    if event["event"] == "message.received":
                        heard.append((event["data"]["message_id"], at))


async def _clients(url: str, token: str, count: int, until: float, out: Path) -> None:
    heard: list[list[tuple[str, float]]] = [[] for _ in range(count)]
    tasks = [asyncio.create_task(_client(url, token, until, h)) for h in heard]
    await asyncio.gather(*tasks)
    out.write_text(json.dumps(heard))


def clients_main(argv: list[str]) -> None:
    """`--listen URL TOKEN COUNT UNTIL OUT`: hold COUNT sockets until UNTIL, write what they heard."""
    url, token, count, until, out = argv
    asyncio.run(_clients(url, token, int(count), float(until), Path(out)))


# --- the load --------------------------------------------------------------------------------


def _signed(n: int, now: int) -> tuple[bytes, str]:
    body = message_body(PHASE, n, now)
    return body, "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()


async def _post_open_loop(base: str, rate: float, count: int) -> dict[str, float]:
    """Post *count* webhooks, request k at start + k/rate; the ack wall time per message id."""
    now = int(time.time())
    bodies = [_signed(n, now) for n in range(count)]
    acks: dict[str, float] = {}
    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(base_url=base, connector=connector) as session:

        async def one(n: int, due: float) -> None:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            body, signature = bodies[n]
            headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
            async with session.post(WEBHOOK_PATH, data=body, headers=headers) as response:
                await response.read()
                if response.status == 200:
                    acks[message_id(PHASE, n)] = time.time()

        start = time.monotonic() + 0.2
        await asyncio.gather(*(one(n, start + n / rate) for n in range(count)))
    return acks


async def _stored_ids(engine: AsyncEngine) -> dict[str, str]:
    """Stored message id → provider message id, for this run's messages."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT id, provider_message_id FROM messages WHERE direction = 'inbound'")
        )
        return {row[0]: row[1] for row in rows}


async def _login(base: str) -> str:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{base}/api/v1/auth/login", json={"username": "bench", "password": PASSWORD}
        ) as response,
    ):
        token: str = (await response.json())["access_token"]
        return token


async def _wait_subscribers(base: str, count: int) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(600):
            async with session.get(f"{base}/metrics") as response:
                if f"lia_realtime_subscribers {float(count)}" in await response.text():
                    return
            await asyncio.sleep(0.05)
    raise RuntimeError(f"{count} WebSocket clients did not all connect")


def _env(url: str, data_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIA_")}
    return env | {
        "LIA_DATABASE_URL": url,
        "LIA_DATA_DIR": data_dir,
        "LIA_JWT_SECRET": "bench-jwt-secret-bench-jwt-secret",
        "LIA_LOG_LEVEL": "WARNING",
        "LIA_LOG_FORMAT": "json",
        "LIA_WHATSAPP__APP_SECRET": APP_SECRET,
    }


async def run(args: argparse.Namespace) -> int:
    """Measure, print the JSON document, return the exit code."""
    count = int(args.rate * args.seconds)
    with tempfile.TemporaryDirectory(prefix="lia-bench-realtime-") as tmp:
        async with fresh_schema() as (url, engine):
            env = _env(url, tmp)
            subprocess.run(
                [
                    str(LIA),
                    "user",
                    "create",
                    "--username",
                    "bench",
                    "--role",
                    "ADMIN",
                    "--password",
                    PASSWORD,
                ],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            with lia_serve(env, Path(tmp) / "serve.log") as server:
                base = f"http://127.0.0.1:{server.port}"
                token = await _login(base)
                until = time.time() + 15 + args.seconds + 5
                outs = [Path(tmp) / f"clients-{n}.json" for n in range(args.processes)]
                shares = [args.clients // args.processes] * args.processes
                shares[0] += args.clients - sum(shares)
                ws_url = f"ws://127.0.0.1:{server.port}/api/v1/realtime"
                listeners = [
                    subprocess.Popen(
                        [
                            sys.executable,
                            __file__,
                            "--listen",
                            ws_url,
                            token,
                            str(n),
                            str(until),
                            str(out),
                        ]
                    )
                    for n, out in zip(shares, outs, strict=True)
                ]
                await _wait_subscribers(base, args.clients)
                started = time.perf_counter()
                acks = await _post_open_loop(base, args.rate, count)
                load_s = time.perf_counter() - started
                for listener in listeners:
                    listener.wait(timeout=60)
                server.sample_rss()
            stored = await _stored_ids(engine)
        heard = [h for out in outs for h in json.loads(out.read_text())]
    latencies: list[float] = []
    missing = 0
    for client in heard:
        got = {stored.get(mid): at for mid, at in client}
        for provider_id, acked in acks.items():
            if provider_id in got:
                latencies.append((got[provider_id] - acked) * 1000)
            else:
                missing += 1
    latencies.sort()
    p99 = percentile(latencies, 0.99) if latencies else float("inf")
    met = p99 <= TARGET_P99_MS and missing == 0 and len(acks) == count
    return report(
        {
            "benchmark": "realtime",
            "python": python_version(),
            "rate_per_s": args.rate,
            "messages": count,
            "acked": len(acks),
            "achieved_rate_per_s": round(count / load_s, 1),
            "clients": args.clients,
            "client_processes": args.processes,
            "frames_expected": count * args.clients,
            "frames_missing": missing,
            "ack_to_frame_ms": {
                "p50": round(statistics.median(latencies), 1) if latencies else None,
                "p99": round(p99, 1),
                "max": round(latencies[-1], 1) if latencies else None,
                "min": round(latencies[0], 1) if latencies else None,
            },
            "target_p99_ms": TARGET_P99_MS,
            "serve_peak_rss_mb": round(server.peak_rss_mb, 1),
            "load_average": os.getloadavg(),
        },
        met=met,
    )


def main() -> int:
    """Parse the arguments and run (or be a client process)."""
    if len(sys.argv) > 1 and sys.argv[1] == "--listen":
        clients_main(sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="webhooks per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the load lasts")
    parser.add_argument("--clients", type=int, default=50, help="WebSocket clients")
    parser.add_argument("--processes", type=int, default=2, help="processes holding the clients")
    parser.add_argument("--quick", action="store_true", help="5 s of load")
    args = parser.parse_args()
    if args.quick:
        args.seconds = 5.0
    return asyncio.run(run(args))


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
