"""+ Cadastrar Nova Falha: the form, its preview, creating a failure and editing a scheduled one."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx

from lia_core.domain.failures import FailureAction, FailureStatus, MassiveFailure, Severity
from lia_core.domain.regions import Area, CepPrefix, CepRange, CityArea
from lia_core.services import ChangeFailureStatus, DeclareFailure, DefineRegion, ListFailures
from lia_core.services.failures import FailureTab
from lia_entrypoints.bootstrap import Runtime
from lia_entrypoints.console.forms.failure_form import FailureForm, preview

from ..http.api_support import Client

HTMX = {"HX-Request": "true"}
MESSAGE = "Olá {nome}, identificamos uma falha em {regiao}. Previsão: {previsao}."


def _fields(**overrides: str | list[str]) -> dict[str, str | list[str]]:
    fields: dict[str, str | list[str]] = {
        "name": "Fibra rompida no Centro",
        "message": MESSAGE,
        "severity": "high",
        "city": "Teresópolis",
        "neighbourhoods": "Centro, Alto",
        "activation": "agora",
    }
    return {**fields, **overrides}


async def _send(client: Client, path: str, token: str, **fields: str | list[str]) -> httpx.Response:
    """Post the form as the browser would (a repeated key as a list), with its CSRF token."""
    return await client.post(path, data={**fields, "_csrf_token": token})


async def _failures(runtime: Runtime, tab: FailureTab = FailureTab.ALL) -> list[MassiveFailure]:
    return list((await runtime.services.list_failures(ListFailures(tab=tab))).failures)


async def test_the_form_opens_as_a_dialog_with_htmx_and_as_a_page_without(
    client: Client, supervisor_session: str
) -> None:
    """htmx gets the <dialog> fragment; a plain request gets the form inside the layout."""
    fragment = await client.get("/console/falhas/nova", headers=HTMX)
    assert fragment.status_code == 200
    assert "<dialog" in fragment.text
    assert "<html" not in fragment.text
    for text in (
        "1. Nome da falha",
        "2. Mensagem de notificação",
        "3. Regiões afetadas",
        "4. Ativação",
        "Ativar Imediatamente",
        "Agendar para",
        "Salvar Falha",
        "Cancelar",
    ):
        assert text in fragment.text
    full = await client.get("/console/falhas/nova")
    assert full.status_code == 200
    assert "<html" in full.text
    assert "<h1" in full.text
    assert 'action="/console/falhas"' in full.text


async def test_creating_an_active_failure_flashes_and_goes_to_the_active_tab(
    client: Client, supervisor_session: str, runtime: Runtime
) -> None:
    """Without a start the failure is active at once, as in the API."""
    response = await client.post(
        "/console/falhas", data={**_fields(), "_csrf_token": supervisor_session}, headers=HTMX
    )
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == "/console/falhas?aba=ativas"
    (failure,) = await _failures(runtime)
    assert failure.status is FailureStatus.ACTIVE
    assert failure.severity is Severity.HIGH
    assert failure.created_by == "sofia"
    assert failure.regions.area.cities == (
        CityArea(city="Teresópolis", neighbourhoods=("Centro", "Alto")),
    )
    page = await client.get("/console/falhas?aba=ativas")
    assert "Falha “Fibra rompida no Centro” cadastrada." in page.text


async def test_scheduling_reads_the_start_in_the_isp_timezone(
    client: Client, supervisor_session: str, runtime: Runtime
) -> None:
    """ "Agendar para" a local time: scheduled, stored as that instant in America/Sao_Paulo."""
    response = await client.post(
        "/console/falhas",
        data={
            **_fields(
                activation="agendar",
                starts_at="2026-05-21T02:00",
                estimated_resolution="2026-05-21T06:00",
            ),
            "_csrf_token": supervisor_session,
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/console/falhas?aba=agendadas"
    (failure,) = await _failures(runtime, FailureTab.SCHEDULED)
    assert failure.starts_at == datetime(2026, 5, 21, 5, 0, tzinfo=UTC)
    assert failure.estimated_resolution == datetime(2026, 5, 21, 9, 0, tzinfo=UTC)
    listing = await client.get("/console/falhas?aba=agendadas")
    assert "Fibra rompida no Centro" in listing.text


async def test_catalogue_regions_and_cep_rules_are_saved(
    client: Client, supervisor_session: str, runtime: Runtime
) -> None:
    """Ticked catalogue regions (listed by city) and one CEP rule per line reach the failure."""
    for rid, name, city in (
        ("tere-centro", "Centro", "Teresópolis"),
        ("tere-alto", "Alto", "Teresópolis"),
        ("petro-centro", "Centro de Petrópolis", "Petrópolis"),
    ):
        await runtime.services.define_region(
            DefineRegion(actor="tester", region_id=rid, name=name, cities=(CityArea.of(city),))
        )
    form = await client.get("/console/falhas/nova", headers=HTMX)
    assert "Cidade: Petrópolis" in form.text
    assert "Cidade: Teresópolis" in form.text
    assert form.text.index("Cidade: Petrópolis") < form.text.index("Cidade: Teresópolis")
    assert 'name="region_ids" value="tere-alto"' in form.text
    response = await client.post(
        "/console/falhas",
        data={
            **_fields(
                city="",
                neighbourhoods="",
                region_ids=["tere-centro", "petro-centro"],
                ceps="2595\n\n25960-000..25969-999\n",
            ),
            "_csrf_token": supervisor_session,
        },
    )
    assert response.status_code == 303
    (failure,) = await _failures(runtime)
    assert failure.regions.region_ids == ("tere-centro", "petro-centro")
    assert failure.regions.region_names == ("Centro", "Centro de Petrópolis")
    assert failure.regions.area == Area(
        ceps=(CepPrefix(prefix="2595"), CepRange(start="25960000", end="25969999"))
    )
    # The list and the preview name the catalogue regions as customers will read them.
    listing = await client.get("/console/falhas?aba=ativas")
    assert "Centro de Petrópolis" in listing.text
    assert "petro-centro" not in listing.text.replace('value="petro-centro"', "")
    preview = await _send(
        client,
        "/console/falhas/previa",
        supervisor_session,
        message="Falha em {regiao}.",
        region_ids=["petro-centro"],
    )
    assert "Falha em Centro de Petrópolis." in preview.text


async def test_one_ticked_region_is_read_as_a_list(
    client: Client, supervisor_session: str, runtime: Runtime
) -> None:
    """A checkbox list with one box ticked sends the key once; it is still one region."""
    await runtime.services.define_region(
        DefineRegion(
            actor="tester",
            region_id="tere-centro",
            name="Centro",
            cities=(CityArea.of("Teresópolis"),),
        )
    )
    response = await _send(
        client,
        "/console/falhas",
        supervisor_session,
        name="X",
        message="Oi {nome}",
        region_ids="tere-centro",
    )
    assert response.status_code == 303
    (failure,) = await _failures(runtime)
    assert failure.regions.region_ids == ("tere-centro",)


async def test_a_refused_field_is_shown_beside_it_and_what_was_typed_is_kept(
    client: Client, supervisor_session: str, runtime: Runtime
) -> None:
    """An unknown placeholder: 422, the form alone (for the open dialog), the error beside the
    message, the focus on it, every value kept; nothing is stored."""
    response = await client.post(
        "/console/falhas",
        data={**_fields(message="Olá {cliente}!", ceps="2595"), "_csrf_token": supervisor_session},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "<dialog" not in response.text
    assert 'id="failure-form"' in response.text
    assert "Marcador desconhecido: {cliente}" in response.text
    textarea = re.search(r"<textarea name=\"message\"[^>]*>", response.text)
    assert textarea is not None
    assert 'aria-invalid="true"' in textarea.group(0)
    assert "message-preview" in textarea.group(0)  # the refusal is shown in the preview
    assert "autofocus" in textarea.group(0)
    assert 'id="err-message"' in response.text
    assert 'value="Fibra rompida no Centro"' in response.text
    assert 'value="Centro, Alto"' in response.text
    assert ">2595</textarea>" in response.text
    assert '<option value="high" selected>' in response.text
    assert await _failures(runtime) == []


async def test_refusals_name_the_city_row_and_the_cep_line(
    client: Client, supervisor_session: str
) -> None:
    """A bairro without its city is refused on that row; a bad CEP rule names its line."""
    no_city = await _send(
        client,
        "/console/falhas",
        supervisor_session,
        **_fields(city=["Teresópolis", ""], neighbourhoods=["", "Alto"]),
    )
    assert no_city.status_code == 422
    assert 'id="err-city-1"' in no_city.text
    assert "Preencha este campo." in no_city.text
    bad_cep = await _send(
        client, "/console/falhas", supervisor_session, **_fields(ceps="2595\n12x")
    )
    assert bad_cep.status_code == 422
    assert 'id="err-ceps"' in bad_cep.text
    assert "“12x”: use um prefixo de 1 a 8 dígitos" in bad_cep.text


async def test_no_region_and_a_schedule_without_date_are_refused(
    client: Client, supervisor_session: str
) -> None:
    """The core's "at least one region" is shown on the regions; "Agendar para" needs a date."""
    nowhere = await _send(
        client, "/console/falhas", supervisor_session, **_fields(city="", neighbourhoods="")
    )
    assert nowhere.status_code == 422
    assert 'id="err-regions"' in nowhere.text
    assert "Escolha ao menos uma região do catálogo, uma cidade ou um CEP." in nowhere.text
    undated = await _send(
        client, "/console/falhas", supervisor_session, **_fields(activation="agendar")
    )
    assert undated.status_code == 422
    assert 'id="err-starts-at"' in undated.text
    assert "<html" in undated.text  # no htmx: the whole page again


