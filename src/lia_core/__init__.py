"""LIA's pure domain core: outage matching, lifecycle rules, ports and use cases.

Nothing in this package performs I/O; adapters implement the ports in `lia_core.ports`.

Pure libraries (values and rules only: no port, no clock, no randomness; safe to import and
call from anywhere, including integrators' own code):

- `lia_core.domain`: values, aggregates and rules (outages, regions, the gate, tickets,
  delivery retry and pacing, conversations, users).
- `lia_core.sla`, `lia_core.escalation`, `lia_core.nps`, `lia_core.handoff`: the desk's
  policies (SLA clock, escalation rules, NPS, bot-to-human handoff), pure functions over
  values that return decisions.
- `lia_core.errors` (the error tree) and `lia_core.validation` (the shared input checks).
- `lia_core.testing`: Hypothesis strategies for the above (public API for integrators).

Ports and services (they talk to the outside world only through the ports):

- `lia_core.ports`: the `typing.Protocol` classes adapters implement (storage, CRM,
  channels, clock, ids).
- `lia_core.services`: the use cases, one handler class per command, over the ports.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
