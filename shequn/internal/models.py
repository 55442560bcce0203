"""The core's tables. Plugins declare their own next to their code.

Times are stored as UTC epoch seconds (float) and local days as ``YYYY-MM-DD`` text: both
compare and sort the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Account(SQLModel, table=True):
    """A platform account linked to a person other than itself (unlinked: person == key)."""

    __tablename__ = "core_account"
    key: str = Field(primary_key=True, max_length=200)
    person: str = Field(index=True, max_length=200)
    linked_at: float


class Profile(SQLModel, table=True):
    """The last display name seen for an account, for leaderboards and lists."""

    __tablename__ = "core_profile"
    key: str = Field(primary_key=True, max_length=200)
    name: str = Field(max_length=200)
    updated_at: float


class LinkCode(SQLModel, table=True):
    """A pending account link, which needs both accounts: ``issuer`` was shown ``code`` in
    private, ``claimant`` redeemed it, and the accounts join only when the issuer confirms
    before ``expires_at``. One code per issuer; the row is deleted when the link is made or
    refused, so a link happens once."""

    __tablename__ = "core_link_code"
    code: str = Field(primary_key=True, max_length=32)
    issuer: str = Field(unique=True, max_length=200)
    claimant: str | None = Field(default=None, max_length=200)
    """The account that redeemed the code; empty until then, fixed afterwards."""
    expires_at: float


class Community(SQLModel, table=True):
    """A named set of groups whose members share points, streaks and blacklists."""

    __tablename__ = "core_community"
    key: str = Field(primary_key=True, max_length=200)
    name: str = Field(unique=True, max_length=100)
    created_at: float


class CommunityGroup(SQLModel, table=True):
    """Membership of a group in a community (a group not listed is its own community)."""

    __tablename__ = "core_community_group"
    group_key: str = Field(primary_key=True, max_length=200)
    community: str = Field(index=True, max_length=200)


class PluginSwitch(SQLModel, table=True):
    """A plugin switched on or off in one group by its admins."""

    __tablename__ = "core_plugin_switch"
    group_key: str = Field(primary_key=True, max_length=200)
    plugin: str = Field(primary_key=True, max_length=100)
    enabled: bool


class GroupSetting(SQLModel, table=True):
    """A group's overrides of a plugin's config, as validated JSON."""

    __tablename__ = "core_group_setting"
    group_key: str = Field(primary_key=True, max_length=200)
    plugin: str = Field(primary_key=True, max_length=100)
    data: str = Field(sa_column=Column(Text, nullable=False))


class LedgerEntry(SQLModel, table=True):
    """Append-only points ledger. ``idem_key`` makes every grant happen at most once."""

    __tablename__ = "core_ledger"
    __table_args__ = (Index("ix_core_ledger_person", "person", "community"),)
    id: int | None = Field(default=None, primary_key=True)
    person: str = Field(max_length=200)
    community: str = Field(max_length=200)
    group_key: str = Field(max_length=200)
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    reason: str = Field(max_length=200)
    plugin: str = Field(max_length=100)
    idem_key: str = Field(unique=True, max_length=300)
    created_at: float


class Balance(SQLModel, table=True):
    """Running balance per person and community, kept in the same transaction as the ledger."""

    __tablename__ = "core_balance"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="ck_core_balance_non_negative"),
        Index("ix_core_balance_rank", "community", "balance"),
    )
    person: str = Field(primary_key=True, max_length=200)
    community: str = Field(primary_key=True, max_length=200)
    balance: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))


class ScheduledJob(SQLModel, table=True):
    """A persisted job: runs once when due, even if the bot was down at that moment."""

    __tablename__ = "core_job"
    __table_args__ = (
        UniqueConstraint("key", name="uq_core_job_key"),
        Index("ix_core_job_due", "status", "due_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300)
    plugin: str = Field(max_length=100)
    job: str = Field(max_length=100)
    due_at: float
    payload: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    status: str = Field(default="pending", max_length=16)
    """pending -> running -> done | failed"""
    lease_until: float = 0.0
    attempts: int = 0
    finished_at: float | None = None
    error: str | None = Field(default=None, max_length=2000)


class SeenEvent(SQLModel, table=True):
    """An event key some worker took on: the second worker offered it drops it."""

    __tablename__ = "core_event"
    key: str = Field(primary_key=True, max_length=400)
    seen_at: float = Field(index=True)


class Cooldown(SQLModel, table=True):
    """A command cooldown shared by every worker: the key may run again at ``until``."""

    __tablename__ = "core_cooldown"
    key: str = Field(primary_key=True, max_length=400)
    until: float = Field(index=True)


class StateVersion(SQLModel, table=True):
    """How often a cache every worker keeps in memory (``settings``, ``identity``) changed."""

    __tablename__ = "core_state_version"
    name: str = Field(primary_key=True, max_length=64)
    version: int = 0


class RateBucket(SQLModel, table=True):
    """A rate-limit token bucket shared by every worker: ``tokens`` left at ``stamp``."""

    __tablename__ = "core_rate_bucket"
    key: str = Field(primary_key=True, max_length=400)
    tokens: float
    stamp: float = Field(index=True)


class GroupRecord(SQLModel, table=True):
    """A group the bot has seen, with the scene to send to it later (no personal data)."""

    __tablename__ = "core_group"
    group_key: str = Field(primary_key=True, max_length=200)
    platform: str = Field(max_length=64)
    scene: str = Field(sa_column=Column(Text, nullable=False))
    """The scene last seen there, as JSON (a channel of a server rather than the server)."""
    name: str = Field(default="", max_length=200)
    first_seen: float
    last_seen: float
