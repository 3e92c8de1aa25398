"""The outage lifecycle follows its state machine, and refused commands change nothing."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from lia_core.domain.failures import FailureAction, FailureStatus, MassiveFailure, Severity
from lia_core.domain.regions import AffectedRegions, Area, CityArea
from lia_core.errors import InvalidTransition, ValidationError

T = TypeVar("T")
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
# Editing is allowed only while scheduled; an edited start that has come activates at once.
EDITABLE = {S.SCHEDULED}
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


def form(**overrides: object) -> dict[str, Any]:
    """The arguments `revise` takes besides who and when: a valid form, fields overridden."""
    fields: dict[str, Any] = {
        "name": "Manutenção programada",
        "notification_message": "Olá {nome}, manutenção em {regiao}.",
        "resolution_message": "Pronto, {nome}.",
        "severity": Severity.LOW,
        "regions": AffectedRegions(area=Area(cities=(CityArea.parse("Petrópolis"),))),
        "starts_at": NOW + timedelta(hours=3),
        "estimated_resolution": None,
    }
    fields.update(overrides)
    return fields


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

    @rule(
        minutes=st.integers(0, 600),
        start=st.none() | st.integers(-120, 600),
        name=st.sampled_from(["Fibra rompida", "Manutenção programada"]),
    )
    def edit(self, minutes: int, start: int | None, name: str) -> None:
        """Edit the failure; only a scheduled one changes, and a start that has come activates it."""
        self.clock += timedelta(minutes=minutes)
        starts_at = None if start is None else self.clock + timedelta(minutes=start)
        before = copy.deepcopy(self.failure)
        if self.expected not in EDITABLE:
            with pytest.raises(InvalidTransition, match="cannot edit"):
                self.failure.revise(**form(name=name, starts_at=starts_at), by="op", at=self.clock)
            assert attrs.asdict(self.failure) == attrs.asdict(before)
            return
        self.failure.revise(**form(name=name, starts_at=starts_at), by="op", at=self.clock)
        immediate = starts_at is None or starts_at <= self.clock
        self.expected = S.ACTIVE if immediate else S.SCHEDULED
        assert self.failure.name == name
        assert self.failure.updated_at == self.clock
        assert self.failure.activated_at == (self.clock if immediate else None)

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


INVALID_FORMS = [
    ({"name": "  "}, "name", "name must not be blank"),
    ({"name": "x" * 201}, "name", "name is longer than 200 characters"),
    ({"notification_message": ""}, "message", "message must not be blank"),
    (
        {"notification_message": "Olá {cliente}"},
        "message",
        "unknown placeholder {cliente}; use {nome}, {previsao}, {falha}, {regiao}",
    ),
    (
        {"resolution_message": "{nome:>10}"},
        "resolution_message",
        "malformed template (placeholder {nome} must not have a format or conversion); "
        "write a literal brace as '{{' or '}}'",
    ),
    ({"resolution_message": " "}, "resolution_message", "message must not be blank"),
    (
        {"regions": AffectedRegions()},
        "regions",
        "a failure needs at least one region, city, CEP rule or catalogue region",
    ),
    (
        {"starts_at": datetime(2026, 5, 21, 2, 0)},
        "starts_at",
        "starts_at must be timezone-aware",
    ),
    (
        {"estimated_resolution": datetime(2026, 5, 21, 2, 0)},
        "estimated_resolution",
        "estimated_resolution must be timezone-aware",
    ),
    (
        {"estimated_resolution": NOW - timedelta(hours=1)},
        "estimated_resolution",
        "estimated resolution must be after the start",
    ),
]
"""Bad values for one field of the form, the field each is reported on, and the words."""


@pytest.mark.parametrize(("overrides", "field", "message"), INVALID_FORMS)
def test_invalid_declarations_name_the_field(
    overrides: dict[str, Any], field: str, message: str
) -> None:
    """Each kind of bad input is refused with the offending field and its own message."""
    with pytest.raises(ValidationError) as info:
        declare(**overrides)
    assert (info.value.field, str(info.value)) == (field, message)


def test_a_name_of_the_longest_length_is_accepted_with_its_spaces_collapsed() -> None:
    """200 characters after collapsing white space is accepted; the name is kept collapsed."""
    longest = "Fibra  " + "x" * 194
    assert declare(name=longest).name == "Fibra " + "x" * 194
    assert len(declare(name=longest).name) == 200


@pytest.mark.parametrize("start", [None, NOW + timedelta(hours=1)])
def test_an_estimate_at_the_start_is_refused_and_just_after_is_accepted(
    start: datetime | None,
) -> None:
    """The estimated resolution must be strictly after the start (now when none is given)."""
    begins = NOW if start is None else start
    with pytest.raises(ValidationError) as refused:
        declare(starts_at=start, estimated_resolution=begins)
    assert refused.value.field == "estimated_resolution"
    just_after = begins + timedelta(microseconds=1)
    failure = declare(starts_at=start, estimated_resolution=just_after)
    assert (failure.starts_at, failure.estimated_resolution) == (begins, just_after)


def test_an_estimate_is_compared_with_the_given_start_not_with_now() -> None:
    """An estimate after now but not after a future start is refused; one after it is not."""
    start = NOW + timedelta(hours=2)
    with pytest.raises(ValidationError):
        declare(starts_at=start, estimated_resolution=NOW + timedelta(hours=1))
    assert declare(estimated_resolution=NOW + timedelta(hours=1)).status is S.ACTIVE


def test_notice_fills_placeholders_in_local_time() -> None:
    """The notice names the customer and shows the estimate in the ISP's timezone."""
    from zoneinfo import ZoneInfo

    failure = declare(estimated_resolution=NOW + timedelta(hours=2))
    text = failure.notice_for(customer_name="Maria", tz=ZoneInfo("America/Sao_Paulo"))
    assert text == "Olá Maria, previsão 20/05/2026 13:30."


