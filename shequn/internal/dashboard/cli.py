"""``shequn admin token create``: a superuser login for the dashboard, printed once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from shequn.internal.config import Settings
from shequn.internal.dashboard import auth

admin_app = typer.Typer(help="Manage the admin dashboard.", no_args_is_help=True)
token_app = typer.Typer(help="Superuser login tokens.", no_args_is_help=True)
admin_app.add_typer(token_app, name="token")


async def _create(settings: Settings, days: int) -> tuple[str, float]:
    from shequn.internal.runtime import open_app

    async with open_app(settings) as app:
        _, token, expires = await auth.create_token(app.db, app.clock.now().timestamp(), days)
    return token, expires


@token_app.command("create")
def create(
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="Settings file.", dir_okay=False),
    ] = None,
    days: Annotated[
        int, typer.Option(min=1, max=3650, help="Days until the token stops working.")
    ] = 30,
) -> None:
    """Print a new superuser token (only its hash is stored: keep the token safe)."""
    from shequn.cli import settings_for

    settings = settings_for(config)
    try:
        token, expires = asyncio.run(_create(settings, days))
    except ValueError as error:  # an unusable database URL
        typer.echo(f"shequn: {error}", err=True)
        raise typer.Exit(2) from None
    until = datetime.fromtimestamp(expires, UTC).strftime("%Y-%m-%d %H:%M UTC")
    typer.echo(token)
    typer.echo(f"Valid until {until}. Log in at /admin/login ([web] dashboard = true).", err=True)
