"""The Falha Massiva page: lifecycle actions, a failure's detail and live counts, the Finalizar
dialog, the history in pages, and what an AGENT may not do."""

from __future__ import annotations

from datetime import timedelta

from lia_adapters.memory import FixedClock
from lia_core.domain.failures import DEFAULT_RESOLUTION_MESSAGE, FailureStatus
from lia_core.domain.regions import CityArea
from lia_core.services import DeclareFailure, NotifyContact
from lia_entrypoints.bootstrap import Runtime

from ..http.api_support import Client
from .console_support import post_form


async def declare(
    runtime: Runtime, clock: FixedClock, *, name: str = "Fibra Centro", scheduled: bool = False
) -> str:
    """Declare a failure over Teresópolis (Centro), active now or in an hour; return its id."""
    failure = await runtime.services.declare_failure(
        DeclareFailure(
            name=name,
            message="Olá {nome}, instabilidade em {regiao}.",
            cities=(CityArea.parse("Teresópolis:Centro"),),
            starts_at=clock.now() + timedelta(hours=1) if scheduled else None,
            actor="sofia",
        )
    )
    return failure.id


async def notify(runtime: Runtime, failure_id: str, *phones: str) -> None:
    """Tell these contacts about the failure (queues their notices)."""
    for phone in phones:
        await runtime.services.notify_contact(NotifyContact(failure_id=failure_id, recipient=phone))


async def status_of(runtime: Runtime, failure_id: str) -> FailureStatus:
    """The failure's stored status."""
    return (await runtime.services.get_failure(failure_id)).status


async def flashes(client: Client, path: str) -> str:
    """The page the browser lands on after a redirect (where the flash shows)."""
    return (await client.get(path)).text


async def test_pause_resume_activate_and_cancel_go_back_to_their_tab_with_a_message(
    client: Client, supervisor_session: str, runtime: Runtime, clock: FixedClock
) -> None:
    """Each action changes the status, flashes what happened and returns to the given page."""
    active = await declare(runtime, clock)
    scheduled = await declare(runtime, clock, name="Manutenção Norte", scheduled=True)
    doomed = await declare(runtime, clock, name="Manutenção Sul", scheduled=True)
    back = "/console/falhas?aba=ativas"
    steps = [
        (active, "pausar", FailureStatus.PAUSED, "Falha pausada."),
        (active, "retomar", FailureStatus.ACTIVE, "Falha retomada."),
        (scheduled, "ativar", FailureStatus.ACTIVE, "Falha ativada."),
        (doomed, "cancelar", FailureStatus.CANCELLED, "Falha cancelada."),
    ]
    for failure_id, action, status, message in steps:
        response = await post_form(
            client, f"/console/falhas/{failure_id}/{action}", supervisor_session, voltar=back
        )
        assert response.status_code == 303, response.text
        assert response.headers["location"] == back
        assert await status_of(runtime, failure_id) is status
        assert message in await flashes(client, back)


async def test_an_action_returns_to_the_detail_and_never_off_the_console(
    client: Client, supervisor_session: str, runtime: Runtime, clock: FixedClock
) -> None:
    """voltar may name the failure's detail; anything outside the page falls back to the list."""
    fid = await declare(runtime, clock)
    detail = f"/console/falhas/{fid}"
    paused = await post_form(client, f"{detail}/pausar", supervisor_session, voltar=detail)
    assert paused.headers["location"] == detail
    for bad in ("https://evil.example/", "//evil.example/console/falhas", "/console/regioes"):
        resumed = await post_form(client, f"{detail}/retomar", supervisor_session, voltar=bad)
        assert resumed.headers["location"] == "/console/falhas"
        await post_form(client, f"{detail}/pausar", supervisor_session)


