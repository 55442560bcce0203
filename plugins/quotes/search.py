"""Full-text search of quotes. THE ONLY MODULE OF THIS PLUGIN WITH DIALECT-SPECIFIC SQL.

Chinese has no spaces between words, so word tokenizers find nothing; substring search
does. On SQLite (3.34 or newer) an FTS5 table with the ``trigram`` tokenizer indexes every
three-character sequence, kept in step with ``quotes_quote`` by triggers; a search word of
one or two characters (common in Chinese: 天气, 猫) is below a trigram and falls back to
``LIKE``. On PostgreSQL each word is an ``ILIKE`` condition, served by a ``pg_trgm`` GIN
index when the extension can be created (else a scan). The index is set up at every start;
creating it is idempotent, and an index created over existing rows is rebuilt once.
"""

from __future__ import annotations

import logging
from weakref import WeakKeyDictionary

from sqlalchemy import ColumnElement, Connection, Integer, and_, column, text

from shequn import App

from .models import Quote

log = logging.getLogger("shequn.quotes")

_quote = Quote.__table__  # type: ignore[attr-defined]
TRIGRAM = 3
MAX_WORDS = 8
_modes: WeakKeyDictionary[App, str] = WeakKeyDictionary()

_SQLITE_FTS = (
    "CREATE VIRTUAL TABLE quotes_fts USING fts5("
    "text, content='quotes_quote', content_rowid='id', tokenize='trigram')"
)
_SQLITE_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS quotes_fts_insert AFTER INSERT ON quotes_quote BEGIN "
    "INSERT INTO quotes_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS quotes_fts_delete AFTER DELETE ON quotes_quote BEGIN "
    "INSERT INTO quotes_fts(quotes_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER IF NOT EXISTS quotes_fts_update AFTER UPDATE OF text ON quotes_quote BEGIN "
    "INSERT INTO quotes_fts(quotes_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO quotes_fts(rowid, text) VALUES (new.id, new.text); END",
)


def _sqlite_supports_trigram(conn: Connection) -> bool:
    version = str(conn.exec_driver_sql("SELECT sqlite_version()").scalar_one())
    major, minor = (int(p) for p in version.split(".")[:2])
    return (major, minor) >= (3, 34)


def _install(conn: Connection) -> str:
    dialect = conn.dialect.name
    if dialect == "sqlite":
        if not _sqlite_supports_trigram(conn):
            log.warning("SQLite is older than 3.34 (no trigram tokenizer): quotes use LIKE")
            return "like"
        exists = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'quotes_fts'"
        ).first()
        if exists is None:
            conn.exec_driver_sql(_SQLITE_FTS)
            conn.exec_driver_sql("INSERT INTO quotes_fts(quotes_fts) VALUES ('rebuild')")
        for trigger in _SQLITE_TRIGGERS:
            conn.exec_driver_sql(trigger)
        return "fts5"
    if dialect == "postgresql":
        try:
            with conn.begin_nested():
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                conn.exec_driver_sql(
                    "CREATE INDEX IF NOT EXISTS ix_quotes_quote_text_trgm "
                    "ON quotes_quote USING gin (text gin_trgm_ops)"
                )
        except Exception as error:  # no right to create extensions: plain ILIKE scans
            log.warning("pg_trgm unavailable (%s): quote search scans", error)
            return "ilike"
        return "pg_trgm"
    raise NotImplementedError(f"quote search does not support {dialect!r}")


async def install(app: App) -> str:
    """Set up the index for this database; remember which kind of search it allows."""
    mode = await app.db.run_sync_admin(_install)
    _modes[app] = mode
    return mode


def words_of(query: str) -> list[str]:
    return [w for w in query.split() if w][:MAX_WORDS]


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def matching(app: App, words: list[str]) -> ColumnElement[bool]:
    """A condition on ``quotes_quote`` true for quotes containing every word."""
    mode = _modes.get(app, "like")
    conditions: list[ColumnElement[bool]] = []
    long_words = [w for w in words if len(w) >= TRIGRAM]
    if mode == "fts5" and long_words:
        query = " AND ".join(_fts_phrase(w) for w in long_words)
        ids = (
            text("SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH :fts_query")
            .bindparams(fts_query=query)
            .columns(column("rowid", Integer))
        )
        conditions.append(_quote.c.id.in_(ids))
        words = [w for w in words if len(w) < TRIGRAM]
    for word in words:
        if mode in ("pg_trgm", "ilike"):
            conditions.append(_quote.c.text.ilike(_like_pattern(word), escape="\\"))
        else:
            conditions.append(_quote.c.text.like(_like_pattern(word), escape="\\"))
    return and_(*conditions)
