"""The ``shequn`` command: run the bot, write a first configuration, migrate, list plugins.

``python bot.py`` skips this module (and typer) so the console starts fast; ``shequn run``
is the same thing for an installed Shequn.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import json
import logging
import re
import sys
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from shequn.internal import operations, runtime
from shequn.internal.config import DEFAULT_CONFIG_PATH, Settings
from shequn.internal.dashboard.cli import admin_app
from shequn.internal.i18n import SUPPORTED_LOCALES, Translator
from shequn.internal.loader import Found
from shequn.internal.plugin import Plugin
from shequn.internal.runtime import open_app

__all__ = ["ConfigOption", "app", "main", "open_app", "settings_for"]

EXAMPLE_NAME = "shequn.example.toml"

app = typer.Typer(
    name="shequn",
    help="Shequn (社群): a community bot for QQ, WeChat, Telegram and Discord.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Manage the database.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(admin_app, name="admin")

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help=f"Settings file (default: {DEFAULT_CONFIG_PATH} when it exists).",
        dir_okay=False,
    ),
]


def settings_for(config: Path | None) -> Settings:
    """Settings from ``--config`` (or the default file) and the environment; exit 2 if bad."""
    try:
        return runtime.read_settings(config)
    except runtime.StartupError as error:
        typer.echo(f"shequn: {error}", err=True)
        raise typer.Exit(runtime.EXIT_CONFIG) from None


# -- run -----------------------------------------------------------------------------------


@app.command()
def run(
    config: ConfigOption = None,
    log_level: Annotated[
        str | None, typer.Option(help="DEBUG, INFO, WARNING or ERROR (logs go to stderr).")
    ] = None,
) -> None:
    """Run the bot: the configured platforms, else the console (same as python bot.py)."""
    raise typer.Exit(runtime.run(config, log_level_name=log_level))


# -- init ----------------------------------------------------------------------------------


def find_example() -> Path | None:
    """The example next to the working directory, else the one shipped with the sources."""
    for candidate in (
        DEFAULT_CONFIG_PATH.with_name(EXAMPLE_NAME),
        Path(__file__).resolve().parent.parent / "config" / EXAMPLE_NAME,
    ):
        if candidate.is_file():
            return candidate
    return None


def _set_top_level(text: str, key: str, value: str) -> str:
    """Replace the first ``key = ...`` line of the example (a top-level setting)."""
    line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
    pattern = re.compile(rf"^{re.escape(key)}\s*=.*$", re.MULTILINE)
    if pattern.search(text):
        return pattern.sub(lambda _m: line, text, count=1)
    return f"{line}\n{text}"


def _check_locale(value: str) -> str:
    if value not in SUPPORTED_LOCALES:
        raise typer.BadParameter(f"choose one of {', '.join(SUPPORTED_LOCALES)}")
    return value


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise typer.BadParameter(f"unknown timezone {value!r} (e.g. Asia/Shanghai)") from None
    return value


@app.command()
def init(
    path: Annotated[Path, typer.Option(help="Where to write.", dir_okay=False)] = (
        DEFAULT_CONFIG_PATH
    ),
    locale: Annotated[str | None, typer.Option(help="Default language: en or zh-CN.")] = None,
    timezone: Annotated[
        str | None, typer.Option(help="Default timezone of groups, e.g. Asia/Shanghai.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a first configuration from the commented example.

    At a terminal it asks for the language and timezone; otherwise it asks nothing and uses
    the options or the example's values.
    """
    if path.exists() and not force:
        typer.echo(f"{path} exists already; add --force to overwrite it.", err=True)
        raise typer.Exit(1)
    example = find_example()
    if example is None:
        typer.echo(f"shequn: cannot find {EXAMPLE_NAME}", err=True)
        raise typer.Exit(1)
    text = example.read_text(encoding="utf-8")
    defaults = Settings.model_fields
    if locale is None and sys.stdin.isatty():
        locale = typer.prompt("Language (en / zh-CN)", default=defaults["locale"].default)
    if timezone is None and sys.stdin.isatty():
        timezone = typer.prompt("Timezone", default=defaults["timezone"].default)
    if locale is not None:
        text = _set_top_level(text, "locale", _check_locale(locale))
    if timezone is not None:
        text = _set_top_level(text, "timezone", _check_timezone(timezone))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    typer.echo(f"Wrote {path}. Edit it, then start the bot with: shequn run")


