"""`lia gamification`: settings (show, set), a month's run, its ranking, the top-N history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import click

from lia_core.domain.activity import Actor
from lia_core.errors import ValidationError
from lia_core.nps.runs import HistoryRow, Month, StoredRun
from lia_core.services import SettingsChange
from lia_core.services.gamification import DEFAULT_HISTORY_PERIODS
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._errors import CliError, InvalidInputError
from lia_entrypoints.cli._options import actor_option, json_option
from lia_entrypoints.cli.output import emit_json, local_time, table
from lia_entrypoints.schemas.gamification import GamificationSettingsOut, RankingOut, history_out

__all__ = ["gamification_group"]

_SETTING_FLAGS = {
    "nps_weight": "--nps-weight",
    "volume_weight": "--volume-weight",
    "resolution_weight": "--resolution-weight",
    "response_time_weight": "--response-time-weight",
    "target_volume": "--target-volume",
    "target_response_seconds": "--target-response-seconds",
    "solucionador_nps_min": "--solucionador-nps-min",
    "solucionador_resolution_min": "--solucionador-resolution-min",
    "velocista_nps_min": "--velocista-nps-min",
    "velocista_top_n": "--velocista-top-n",
    "campeao_volume_top_n": "--campeao-volume-top-n",
    "history_size": "--history-size",
}
"""SettingsChange field → its flag (a refused value names the flag)."""
_WEIGHT_FLAGS = "--nps-weight, --volume-weight, --resolution-weight, --response-time-weight"
_SETTING_HELP = {
    "nps_weight": "Weight (%) of the NPS score.",
    "volume_weight": "Weight (%) of the volume score.",
    "resolution_weight": "Weight (%) of the resolution score.",
    "response_time_weight": "Weight (%) of the response-time score.",
    "target_volume": "Conversations in a month worth a volume score of 100.",
    "target_response_seconds": "Average first response (s) worth a time score of 100.",
    "solucionador_nps_min": "Solucionador: least average answer (0-10).",
    "solucionador_resolution_min": "Solucionador: least resolution rate (%).",
    "velocista_nps_min": "Velocista: least average answer (0-10).",
    "velocista_top_n": "Velocista: how many fastest agents win it.",
    "campeao_volume_top_n": "Campeão de Volume: how many busiest agents win it.",
    "history_size": "How many top places the history keeps.",
}
_PERIOD_HELP = "The month, YYYY-MM in $LIA_TIMEZONE (default: the current month)."


@click.group("gamification")
def gamification_group() -> None:
    """Agents' monthly ranking: scores, badges and the top-5 history (docs/gamification.md)."""


@gamification_group.group("settings")
def settings_group() -> None:
    """Weights (summing to 100), targets and badge thresholds."""


def _settings_lines(out: GamificationSettingsOut) -> str:
    return "\n".join(f"{name}: {value}" for name, value in out.model_dump().items())


@settings_group.command("show")
@json_option
@click.pass_obj
def settings_show(app: CliApp, as_json: bool) -> None:
    """The settings in force (the defaults until set)."""
    with app.errors(as_json=as_json):
        out = GamificationSettingsOut.of(app.run(lambda rt: rt.services.gamification.settings()))
        if as_json:
            emit_json(out)
        else:
            click.echo(_settings_lines(out))


def _setting_options(func: Any) -> Any:
    for name, flag in reversed(_SETTING_FLAGS.items()):
        func = click.option(flag, name, type=int, metavar="N", help=_SETTING_HELP[name])(func)
    return func


@settings_group.command("set")
@_setting_options
@actor_option
@json_option
@click.pass_obj
def settings_set(app: CliApp, /, actor: str, as_json: bool, **values: int | None) -> None:
    """Change some settings (the rest stay); the four weights must sum to 100."""
    with app.errors(as_json=as_json):
        if all(v is None for v in values.values()):
            raise InvalidInputError(
                "nothing to change: give at least one option (see --help)",
                kind="validation_error",
            )
        change = SettingsChange(**values)
        try:
            saved = app.run(
                lambda rt: rt.services.gamification.update_settings(change, actor=Actor(name=actor))
            )
        except ValidationError as exc:
            field = exc.field or ""
            flag = _WEIGHT_FLAGS if field == "weights" else _SETTING_FLAGS.get(field, field)
            raise InvalidInputError(
                f"{flag}: {exc.message}", kind="validation_error", field=flag
            ) from None
        out = GamificationSettingsOut.of(saved)
        if as_json:
            emit_json(out)
        else:
            click.echo("gamification settings saved")
            click.echo(_settings_lines(out))


