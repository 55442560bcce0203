"""``shequn quiz import FILE``: load a question bank from CSV, JSON or YAML.

Good entries are stored (questions already in the bank are skipped), each bad one is
reported with its line, and the exit code is 1 when any line was rejected.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Annotated, cast

import typer

from shequn.cli import ConfigOption, open_app, settings_for
from shequn.internal.config import Settings

from .bank import Format, Parsed, guess_format, parse
from .importer import Report, store_parsed

app = typer.Typer(help="Quiz question banks.", no_args_is_help=True, add_completion=False)


@app.callback()
def quiz() -> None:
    """Quiz question banks (a group of commands, so ``import`` stays a subcommand)."""


async def _store(settings: Settings, parsed: Parsed, lang: str, bank: str) -> Report:
    async with open_app(settings) as shequn:
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
    parsed = parse(text, chosen)
    report = asyncio.run(_store(settings, parsed, lang, bank or file.name))
    for line, problem in report.errors:
        typer.echo(f"{file.name}:{line}: {problem}", err=True)
    typer.echo(
        f"Imported {report.added} new question(s); {report.known} already in the bank; "
        f"{len(report.errors)} rejected."
    )
    if report.errors:
        raise typer.Exit(1)
