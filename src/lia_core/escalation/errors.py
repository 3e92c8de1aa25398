"""The two escalation errors that refine lia_core.errors: a no-op command and a bad rule file."""

from __future__ import annotations

from lia_core.errors import DomainError, ValidationError

__all__ = ["NothingToChange", "RuleFileError"]


class NothingToChange(DomainError):
    """A command would leave the ticket as it is (same priority, same department and agent...)."""

    def __init__(self, *, ticket_id: str, action: str) -> None:
        self.ticket_id = ticket_id
        self.action = action
        super().__init__(f"cannot {action} ticket {ticket_id}: nothing would change")


class RuleFileError(ValidationError):
    """A rule file (or dict) that cannot be loaded; ``line`` is 1-based, None for a dict.

    ``field`` is the path of the offending value, e.g. ``rule[2].when.priorty`` (rules
    counted from 0, as in the loaded list); ``problem`` is the message without the location.
    """

    def __init__(
        self, problem: str, *, source: str, line: int | None, field: str | None = None
    ) -> None:
        self.problem = problem
        self.source = source
        self.line = line
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {problem}", field=field)