def _period(app: CliApp, raw: str | None) -> str:
    if raw is not None:
        return raw
    return Month.of(datetime.now(UTC), app.settings.tz).label


def _ranking_text(run: StoredRun, app: CliApp) -> str:
    rows = [
        [
            str(s.rank),
            s.agent_id,
            str(s.total_score),
            str(s.conversations),
            str(s.resolved),
            "-" if s.avg_nps_centi is None else f"{s.avg_nps_centi / 100:.2f}",
            "-" if s.avg_response_seconds is None else str(s.avg_response_seconds),
            f"{s.nps_score}/{s.volume_score}/{s.resolution_score}/{s.time_score}",
            ", ".join(b.value for b in s.badges) or "-",
        ]
        for s in run.scores
    ]
    headers = [
        "RANK", "AGENT", "SCORE", "CONVERSATIONS", "RESOLVED", "AVG NPS", "AVG FRT (S)",
        "NPS/VOL/RES/TIME", "BADGES",
    ]  # fmt: skip
    head = f"{run.period}: calculated {local_time(run.calculated_at, app.settings.tz)}"
    if not rows:
        return f"{head}\nno agent had tickets or answers in {run.period}"
    return f"{head}\n{table(headers, rows)}"


@gamification_group.command("run")
@click.option("--period", metavar="YYYY-MM", help=_PERIOD_HELP)
@json_option
@click.pass_obj
def run_(app: CliApp, period: str | None, as_json: bool) -> None:
    """Score, rank and award a month; its previous run is replaced (same data: same rows)."""
    with app.errors(as_json=as_json):
        month = _period(app, period)
        run = app.run(lambda rt: rt.services.gamification.run(month))
        if as_json:
            emit_json(RankingOut.of(run, app.settings.tz))
        else:
            click.echo(_ranking_text(run, app))


@gamification_group.command("ranking")
@click.option("--period", metavar="YYYY-MM", help=_PERIOD_HELP)
@json_option
@click.pass_obj
def ranking(app: CliApp, period: str | None, as_json: bool) -> None:
    """A month's stored ranking, badges and top-N history."""
    with app.errors(as_json=as_json):
        month = _period(app, period)
        run = app.run(lambda rt: rt.services.gamification.ranking(month))
        if run is None:
            raise CliError(
                f"{month.strip()} was not run yet: lia gamification run --period {month.strip()}",
                kind="not_found",
            )
        if as_json:
            emit_json(RankingOut.of(run, app.settings.tz))
        else:
            click.echo(_ranking_text(run, app))


def _history_text(rows: Sequence[HistoryRow]) -> str:
    return table(
        ["PERIOD", "RANK", "AGENT", "SCORE", "BADGES"],
        [
            [h.period, str(h.rank), h.agent_id, str(h.total_score), ", ".join(h.badges) or "-"]
            for h in rows
        ],
    )


@gamification_group.command("history")
@click.option(
    "--periods",
    type=int,
    default=DEFAULT_HISTORY_PERIODS,
    show_default=True,
    help="How many of the latest months run (1-120).",
)
@json_option
@click.pass_obj
def history(app: CliApp, periods: int, as_json: bool) -> None:
    """The top-N of the latest months run, newest first."""
    with app.errors(as_json=as_json):
        rows = app.run(lambda rt: rt.services.gamification.history(periods=periods))
        if as_json:
            emit_json({"items": [h.model_dump(mode="json") for h in history_out(rows)]})
        elif not rows:
            click.echo("no month was run yet")
        else:
            click.echo(_history_text(rows))
