"""The dashboard's tables (created by the ``dashboard`` migration branch), as SQLAlchemy Core."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Integer, MetaData, String, Table, Text

metadata = MetaData()

tokens = Table(
    "dashboard_token",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("digest", String(64), nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
)
"""Superuser login tokens, stored as SHA-256 digests (the token itself is shown once)."""

login_codes = Table(
    "dashboard_login_code",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("selector", String(8), nullable=False, unique=True),
    Column("account", String(200), nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("failures", Integer, nullable=False, server_default="0"),
)
"""One-time codes sent to group admins in private; deleted when used, or after a few wrong
tries of the code (a try names its code by the first letters, the ``selector``)."""

sessions = Table(
    "dashboard_session",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("subject", String(200), nullable=False),
    Column("superuser", Boolean, nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
)

audit = Table(
    "dashboard_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("target", String(200), nullable=False),
    Column("action", String(50), nullable=False),
    Column("detail", String(500), nullable=False),
)
"""What was changed through the dashboard, by whom, in which group or community."""

broadcasts = Table(
    "dashboard_broadcast",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("created_at", Float, nullable=False),
)

deliveries = Table(
    "dashboard_delivery",
    metadata,
    Column("broadcast_id", Integer, primary_key=True),
    Column("group_key", String(200), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("message_id", String(200), nullable=True),
    Column("error", String(500), nullable=True),
    Column("updated_at", Float, nullable=False),
)
"""One row per group of a broadcast: pending -> sending -> sent | failed."""