def test_edit_replaces_the_form_of_a_scheduled_failure() -> None:
    """Editing a scheduled failure replaces every form field and keeps who created it, and when."""
    failure = declare(starts_at=NOW + timedelta(hours=1))
    later = NOW + timedelta(minutes=10)
    eta = NOW + timedelta(hours=5)
    failure.revise(
        **form(name="  Manutenção   programada ", estimated_resolution=eta), by="op", at=later
    )
    assert failure.status is S.SCHEDULED
    assert (failure.name, failure.severity, failure.resolution_message) == (
        "Manutenção programada",
        Severity.LOW,
        "Pronto, {nome}.",
    )
    assert failure.notification_message == "Olá {nome}, manutenção em {regiao}."
    assert failure.regions.describe() == "Petrópolis"
    assert (failure.starts_at, failure.estimated_resolution) == (NOW + timedelta(hours=3), eta)
    assert (failure.created_at, failure.created_by, failure.updated_at) == (
        NOW,
        "supervisor",
        later,
    )
    assert failure.activated_at is None
    assert failure.is_due(NOW + timedelta(hours=3))


@pytest.mark.parametrize("start", [None, NOW, NOW - timedelta(hours=1)])
def test_edited_start_that_has_come_activates_at_once(start: datetime | None) -> None:
    """An edited start absent, now or past activates the failure at once, as declaring would."""
    failure = declare(starts_at=NOW + timedelta(hours=1))
    failure.revise(**form(starts_at=start), by="op", at=NOW)
    assert failure.status is S.ACTIVE
    assert failure.activated_at == failure.updated_at == NOW
    assert failure.starts_at == (NOW if start is None else start)


