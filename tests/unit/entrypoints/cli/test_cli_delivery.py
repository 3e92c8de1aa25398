"""`lia message|outbox|dlq …` and `lia failure notify|resolve|show` in-process over the fakes."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import attrs
import pytest

from lia_core.domain.delivery import JobStatus
from lia_entrypoints.cli import failure_notices

from ..dead_letter_support import bury
from .cli_harness import NOW, CliHarness

PHONE = "5521987654321"


def send(lia: CliHarness, to: str = PHONE, *extra: str, channel: str = "sms") -> str:
    """Queue a text message through the CLI and return its job id."""
    doc = lia.json("message", "send", "--channel", channel, "--to", to, "--text", "Olá", *extra)
    job_id: str = doc["job"]["id"]
    return job_id


def test_send_prints_job_and_is_idempotent(lia: CliHarness) -> None:
    """A send prints the job id and status; the same idempotency key returns the queued job."""
    args = ("message", "send", "--channel", "whatsapp", "--to", PHONE, "--text", "Oi")
    first = lia.ok(*args, "--idempotency-key", "k-1").stdout
    assert first == "queued: job f-1 (send-whatsapp on whatsapp, pending)\n"
    again = lia.ok(*args, "--idempotency-key", "k-1").stdout
    assert again.startswith("already queued: job f-1")
    doc = lia.json(*args, "--idempotency-key", "k-1")
    assert doc["created"] is False
    assert doc["job"]["id"] == "f-1"
    assert len(lia.store.jobs) == 1


def test_send_template_with_params_as_json(lia: CliHarness) -> None:
    """--template and repeated --param make a template message; the job is JSON-described."""
    doc = lia.json("message", "send", "--channel", "SMS", "--to", PHONE, "--template", "aviso",
                   "--param", "Ana", "--param", "amanhã")  # fmt: skip
    job = doc["job"]
    assert doc["created"] is True
    assert (job["job_name"], job["channel"], job["status"], job["lane"]) == (
        "send-sms", "sms", "pending", "live",
    )  # fmt: skip
    assert job["content"]["template"] == "aviso"
    assert job["content"]["params"] == ["Ana", "amanhã"]
    assert job["source"] == "cli"
    assert job["next_attempt_at"] == "2026-05-20T09:00:00-03:00"


def test_send_template_with_header_and_buttons(lia: CliHarness) -> None:
    """--header KIND:VALUE and repeated --button KIND:INDEX:VALUE reach the job."""
    doc = lia.json("message", "send", "--channel", "whatsapp", "--to", PHONE,
                   "--template", "fatura_pronta", "--param", "Ana",
                   "--header", "document:https://isp.example/f/1.pdf",
                   "--header-filename", "fatura.pdf",
                   "--button", "quick_reply:1:falar", "--button", "url:0:boleto/1")  # fmt: skip
    content = doc["job"]["content"]
    assert content["header"] == {
        "type": "document",
        "value": "https://isp.example/f/1.pdf",
        "filename": "fatura.pdf",
    }
    assert content["buttons"] == [
        {"type": "url", "index": 0, "value": "boleto/1"},
        {"type": "quick_reply", "index": 1, "value": "falar"},
    ]


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("--template", "t", "--header", "image"), "--header"),
        (("--template", "t", "--header", "image:http://x.example/a.png"), "--header"),
        (("--template", "t", "--header-filename", "a.pdf"), "--header-filename"),
        (("--template", "t", "--button", "url:zero:x"), "--button"),
        (("--template", "t", "--button", "call:0:x"), "--button"),
        (("--template", "t", "--button", "url:0:a", "--button", "url:0:b"), "--button"),
        (("--text", "oi", "--header", "text:x"), "--header"),
    ],
)
def test_bad_template_parts_name_the_flag(
    lia: CliHarness, args: tuple[str, ...], flag: str
) -> None:
    """A header without a value or with a plain-http link, a file name without a header, a
    button without a numeric index or of an unknown kind, one index twice, parts without a
    template: exit 2 naming the flag; nothing queued."""
    result = lia("message", "send", "--channel", "whatsapp", "--to", PHONE, *args, "--json")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"error: {flag}: ")
    assert lia.store.jobs == {}


def test_bad_channel_exits_2_naming_the_flag(lia: CliHarness) -> None:
    """An unknown channel is a usage error naming --channel; nothing is queued."""
    result = lia("message", "send", "--channel", "telegram", "--to", PHONE, "--text", "Oi")
    assert result.exit_code == 2
    assert "--channel" in result.stderr
    assert lia.store.jobs == {}


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("--to", "  ", "--text", "Oi"), "--to"),
        (("--to", PHONE), "--text"),
        (("--to", PHONE, "--text", "Oi", "--param", "x"), "--param"),
    ],
)
def test_invalid_message_names_the_flag(lia: CliHarness, args: tuple[str, ...], flag: str) -> None:
    """A blank recipient, an empty message or a parameter without template: exit 2 naming the flag."""
    result = lia("message", "send", "--channel", "sms", *args, "--json")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {flag}: ")
    assert json.loads(result.stdout)["error"]["field"] == flag


def test_outbox_list_masks_phones_in_text_only(lia: CliHarness) -> None:
    """The table masks the middle digits and shows local times; --json keeps the number."""
    assert "no jobs" in lia.ok("outbox", "list").stdout
    send(lia)
    send(lia, "+55 21 91111-2222")
    lines = lia.ok("outbox", "list").stdout.splitlines()
    assert lines[0].split("  ")[0:1] == ["ID"]
    for header in ("JOB", "CHANNEL", "TO", "STATUS", "ATTEMPTS", "NEXT ATTEMPT", "LAST ERROR"):
        assert header in lines[0]
    assert "5521*****4321" in lines[2]
    assert "5521*****2222" in lines[1]  # stored in one canonical form whatever was typed
    assert "2026-05-20 09:00 -03" in lines[1]
    assert PHONE not in "\n".join(lines)
    items = lia.json("outbox", "list", "--to", PHONE)["items"]
    assert [i["recipient"] for i in items] == [PHONE]
    typed = lia.json("outbox", "list", "--to", "(21) 91111-2222")["items"]
    assert [i["recipient"] for i in typed] == ["5521911112222"]


def test_outbox_filters_by_status_and_limit(lia: CliHarness) -> None:
    """--status and --limit narrow the listing; a bad status is exit 2 naming --status."""
    first, _ = send(lia), send(lia)
    bury(lia.store, first, failed_at=NOW)
    dead = lia.json("outbox", "list", "--status", "dead")["items"]
    assert [(j["id"], j["last_error"]["code"]) for j in dead] == [(first, "21211")]
    assert "permanent 21211 HTTP 400: invalid 'To' number" in lia.ok("outbox", "list").stdout
    assert len(lia.json("outbox", "list", "--limit", "1")["items"]) == 1
    bad = lia("outbox", "list", "--status", "lost")
    assert bad.exit_code == 2
    assert "--status" in bad.stderr


def _three_dead_letters(lia: CliHarness) -> list[str]:
    ids = [send(lia, f"55219000000{n}") for n in range(3)]
    bury(lia.store, ids[0], failed_at=NOW)
    bury(lia.store, ids[1], failed_at=NOW + timedelta(hours=2))
    bury(lia.store, ids[2], failed_at=NOW + timedelta(hours=3), code="30003", http_status=None)
    return ids


def test_dlq_list_show_and_filters(lia: CliHarness) -> None:
    """dlq list filters by error code, job name and time window; show gives cause and content."""
    ids = _three_dead_letters(lia)
    table = lia.ok("dlq", "list").stdout
    assert all(i in table for i in ids)
    assert "ERR CODE" in table.splitlines()[0]
    by_code = lia.json("dlq", "list", "--err-code", "21211")["items"]
    assert [d["job_id"] for d in by_code] == ids[:2]
    assert lia.json("dlq", "list", "--job-name", "send-whatsapp")["items"] == []
    window = lia.json("dlq", "list", "--since", "2026-05-20T10:00", "--until", "2026-05-20T12:00")
    assert [d["job_id"] for d in window["items"]] == [ids[1]]
    assert [d["job_id"] for d in lia.json("dlq", "list", "--limit", "1")["items"]] == ids[:1]

    shown = lia.ok("dlq", "show", ids[0]).stdout
    for expected in (f"dead letter {ids[0]}", "21211", "invalid 'To' number", "Olá", "send-sms"):
        assert expected in shown
    doc = lia.json("dlq", "show", ids[0])
    assert doc["dead_letter"]["error"]["http_status"] == 400
    assert doc["job"]["content"]["text"] == "Olá"
    assert doc["job"]["recipient"] == "552190000000"


def test_dlq_bad_input(lia: CliHarness) -> None:
    """Unknown job name or bad time: exit 2 naming the flag; unknown job: exit 1."""
    unknown = lia("dlq", "list", "--job-name", "send-fax")
    assert unknown.exit_code == 2
    assert "--job-name" in unknown.stderr
    bad_time = lia("dlq", "reprocess", "--since", "yesterday")
    assert bad_time.exit_code == 2
    assert bad_time.stderr.startswith("error: --since: not an ISO 8601 time")
    window = lia("dlq", "list", "--since", "2026-05-21", "--until", "2026-05-20")
    assert (window.exit_code, window.stderr) == (2, "error: --since must be before --until\n")
    missing = lia("dlq", "show", "nope")
    assert (missing.exit_code, missing.stderr) == (1, "error: dead letter 'nope' not found\n")
    assert lia.store.audit == []


def test_reprocess_dry_run_then_for_real_and_audit(lia: CliHarness) -> None:
    """A dry run only counts; a real run requeues the matches; both are in the audit trail."""
    ids = _three_dead_letters(lia)
    dry = lia.ok("dlq", "reprocess", "--err-code", "21211", "--dry-run").stdout.splitlines()
    assert dry[0].endswith("by tester (dry run)")
    assert dry[1] == "matched 2 · would requeue 2 · skipped 0"
    assert dry[2] == f"sample: {ids[0]}, {ids[1]}"
    assert len(lia.store.dead_letters) == 3

    doc = lia.json("dlq", "reprocess", "--err-code", "21211", "--actor", "ops")
    assert (doc["matched"], doc["requeued"], doc["skipped"], doc["dry_run"]) == (2, 2, 0, False)
    assert doc["filters"] == {"err_code": "21211"}
    assert doc["actor"] == "ops"
    assert sorted(lia.store.dead_letters) == [ids[2]]
    assert lia.store.jobs[ids[0]].status is JobStatus.PENDING

    audit = lia.ok("dlq", "audit").stdout.splitlines()
    assert audit[0].split()[:3] == ["ACTION", "AT", "ACTOR"]
    assert [line.split()[0] for line in audit[1:]] == [doc["action_id"], dry[0].split()[2]]
    assert "err_code=21211" in audit[1]
    entries = lia.json("dlq", "audit", "--limit", "1")["items"]
    assert [(e["action_id"], e["actor"], e["requeued"]) for e in entries] == [
        (doc["action_id"], "ops", 2)
    ]


def test_reprocess_limit_from_settings_skips(lia: CliHarness) -> None:
    """A job already reprocessed LIA_DELIVERY__MAX_DLQ_REPROCESS times is skipped and listed."""
    env = {"LIA_DELIVERY__MAX_DLQ_REPROCESS": "1"}
    job = send(lia)
    bury(lia.store, job, failed_at=NOW)
    assert "requeued 1" in lia.ok("dlq", "reprocess", env=env).stdout
    bury(lia.store, job, failed_at=NOW)
    out = lia.ok("dlq", "reprocess", env=env).stdout
    assert "matched 1 · requeued 0 · skipped 1 (reprocess limit of 1 reached)" in out
    doc = lia.json("dlq", "reprocess", env=env)
    assert doc["skipped_ids"] == [job]
    assert doc["webhook_published"] is False


FAILURE = ("failure", "create", "--name", "Queda", "--message", "Oi {nome}, falha.",
           "--resolution-message", "Voltou, {nome}!", "--region", "Rio")  # fmt: skip


def test_notify_resolve_broadcast_and_counts(lia: CliHarness) -> None:
    """Notices go once per contact; resolving queues one resolution per contact; show counts them."""
    lia.ok(*FAILURE)
    queued = lia.ok("failure", "notify", "f-1", "--to", "5521900000001", "--name", "Ana").stdout
    assert queued == "notice queued: job f-3 to 5521900000001 on sandbox\n"
    again = lia.ok("failure", "notify", "f-1", "--to", "+55 (21) 90000-0001").stdout
    assert again == "already notified: 5521900000001 was told about failure f-1\n"
    doc = lia.json("failure", "notify", "f-1", "--to", "5521900000002", "--channel", "sms")
    assert (doc["created"], doc["job"]["channel"], doc["job"]["job_name"]) == (
        True, "sms", "outage-notice",
    )  # fmt: skip
    spelled = lia.json("failure", "notify", "f-1", "--to", "(21) 90000-0002")
    assert (spelled["recipient"], spelled["created"], spelled["job"]) == (
        "5521900000002",
        False,
        None,
    )
    assert "Notified 2 · Resolution sent 0" in lia.ok("failure", "show", "f-1").stdout

    resolved = lia.ok("failure", "resolve", "f-1").stdout
    assert resolved == "failure f-1 (Queda) resolved; 2 notified, 2 resolution messages queued\n"
    assert "Notified 2 · Resolution sent 2" in lia.ok("failure", "show", "f-1").stdout
    shown = lia.json("failure", "show", "f-1")
    assert (shown["status"], shown["notices"], shown["resolutions"]) == ("resolved", 2, 2)
    texts = {str(j.recipient): j.content.text for j in lia.store.jobs.values()
             if j.job_name.value == "outage-resolution"}  # fmt: skip
    assert texts == {"5521900000001": "Voltou, Ana!", "5521900000002": "Voltou, !"}


def test_resolve_without_broadcast(lia: CliHarness) -> None:
    """--no-broadcast resolves and queues nothing; the JSON report has the counts."""
    lia.ok(*FAILURE)
    lia.ok("failure", "notify", "f-1", "--to", "5521900000001")
    doc = lia.json("failure", "resolve", "f-1", "--no-broadcast")
    assert (doc["notified"], doc["queued"], doc["already_queued"]) == (1, 0, 0)
    assert doc["failure"]["status"] == "resolved"
    assert lia.json("failure", "show", "f-1")["resolutions"] == 0


def test_notify_refused_for_a_resolved_failure(lia: CliHarness) -> None:
    """Only active failures notify: exit 1 with one line."""
    lia.ok(*FAILURE)
    lia.ok("failure", "resolve", "f-1")
    result = lia("failure", "notify", "f-1", "--to", "5521900000001")
    assert result.exit_code == 1
    assert result.stderr == "error: failure f-1 is resolved: only active failures notify\n"


def test_notify_refuses_what_is_no_phone_number(lia: CliHarness) -> None:
    """A recipient that is no phone number: exit 2 (bad input), one line naming --to, no notice."""
    lia.ok(*FAILURE)
    result = lia("failure", "notify", "f-1", "--to", "amanhã")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --to: not a phone number: 'amanhã'")
    assert result.stderr.count("\n") == 1
    assert lia.json("failure", "show", "f-1")["notices"] == 0


def test_progress_bar_only_on_a_terminal_and_never_with_json(
    lia: CliHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With stderr a terminal the broadcast draws a progress bar on stderr; --json never does."""
    monkeypatch.setattr(failure_notices, "stderr_is_tty", lambda: True)
    lia.ok(*FAILURE)
    lia.ok(*FAILURE)
    for n in range(3):
        lia.ok("failure", "notify", "f-1", "--to", f"552190000000{n}")
        lia.ok("failure", "notify", "f-3", "--to", f"552190000000{n}")
    shown = lia.ok("failure", "resolve", "f-1")
    assert "queueing resolution messages" in shown.stderr
    assert shown.stdout.startswith("failure f-1 (Queda) resolved; 3 notified, 3 resolution")
    quiet = lia("failure", "resolve", "f-3", "--json")
    assert quiet.exit_code == 0
    assert quiet.stderr == ""
    assert json.loads(quiet.stdout)["queued"] == 3


