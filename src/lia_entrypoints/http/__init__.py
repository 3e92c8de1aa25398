"""The HTTP service: `create_app(settings)` builds the Litestar app `lia serve` runs."""

from lia_entrypoints.http.app import create_app

__all__ = ["create_app"]
