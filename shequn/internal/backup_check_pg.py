"""The restore check of :mod:`shequn.internal.backup_check` on PostgreSQL.

A dump cannot be read without restoring it, so the backup is restored into a scratch
database next to a second one where a bot is started from nothing (the reference), both
on the live server, so the same server version and extensions make both. Their catalogs are
then compared: every object a user made (an oid past the ones ``initdb`` makes), in any
schema, of any kind (a schema that shadows ``public`` on the search path, an event trigger,
an extension, a function, ...) has to be in the reference with the same definition. Both
scratch databases are dropped however the check ends.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import TypeVar

from sqlalchemy import exc
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from shequn.internal import backup_check
from shequn.internal.backup_check import SchemaObject
from shequn.internal.config import Settings

Schema = dict[tuple[str, str], SchemaObject]
T = TypeVar("T")
FIRST_USER_OID = 16384
"""``FirstNormalObjectId``: every object ``initdb`` makes has a smaller oid."""
_INSUFFICIENT_PRIVILEGE = "42501"

_RELATION = """
  CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid)
       WHEN c.relkind IN ('i', 'I') THEN pg_get_indexdef(c.oid)
       WHEN c.relkind = 'S' THEN (
         SELECT format_type(s.seqtypid, NULL) || ' increment ' || s.seqincrement || ' min '
           || s.seqmin || ' max ' || s.seqmax || CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END
         FROM pg_sequence s WHERE s.seqrelid = c.oid)
       ELSE c.relkind::text END
  || coalesce(' columns: ' || (
       SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
         || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
         || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
         || CASE WHEN a.attidentity <> '' THEN ' identity' ELSE '' END
         || CASE WHEN a.attgenerated <> '' THEN ' generated' ELSE '' END, ', ' ORDER BY a.attname)
       FROM pg_attribute a
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '')
  || coalesce(' constraints: ' || (
       SELECT string_agg(quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid), ', '
         ORDER BY k.conname)
       FROM pg_constraint k WHERE k.conrelid = c.oid), '')
  || CASE WHEN c.relrowsecurity THEN ' row security' ELSE '' END
  || CASE WHEN c.relforcerowsecurity THEN ' forced' ELSE '' END