async def test_another_city_row_is_added_without_saving(
    client: Client, supervisor_session: str, runtime: Runtime
) -> None:
    """ "+ Outra cidade" shows the form again with one more empty row, focused."""
    response = await _send(
        client,
        "/console/falhas",
        supervisor_session,
        **_fields(city=["A", "B"], neighbourhoods=["", ""], more_cities="1"),
    )
    assert response.status_code == 200
    assert 'id="f-city-2"' in response.text
    assert re.search(r'id="f-city-2"[^>]*autofocus', response.text)
    assert await _failures(runtime) == []


async def test_the_preview_fills_the_placeholders_with_sample_values(
    client: Client, supervisor_session: str
) -> None:
    """The preview uses the core's values: the typed name, regions and ETA, a sample customer."""
    response = await _send(
        client,
        "/console/falhas/previa",
        supervisor_session,
        **_fields(
            message="Olá {nome}: {falha} em {regiao}, volta {previsao}.",
            estimated_resolution="2026-05-21T06:00",
        ),
    )
    assert response.status_code == 200
    assert (
        "Olá Maria: Fibra rompida no Centro em Teresópolis (Centro, Alto), volta 21/05/2026 06:00."
        in response.text
    )


async def test_the_preview_shows_an_unknown_placeholder_before_saving(
    client: Client, supervisor_session: str
) -> None:
    """The preview reports what the core refuses (an unknown placeholder, a lone brace) in pt-BR."""
    response = await _send(
        client, "/console/falhas/previa", supervisor_session, message="Olá {cliente}"
    )
    assert response.status_code == 200
    assert "Marcador desconhecido: {cliente}. Use {nome}, {previsao}, {falha}, {regiao}." in (
        response.text
    )
    assert 'class="preview"' not in response.text
    brace = await _send(client, "/console/falhas/previa", supervisor_session, message="Olá {nome")
    assert "Chave sem par" in brace.text


