"""``shequn lottery verify ID``: recompute a drawn lottery's winners from its revealed seed and
entry list, with the same code the draw used, and compare them with the recorded ones."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from shequn.cli import ConfigOption, open_app, settings_for

from .fairness import commitment, entry_digest, replay
from .models import Lottery
from .store import EntryRow, entries, get

app = typer.Typer(help="Lotteries: check a draw.", no_args_is_help=True)


async def _load(config: Path | None, lottery_id: int) -> tuple[Lottery | None, list[EntryRow]]:
    async with open_app(settings_for(config)) as shequn:
        lottery = await shequn.db.read(lambda conn: get(conn, lottery_id))
        rows = await shequn.db.read(lambda conn: entries(conn, lottery_id))
    return lottery, rows


@app.command()
def verify(
    lottery_id: Annotated[int, typer.Argument(metavar="ID", help="The lottery's number.")],
    config: ConfigOption = None,
    show_entries: Annotated[
        bool, typer.Option("--entries", help="Also print the sorted entry list.")
    ] = False,
) -> None:
    """Check the commitment and recompute every round's winners (exit 1 on a mismatch)."""
    lottery, rows = asyncio.run(_load(config, lottery_id))
    if lottery is None:
        typer.echo(f"No lottery #{lottery_id}.", err=True)
        raise typer.Exit(2)
    if lottery.state != "drawn":
        typer.echo(f"Lottery #{lottery_id} is {lottery.state}: the seed is revealed at the draw.")
        raise typer.Exit(2)
    persons = [row.person for row in rows]
    typer.echo(f"Lottery #{lottery_id}: {lottery.prize or ''} ({lottery.winners} winners)")
    typer.echo(f"Seed:        {lottery.seed}")
    typer.echo(f"Commitment:  {lottery.commitment}")
    matches = commitment(lottery.seed) == lottery.commitment
    typer.echo(f"SHA-256(seed) {'matches' if matches else 'DOES NOT MATCH'} the commitment.")
    typer.echo(f"Entries:     {len(persons)}, sorted list SHA-256 {entry_digest(persons)}")
    if show_entries:
        for row in sorted(rows, key=lambda r: r.person):
            left = f"  (left before round {row.excluded_round})" if row.excluded_round else ""
            typer.echo(f"  {row.person}{left}")
    recorded: dict[int, list[str]] = {}
    for row in rows:
        if row.winner_round is not None:
            recorded.setdefault(row.winner_round, []).append(row.person)
    sizes = [len(recorded.get(n, [])) for n in range(1, lottery.rounds + 1)]
    excluded = {row.person: row.excluded_round for row in rows}
    ok = matches
    for number, winners in enumerate(replay(lottery.seed, excluded, sizes), start=1):
        same = sorted(winners) == sorted(recorded.get(number, []))
        ok = ok and same
        typer.echo(f"Round {number}: {', '.join(winners) or '-'}  [{'ok' if same else 'MISMATCH'}]")
    typer.echo("Verified: the recorded winners follow from the seed." if ok else "NOT VERIFIED.")
    if not ok:
        raise typer.Exit(1)