def test_outbox_settle_refuses_a_job_that_is_not_uncertain(lia: CliHarness) -> None:
    """Settling a pending job exits 1 with one line; no outcome flag is a usage error (exit 2)."""
    send(lia)
    job_id = lia.json("outbox", "list")["items"][0]["id"]
    refused = lia("outbox", "settle", job_id, "--sent")
    assert refused.exit_code == 1
    assert (
        refused.stderr.strip() == f"error: job {job_id} is pending: only uncertain jobs are settled"
    )
    assert lia("outbox", "settle", job_id).exit_code == 2


def test_notify_customers_from_the_csv_crm(lia: CliHarness, tmp_path: Path) -> None:
    """Every CSV customer in the failure's city is queued once; a rerun queues nothing."""
    crm = tmp_path / "clientes.csv"
    crm.write_text("phone,name,city\n5521900000001,Ana,Rio\n5524900000002,Bia,Petrópolis\n")
    env = {"LIA_CRM__KIND": "file", "LIA_CRM__FILE": str(crm)}
    lia.ok(*FAILURE)
    first = lia.ok("failure", "notify-customers", "f-1", env=env).stdout
    assert first == (
        "1 of 2 CRM customers are in failure f-1's regions: 1 notices queued, 0 already told\n"
    )
    again = lia.json("failure", "notify-customers", "f-1", env=env)
    assert (again["queued"], again["already_notified"]) == (0, 1)
    refused = lia("failure", "notify-customers", "f-1")
    assert refused.exit_code == 1
    assert "LIA_CRM__KIND=file" in refused.stderr


def test_dlq_show_prints_the_request_id(lia: CliHarness) -> None:
    """A dead job queued by a webhook request: show prints its request id, --json has it; none: -."""
    ids = _three_dead_letters(lia)
    job = lia.store.jobs[ids[0]]
    lia.store.jobs[ids[0]] = attrs.evolve(
        job, context=attrs.evolve(job.context, request_id="req-abc")
    )
    shown = lia.ok("dlq", "show", ids[0]).stdout
    assert any(line.split() == ["Request", "id", "req-abc"] for line in shown.splitlines())
    assert lia.json("dlq", "show", ids[0])["job"]["request_id"] == "req-abc"
    other = lia.ok("dlq", "show", ids[1]).stdout
    assert any(line.split() == ["Request", "id", "-"] for line in other.splitlines())
