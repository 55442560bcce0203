"""Who a visitor is, in a form no visitor can forge and no database copy can read back.

A visitor id is random and comes to the browser signed (``id.signature``, HMAC-SHA256 with
the plugin's key); a cookie that does not verify is ignored and a new id issued, so a client
cannot pick ids. What is stored are keyed hashes of the id and of the address, never the
address itself. The key is ``[sharelinks] secret`` (environment or uncommitted config) or,
when that is empty, one generated once and kept in the database.

Signing alone cannot stop a client that drops its cookie on every request: that is what the
address window in :func:`plugins.sharelinks.store.click` is for.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from sqlalchemy import Connection, select

from shequn.storage import insert_ignore

from .models import ShareKey

_key_table = ShareKey.__table__  # type: ignore[attr-defined]

KEY_NAME = "visitor"
_COOKIE = re.compile(r"^([0-9a-f]{32})\.([0-9a-f]{32})$")


def stored_key(conn: Connection) -> str:
    """The generated key; the first worker to ask creates it, every other reads the same."""
    insert_ignore(conn, _key_table, {"name": KEY_NAME, "value": secrets.token_hex(32)}, ("name",))
    value = conn.execute(select(_key_table.c.value).where(_key_table.c.name == KEY_NAME))
    return str(value.scalar_one())


def _mac(key: str, purpose: str, text: str) -> str:
    return hmac.new(key.encode(), f"{purpose}|{text}".encode(), hashlib.sha256).hexdigest()


def new_visitor(key: str) -> tuple[str, str]:
    """A fresh visitor: (id, cookie value)."""
    visitor = secrets.token_hex(16)
    return visitor, f"{visitor}.{_mac(key, 'cookie', visitor)[:32]}"


def verified(key: str, cookie: str | None) -> str | None:
    """The visitor id of a cookie this server signed, else None."""
    found = _COOKIE.match(cookie or "")
    if found is None:
        return None
    visitor, signature = found.groups()
    expected = _mac(key, "cookie", visitor)[:32]
    return visitor if hmac.compare_digest(signature, expected) else None


def visitor_hash(key: str, visitor: str) -> str:
    return _mac(key, "visitor", visitor)


def address_hash(key: str, address: str) -> str:
    return _mac(key, "address", address)
