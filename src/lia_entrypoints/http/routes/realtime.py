"""`/api/v1/realtime`: the WebSocket that pushes realtime events to staff screens.

Authentication is the API's bearer token, given either as the `Authorization` header
(scripts) or, since browsers cannot set headers on a WebSocket, as the first message
``{"type": "auth", "token": "..."}``. Never in the URL, where access logs would keep it.
The socket closes with 4401 when the token is missing, wrong or expired.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import structlog
from litestar import WebSocket, websocket
from litestar.exceptions import NotAuthorizedException, WebSocketDisconnect
from litestar.security.jwt import JWTAuth, Token

from lia_core.domain.users import User
from lia_entrypoints.http.auth import retrieve_user
from lia_entrypoints.http.context import JwtDep, runtime_of
from lia_entrypoints.realtime import Frames, RealtimeHub, Subscriber

__all__ = ["REALTIME_PATH", "UNAUTHORIZED", "realtime", "stream"]

log = structlog.get_logger(__name__)

REALTIME_PATH = "/api/v1/realtime"
UNAUTHORIZED = 4401
"""Close code: no valid token (missing, wrong, expired, or the account is disabled)."""
_MAX_AUTH_MESSAGE = 8192


class _Refused(Exception):
    """The socket cannot be authenticated; the message says why (sent as the close reason)."""


@websocket(REALTIME_PATH)
async def realtime(socket: WebSocket[Any, Any, Any], jwt_auth: JwtDep) -> None:
    """Push the events the viewer may see until the client goes (docs/realtime.md)."""
    settings = runtime_of(socket.app.state).settings.realtime
    await socket.accept()
    try:
        viewer, expires = await _authenticate(socket, jwt_auth, settings.auth_timeout_seconds)
    except _Refused as refused:
        with contextlib.suppress(Exception):
            await socket.close(code=UNAUTHORIZED, reason=str(refused)[:120])
        return
    except WebSocketDisconnect:
        return
    # The token's expiry is the wall clock's (PyJWT checks it against that clock too).
    await stream(socket, viewer, expires=expires, now=_wall_clock)


def _wall_clock() -> datetime:
    return datetime.now(UTC)


async def stream(
    socket: WebSocket[Any, Any, Any],
    viewer: User,
    *,
    expires: datetime,
    now: Callable[[], datetime],
) -> None:
    """Subscribe *viewer*'s accepted socket: the ready frame, then events and heartbeats until
    the client goes, the hub closes it, or *expires* passes on *now*'s clock (4401)."""
    runtime = runtime_of(socket.app.state)
    hub: RealtimeHub = runtime.hub
    settings = runtime.settings.realtime
    subscriber = hub.join(viewer)
    try:
        await socket.send_text(
            json.dumps(
                {
                    "type": "ready",
                    "user": viewer.username,
                    "role": viewer.role.value,
                    "departments": sorted(viewer.departments),
                    "heartbeat_seconds": settings.heartbeat_seconds,
                },
                ensure_ascii=False,
            )
        )
        await _serve(
            socket, subscriber, heartbeat=settings.heartbeat_seconds, expires=expires, now=now
        )
    except (WebSocketDisconnect, OSError):
        pass  # the client went away: nothing to tell it
    finally:
        hub.leave(subscriber)


async def _authenticate(
    socket: WebSocket[Any, Any, Any], jwt_auth: JWTAuth[User, Token], wait: float
) -> tuple[User, datetime]:
    header = socket.headers.get("authorization", "")
    if header:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "bearer" or not encoded:
            raise _Refused("use Authorization: Bearer <token>")
    else:
        try:
            async with asyncio.timeout(wait):
                raw = await socket.receive_text()
        except TimeoutError:
            raise _Refused("send {'type': 'auth', 'token': ...} first") from None
        encoded = _token_of(raw)
    try:
        token = Token.decode(
            encoded_token=encoded.strip(),
            secret=jwt_auth.token_secret,
            algorithm=jwt_auth.algorithm,
        )
    except NotAuthorizedException:
        raise _Refused("invalid or expired token") from None
    user = await retrieve_user(token, socket)
    if user is None:
        raise _Refused("unknown or disabled account")
    return user, token.exp.astimezone(UTC)


def _token_of(raw: str) -> str:
    if len(raw) > _MAX_AUTH_MESSAGE:
        raise _Refused("the auth message is too long")
    try:
        message = json.loads(raw)
    except ValueError:
        raise _Refused("the first message must be JSON") from None
    token = message.get("token") if isinstance(message, dict) else None
    if message.get("type") != "auth" or not isinstance(token, str) or not token:
        raise _Refused("the first message must be {'type': 'auth', 'token': ...}")
    return token


async def _serve(
    socket: WebSocket[Any, Any, Any],
    subscriber: Subscriber,
    *,
    heartbeat: float,
    expires: datetime,
    now: Callable[[], datetime],
) -> None:
    """Send frames and heartbeats while reading (and ignoring) what the client says."""
    sender = asyncio.create_task(_send(socket, subscriber, heartbeat, expires, now))
    reader = asyncio.create_task(_read(socket))
    try:
        await asyncio.wait({sender, reader}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (sender, reader):
            task.cancel()
        for task in (sender, reader):  # re-raises what is not a client going away
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, OSError):
                await task


async def _read(socket: WebSocket[Any, Any, Any]) -> None:
    while True:  # a client's pings or anything else keep nothing; a disconnect ends the loop
        await socket.receive_text()


async def _send(
    socket: WebSocket[Any, Any, Any],
    subscriber: Subscriber,
    heartbeat: float,
    expires: datetime,
    now: Callable[[], datetime],
) -> None:
    while True:
        if subscriber.closing is not None:
            await socket.close(code=subscriber.closing)
            return
        if now() >= expires:
            await socket.close(code=UNAUTHORIZED, reason="token expired")
            return
        if not subscriber.pending:
            try:
                async with asyncio.timeout(heartbeat):
                    await subscriber.ready.wait()
            except TimeoutError:
                await socket.send_text(Frames.heartbeat(now()))
            continue
        for frame in subscriber.take():
            await socket.send_text(frame)