async def test_an_agent_is_refused_the_form_the_create_and_the_preview(
    client: Client, agent_session: str, runtime: Runtime
) -> None:
    """Agents see outages read-only: every route of the form is a 403 page."""
    assert (await client.get("/console/falhas/nova")).status_code == 403
    created = await _send(client, "/console/falhas", agent_session, **_fields())
    assert created.status_code == 403
    assert "Acesso negado" in created.text
    preview = await _send(client, "/console/falhas/previa", agent_session, message="x")
    assert preview.status_code == 403
    assert await _failures(runtime) == []
    page = await client.get("/console/falhas")
    assert "Cadastrar Nova Falha" not in page.text


async def test_creating_without_the_csrf_token_is_refused(
    client: Client, supervisor_session: str, runtime: Runtime
) -> None:
    """A form posted without its token changes nothing."""
    response = await client.post("/console/falhas", data=_fields())
    assert response.status_code == 403
    assert await _failures(runtime) == []


async def test_a_past_schedule_is_active_at_once(
    client: Client, supervisor_session: str, runtime: Runtime
) -> None:
    """ "Agendar para" a time already gone: the core activates it; the active tab is shown."""
    past = "2026-05-19T10:00"
    response = await _send(
        client,
        "/console/falhas",
        supervisor_session,
        **_fields(activation="agendar", starts_at=past),
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/console/falhas?aba=ativas"


async def _scheduled(runtime: Runtime) -> MassiveFailure:
    return await runtime.services.declare_failure(
        DeclareFailure(
            name="Manutenção Programada - Bairro Norte",
            message=MESSAGE,
            cities=(CityArea.of("Teresópolis", ["Bairro Norte"]),),
            ceps=(CepPrefix(prefix="2595"),),
            starts_at=datetime(2026, 5, 21, 5, 0, tzinfo=UTC),
            estimated_resolution=datetime(2026, 5, 21, 9, 0, tzinfo=UTC),
            actor="sofia",
        )
    )


async def test_editing_a_scheduled_failure_shows_it_filled_and_saves_the_change(
    client: Client, supervisor_session: str, runtime: Runtime
) -> None:
    """The same form, filled with the failure (local times); saving calls edit_failure."""
    failure = await _scheduled(runtime)
    form = await client.get(f"/console/falhas/{failure.id}/editar", headers=HTMX)
    assert form.status_code == 200
    assert "<dialog" in form.text
    assert "Editar Falha Agendada" in form.text
    assert f'action="/console/falhas/{failure.id}/editar"' in form.text
    assert 'value="Manutenção Programada - Bairro Norte"' in form.text
    assert 'value="Bairro Norte"' in form.text
    assert ">2595</textarea>" in form.text
    assert 'value="2026-05-21T02:00"' in form.text  # 05:00 UTC in America/Sao_Paulo
    assert re.search(r'id="f-schedule"[^>]*checked', form.text)
    response = await client.post(
        f"/console/falhas/{failure.id}/editar",
        data={
            **_fields(
                name="Manutenção Programada - Bairro Norte e Sul",
                activation="agendar",
                starts_at="2026-05-21T03:00",
            ),
            "_csrf_token": supervisor_session,
        },
        headers=HTMX,
    )
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == "/console/falhas?aba=agendadas"
    edited = await runtime.services.get_failure(failure.id)
    assert edited.name == "Manutenção Programada - Bairro Norte e Sul"
    assert edited.status is FailureStatus.SCHEDULED
    assert edited.starts_at == datetime(2026, 5, 21, 6, 0, tzinfo=UTC)
    assert edited.estimated_resolution is None
    assert edited.regions.area.ceps == ()
    page = await client.get("/console/falhas?aba=agendadas")
    assert "Falha “Manutenção Programada - Bairro Norte e Sul” atualizada." in page.text


async def test_an_edit_refused_by_a_rule_is_shown_beside_the_field(
    client: Client, supervisor_session: str, runtime: Runtime
) -> None:
    """An estimated resolution before the start: 422 beside it, the failure unchanged."""
    failure = await _scheduled(runtime)
    response = await _send(
        client,
        f"/console/falhas/{failure.id}/editar",
        supervisor_session,
        **_fields(
            activation="agendar",
            starts_at="2026-05-21T03:00",
            estimated_resolution="2026-05-21T01:00",
        ),
    )
    assert response.status_code == 422
    assert 'id="err-estimated-resolution"' in response.text
    assert "A previsão de normalização deve ser depois do início." in response.text
    assert 'value="2026-05-21T01:00"' in response.text
    assert (await runtime.services.get_failure(failure.id)).name == failure.name


async def test_an_active_failure_cannot_be_edited(
    client: Client, supervisor_session: str, runtime: Runtime
) -> None:
    """Opening or posting the form of an active failure goes back to its tab with the reason."""
    failure = await _scheduled(runtime)
    await runtime.services.change_failure_status(
        ChangeFailureStatus(failure_id=failure.id, action=FailureAction.ACTIVATE, actor="sofia")
    )
    opened = await client.get(f"/console/falhas/{failure.id}/editar")
    assert opened.status_code == 303
    assert opened.headers["location"] == "/console/falhas?aba=ativas"
    posted = await client.post(
        f"/console/falhas/{failure.id}/editar",
        data={**_fields(name="Outro nome"), "_csrf_token": supervisor_session},
        headers=HTMX,
    )
    assert posted.status_code == 204
    assert posted.headers["hx-redirect"] == "/console/falhas?aba=ativas"
    assert (await runtime.services.get_failure(failure.id)).name == failure.name
    page = await client.get("/console/falhas?aba=ativas")
    assert "não está mais agendada e não pode ser editada" in page.text


async def test_an_agent_cannot_edit(client: Client, agent_session: str, runtime: Runtime) -> None:
    """Editing is for managers: 403 for the form and the post."""
    failure = await _scheduled(runtime)
    assert (await client.get(f"/console/falhas/{failure.id}/editar")).status_code == 403
    posted = await _send(
        client, f"/console/falhas/{failure.id}/editar", agent_session, **_fields(name="X")
    )
    assert posted.status_code == 403
    assert (await runtime.services.get_failure(failure.id)).name == failure.name


async def test_editing_an_unknown_failure_is_a_404_page(
    client: Client, supervisor_session: str
) -> None:
    """An id that does not exist answers the console's 404 page."""
    response = await client.get("/console/falhas/nope/editar")
    assert response.status_code == 404
    assert "Página não encontrada" in response.text


async def test_the_preview_is_the_notice_a_customer_gets(runtime: Runtime) -> None:
    """For a saved failure, the form's preview equals the core's notice for that customer."""
    failure = await _scheduled(runtime)
    tz = ZoneInfo("America/Sao_Paulo")
    form = FailureForm.of(failure, tz)
    shown = preview(form, tz)
    assert shown.error is None
    assert shown.text == failure.notice_for(customer_name=shown.customer, tz=tz)
