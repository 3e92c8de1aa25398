"""Senders come from settings: real adapters where credentials are set, the sandbox elsewhere."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from lia_adapters.channels import (
    CloudApiWhatsAppSender,
    EvolutionSender,
    FcmPushSender,
    SandboxSender,
    TwilioSmsSender,
)
from lia_adapters.channels.poster import AiohttpPoster
from lia_adapters.crm import CachedCustomerDirectory, CsvCustomerDirectory
from lia_adapters.memory import FixedClock
from lia_adapters.sql import SqlRateGate
from lia_core.domain.delivery import Channel, JobName
from lia_entrypoints.adapters import HttpClients, build_customer_directory, build_senders
from lia_entrypoints.bootstrap import bootstrap
from lia_entrypoints.invalid_setting import InvalidSetting
from lia_entrypoints.policies import channel_order, delivery_policy, login_policy
from lia_entrypoints.settings import LoginSettings, Settings


async def test_without_credentials_every_channel_is_the_sandbox(tmp_path: Path) -> None:
    """A fresh install sends nothing anywhere: every channel is a sandbox of that channel."""
    settings = Settings(_env_file=None, data_dir=tmp_path)
    clients = HttpClients()
    senders = build_senders(settings, clients)
    await clients.aclose()
    assert all(isinstance(s, SandboxSender) for s in senders.values())
    assert {c: s.channel for c, s in senders.items()} == {c: c for c in Channel}
    assert channel_order(settings)[JobName.OUTAGE_NOTICE] == (Channel.SANDBOX,)


async def test_credentials_switch_on_the_real_adapters(tmp_path: Path) -> None:
    """Each provider with credentials gets its adapter; notices then go WhatsApp first, SMS next."""
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        whatsapp={"phone_number_id": "123", "access_token": "t", "base_url": "http://stub"},
        evolution={"base_url": "http://stub", "instance": "i", "api_key": "k"},
        twilio={"account_sid": "AC1", "auth_token": "t", "from_number": "+5521999990000"},
        fcm={"project_id": "p", "access_token": "t"},
        delivery={"whatsapp_rate": 40, "pair_interval_seconds": 0},
    )
    clients = HttpClients()
    senders = build_senders(settings, clients)
    assert clients.made == 2  # the pooled httpx client and the Cloud API's aiohttp poster
    await clients.aclose()
    assert clients.made == 0
    whatsapp = senders[Channel.WHATSAPP]
    assert isinstance(whatsapp, CloudApiWhatsAppSender)
    assert isinstance(whatsapp.poster, AiohttpPoster)  # the worker's sends skip httpx
    assert isinstance(senders[Channel.EVOLUTION], EvolutionSender)
    assert isinstance(senders[Channel.SMS], TwilioSmsSender)
    assert isinstance(senders[Channel.PUSH], FcmPushSender)
    assert isinstance(senders[Channel.SANDBOX], SandboxSender)
    assert channel_order(settings)[JobName.OUTAGE_NOTICE] == (
        Channel.WHATSAPP,
        Channel.EVOLUTION,
        Channel.SMS,
    )
    policy = delivery_policy(settings)
    assert policy.rates[Channel.WHATSAPP] == 40
    assert policy.pair_intervals == {}
    # Each cap is the provider account's, as the provider counts: shared by its workers.
    assert policy.rate_keys == {
        Channel.WHATSAPP: "whatsapp:123",
        Channel.EVOLUTION: "evolution:http://stub/i",
        Channel.SMS: "sms:AC1",
        Channel.PUSH: "push:p",
        Channel.SANDBOX: "sandbox",
    }


def test_explicit_channel_order_wins(tmp_path: Path) -> None:
    """LIA_DELIVERY__NOTICE_CHANNELS overrides the default order; resolutions follow notices."""
    settings = Settings(
        _env_file=None, data_dir=tmp_path, delivery={"notice_channels": ["sms", "whatsapp"]}
    )
    order = channel_order(settings)
    assert order[JobName.OUTAGE_NOTICE] == (Channel.SMS, Channel.WHATSAPP)
    assert order[JobName.OUTAGE_RESOLUTION] == (Channel.SMS, Channel.WHATSAPP)


async def test_the_rate_caps_are_shared_through_the_database_unless_per_process(
    tmp_path: Path,
) -> None:
    """`shared` (the default) paces through `SqlRateGate`; `process` keeps a bucket per worker."""
    shared = await bootstrap(Settings(_env_file=None, data_dir=tmp_path / "a"))
    alone = await bootstrap(
        Settings(_env_file=None, data_dir=tmp_path / "b", delivery={"rate_scope": "process"})
    )
    try:
        assert isinstance(shared.services.dispatcher.rate_gate, SqlRateGate)
        assert alone.services.dispatcher.rate_gate is None
    finally:
        await shared.aclose()
        await alone.aclose()


def test_login_settings_become_the_throttle_and_waits_out_of_order_are_refused(
    tmp_path: Path,
) -> None:
    """LIA_LOGIN__* make the throttle policy; a cap below the first wait, or a memory
    shorter than the cap, is an invalid setting naming the variable."""
    policy = login_policy(
        Settings(
            _env_file=None,
            data_dir=tmp_path,
            login=LoginSettings(free_attempts_per_username=3, max_delay_seconds=120),
        )
    )
    assert (policy.free_per_username, policy.max_delay) == (3, timedelta(minutes=2))
    for login, setting in [
        (LoginSettings(base_delay_seconds=10, max_delay_seconds=5), "LIA_LOGIN__MAX_DELAY_SECONDS"),
        (
            LoginSettings(max_delay_seconds=3600, forget_after_minutes=30),
            "LIA_LOGIN__FORGET_AFTER_MINUTES",
        ),
    ]:
        with pytest.raises(InvalidSetting) as refused:
            login_policy(Settings(_env_file=None, data_dir=tmp_path, login=login))
        assert refused.value.field == setting


async def test_the_file_crm_is_not_cached_and_the_http_crms_are(tmp_path: Path) -> None:
    """The CSV is in memory already (a cache would hold second copies); REST and IXC are cached."""
    csv = tmp_path / "clientes.csv"
    csv.write_text("phone;name\n(21) 99999-8888;Maria\n", encoding="utf-8")
    clients = HttpClients()
    file_crm = build_customer_directory(
        Settings(_env_file=None, data_dir=tmp_path, crm={"kind": "file", "file": str(csv)}),
        clock=FixedClock(),
        clients=clients,
    )
    rest_crm = build_customer_directory(
        Settings(
            _env_file=None,
            data_dir=tmp_path,
            crm={"kind": "rest", "rest_url_template": "https://crm.example/c/{phone}"},
        ),
        clock=FixedClock(),
        clients=clients,
    )
    await clients.aclose()
    assert isinstance(file_crm, CsvCustomerDirectory)
    assert isinstance(rest_crm, CachedCustomerDirectory)
    found = await file_crm.find_by_phone("5521999998888")
    assert found is not None
    assert found.name == "Maria"
