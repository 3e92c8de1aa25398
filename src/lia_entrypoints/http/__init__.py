"""The HTTP service: `create_app(settings)` builds the Litestar app `lia serve` runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lia_entrypoints.http.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Loaded on first use: the console's pages import `http.context`, and an eager import of
    # the app here would import the console back while it is still half-loaded.
    if name == "create_app":
        from lia_entrypoints.http.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