async def test_with_htmx_an_action_answers_hx_redirect(
    client: Client, supervisor_session: str, runtime: Runtime, clock: FixedClock
) -> None:
    """An htmx-posted action is told where to go with HX-Redirect (htmx follows it)."""
    fid = await declare(runtime, clock)
    response = await client.post(
        f"/console/falhas/{fid}/pausar",
        data={"_csrf_token": supervisor_session, "voltar": "/console/falhas?aba=ativas"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == "/console/falhas?aba=ativas"


async def test_a_list_button_with_htmx_gets_the_panel_back_with_its_message(
    client: Client, supervisor_session: str, runtime: Runtime, clock: FixedClock
) -> None:
    """From the list, htmx gets the tab's panel again (new badge, buttons and tab counts) and
    the message as an out-of-band swap into the flash area; nothing waits for the next page."""
    fid = await declare(runtime, clock)
    listed = (await client.get("/console/falhas")).text
    assert f'hx-post="/console/falhas/{fid}/pausar" hx-target="#failure-panel"' in listed
    response = await client.post(
        f"/console/falhas/{fid}/pausar",
        data={"_csrf_token": supervisor_session, "voltar": "/console/falhas?aba=ativas"},
        headers={"HX-Request": "true", "HX-Target": "failure-panel"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Falhas Ativas (1)" in response.text
    assert 'badge-warn">Pausada' in response.text
    assert f'hx-post="/console/falhas/{fid}/retomar"' in response.text
    assert '<div id="flashes" hx-swap-oob="innerHTML">' in response.text
    assert "Falha pausada." in response.text
    assert "Falha pausada." not in (await client.get("/console/falhas")).text  # shown once
    detail = (await client.get(f"/console/falhas/{fid}")).text
    assert 'hx-target="#failure-panel"' not in detail  # the detail's buttons load a new page


async def test_a_refused_transition_flashes_an_error_and_changes_nothing(
    client: Client, supervisor_session: str, runtime: Runtime, clock: FixedClock
) -> None:
    """Resuming an active failure (a stale button) is refused with a message, not an error page."""
    fid = await declare(runtime, clock)
    response = await post_form(client, f"/console/falhas/{fid}/retomar", supervisor_session)
    assert response.status_code == 303
    assert await status_of(runtime, fid) is FailureStatus.ACTIVE
    page = await flashes(client, response.headers["location"])
    assert "Não foi possível retomar a falha: ela está ativa." in page
    assert "flash-error" in page


async def test_an_unknown_failure_is_a_404_page(client: Client, supervisor_session: str) -> None:
    """Acting on or opening a failure that does not exist shows the 404 page."""
    assert (await client.get("/console/falhas/nao-existe")).status_code == 404
    response = await post_form(client, "/console/falhas/nao-existe/pausar", supervisor_session)
    assert response.status_code == 404


async def test_the_list_shows_each_status_its_buttons(
    client: Client, supervisor_session: str, runtime: Runtime, clock: FixedClock
) -> None:
    """Active: Pausar and Finalizar; scheduled: Editar, Ativar agora and Cancelar, each named."""
    await declare(runtime, clock)
    await declare(runtime, clock, name="Manutenção Norte", scheduled=True)
    active = (await client.get("/console/falhas")).text
    assert 'Pausar<span class="visually-hidden"> Fibra Centro</span>' in active
    assert "Finalizar<span" in active
    assert 'name="voltar" value="/console/falhas?aba=ativas"' in active
    scheduled = (await client.get("/console/falhas?aba=agendadas")).text
    for label in ("Editar", "Ativar agora", "Cancelar"):
        assert f'{label}<span class="visually-hidden"> Manutenção Norte</span>' in scheduled


async def test_cancelar_asks_first_in_a_dialog_or_a_page(
    client: Client, supervisor_session: str, runtime: Runtime, clock: FixedClock
) -> None:
    """Cancelar opens a question (a dialog with htmx, a page without) that posts the cancel
    and carries where to go back; opening it changes nothing."""
    fid = await declare(runtime, clock, name="Manutenção Norte", scheduled=True)
    back = "/console/falhas?aba=agendadas"
    listed = (await client.get(back)).text
    ask = f"/console/falhas/{fid}/cancelar?voltar=/console/falhas%3Faba%3Dagendadas"
    assert f'href="{ask}"' in listed
    dialog = await client.get(ask, headers={"HX-Request": "true"})
    assert dialog.text.lstrip().startswith("<dialog")
    assert "Cancelar a falha “Manutenção Norte”?" in dialog.text
    assert f'name="voltar" value="{back}"' in dialog.text
    assert "data-close" in dialog.text
    full = await client.get(ask)
    assert "<h1>Cancelar a falha “Manutenção Norte”?</h1>" in full.text
    assert f'<a class="button" href="{back}">Voltar</a>' in full.text
    assert await status_of(runtime, fid) is FailureStatus.SCHEDULED
    elsewhere = await client.get(f"/console/falhas/{fid}/cancelar?voltar=https://evil.example")
    assert 'name="voltar" value="/console/falhas"' in elsewhere.text


async def test_an_agent_sees_the_list_and_detail_without_buttons_and_is_refused_actions(
    client: Client, agent_session: str, runtime: Runtime, clock: FixedClock
) -> None:
    """An AGENT reads the pages but gets no buttons, and every action answers the 403 page."""
    fid = await declare(runtime, clock)
    for path in ("/console/falhas", f"/console/falhas/{fid}"):
        response = await client.get(path)
        assert response.status_code == 200
        assert "Fibra Centro" in response.text
        assert "/pausar" not in response.text
        assert "/finalizar" not in response.text
    for action in ("pausar", "retomar", "ativar", "cancelar", "finalizar"):
        refused = await post_form(client, f"/console/falhas/{fid}/{action}", agent_session)
        assert refused.status_code == 403, action
        assert "Acesso negado" in refused.text
    assert (await client.get(f"/console/falhas/{fid}/finalizar")).status_code == 403
    assert (await client.get(f"/console/falhas/{fid}/cancelar")).status_code == 403
    assert await status_of(runtime, fid) is FailureStatus.ACTIVE


async def test_the_detail_shows_the_failure_who_created_it_and_its_counts(
    client: Client, supervisor_session: str, runtime: Runtime, clock: FixedClock
) -> None:
    """The detail has the message, regions, creator, start, and the notices by delivery state."""
    fid = await declare(runtime, clock)
    await notify(runtime, fid, "5521900000001", "5521900000002")
    clock.advance(hours=1)
    page = (await client.get(f"/console/falhas/{fid}")).text
    assert "<h1>Fibra Centro</h1>" in page
    assert "Olá {nome}, instabilidade em {regiao}." in page
    assert "Teresópolis (Centro)" in page
    assert "sofia" in page
    assert "há 1h" in page
    assert '<th scope="row">Avisos</th>' in page
    assert '<td class="number">2</td>' in page  # two contacts, two queued
    assert '<a href="/console/falhas?aba=ativas">← Falha Massiva</a>' in page


async def test_counts_poll_while_messages_are_queued_and_stop_when_none_are(
    client: Client, supervisor_session: str, runtime: Runtime, clock: FixedClock
) -> None:
    """The counts fragment carries its every-2s trigger only while something is queued."""
    fid = await declare(runtime, clock)
    quiet = await client.get(f"/console/falhas/{fid}/contagens", headers={"HX-Request": "true"})
    assert quiet.status_code == 200
    assert "hx-trigger" not in quiet.text
    assert "<html" not in quiet.text
    await notify(runtime, fid, "5521900000001")
    draining = await client.get(f"/console/falhas/{fid}/contagens", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in draining.text
    assert f'hx-get="/console/falhas/{fid}/contagens"' in draining.text
    detail = (await client.get(f"/console/falhas/{fid}")).text
    assert 'hx-trigger="every 2s"' in detail


async def test_the_finalize_dialog_offers_both_choices_and_the_default_message(
    client: Client, supervisor_session: str, runtime: Runtime, clock: FixedClock
) -> None:
    """With htmx the dialog is a <dialog> fragment; without, a full page; broadcast is the default."""
    fid = await declare(runtime, clock)
    fragment = await client.get(f"/console/falhas/{fid}/finalizar", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith("<dialog")
    assert "Apenas desativar as notificações." in fragment.text
    assert "Desativar e enviar uma mensagem de resolução" in fragment.text
    assert 'value="enviar" checked' in fragment.text
    assert DEFAULT_RESOLUTION_MESSAGE in fragment.text
    full = await client.get(f"/console/falhas/{fid}/finalizar")
    assert '<h1 id="finalizar-titulo">' in full.text
    assert '<label for="mensagem">' in full.text


async def test_finalize_with_a_broadcast_queues_one_message_per_notified_contact(
    client: Client, supervisor_session: str, runtime: Runtime, clock: FixedClock
) -> None:
    """Finalizing with the message resolves the failure, queues the resolutions, says how many
    and shows it in Histórico with its counts."""
    fid = await declare(runtime, clock)
    await notify(runtime, fid, "5521900000001", "5521900000002")
    response = await post_form(
        client,
        f"/console/falhas/{fid}/finalizar",
        supervisor_session,
        envio="enviar",
        mensagem="Resolvido, {nome}!",
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/console/falhas?aba=historico"
    failure = await runtime.services.get_failure(fid)
    assert failure.status is FailureStatus.RESOLVED
    assert failure.resolved_by == "sofia"
    assert failure.resolution_message == "Resolvido, {nome}!"
    history = await flashes(client, "/console/falhas?aba=historico")
    assert "Falha finalizada; 2 mensagens de resolução na fila." in history
    row = history.split(f'id="failure-{fid}"')[1].split("</tr>")[0]
    assert row.count('<td class="number">2</td>') == 2


async def test_finalize_without_a_broadcast_sends_nothing(
    client: Client, supervisor_session: str, runtime: Runtime, clock: FixedClock
) -> None:
    """ "Apenas desativar" resolves the failure and queues no resolution message."""
    fid = await declare(runtime, clock)
    await notify(runtime, fid, "5521900000001")
    response = await post_form(
        client, f"/console/falhas/{fid}/finalizar", supervisor_session, envio="desativar"
    )
    assert response.status_code == 303
    assert (await runtime.services.failure_details(fid)).resolutions == 0
    assert await status_of(runtime, fid) is FailureStatus.RESOLVED
    assert "nenhuma mensagem de resolução enviada" in await flashes(
        client, "/console/falhas?aba=historico"
    )


async def test_a_bad_resolution_message_is_shown_beside_the_field(
    client: Client, supervisor_session: str, runtime: Runtime, clock: FixedClock
) -> None:
    """An unknown placeholder re-renders the dialog with 422, the text kept and the error linked."""
    fid = await declare(runtime, clock)
    response = await client.post(
        f"/console/falhas/{fid}/finalizar",
        data={"_csrf_token": supervisor_session, "envio": "enviar", "mensagem": "Oi {cliente}"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert response.text.lstrip().startswith("<dialog")
    assert 'aria-invalid="true"' in response.text
    assert 'aria-describedby="mensagem-dica mensagem-erro"' in response.text
    assert 'id="mensagem-erro"' in response.text
    assert "Marcador desconhecido: {cliente}" in response.text
    assert "Oi {cliente}</textarea>" in response.text
    assert await status_of(runtime, fid) is FailureStatus.ACTIVE


async def test_finalizing_twice_flashes_an_error(
    client: Client, supervisor_session: str, runtime: Runtime, clock: FixedClock
) -> None:
    """A failure already resolved cannot be finalized again: an error message on its detail."""
    fid = await declare(runtime, clock)
    path = f"/console/falhas/{fid}/finalizar"
    await post_form(client, path, supervisor_session, envio="desativar")
    again = await post_form(client, path, supervisor_session, envio="desativar")
    assert again.headers["location"] == f"/console/falhas/{fid}"
    detail = await flashes(client, f"/console/falhas/{fid}")
    assert "ela está resolvida" in detail
    assert '<a href="/console/falhas?aba=historico">← Falha Massiva</a>' in detail


async def test_the_history_comes_in_pages_of_fifty(
    client: Client, supervisor_session: str, runtime: Runtime, clock: FixedClock
) -> None:
    """Histórico shows 50 failures a page, newest first, with Anterior/Próxima links."""
    ids = []
    for n in range(53):
        fid = await declare(runtime, clock, name=f"Falha {n:02}")
        await post_form(
            client, f"/console/falhas/{fid}/finalizar", supervisor_session, envio="desativar"
        )
        ids.append(fid)
        clock.advance(minutes=1)
    first = (await client.get("/console/falhas?aba=historico")).text
    assert "Histórico de Falhas (53)" in first
    assert first.count('<tr id="failure-') == 50
    assert "Falha 52" in first
    assert "Falha 02<" not in first
    assert 'href="?aba=historico&amp;pagina=2"' in first
    assert "Anterior" not in first
    second = (await client.get("/console/falhas?aba=historico&pagina=2")).text
    assert second.count('<tr id="failure-') == 3
    assert "Falha 00" in second
    assert 'href="?aba=historico&amp;pagina=1"' in second
    assert "Próxima" not in second
    assert "Página 2 de 2" in second
    panel = await client.get(
        "/console/falhas?aba=historico&pagina=2", headers={"HX-Target": "failure-panel"}
    )
    assert "<html" not in panel.text
    assert "Falha 01" in panel.text
    for odd in ("x", "0", "-1", "9" * 30, "²"):
        shown = await client.get(f"/console/falhas?aba=historico&pagina={odd}")
        assert shown.status_code == 200, odd
        assert "Página 1 de 2" in shown.text, odd
