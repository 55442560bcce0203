"""``shequn events export [--community KEY]``: every event's figures as CSV on stdout;
``shequn events export --answers ID``: the answers to that event's sign-up questions."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from shequn.cli import ConfigOption, open_app, settings_for

from .stats import EventStats, community_stats, event_stats, to_csv
from .store import all_events
from .table import AnswerTable, answer_table, answers_csv

app = typer.Typer(
    help="Events: export their figures (or one event's answers).", no_args_is_help=True
)


async def _load(config: Path | None, community: str) -> list[EventStats]:
    async with open_app(settings_for(config)) as shequn:
        if community:
            found = await shequn.db.read(lambda conn: community_stats(conn, community))
            return found.events
        events = await shequn.db.read(all_events)
        return [await shequn.db.read(lambda conn, e=e: event_stats(conn, e)) for e in events]  # type: ignore[misc]


async def _answers(config: Path | None, event_id: int) -> AnswerTable:
    async with open_app(settings_for(config)) as shequn:
        return await shequn.db.read(lambda conn: answer_table(conn, event_id))


@app.command()
def export(
    config: ConfigOption = None,
    community: Annotated[
        str, typer.Option(help="Only this community's events (default: all).")
    ] = "",
    answers: Annotated[
        int,
        typer.Option(
            help="Instead: this event's sign-ups and their answers to its questions "
            "(personal data: keep the file safe).",
        ),
    ] = 0,
) -> None:
    """Print sign-ups, attendance and no-shows per event as CSV (or one event's answers)."""
    if answers:
        typer.echo(answers_csv(asyncio.run(_answers(config, answers))), nl=False)
        return
    typer.echo(to_csv(asyncio.run(_load(config, community))), nl=False)