@pytest.mark.parametrize("action", [A.ACTIVATE, A.CANCEL])
def test_edit_after_scheduled_is_refused_naming_edit(action: FailureAction) -> None:
    """Once activated or cancelled a failure cannot be edited, and the refusal changes nothing."""
    failure = declare(starts_at=NOW + timedelta(hours=1))
    failure.apply(action, by="op", at=NOW)
    before = copy.deepcopy(failure)
    with pytest.raises(InvalidTransition, match=f"cannot edit failure f-1: it is {failure.status}"):
        failure.revise(**form(), by="op", at=NOW)
    assert attrs.asdict(failure) == attrs.asdict(before)


@pytest.mark.parametrize(("overrides", "field", "message"), INVALID_FORMS)
def test_invalid_edits_name_the_field_and_change_nothing(
    overrides: dict[str, Any], field: str, message: str
) -> None:
    """An edit is checked as a declaration is: a bad field is named and the failure is untouched."""
    failure = declare(starts_at=NOW + timedelta(hours=1))
    before = copy.deepcopy(failure)
    with pytest.raises(ValidationError) as info:
        failure.revise(**form(**overrides), by="op", at=NOW)
    assert (info.value.field, str(info.value)) == (field, message)
    assert attrs.asdict(failure) == attrs.asdict(before)


def outcome(call: Callable[[], T]) -> T | ValidationError:
    """What *call* returns, or the `ValidationError` it raises."""
    try:
        return call()
    except ValidationError as refused:
        return refused


_FIELDS = ("name", "notification_message", "resolution_message", "severity", "regions")


@given(
    name=st.text(max_size=210),
    message=st.sampled_from(["Olá {nome}", "{previsao}", "", "{cliente}"]),
    severity=st.sampled_from(Severity),
    start=st.none() | st.integers(-600, 600),
    eta=st.none() | st.integers(-600, 1200),
    naive_start=st.booleans(),
)
def test_an_edit_is_a_declaration_made_at_the_edit_time(
    name: str,
    message: str,
    severity: Severity,
    start: int | None,
    eta: int | None,
    naive_start: bool,
) -> None:
    """Edit and declare agree on every input: the same refusal (field), or the same form, status
    and start, with the scheduled failure's identity and creation kept."""
    at = NOW + timedelta(minutes=30)
    starts_at = None if start is None else at + timedelta(minutes=start)
    if starts_at is not None and naive_start:
        starts_at = starts_at.replace(tzinfo=None)
    fields = form(
        name=name,
        notification_message=message,
        severity=severity,
        starts_at=starts_at,
        estimated_resolution=None if eta is None else at + timedelta(minutes=eta),
    )
    edited = declare(starts_at=NOW + timedelta(hours=2))
    expected = outcome(
        lambda: MassiveFailure.declare(failure_id="other", **fields, by="op", now=at)
    )
    got = outcome(lambda: edited.revise(**fields, by="op", at=at))
    if isinstance(expected, ValidationError):
        assert isinstance(got, ValidationError)
        assert got.field == expected.field
        assert edited.status is S.SCHEDULED
        return
    assert got is None
    for field in (*_FIELDS, "starts_at", "estimated_resolution", "status", "activated_at"):
        assert getattr(edited, field) == getattr(expected, field), field
    assert (edited.id, edited.created_at, edited.updated_at) == ("f-1", NOW, at)


def test_a_resolution_message_outside_resolve_is_refused_with_the_rule() -> None:
    """Only resolving takes a resolution message; another command with one names the field."""
    failure = declare()
    with pytest.raises(ValidationError) as refused:
        failure.apply(A.PAUSE, by="op", at=NOW, resolution_message="Resolvido")
    assert (refused.value.field, str(refused.value)) == (
        "resolution_message",
        "a resolution message is only given when resolving",
    )


def test_pausing_records_when_and_resuming_clears_it() -> None:
    """Pause sets paused_at to its time; resume sets it back to None."""
    failure = declare()
    failure.apply(A.PAUSE, by="op", at=NOW + timedelta(minutes=5))
    assert failure.paused_at == NOW + timedelta(minutes=5)
    failure.apply(A.RESUME, by="op", at=NOW + timedelta(minutes=9))
    assert failure.paused_at is None
