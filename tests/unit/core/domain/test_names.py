"""Names typed by people (CLI flags, form fields, query strings) read back as domain values:
any case and surrounding spaces accepted, anything else refused naming the field and the
accepted names; command-line specs of regions read back as what they were written from."""

from __future__ import annotations

import enum
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.domain.agents import Presence
from lia_core.domain.conversations import ConversationStatus
from lia_core.domain.delivery import Channel, JobName
from lia_core.domain.inbound import MessageStatus, advance_status
from lia_core.domain.regions import CityArea, parse_cep_rule
from lia_core.domain.users import Role
from lia_core.errors import ValidationError
from lia_core.nps.ranking import Badge
from lia_core.nps.runs import BadgeRow, badges_of

# (enum, parse with its default field, what the message calls it, the default field)
PARSERS: list[tuple[type[enum.StrEnum], Callable[[str], enum.StrEnum], str, str]] = [
    (Channel, Channel.parse, "channel", "channel"),
    (JobName, JobName.parse, "job name", "job_name"),
    (Role, Role.parse, "role", "role"),
    (Presence, Presence.parse, "presence", "status"),
    (ConversationStatus, ConversationStatus.parse, "conversation status", "status"),
]


@pytest.mark.parametrize(("kind", "parse", "what", "field"), PARSERS)
def test_every_member_parses_in_any_case_with_spaces_around(
    kind: type[enum.StrEnum], parse: Callable[[str], enum.StrEnum], what: str, field: str
) -> None:
    for member in kind:
        for typed in (member.value, member.value.upper(), member.value.lower(), f" {member}\t"):
            assert parse(typed) is member


@pytest.mark.parametrize(("kind", "parse", "what", "field"), PARSERS)
def test_an_unknown_name_is_refused_naming_the_field_and_the_choices(
    kind: type[enum.StrEnum], parse: Callable[[str], enum.StrEnum], what: str, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        parse("nope")
    names = ", ".join(member.value for member in kind)
    assert str(refused.value) == f"unknown {what} 'nope'; use one of {names}"
    assert refused.value.field == field


@pytest.mark.parametrize(
    "parse",
    [
        lambda raw: Channel.parse(raw, field="via"),
        lambda raw: JobName.parse(raw, field="via"),
        lambda raw: Presence.parse(raw, field="via"),
        lambda raw: ConversationStatus.parse(raw, field="via"),
    ],
)
def test_the_caller_names_the_field(parse: Callable[[str], enum.StrEnum]) -> None:
    with pytest.raises(ValidationError) as refused:
        parse("nope")
    assert refused.value.field == "via"


@pytest.mark.parametrize(
    "spec", ["Teresópolis", "Teresópolis:Centro", "Teresópolis:Centro,Alto", "Rio de Janeiro:Lapa"]
)
def test_a_city_spec_reads_back_as_written(spec: str) -> None:
    assert CityArea.parse(spec).spec() == spec


@pytest.mark.parametrize(
    ("spec", "written"),
    [
        ("25950-000..25959-999", "25950-000..25959-999"),
        ("25950000..25959999", "25950-000..25959-999"),
        ("2595", "2595"),
    ],
)
def test_a_cep_rule_is_written_in_its_command_line_form(spec: str, written: str) -> None:
    assert parse_cep_rule(spec).spec() == written


@given(st.lists(st.sampled_from(list(MessageStatus)), min_size=1))
def test_receipts_only_move_a_message_forward(reported: list[MessageStatus]) -> None:
    """Whatever order receipts arrive in, the status is the highest-ranked one seen."""
    status = MessageStatus.PENDING
    for receipt in reported:
        status = advance_status(status, receipt)
    assert status == max([MessageStatus.PENDING, *reported], key=lambda s: s.rank)


def test_a_late_or_equal_receipt_changes_nothing() -> None:
    assert advance_status(MessageStatus.READ, MessageStatus.DELIVERED) is MessageStatus.READ
    assert advance_status(MessageStatus.DELIVERED, MessageStatus.FAILED) is MessageStatus.DELIVERED
    assert advance_status(MessageStatus.SENT, MessageStatus.SENT) is MessageStatus.SENT
    assert advance_status(MessageStatus.SENT, MessageStatus.FAILED) is MessageStatus.FAILED


def test_an_agents_badges_are_theirs_in_the_order_given() -> None:
    rows = [
        BadgeRow(agent_id="ana", badge=Badge.VELOCISTA, metric=90),
        BadgeRow(agent_id="bia", badge=Badge.SOLUCIONADOR, metric=80),
        BadgeRow(agent_id="ana", badge=Badge.CAMPEAO_VOLUME, metric=120),
    ]
    assert badges_of(rows, "ana") == (Badge.VELOCISTA, Badge.CAMPEAO_VOLUME)
    assert badges_of(rows, "bia") == (Badge.SOLUCIONADOR,)
    assert badges_of(rows, "caio") == ()
