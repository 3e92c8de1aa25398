"""Fila de envio and Mensagens com falha: filters, one dead letter, reprocess after a dry run, ADMIN only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lia_adapters.memory import InMemoryStore
from lia_core.domain.delivery import Channel, JobStatus, MessageContent
from lia_core.domain.users import Role
from lia_core.services import EnqueueMessage
from lia_entrypoints.bootstrap import Runtime

from ..dead_letter_support import bury
from ..http.api_support import NOW, Client
from .console_support import post_form, sign_in

FILA = "/console/fila"
DLQ = "/console/mensagens-com-falha"
REPROCESS = f"{DLQ}/reprocessar"


async def _queue(runtime: Runtime, to: str, text: str = "Olá") -> str:
    result = await runtime.services.enqueue_message(
        EnqueueMessage(channel=Channel.SMS, recipient=to, content=MessageContent(text=text))
    )
    return result.job.id


async def _dead(runtime: Runtime, store: InMemoryStore) -> list[str]:
    """Three dead letters: two `21211` (now, +2h) and one `30003` (+3h)."""
    ids = [await _queue(runtime, f"55219000000{n}", text=f"Mensagem {n}") for n in range(3)]
    bury(store, ids[0], failed_at=NOW)
    bury(store, ids[1], failed_at=NOW + timedelta(hours=2))
    bury(store, ids[2], failed_at=NOW + timedelta(hours=3), code="30003", http_status=None)
    return ids


async def test_outbox_lists_jobs_with_masked_recipients_and_filters(
    client: Client, admin_session: str, runtime: Runtime, store: InMemoryStore
) -> None:
    """The outbox shows every job, numbers masked; status, recipient and limit filter it."""
    first = await _queue(runtime, "5521987654321")
    await _queue(runtime, "5521912345678")
    bury(store, first, failed_at=NOW)
    page = await client.get(FILA)
    assert page.status_code == 200, page.text
    assert "<h1>Fila de envio</h1>" in page.text
    assert 'aria-current="page">Fila de envio' in page.text
    assert "5521*****4321" in page.text
    assert "5521987654321" not in page.text
    assert "Com falha" in page.text
    assert "Na fila" in page.text
    assert "permanent 21211 HTTP 400: invalid &#39;To&#39; number" in page.text
    assert f'href="{DLQ}/{first}"' in page.text  # a dead job links to its cause

    dead = await client.get(FILA, params={"status": "dead"})
    assert "5521*****4321" in dead.text
    assert "5521*****5678" not in dead.text
    mine = await client.get(FILA, params={"to": "5521912345678"})
    assert "5521*****5678" in mine.text
    assert "5521*****4321" not in mine.text
    one = await client.get(FILA, params={"limit": "1"})
    assert one.text.count("5521*****") == 1
    assert "Mostrar mais" in one.text
    assert "limit=2" in one.text


async def test_outbox_htmx_answers_the_panel_only(client: Client, admin_session: str) -> None:
    """With htmx, filtering returns only the panel (form + table), no layout."""
    response = await client.get(
        FILA, params={"status": "sent"}, headers={"HX-Request": "true", "HX-Target": "outbox-panel"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Nenhuma mensagem com estes filtros." in response.text


async def test_outbox_empty_state_says_what_fills_it(client: Client, admin_session: str) -> None:
    """An empty outbox says where messages come from."""
    page = await client.get(FILA)
    assert "A fila está vazia." in page.text


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"status": "lost"}, "status", "Situação desconhecida"),
        ({"limit": "0"}, "limit", "entre 1 e 1000"),
        ({"limit": "abc"}, "limit", "entre 1 e 1000"),
    ],
)
async def test_outbox_bad_filter_is_shown_beside_its_field(
    client: Client, admin_session: str, params: dict[str, str], field: str, message: str
) -> None:
    """A filter that cannot be read is a 422 page with the message tied to its field, never a 500."""
    response = await client.get(FILA, params=params)
    assert response.status_code == 422, response.text
    assert f'aria-describedby="{field}-error"' in response.text
    assert f'id="{field}-error">' in response.text
    assert message in response.text


async def test_dead_letters_list_and_filters(
    client: Client, admin_session: str, runtime: Runtime, store: InMemoryStore
) -> None:
    """The dead letters are listed oldest first and filtered like `lia dlq list`."""
    ids = await _dead(runtime, store)
    page = await client.get(DLQ)
    assert page.status_code == 200, page.text
    assert "<h1>Mensagens com falha</h1>" in page.text
    assert [page.text.index(f'value="{i}"') for i in ids] == sorted(
        page.text.index(f'value="{i}"') for i in ids
    )
    assert "Nenhum reprocessamento ainda." in page.text

    by_code = await client.get(DLQ, params={"err_code": "30003"})
    assert f'value="{ids[2]}"' in by_code.text
    assert f'value="{ids[0]}"' not in by_code.text
    # NOW is 12:00 in São Paulo: from 13:00 local leaves the two later ones.
    later = await client.get(DLQ, params={"since": "2026-05-20T13:00"})
    assert f'value="{ids[0]}"' not in later.text
    assert f'value="{ids[1]}"' in later.text
    assert 'value="2026-05-20T13:00"' in later.text  # the filter is kept in the form
    by_name = await client.get(DLQ, params={"job_name": "outage-notice"})
    assert "Nenhuma mensagem com falha com estes filtros." in by_name.text


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"job_name": "send-fax"}, "job_name"),
        ({"since": "ontem"}, "since"),
        ({"since": "2026-05-21T00:00", "until": "2026-05-20T00:00"}, "since"),
        ({"limit": "10001"}, "limit"),
    ],
)
async def test_dead_letters_bad_filter_is_shown_not_a_500(
    client: Client, admin_session: str, params: dict[str, str], field: str
) -> None:
    """An unknown job name, an unreadable time, an empty window or a huge limit: 422 beside the field."""
    response = await client.get(DLQ, params=params)
    assert response.status_code == 422, response.text
    assert f'id="{field}-error"' in response.text
    assert 'aria-invalid="true"' in response.text


async def test_empty_dead_letter_queue_says_what_it_is(client: Client, admin_session: str) -> None:
    """No dead letters: the page says when messages land here."""
    page = await client.get(DLQ)
    assert "Nenhuma mensagem com falha." in page.text
    assert "Simular reprocessamento" not in page.text


async def test_one_dead_letter_shows_its_cause_and_message(
    client: Client, admin_session: str, runtime: Runtime, store: InMemoryStore
) -> None:
    """A dead letter's page shows the error, the provider's answer, the message and the timeline."""
    ids = await _dead(runtime, store)
    page = await client.get(f"{DLQ}/{ids[0]}")
    assert page.status_code == 200, page.text
    for text in (
        "<h1>Mensagem com falha</h1>",
        "<code>21211</code>",
        "twilio",
        "invalid &#39;To&#39; number",
        "Mensagem 0",
        "<dd>552190000000</dd>",  # in full: this is where an admin sees a wrong number
        "desistência após 1 tentativa",
        "Linha do tempo",
        "Simular reprocessamento",
    ):
        assert text in page.text, text
    missing = await client.get(f"{DLQ}/no-such-job")
    assert missing.status_code == 404
    assert "Página não encontrada" in missing.text


async def test_reprocess_selected_dry_run_then_confirm(
    client: Client, admin_session: str, runtime: Runtime, store: InMemoryStore
) -> None:
    """Ticking two rows: the dry run lists them and requeues nothing; confirming requeues them."""
    ids = await _dead(runtime, store)
    picked = [ids[0], ids[2]]
    dry = await client.post(
        REPROCESS, data={"_csrf_token": admin_session, "scope": "selecionadas", "job_id": picked}
    )
    assert dry.status_code == 200, dry.text
    assert "Simulação de reprocessamento" in dry.text
    assert "<strong>2 mensagens</strong> voltariam" in dry.text
    assert f"<code>{ids[1]}</code>" not in dry.text
    assert all(f'name="job_id" value="{i}"' in dry.text for i in picked)
    assert "Confirmar reprocessamento" in dry.text
    assert len(store.dead_letters) == 3  # nothing moved
    assert [a.dry_run for a in store.audit] == [True]
    assert store.audit[0].actor == "ana"

    run = await client.post(
        REPROCESS,
        data={
            "_csrf_token": admin_session,
            "scope": "selecionadas",
            "job_id": picked,
            "confirmar": "1",
        },
    )
    assert run.status_code == 303
    assert run.headers["location"] == DLQ
    assert list(store.dead_letters) == [ids[1]]
    assert store.jobs[ids[0]].status is JobStatus.PENDING
    assert (store.audit[1].actor, store.audit[1].dry_run, store.audit[1].requeued) == (
        "ana",
        False,
        2,
    )
    after = await client.get(DLQ)
    assert "2 mensagens reenfileiradas para envio." in after.text
    assert "Reprocessamentos recentes" in after.text
    assert "2 selecionadas" in after.text


async def test_reprocess_all_matching_the_filter_in_a_dialog(
    client: Client, admin_session: str, runtime: Runtime, store: InMemoryStore
) -> None:
    """ "All matching" takes the list's filters; with htmx the dry run is a dialog fragment."""
    ids = await _dead(runtime, store)
    fields = {"_csrf_token": admin_session, "scope": "todas", "err_code": "21211"}
    htmx = {"HX-Request": "true", "HX-Target": "modal"}
    dry = await client.post(REPROCESS, data=fields, headers=htmx)
    assert dry.status_code == 200, dry.text
    assert dry.text.lstrip().startswith("<dialog")
    assert "<strong>2 mensagens</strong> voltariam" in dry.text
    assert 'name="err_code" value="21211"' in dry.text
    run = await client.post(REPROCESS, data={**fields, "confirmar": "1"}, headers=htmx)
    assert run.status_code == 204
    assert run.headers["hx-redirect"] == f"{DLQ}?err_code=21211"
    assert sorted(store.dead_letters) == [ids[2]]


