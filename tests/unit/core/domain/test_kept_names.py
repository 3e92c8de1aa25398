"""Names and times a domain builder is given are kept; the catalogue adds to a failure's rules."""

from __future__ import annotations

import pytest

from lia_core.domain.activity import Actor
from lia_core.domain.delivery import Channel, JobContext, JobName, MessageContent
from lia_core.domain.jobs import new_job
from lia_core.domain.matching import covering_area
from lia_core.domain.recipients import Phone, PushToken, recorded_recipient
from lia_core.domain.regions import AffectedRegions, Area, CepPrefix, CityArea, NamedRegion
from lia_core.errors import ValidationError
from tests.unit.core.domain.test_failure_lifecycle import NOW, declare


def test_a_blank_actor_is_refused_on_actor() -> None:
    """An actor without a name is refused, naming the 'actor' field."""
    with pytest.raises(ValidationError) as refused:
        Actor(name="  ")
    assert refused.value.field == "actor"


def test_a_new_job_is_created_and_updated_now() -> None:
    """A new job's creation and update times are the time it was made."""
    job = new_job(
        job_id="j-1",
        job_name=JobName.SEND_WHATSAPP,
        channel=Channel.WHATSAPP,
        recipient=Phone("5521999998888"),
        content=MessageContent(text="Olá"),
        context=JobContext(source="test"),
        idempotency_key="k-1",
        now=NOW,
    )
    assert (job.created_at, job.updated_at, job.next_attempt_at) == (NOW, NOW, NOW)


def test_a_recorded_address_not_in_stored_form_is_read_for_its_channel() -> None:
    """Typed-looking addresses are parsed as on their channel: a phone, or a push token on push."""
    assert recorded_recipient("(21) 99999-0001", channel=Channel.WHATSAPP) == Phone("5521999990001")
    assert recorded_recipient(" tok-abc ", channel=Channel.PUSH) == PushToken("tok-abc")


def test_a_catalogue_region_keeps_its_id_and_its_name_with_single_spaces() -> None:
    """Defining a region keeps the id and the name, inner spaces collapsed to one."""
    area = Area(cities=(CityArea.parse("Petrópolis"),))
    region = NamedRegion.define(region_id="serra", name=" Serra   Verde ", area=area)
    assert (region.id, region.name, region.area) == ("serra", "Serra Verde", area)


def test_catalogue_regions_add_to_the_failures_own_rules() -> None:
    """The covering area is the failure's own rules followed by each named region's."""
    own_city, own_cep = CityArea.parse("Teresópolis:Centro"), CepPrefix(prefix="2595")
    serra = NamedRegion.define(
        region_id="serra",
        name="Serra",
        area=Area(cities=(CityArea.parse("Petrópolis"),), ceps=(CepPrefix(prefix="2568"),)),
    )
    lagos = NamedRegion.define(
        region_id="lagos",
        name="Lagos",
        area=Area(cities=(CityArea.parse("Cabo Frio"),), ceps=(CepPrefix(prefix="2890"),)),
    )
    failure = declare(
        regions=AffectedRegions(
            area=Area(cities=(own_city,), ceps=(own_cep,)), region_ids=("serra", "lagos")
        )
    )
    area = covering_area(failure, {"serra": serra, "lagos": lagos})
    assert area == Area(
        cities=(own_city, *serra.area.cities, *lagos.area.cities),
        ceps=(own_cep, *serra.area.ceps, *lagos.area.ceps),
    )


def test_a_declared_failure_is_created_and_updated_now() -> None:
    """A newly declared failure was created and last updated at the moment it was declared."""
    failure = declare()
    assert (failure.created_at, failure.updated_at) == (NOW, NOW)
