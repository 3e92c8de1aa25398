"""The outage lifecycle follows its state machine, and refused commands change nothing."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from lia_core.domain.failures import FailureAction, FailureStatus, MassiveFailure, Severity
from lia_core.domain.regions import AffectedRegions, Area, CityArea
from lia_core.errors import InvalidTransition, ValidationError

S, A = FailureStatus, FailureAction
# The oracle, written out by hand from the issue: scheduled → active ⇄ paused → resolved,
# scheduled → cancelled. Every pair not listed is refused.
ALLOWED: dict[tuple[FailureStatus, FailureAction], FailureStatus] = {
    (S.SCHEDULED, A.ACTIVATE): S.ACTIVE,
    (S.SCHEDULED, A.CANCEL): S.CANCELLED,
    (S.ACTIVE, A.PAUSE): S.PAUSED,
    (S.PAUSED, A.RESUME): S.ACTIVE,
    (S.ACTIVE, A.RESOLVE): S.RESOLVED,
    (S.PAUSED, A.RESOLVE): S.RESOLVED,
}
NOW = datetime(2026, 5, 20, 14, 30, tzinfo=UTC)
AREA = AffectedRegions(area=Area(cities=(CityArea.parse("Teresópolis:Centro,Alto"),)))


def declare(*, starts_at: datetime | None = None, **overrides: object) -> MassiveFailure:
    """A valid failure declared at NOW, with any field overridden."""
    fields: dict[str, object] = {
        "failure_id": "f-1",
        "name": "Instabilidade Fibra Centro",
        "notification_message": "Olá {nome}, previsão {previsao}.",
        "resolution_message": None,
        "severity": Severity.HIGH,
        "regions": AREA,
        "starts_at": starts_at,
        "estimated_resolution": None,
        "by": "supervisor",
        "now": NOW,
    }
    fields.update(overrides)
    return MassiveFailure.declare(**fields)  # type: ignore[arg-type]


class Lifecycle(RuleBasedStateMachine):
    """Random command sequences against a scheduled failure, checked against ALLOWED."""

    def __init__(self) -> None:
        super().__init__()
        self.failure = declare(starts_at=NOW + timedelta(hours=1))
        self.expected = S.SCHEDULED
        self.clock = NOW

    @rule(action=st.sampled_from(FailureAction), minutes=st.integers(0, 600))
    def command(self, action: FailureAction, minutes: int) -> None:
        """Apply one command; allowed ones move the state, refused ones leave it untouched."""
        self.clock += timedelta(minutes=minutes)
        before = copy.deepcopy(self.failure)
        target = ALLOWED.get((self.expected, action))
        if target is None:
            with pytest.raises(InvalidTransition):
                self.failure.apply(action, by="op", at=self.clock)
            assert attrs.asdict(self.failure) == attrs.asdict(before)
        else:
            self.failure.apply(action, by="op", at=self.clock)
            self.expected = target
            assert self.failure.updated_at == self.clock

    @invariant()
    def status_matches_oracle(self) -> None:
        """The aggregate's status is the oracle's."""
        assert self.failure.status is self.expected

    @invariant()
    def timestamps_are_consistent(self) -> None:
        """Resolved failures carry who and when; cancelled likewise; active ones were activated."""
        f = self.failure
        assert (f.status is S.RESOLVED) == (f.resolved_at is not None)
        assert (f.status is S.CANCELLED) == (f.cancelled_by is not None)
        if f.status in (S.ACTIVE, S.PAUSED, S.RESOLVED):
            assert f.activated_at is not None


TestLifecycle = Lifecycle.TestCase


def test_without_start_it_is_active_at_once() -> None:
    """A failure with no start time is active immediately."""
    failure = declare()
    assert failure.status is S.ACTIVE
    assert failure.activated_at == NOW == failure.starts_at


def test_start_in_the_past_is_active_at_once() -> None:
    """A start time already past activates immediately."""
    assert declare(starts_at=NOW - timedelta(minutes=1)).status is S.ACTIVE


def test_future_start_is_scheduled_and_due_only_then() -> None:
    """A future start schedules the failure; it becomes due at that instant."""
    failure = declare(starts_at=NOW + timedelta(hours=2))
    assert failure.status is S.SCHEDULED
    assert not failure.is_due(NOW + timedelta(hours=1, minutes=59))
    assert failure.is_due(NOW + timedelta(hours=2))


def test_early_activation_moves_the_start_to_now() -> None:
    """Activating a scheduled failure before its start records that it started now."""
    failure = declare(starts_at=NOW + timedelta(hours=2))
    failure.apply(A.ACTIVATE, by="op", at=NOW + timedelta(minutes=5))
    assert failure.starts_at == failure.activated_at == NOW + timedelta(minutes=5)


def test_refused_transition_message_is_clear() -> None:
    """The error names the action, the failure and its current status."""
    failure = declare()
    with pytest.raises(InvalidTransition, match="cannot resume failure f-1: it is active"):
        failure.apply(A.RESUME, by="op", at=NOW)


def test_resolve_can_replace_resolution_message() -> None:
    """Resolving may set the resolution text, validated like any template."""
    failure = declare()
    failure.apply(A.RESOLVE, by="op", at=NOW, resolution_message="Resolvido, {nome}!")
    assert failure.resolution_message == "Resolvido, {nome}!"
    assert failure.resolved_by == "op"


def test_bad_resolution_message_on_resolve_changes_nothing() -> None:
    """An unknown placeholder in the resolution text refuses the resolve and keeps the state."""
    failure = declare()
    with pytest.raises(ValidationError) as info:
        failure.apply(A.RESOLVE, by="op", at=NOW, resolution_message="{cliente}")
    assert info.value.field == "resolution_message"
    assert failure.status is S.ACTIVE


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "  "}, "name"),
        ({"notification_message": ""}, "message"),
        ({"notification_message": "Olá {cliente}"}, "message"),
        ({"resolution_message": "{nome:>10}"}, "resolution_message"),
        ({"regions": AffectedRegions()}, "regions"),
        ({"starts_at": datetime(2026, 5, 21, 2, 0)}, "starts_at"),
        ({"estimated_resolution": NOW - timedelta(hours=1)}, "estimated_resolution"),
    ],
)
def test_invalid_declarations_name_the_field(overrides: dict[str, Any], field: str) -> None:
    """Each kind of bad input is refused with the offending field."""
    with pytest.raises(ValidationError) as info:
        declare(**overrides)
    assert info.value.field == field


def test_notice_fills_placeholders_in_local_time() -> None:
    """The notice names the customer and shows the estimate in the ISP's timezone."""
    from zoneinfo import ZoneInfo

    failure = declare(estimated_resolution=NOW + timedelta(hours=2))
    text = failure.notice_for(customer_name="Maria", tz=ZoneInfo("America/Sao_Paulo"))
    assert text == "Olá Maria, previsão 20/05/2026 13:30."
