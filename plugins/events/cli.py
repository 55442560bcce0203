"""``shequn events export [--community KEY]``: every event's figures as CSV on stdout;
``shequn events export --answers ID``: the answers to that event's sign-up questions.

An unknown community or event is an error (exit code 1, a message on stderr), never an
empty file that looks like "no sign-ups"."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from shequn.cli import ConfigOption, open_app, settings_for

from .stats import community_stats, event_stats, to_csv
from .store import all_events, get
from .table import AnswerTable, answer_table, answers_csv

app = typer.Typer(
    help="Events: export their figures (or one event's answers).", no_args_is_help=True
)


class Unknown(Exception):
    """What the command names does not exist: the message says which."""


async def _figures(config: Path | None, community: str) -> str:
    async with open_app(settings_for(config)) as shequn:
        if community:
            named = {info.key for info in shequn.identity.communities()}
            if community not in named and not await shequn.groups.known(community):
                raise Unknown(f"unknown community {community}")
            found = await shequn.db.read(lambda conn: community_stats(conn, community))
            return to_csv(found.events, shequn.group_timezone)
        events = await shequn.db.read(all_events)
        stats = [await shequn.db.read(lambda conn, e=e: event_stats(conn, e)) for e in events]  # type: ignore[misc]
        return to_csv(stats, shequn.group_timezone)


async def _answers(config: Path | None, event_id: int) -> AnswerTable:
    async with open_app(settings_for(config)) as shequn:
        if await shequn.db.read(lambda conn: get(conn, event_id)) is None:
            raise Unknown(f"unknown event {event_id}")
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
    try:
        if answers:
            text = answers_csv(asyncio.run(_answers(config, answers)))
        else:
            text = asyncio.run(_figures(config, community))
    except Unknown as error:
        typer.echo(f"shequn: {error}; nothing exported", err=True)
        raise typer.Exit(1) from None
    typer.echo(text, nl=False)