# -- plugins -------------------------------------------------------------------------------


def _title(plugin: Plugin, locale: str) -> str:
    """The plugin's translated ``_title`` when it ships one, else its declared title."""
    translator = Translator()
    if plugin.locales_dir is not None:
        translator.load_directory(plugin.name, plugin.locales_dir)
    return translator.lookup(plugin.name, locale, "_title") or plugin.title or plugin.name


@app.command()
def plugins(config: ConfigOption = None) -> None:
    """List the plugins this bot would load: name, where it comes from, title."""
    from shequn.internal.builtin import core_plugin

    settings = settings_for(config)
    runtime.setup_logging(logging.WARNING)
    found = [Found(core_plugin, "built in"), *runtime.find_plugins(settings)]
    rows = [(f.plugin.name, f.source, _title(f.plugin, settings.locale)) for f in found]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    for name, source, title in rows:
        typer.echo(f"{name:<{widths[0]}}  {source:<{widths[1]}}  {title}")
    if settings.disabled_plugins:
        typer.echo(f"Disabled in the settings: {', '.join(settings.disabled_plugins)}")


# -- db ------------------------------------------------------------------------------------


async def _upgrade(settings: Settings, locations: list[Path]) -> tuple[str, list[str], list[str]]:
    from shequn.internal.storage import migrate
    from shequn.internal.storage.database import Database

    db = Database(settings.database.url, batch_size=settings.database.batch_size)
    try:
        before = await db.run_sync_admin(migrate.current)
        after = await db.run_sync_admin(lambda conn: migrate.upgrade(conn, locations))
    finally:
        await db.close()
    return db.url.render_as_string(hide_password=True), before, after


@db_app.command("upgrade")
def db_upgrade(config: ConfigOption = None) -> None:
    """Apply the migrations of the core and of every plugin; print the current revisions."""
    settings = settings_for(config)
    runtime.setup_logging(logging.WARNING)
    found = runtime.find_plugins(settings)
    locations = [f.plugin.migrations_dir for f in found if f.plugin.migrations_dir is not None]
    try:
        url, before, after = asyncio.run(_upgrade(settings, locations))
    except ValueError as error:  # an unusable database URL
        typer.echo(f"shequn: {error}", err=True)
        raise typer.Exit(runtime.EXIT_CONFIG) from None
    typer.echo(f"Database: {url}")
    typer.echo("Already up to date." if before == after else "Upgraded.")
    typer.echo("Current revisions (branch heads):")
    for revision in after:
        typer.echo(f"  {revision}")


# -- operations: doctor, backup, restore, export, forget -----------------------------------

operations.add_commands(app, settings_for)


# -- plugin commands -----------------------------------------------------------------------


def add_plugin_commands() -> None:
    """``shequn NAME ...`` for every plugin whose package has a ``cli`` module exposing a
    typer ``app`` (e.g. ``shequn quiz import FILE``). Its commands reach the database with
    :func:`open_app`."""
    try:
        settings = runtime.read_settings(None)
    except runtime.StartupError:
        return
    for found in runtime.find_plugins(settings):
        module_name = f"{found.plugin.package}.cli"
        try:
            if importlib.util.find_spec(module_name) is None:
                continue
            module = importlib.import_module(module_name)
        except Exception as error:
            typer.echo(
                f"shequn: commands of plugin {found.plugin.name} unavailable: {error}", err=True
            )
            continue
        sub = getattr(module, "app", None)
        if isinstance(sub, typer.Typer):
            app.add_typer(sub, name=found.plugin.name)


def main() -> None:
    """Entry point of the ``shequn`` command."""
    add_plugin_commands()
    app()


if __name__ == "__main__":
    main()
