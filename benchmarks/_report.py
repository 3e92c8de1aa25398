"""How every benchmark ends: one JSON document with its verdict, and the exit code."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping

__all__ = ["python_version", "report"]


def python_version() -> str:
    """The interpreter's version, e.g. "3.11.9"."""
    return sys.version.split()[0]


def report(document: Mapping[str, object], *, met: bool) -> int:
    """Print a benchmark's JSON document with its verdict ("met") last; 0 if met, else 1."""
    print(json.dumps({**document, "met": met}, indent=2))
    return 0 if met else 1
