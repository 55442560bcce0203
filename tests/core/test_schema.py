"""Every migration matches its models, for the core and every built-in plugin."""

from __future__ import annotations

from pathlib import Path

from shequn.internal.loader import discover
from shequn.internal.storage import migrate
from shequn.testing import Harness, schema_differences

ROOT = Path(__file__).resolve().parents[2]


async def test_every_table_matches_its_migration(make_bot) -> None:  # type: ignore[no-untyped-def]
    plugins = [found.plugin for found in discover([ROOT / "plugins"])]
    assert len(plugins) >= 12
    bot: Harness = await make_bot(*plugins)
    prefixes = ["core_", *(f"{p.name}_" for p in plugins if p.migrations_dir is not None)]
    # The quotes plugin builds its full-text index itself (FTS5 on SQLite, pg_trgm on PostgreSQL).
    ignore = ["quotes_fts", "ix_quotes_quote_text_trgm"]
    assert await schema_differences(bot.app, prefixes, ignore=ignore) == []


def test_every_branch_of_the_core_folder_has_one_head() -> None:
    _, script = migrate._script([])
    heads = script.get_heads()
    branches = [script.get_revision(h).branch_labels for h in heads]
    assert len(heads) == len({label for labels in branches for label in labels}), branches
