"""Regiões: the catalogue page, the region form (dialog and page), deleting, and the roles."""

from __future__ import annotations

from lia_core.domain.regions import CityArea, parse_cep_rule
from lia_core.services import DeclareFailure, DefineRegion
from lia_entrypoints.bootstrap import Runtime

from ..http.api_support import Client
from .console_support import post_form

HTMX = {"HX-Request": "true"}


async def define_serra(runtime: Runtime) -> None:
    """Store the region `serra`: Teresópolis (Centro, Alto) and CEPs 2595*."""
    await runtime.services.define_region(
        DefineRegion(
            actor="tester",
            region_id="serra",
            name="Serra",
            cities=(CityArea.parse("Teresópolis:Centro,Alto"),),
            ceps=(parse_cep_rule("2595"),),
        )
    )


async def test_empty_catalogue_says_what_to_do(client: Client, supervisor_session: str) -> None:
    """With no region, the page tells a manager how to add one, and offers the button."""
    response = await client.get("/console/regioes")
    assert response.status_code == 200
    assert "<h1>Regiões</h1>" in response.text
    assert "Nenhuma região cadastrada." in response.text
    assert 'href="/console/regioes/nova"' in response.text
    assert 'aria-current="page">Regiões</a>' in response.text


async def test_list_shows_name_id_cities_and_cep_rules(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """Each region is a row: name, id, its cities with bairros, its CEP rules, the actions."""
    await define_serra(runtime)
    page = (await client.get("/console/regioes")).text
    assert '<th scope="row">Serra</th>' in page
    assert "<code>serra</code>" in page
    assert "Teresópolis (Centro, Alto)" in page
    assert "CEP 2595*" in page
    assert 'href="/console/regioes/serra/editar"' in page
    assert 'href="/console/regioes/serra/excluir"' in page
    assert '<span class="visually-hidden"> Serra</span>' in page


async def test_new_region_form_is_a_dialog_with_htmx_and_a_page_without(
    client: Client, supervisor_session: str
) -> None:
    """The form opens in a <dialog> for htmx, and as a full page with its own h1 otherwise."""
    dialog = await client.get("/console/regioes/nova", headers=HTMX)
    assert dialog.status_code == 200
    assert dialog.text.lstrip().startswith("<dialog")
    assert 'hx-post="/console/regioes/nova"' in dialog.text
    full = await client.get("/console/regioes/nova")
    assert "<h1>Nova região</h1>" in full.text
    assert 'action="/console/regioes/nova"' in full.text
    assert "hx-post" not in full.text


async def test_create_a_region(client: Client, runtime: Runtime, supervisor_session: str) -> None:
    """A filled form stores the region through the use case and goes back to the list."""
    response = await post_form(
        client,
        "/console/regioes/nova",
        supervisor_session,
        id="serra-norte",
        name="Serra — zona norte",
        cities="Teresópolis: Centro, Alto\nPetrópolis\n",
        ceps="25950-000..25959-999\n2596",
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/console/regioes"
    region = await runtime.services.get_region("serra-norte")
    assert region.name == "Serra — zona norte"
    assert [c.describe() for c in region.area.cities] == [
        "Teresópolis (Centro, Alto)",
        "Petrópolis",
    ]
    assert [r.spec() for r in region.area.ceps] == ["25950-000..25959-999", "2596"]
    listed = (await client.get("/console/regioes")).text
    assert "Região “Serra — zona norte” cadastrada." in listed


async def test_create_with_htmx_answers_hx_redirect(
    client: Client, supervisor_session: str
) -> None:
    """Posted from the dialog, a success tells htmx to load the list."""
    response = await client.post(
        "/console/regioes/nova",
        data={"id": "serra", "name": "Serra", "ceps": "2595", "_csrf_token": supervisor_session},
        headers=HTMX,
    )
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == "/console/regioes"


async def test_refused_fields_are_shown_beside_them_with_422(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """Bad lines are named beside their field, the typed text stays, and nothing is stored."""
    response = await post_form(
        client,
        "/console/regioes/nova",
        supervisor_session,
        id="Serra",
        name=" ",
        cities="Teresópolis: Centro\n  : Alto",
        ceps="2595\n25959-999..25950-000",
    )
    assert response.status_code == 422
    page = response.text
    assert 'id="region-id-error"' in page
    assert 'id="region-name-error"' in page
    assert 'id="region-cities-error"' in page
    assert "Linha 2 (“: Alto”)" in page
    assert 'id="region-ceps-error"' in page
    assert "Linha 2 (“25959-999..25950-000”)" in page
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="region-ceps-hint region-ceps-error"' in page
    assert "Teresópolis: Centro" in page
    assert await runtime.services.list_regions() == ()


async def test_core_refusals_land_on_their_field(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """A bad id, a blank name, no rule at all and a taken id each go beside their own field."""
    bad_id = await post_form(
        client, "/console/regioes/nova", supervisor_session, id="Serra Norte", name="S", ceps="1"
    )
    assert bad_id.status_code == 422
    assert 'id="region-id-error"' in bad_id.text
    blank = await post_form(
        client, "/console/regioes/nova", supervisor_session, id="s", name="  ", ceps="1"
    )
    assert 'id="region-name-error"' in blank.text
    assert "Informe o nome da região." in blank.text
    empty = await post_form(client, "/console/regioes/nova", supervisor_session, id="s", name="S")
    assert "Informe ao menos uma cidade ou uma regra de CEP." in empty.text
    await define_serra(runtime)
    taken = await post_form(
        client, "/console/regioes/nova", supervisor_session, id="serra", name="S", ceps="1"
    )
    assert taken.status_code == 422
    assert "Já existe uma região com o id “serra”." in taken.text


async def test_htmx_refusal_swaps_only_the_form(client: Client, supervisor_session: str) -> None:
    """From the dialog, a refused form comes back alone (the dialog stays open around it)."""
    response = await client.post(
        "/console/regioes/nova",
        data={"id": "serra", "name": "", "ceps": "2595", "_csrf_token": supervisor_session},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<form id="region-form"')
    assert "<dialog" not in response.text


async def test_edit_a_region(client: Client, runtime: Runtime, supervisor_session: str) -> None:
    """The edit form is filled with the region; saving replaces its name and rules, not its id."""
    await define_serra(runtime)
    form = await client.get("/console/regioes/serra/editar")
    assert form.status_code == 200
    assert "Teresópolis: Centro, Alto</textarea>" in form.text
    assert ">2595</textarea>" in form.text
    assert 'name="id"' not in form.text
    saved = await post_form(
        client,
        "/console/regioes/serra/editar",
        supervisor_session,
        id="ignored",
        name="Serra inteira",
        cities="Teresópolis",
        ceps="",
    )
    assert saved.status_code == 303
    region = await runtime.services.get_region("serra")
    assert region.name == "Serra inteira"
    assert [c.describe() for c in region.area.cities] == ["Teresópolis"]
    assert region.area.ceps == ()
    emptied = await post_form(
        client, "/console/regioes/serra/editar", supervisor_session, name="Serra"
    )
    assert emptied.status_code == 422
    assert (await runtime.services.get_region("serra")).area.cities != ()


async def test_editing_an_unknown_region_is_the_404_page(
    client: Client, supervisor_session: str
) -> None:
    """A region that does not exist answers the console's 404 page."""
    response = await client.get("/console/regioes/nada/editar")
    assert response.status_code == 404
    assert "Página não encontrada" in response.text


async def test_delete_asks_first_then_deletes(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """The confirm dialog posts to excluir; the region is gone and a flash says so."""
    await define_serra(runtime)
    confirm = await client.get("/console/regioes/serra/excluir", headers=HTMX)
    assert confirm.text.lstrip().startswith("<dialog")
    assert 'action="/console/regioes/serra/excluir"' in confirm.text
    page = await client.get("/console/regioes/serra/excluir")
    assert "<h1>Excluir a região “Serra”?</h1>" in page.text
    deleted = await post_form(client, "/console/regioes/serra/excluir", supervisor_session)
    assert deleted.status_code == 303
    assert await runtime.services.list_regions() == ()
    assert "Região “Serra” excluída." in (await client.get("/console/regioes")).text


async def test_delete_is_refused_while_an_open_failure_uses_the_region(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """The use case's refusal becomes an error flash naming the failure; the region stays."""
    await define_serra(runtime)
    await runtime.services.declare_failure(
        DeclareFailure(
            name="Fibra rompida na Serra",
            message="Olá {nome}, há uma falha.",
            region_ids=("serra",),
            starts_at=None,
            actor="sofia",
        )
    )
    refused = await post_form(client, "/console/regioes/serra/excluir", supervisor_session)
    assert refused.status_code == 303
    assert refused.headers["location"] == "/console/regioes"
    page = (await client.get("/console/regioes")).text
    assert 'class="flash flash-error" role="alert"' in page
    assert "usada por uma falha em aberto (“Fibra rompida na Serra”)" in page
    assert len(await runtime.services.list_regions()) == 1


async def test_an_agent_reads_the_list_but_cannot_change_it(
    client: Client, runtime: Runtime, agent_session: str
) -> None:
    """An AGENT sees the regions without buttons; the forms and the POSTs are the 403 page."""
    await define_serra(runtime)
    page = (await client.get("/console/regioes")).text
    assert '<th scope="row">Serra</th>' in page
    assert "/console/regioes/nova" not in page
    assert "/editar" not in page
    assert "/excluir" not in page
    assert "Um supervisor" not in page  # the empty state is not shown with regions present
    assert (await client.get("/console/regioes/nova")).status_code == 403
    for path, fields in (
        ("/console/regioes/nova", {"id": "x", "name": "X", "ceps": "1"}),
        ("/console/regioes/serra/editar", {"name": "X", "ceps": "1"}),
        ("/console/regioes/serra/excluir", {}),
    ):
        refused = await post_form(client, path, agent_session, **fields)
        assert refused.status_code == 403, path
        assert "Acesso negado" in refused.text
    assert [r.name for r in await runtime.services.list_regions()] == ["Serra"]


async def test_an_agent_on_an_empty_catalogue_is_told_who_adds_regions(
    client: Client, agent_session: str
) -> None:
    """The empty state names the supervisor, with no button the agent could not use."""
    page = (await client.get("/console/regioes")).text
    assert "Um supervisor pode cadastrar" in page
    assert "+ Nova região" not in page
