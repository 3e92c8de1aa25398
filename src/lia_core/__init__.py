"""LIA's pure domain core: outage matching, lifecycle rules, ports and use cases.

Nothing in this package performs I/O; adapters implement the ports in `lia_core.ports`.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
