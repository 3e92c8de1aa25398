"""Builds the configured CRM adapter (`CustomerDirectory`) from settings, behind a per-phone cache."""

from __future__ import annotations

import attrs
import httpx

from lia_adapters.crm import (
    CachedCustomerDirectory,
    CsvCustomerDirectory,
    IxcConfig,
    IxcCustomerDirectory,
    RestConfig,
    RestCustomerDirectory,
    RestFieldMap,
)
from lia_core.errors import ValidationError
from lia_core.ports import Clock, CustomerDirectory, CustomerRoster
from lia_entrypoints.settings import Settings

__all__ = ["build_customer_directory", "build_customer_roster"]


def _required(value: object, name: str) -> str:
    if value is None or value == "":
        raise ValidationError(f"LIA_CRM__{name.upper()} is required for this CRM kind", field=name)
    getter = getattr(value, "get_secret_value", None)
    return str(getter() if getter else value)


def _field_map(raw: dict[str, str]) -> RestFieldMap:
    known = {f.name for f in attrs.fields(RestFieldMap)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValidationError(
            f"unknown REST field(s) {', '.join(unknown)}; use {', '.join(sorted(known))}",
            field="rest_fields",
        )
    return RestFieldMap(**raw)


def build_customer_directory(
    settings: Settings, *, clock: Clock, client: httpx.AsyncClient
) -> CustomerDirectory | None:
    """The configured CRM, cached per phone; None when `LIA_CRM__KIND` is `none`."""
    crm = settings.crm
    inner: CustomerDirectory
    if crm.kind == "none":
        return None
    if crm.kind == "file":
        path = _required(crm.file, "file")
        try:
            inner = CsvCustomerDirectory.from_path(path)
        except ValueError as exc:
            raise ValidationError(str(exc), field="file") from None
    elif crm.kind == "rest":
        inner = RestCustomerDirectory(
            client,
            RestConfig(
                url_template=_required(crm.rest_url_template, "rest_url_template"),
                bearer_token=(
                    crm.rest_bearer_token.get_secret_value() if crm.rest_bearer_token else None
                ),
                header_name=crm.rest_header_name,
                header_value=(
                    crm.rest_header_value.get_secret_value() if crm.rest_header_value else None
                ),
                fields=_field_map(crm.rest_fields),
            ),
        )
    else:
        inner = IxcCustomerDirectory(
            client,
            IxcConfig(
                base_url=_required(crm.ixc_base_url, "ixc_base_url"),
                user_id=_required(crm.ixc_user_id, "ixc_user_id"),
                token=_required(crm.ixc_token, "ixc_token"),
            ),
        )
    return CachedCustomerDirectory(
        inner,
        clock,
        ttl_seconds=crm.cache_ttl_seconds,
        negative_ttl_seconds=crm.negative_cache_ttl_seconds,
    )


def build_customer_roster(settings: Settings) -> CustomerRoster | None:
    """A CRM that can list every customer (the file CRM), or None when the configured one cannot."""
    if settings.crm.kind != "file":
        return None
    try:
        return CsvCustomerDirectory.from_path(_required(settings.crm.file, "file"))
    except ValueError as exc:
        raise ValidationError(str(exc), field="file") from None
