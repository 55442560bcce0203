"""``shequn quiz import FILE``: load a question bank from CSV, JSON or YAML.

Good entries are stored (questions already in the bank are skipped), each bad one is
reported with its line, and the exit code is 1 when any line was rejected or the whole
bank was refused unread (too large, too deep, too many values, YAML aliases, too slow).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Annotated, cast

import typer

from shequn.cli import ConfigOption, open_app, settings_for
from shequn.internal.config import Settings

from .bank import Format, guess_format
from .importer import Report, parse_bank, store_parsed
from .limits import BankRefused

app = typer.Typer(help="Quiz question banks.", no_args_is_help=True, add_completion=False)


@app.callback()
def quiz() -> None:
    """Quiz question banks (a group of commands, so ``import`` stays a subcommand)."""


async def _import(settings: Settings, text: str, fmt: Format, lang: str, bank: str) -> Report | str:
    """The import's report, or the translated reason the bank was refused unread."""
    async with open_app(settings) as shequn:
        try:
            parsed = await parse_bank(text, fmt)
        except BankRefused as refused:
            return shequn.translator.translate(
                "quiz", settings.locale, refused.key, **refused.params
            )
        with typer.progressbar(length=len(parsed.questions), label="Importing") as bar:
            return await store_parsed(
                shequn, parsed, lang=lang, bank=bank, progress=lambda n: bar.update(n)
            )


@app.command("import")
def import_bank(
    file: Annotated[Path, typer.Argument(help="CSV, JSON or YAML file.", dir_okay=False)],
    lang: Annotated[
        str, typer.Option(help="Language of questions that do not name one (en, zh-CN).")
    ] = "en",
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv, json or yaml (default: from the name).")
    ] = None,
    bank: Annotated[str, typer.Option(help="Name recorded with the questions.")] = "",
    config: ConfigOption = None,
) -> None:
    """Import questions; print one line per rejected entry."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        typer.echo(f"shequn: cannot read {file}: {error}", err=True)
        raise typer.Exit(2) from None
    if fmt is not None and fmt.lower() not in ("csv", "json", "yaml"):
        raise typer.BadParameter("choose csv, json or yaml", param_hint="--format")
    chosen = cast(Format, fmt.lower()) if fmt else guess_format(file.name, text)
    settings = settings_for(config)
    logging.getLogger("shequn").setLevel(logging.WARNING)
    report = asyncio.run(_import(settings, text, chosen, lang, bank or file.name))
    if isinstance(report, str):
        typer.echo(f"shequn: {file.name}: {report}", err=True)
        raise typer.Exit(1)
    for line, problem in report.errors:
        typer.echo(f"{file.name}:{line}: {problem}", err=True)
    typer.echo(
        f"Imported {report.added} new question(s); {report.known} already in the bank; "
        f"{len(report.errors)} rejected."
    )
    if report.errors:
        raise typer.Exit(1)