"""
CATALOGS: dict[str, tuple[str, str]] = {
    # catalog: (what must match, which rows)
    "pg_class": (  # not TOAST tables and their indexes, nor temporary tables
        _RELATION,
        "c.relnamespace <> 'pg_toast'::regnamespace AND c.relpersistence <> 't'",
    ),
    "pg_proc": (
        "CASE WHEN c.prokind IN ('f', 'p') THEN pg_get_functiondef(c.oid)"
        " ELSE pg_get_function_result(c.oid) END",
        "true",
    ),
    "pg_trigger": ("pg_get_triggerdef(c.oid) || ' ' || c.tgenabled::text", "NOT c.tgisinternal"),
    "pg_rewrite": ("pg_get_ruledef(c.oid) || ' ' || c.ev_enabled::text", "c.rulename <> '_RETURN'"),
    "pg_policy": (
        "c.polcmd::text || ' ' || c.polpermissive || ' ' || c.polroles::text"
        " || coalesce(' using ' || pg_get_expr(c.polqual, c.polrelid), '')"
        " || coalesce(' check ' || pg_get_expr(c.polwithcheck, c.polrelid), '')",
        "true",
    ),
    "pg_extension": ("c.extversion", "true"),
    "pg_namespace": ("''", "c.nspname NOT LIKE 'pg\\_%'"),  # not the temporary ones
    "pg_type": ("c.typtype::text", "c.typrelid = 0 AND c.typcategory <> 'A'"),
    "pg_constraint": ("pg_get_constraintdef(c.oid)", "c.contypid <> 0"),  # on domains
    "pg_subscription": ("''", "c.subdbid = (SELECT oid FROM pg_database"
                        " WHERE datname = current_database())"),
    **{
        catalog: ("''", "true")
        for catalog in (
            "pg_operator", "pg_opclass", "pg_opfamily", "pg_am", "pg_cast", "pg_collation",
            "pg_conversion", "pg_language", "pg_ts_config", "pg_ts_dict", "pg_ts_parser",
            "pg_ts_template", "pg_event_trigger", "pg_publication", "pg_foreign_data_wrapper",
            "pg_foreign_server", "pg_default_acl", "pg_statistic_ext", "pg_transform",
        )
    },
}  # fmt: skip
"""Where user-made objects are, with the text that must match for each (readable by any
role; ``pg_user_mapping`` is not, but a user mapping needs a foreign server, listed)."""


class Refused(Exception):
    """The check cannot run or the file is no Shequn backup; the message says why."""


def check(
    url: URL, settings: Settings, restore_into: Callable[[URL], None], required: Sequence[str]
) -> tuple[list[str], tuple[int, list[str]]]:
    """Restore the backup (``restore_into`` a scratch database's URL) and compare it with a
    reference bot's database: the objects the bot does not create as they are, then (only
    when there are none) the balances that are not the sum of their postings."""
    return backup_check.run_alone(lambda: _check(url, settings, restore_into, required))


async def _check(
    url: URL, settings: Settings, restore_into: Callable[[URL], None], required: Sequence[str]
) -> tuple[list[str], tuple[int, list[str]]]:
    admin = create_async_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        async with scratch_database(admin) as reference, scratch_database(admin) as restored:
            scratch = reference.render_as_string(hide_password=False)
            done = await asyncio.gather(
                backup_check.start_and_stop(backup_check.reference_settings(settings, scratch)),
                asyncio.to_thread(restore_into, restored),
                return_exceptions=True,  # both finished before their databases are dropped
            )
            for outcome in done:
                if isinstance(outcome, BaseException):
                    raise outcome
            expected = await _read(reference, schema_of)
            found = await _read(restored, schema_of)
            missing = [t for t in required if ("table", f"public.{t}") not in found]
            if missing:
                raise Refused(f"it is not a Shequn database (no {', '.join(missing)})")
            wrong = backup_check.unexpected_objects(found, expected)
            return wrong, (0, []) if wrong else await _read(restored, unbalanced)
    finally:
        await admin.dispose()


async def schema_of(conn: AsyncConnection) -> Schema:
    """Every user-made object of the database, by (kind, identity)."""
    await conn.exec_driver_sql("SET search_path = pg_catalog")  # every name qualified
    found: Schema = {}
    for catalog, (shape, rows) in CATALOGS.items():
        result = await conn.exec_driver_sql(
            f"SELECT o.type, o.identity, {shape} FROM {catalog} c,"
            f" pg_identify_object('{catalog}'::regclass, c.oid, 0) o"
            f" WHERE c.oid >= {FIRST_USER_OID} AND {rows}"
        )
        for row in result:
            kind, identity, definition = tuple(row)
            found[kind, identity] = SchemaObject(kind, identity, definition or "")
    return found


async def unbalanced(conn: AsyncConnection) -> tuple[int, list[str]]:
    await conn.exec_driver_sql("SET search_path = public")
    rows = (await conn.exec_driver_sql(backup_check.UNBALANCED)).all()
    return backup_check.unbalanced(rows)


async def _read(url: URL, read: Callable[[AsyncConnection], Awaitable[T]]) -> T:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            return await read(conn)
    finally:
        await engine.dispose()


@asynccontextmanager
async def scratch_database(admin: AsyncEngine) -> AsyncIterator[URL]:
    """A new, empty database on the server ``admin`` is connected to, with that database's
    encoding and locale; dropped on leaving, also on errors."""
    name, role = f"shequn_check_{secrets.token_hex(6)}", admin.url.username
    try:
        async with admin.connect() as conn:
            role, encoding, collate, ctype = tuple(
                (
                    await conn.exec_driver_sql(
                        "SELECT current_user, pg_encoding_to_char(encoding), datcollate, datctype"
                        " FROM pg_database WHERE datname = current_database()"
                    )
                ).one()
            )
            await conn.exec_driver_sql(
                f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING {_literal(encoding)}'
                f" LC_COLLATE {_literal(collate)} LC_CTYPE {_literal(ctype)}"
            )
    except exc.DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != _INSUFFICIENT_PRIVILEGE:
            raise Refused(f"the check could not use the database: {error.orig}") from None
        raise Refused(
            f"the database role {role} may not create databases, and the restore check "
            "needs two scratch ones (the backup is restored into one and compared with a bot "
            "started on the other, then both are dropped): restore as a role that may, or "
            f"grant it: ALTER ROLE {role} CREATEDB"
        ) from None
    except OSError as error:
        raise Refused(f"the check could not reach the database server: {error}") from None
    try:
        yield admin.url.set(database=name)
    finally:
        async with admin.connect() as conn:
            await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
