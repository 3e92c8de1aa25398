"""`lia report NAME` in-process: a table, --json and --csv of the hand-counted dataset, and
refusals as one line with a non-zero exit."""

from __future__ import annotations

import asyncio
import json

from lia_adapters.memory import FixedClock
from tests.contract.builders.reports import NOW, seed_reports

from .cli_harness import CliHarness

NOVEMBER = ("--from", "2026-11-01", "--to", "2026-11-30")


def _lia() -> CliHarness:
    lia = CliHarness(clock=FixedClock(NOW))
    asyncio.run(seed_reports(lia.store.unit_of_work))
    return lia


def test_table_json_and_csv() -> None:
    """Offers: ana 2 made, 1 timed out (50 %); bia 1 made, timed out (100 %)."""
    lia = _lia()
    table = lia.ok("report", "offers", *NOVEMBER).stdout.splitlines()
    assert table[0].split() == ["AGENT", "OFFERED", "TIMED_OUT", "TIMEOUT_RATE"]
    assert [line.split() for line in table[1:]] == [
        ["ana", "2", "1", "50.00"],
        ["bia", "1", "1", "100.00"],
    ]
    document = json.loads(lia.ok("report", "offers", *NOVEMBER, "--json").stdout)
    assert document["rows"] == [["ana", 2, 1, 50.0], ["bia", 1, 1, 100.0]]
    csv = lia.ok("report", "offers", *NOVEMBER, "--group-by", "week", "--csv").stdout_bytes.decode()
    assert (
        csv
        == "week,agent,offered,timed_out,timeout_rate\r\n2026-11-09,ana,2,1,50.0\r\n2026-11-09,bia,1,1,100.0\r\n"
    )


def test_business_hours_flag() -> None:
    """--business-hours: FRT of the measured tickets only (t2: 1800 s; t1 stored without its
    business durations is left out), against 2 tickets on the wall clock."""
    lia = _lia()
    document = json.loads(lia.ok("report", "frt", *NOVEMBER, "--business-hours", "--json").stdout)
    assert (document["business_hours"], document["rows"]) == (True, [[1, 1800.0, 1800.0]])
    table = lia.ok("report", "frt", *NOVEMBER).stdout.splitlines()
    assert table[1].split() == ["2", "1200.00", "1800.00"]


def test_refusals_are_one_line() -> None:
    """An unknown report, a bad date and a grouping the report lacks: one line, non-zero exit."""
    lia = _lia()
    for args, words in [
        (("report", "churn"), "frt, aht"),
        (("report", "nps", "--from", "ontem"), "from"),
        (("report", "backlog", "--group-by", "day"), "group_by"),
        (("report", "sla", "--business-hours"), "business_hours"),
    ]:
        result = lia(*args)
        assert result.exit_code != 0, args
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert words in result.stderr, result.stderr