async def test_reprocess_with_nothing_selected_is_refused_with_a_message(
    client: Client, admin_session: str, runtime: Runtime, store: InMemoryStore
) -> None:
    """An empty selection requeues nothing and says why on the list."""
    await _dead(runtime, store)
    response = await post_form(client, REPROCESS, admin_session, scope="selecionadas")
    assert response.status_code == 303
    assert store.audit == []
    page = await client.get(response.headers["location"])
    assert "Selecione ao menos uma mensagem" in page.text


async def test_a_job_at_the_reprocess_limit_is_shown_as_skipped(
    client: Client, admin_session: str, runtime: Runtime, store: InMemoryStore
) -> None:
    """The dry run marks a job that reached the limit; nothing to confirm when all are skipped."""
    job = await _queue(runtime, "5521987654321")
    store.jobs[job].dlq_reprocess_count = 3
    bury(store, job, failed_at=NOW)
    dry = await post_form(client, REPROCESS, admin_session, scope="todas")
    assert "Limite atingido" in dry.text
    assert "1 ficaria de fora" in dry.text
    assert "Confirmar reprocessamento" not in dry.text


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR])
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", FILA), ("GET", DLQ), ("GET", f"{DLQ}/job-1"), ("POST", REPROCESS)],
)
async def test_agents_and_supervisors_get_the_403_page(
    client: Client, runtime: Runtime, store: InMemoryStore, role: Role, method: str, path: str
) -> None:
    """Only admins open the outbox and the dead letters; others see the 403 page, nothing runs."""
    token = await sign_in(client, runtime, "beto", role)
    response = await client.request(
        method, path, data={"_csrf_token": token, "scope": "todas"} if method == "POST" else None
    )
    assert response.status_code == 403, response.text
    assert "Acesso negado" in response.text
    assert "restrita a administradores" in response.text
    assert store.audit == []
    assert "Mensagens com falha</a>" not in response.text  # not in their menu either


async def test_without_a_session_the_pages_ask_to_sign_in(client: Client) -> None:
    """Signed out, the pages redirect to the sign-in form and back."""
    response = await client.get(FILA)
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login?next=/console/fila"


async def test_reprocess_one_from_its_page(
    client: Client, admin_session: str, runtime: Runtime, store: InMemoryStore
) -> None:
    """A single ticked id (one form value, not a list) is read as a selection of one."""
    ids = await _dead(runtime, store)
    dry = await post_form(client, REPROCESS, admin_session, scope="selecionadas", job_id=ids[1])
    assert "<strong>1 mensagem</strong> voltaria" in dry.text
    run = await post_form(
        client, REPROCESS, admin_session, scope="selecionadas", job_id=ids[1], confirmar="1"
    )
    assert run.status_code == 303
    assert sorted(store.dead_letters) == sorted([ids[0], ids[2]])
    assert "1 mensagem reenfileirada para envio." in (await client.get(DLQ)).text
