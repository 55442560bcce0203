"""Operations commands of the ``shequn`` CLI: doctor, backup, restore, export, forget.

They live here so the CLI module only adds them; each reads the settings like the bot does.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from sqlalchemy import Connection

from shequn.internal import backup as backups
from shequn.internal import doctor as doctors
from shequn.internal import export as exports
from shequn.internal import forget as forgetting
from shequn.internal.config import Settings
from shequn.internal.i18n import Translator
from shequn.internal.loader import discover

T = TypeVar("T")
ReadSettings = Callable[[Path | None], Settings]
ConfigArg = Annotated[
    Path | None,
    typer.Option(
        "--config", "-c", help="Settings file (default: config/shequn.toml).", dir_okay=False
    ),
]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


def add_commands(app: typer.Typer, read_settings: ReadSettings) -> None:
    """Register the commands on ``app``; ``read_settings`` exits with a message when the
    settings are bad."""

    @app.command()
    def doctor(config: ConfigArg = None) -> None:
        """Check the settings, secrets and services; exit code 1 when something is wrong."""
        settings = read_settings(config)
        logging.getLogger("shequn").setLevel(logging.CRITICAL)
        findings = asyncio.run(doctors.diagnose(settings, config))
        for finding in findings:
            typer.echo(f"{'PROBLEM' if finding.problem else 'ok     '}  {finding.text}")
        problems = sum(f.problem for f in findings)
        typer.echo(f"{problems} problem(s)." if problems else "No problems found.")
        raise typer.Exit(1 if problems else 0)

    @app.command()
    def backup(
        path: Annotated[Path | None, typer.Argument(help="Where to write the backup.")] = None,
        config: ConfigArg = None,
    ) -> None:
        """Back the database up, consistently, even while the bot runs."""
        settings = read_settings(config)
        try:
            written = backups.backup(settings.database.url, path)
        except backups.BackupError as error:
            typer.echo(f"shequn: {error}", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"Backed up to {written}")

    @app.command()
    def restore(
        path: Annotated[Path, typer.Argument(help="A backup made by shequn backup.")],
        config: ConfigArg = None,
        yes: Yes = False,
    ) -> None:
        """Replace the database with a backup (stop the bot first). A backup holding schema
        objects the bot does not create, or balances that are not the sum of their postings,
        is refused and the database left as it was."""
        settings = read_settings(config)
        if not yes and not _confirm("Replace the whole database with this backup?"):
            raise typer.Exit(1)
        try:
            kept = backups.restore(settings.database.url, path, settings)
        except backups.BackupError as error:
            typer.echo(f"shequn: {error}", err=True)
            raise typer.Exit(1) from None
        if kept is not None:
            typer.echo(f"The database as it was is kept in {kept}")
        typer.echo(f"Restored from {path}")

    @app.command()
    def export(
        group: Annotated[str, typer.Argument(help="The group as platform:id, e.g. qq:12345.")],
        fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
        out: Annotated[Path, typer.Option(help="Folder for the files.")] = Path("export"),
        config: ConfigArg = None,
    ) -> None:
        """Export a group's members, points and quotes."""
        if fmt not in ("csv", "json"):
            raise typer.BadParameter("choose csv or json", param_hint="--format")
        settings = read_settings(config)
        zone = settings.timezone
        translator = catalogues(settings)

        def reason(stored: str, plugin: str) -> str:
            return translator.reason(settings.locale, stored, plugin)

        try:
            tables = _with_database(
                settings, lambda conn: exports.collect(conn, group, zone, reason), write=False
            )
        except exports.UnknownGroup:
            message = f"shequn: unknown group {group}: the bot has never seen it; nothing written"
            typer.echo(message, err=True)
            raise typer.Exit(1) from None
        for path in exports.write(tables, out, fmt):  # type: ignore[arg-type]
            typer.echo(f"Wrote {path}")

    @app.command()
    def forget(
        account: Annotated[str, typer.Argument(help="The account as platform:user_id.")],
        config: ConfigArg = None,
        yes: Yes = False,
    ) -> None:
        """Forget one member: names and texts deleted, the rest anonymised (see the docs)."""
        settings = read_settings(config)
        known = _with_database(settings, lambda c: forgetting.has_rows(c, account), write=False)
        if not known:
            typer.echo(f"shequn: nothing is known about {account}", err=True)
            raise typer.Exit(1)
        if not yes and not _confirm(f"Forget {account} for good?"):
            raise typer.Exit(1)
        now = time.time()
        done = _with_database(settings, lambda c: forgetting.forget(c, account, now), write=True)
        typer.echo(
            f"Forgot {', '.join(done.keys)}: {done.deleted} row(s) deleted, "
            f"{done.anonymised} anonymised."
        )
        typer.echo(
            "A bot running now holds its latest analytics (about 30 s) in memory and writes"
            " them later: while the bot runs, forget from the chat instead (/forget)."
        )


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        typer.echo("shequn: add --yes to confirm", err=True)
        return False
    return typer.confirm(question)


def _with_database(settings: Settings, fn: Callable[[Connection], T], *, write: bool) -> T:
    from shequn.internal.storage.database import Database

    async def run() -> T:
        db = Database(settings.database.url, batch_size=settings.database.batch_size)
        try:
            return await (db.run_sync_admin(fn) if write else db.read(fn))
        finally:
            await db.close()

    try:
        return asyncio.run(run())
    except ValueError as error:
        typer.echo(f"shequn: {error}", err=True)
        raise typer.Exit(2) from None


def catalogues(settings: Settings) -> Translator:
    """The translations of the core and of every plugin the bot would load, for commands that
    show stored texts (coded ledger reasons) without starting the bot."""
    from shequn.internal.builtin import core_plugin

    translator = Translator()
    plugins = [core_plugin, *(f.plugin for f in discover(settings.plugin_dirs))]
    for plugin in plugins:
        if plugin.locales_dir is not None:
            translator.load_directory(plugin.name, plugin.locales_dir)
    return translator
