"""CsvCustomerDirectory: delimiters, BOM, the bairro alias, skipped rows and unusable files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lia_adapters.crm import CsvCustomerDirectory, CsvCustomerRoster
from lia_core.ports import DirectoryUnavailable
from tests.integration.crm import data


def write(tmp_path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    """Write *text* to a CSV file under *tmp_path*."""
    path = tmp_path / "clientes.csv"
    path.write_text(text, encoding=encoding)
    return path


async def test_semicolons_bom_and_bairro_column_are_read(tmp_path: Path) -> None:
    """A ';'-delimited UTF-8-with-BOM export with a 'bairro' column loads the same customers."""
    path = write(tmp_path, data.csv_text(";", bairro="Bairro"), encoding="utf-8-sig")
    directory = CsvCustomerDirectory.from_path(path)
    found = await directory.find_by_phone(data.MARIA.phone)
    assert found is not None
    assert set(found.addresses) == set(data.MARIA.addresses)
    assert directory.load_report.customers == 2


async def test_rows_with_unparseable_phones_are_skipped_and_reported(tmp_path: Path) -> None:
    """Rows whose phone is not a number are skipped, counted, and their lines listed."""
    text = "phone,name,city\n(21) 99999-8888,Maria,Teresópolis\nabc,Zé,Rio\n,Ana,Rio\n"
    directory = CsvCustomerDirectory.from_path(write(tmp_path, text))
    report = directory.load_report
    assert (report.rows, report.customers, report.skipped) == (3, 1, 2)
    assert report.skipped_lines == (3, 4)


async def test_address_columns_are_optional(tmp_path: Path) -> None:
    """A file with only phone and name gives customers without addresses."""
    directory = CsvCustomerDirectory.from_path(write(tmp_path, "Phone,Name\n21999998888,Maria\n"))
    found = await directory.find_by_phone("+55 21 99999-8888")
    assert found is not None
    assert (found.name, found.addresses) == ("Maria", ())


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    """A path that does not exist raises ValueError naming it."""
    with pytest.raises(ValueError, match=r"not found: .*nope\.csv"):
        CsvCustomerDirectory.from_path(tmp_path / "nope.csv")


def test_missing_required_column_is_a_clear_error(tmp_path: Path) -> None:
    """A header without 'phone' raises ValueError naming the missing column."""
    with pytest.raises(ValueError, match="lacks the column"):
        CsvCustomerDirectory.from_path(write(tmp_path, "telefone,name\n1,Maria\n"))


def test_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    """An empty file raises ValueError asking for a header row."""
    with pytest.raises(ValueError, match="header row"):
        CsvCustomerDirectory.from_path(write(tmp_path, ""))


def test_non_utf8_file_is_a_clear_error(tmp_path: Path) -> None:
    """A Latin-1 export raises ValueError saying it is not UTF-8."""
    with pytest.raises(ValueError, match="not UTF-8"):
        CsvCustomerDirectory.from_path(write(tmp_path, "phone,name\n1,João\n", encoding="latin-1"))


async def test_the_roster_reads_a_replaced_file_again(tmp_path: Path) -> None:
    """CsvCustomerRoster walks the file as it is now: a newer export is read once it changed."""
    path = write(tmp_path, "phone,name\n21999998888,Maria\n")
    roster = CsvCustomerRoster(path)
    first = roster.current()
    assert [c.name async for c in roster.all_customers()] == ["Maria"]
    assert roster.current() is first  # unchanged file: not parsed again
    path.write_text("phone,name\n21999998888,Maria\n21988887777,João\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    assert sorted([c.name async for c in roster.all_customers()]) == ["João", "Maria"]
    path.unlink()
    with pytest.raises(DirectoryUnavailable, match="not found"):
        roster.current()
