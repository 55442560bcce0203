"""``shequn events export [--community KEY]``: every event's figures as CSV on stdout."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from shequn.cli import ConfigOption, open_app, settings_for

from .stats import EventStats, community_stats, event_stats, to_csv
from .store import all_events

app = typer.Typer(help="Events: export their figures.", no_args_is_help=True)


async def _load(config: Path | None, community: str) -> list[EventStats]:
    async with open_app(settings_for(config)) as shequn:
        if community:
            found = await shequn.db.read(lambda conn: community_stats(conn, community))
            return found.events
        events = await shequn.db.read(all_events)
        return [await shequn.db.read(lambda conn, e=e: event_stats(conn, e)) for e in events]  # type: ignore[misc]


@app.command()
def export(
    config: ConfigOption = None,
    community: Annotated[
        str, typer.Option(help="Only this community's events (default: all).")
    ] = "",
) -> None:
    """Print sign-ups, attendance and no-shows per event as CSV."""
    typer.echo(to_csv(asyncio.run(_load(config, community))), nl=False)
