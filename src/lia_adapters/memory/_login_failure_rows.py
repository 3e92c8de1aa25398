"""The fake's failed sign-ins: staged operations and their replay on the committed counts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from lia_core.domain.login_throttle import FailedLogins

__all__ = ["LoginFailureOp", "replay"]


@attrs.frozen(kw_only=True)
class LoginFailureOp:
    """One staged change: a failure at *at* (restarting before *since*), or a forget."""

    key: str = ""
    at: datetime | None = None
    since: datetime | None = None
    """None with *at* None: forget the key."""
    purge: frozenset[str] = frozenset()
    """Keys a purge deleted (*key* empty)."""


def replay(counts: dict[str, FailedLogins], ops: Iterable[LoginFailureOp]) -> None:
    """Apply *ops* to *counts* in order."""
    for op in ops:
        if op.purge:
            for key in op.purge:
                counts.pop(key, None)
            continue
        if op.at is None or op.since is None:
            counts.pop(op.key, None)
            continue
        known = counts.get(op.key)
        count = 1 if known is None or known.last_at < op.since else known.count + 1
        counts[op.key] = FailedLogins(key=op.key, count=count, last_at=op.at)
