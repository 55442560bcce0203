"""The welcome plugin's tables. Times are UTC epoch seconds, as everywhere in Shequn."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class HandledEvent(SQLModel, table=True):
    """A join or leave event already acted on: a redelivery (even to another process or
    after a restart) finds its key here and does nothing."""

    __tablename__ = "welcome_event"
    key: str = Field(primary_key=True, max_length=300)
    created_at: float


class Newcomer(SQLModel, table=True):
    """A newcomer's verification: ``pending -> passed | failed``, by conditional updates."""

    __tablename__ = "welcome_newcomer"
    group_key: str = Field(primary_key=True, max_length=200)
    account: str = Field(primary_key=True, max_length=200)
    """``platform:user_id`` of the newcomer."""
    join_id: str = Field(max_length=200)
    """The join event that started this verification."""
    name: str = Field(max_length=200)
    kind: str = Field(max_length=16)
    answer: str = Field(max_length=64)
    attempts: int = 0
    status: str = Field(max_length=16)
    deadline: float
    prompt_id: str = Field(default="", max_length=200)
    """The challenge message, removed once verification ends."""
    inviter: str = Field(default="", max_length=200)
    """The inviter's ``platform:user_id`` as the join event named it."""
    inviter_name: str = Field(default="", max_length=200)
    created_at: float


class Application(SQLModel, table=True):
    """A join application: ``pending -> approved | rejected``."""

    __tablename__ = "welcome_application"
    group_key: str = Field(primary_key=True, max_length=200)
    account: str = Field(primary_key=True, max_length=200)
    request_id: str = Field(max_length=200)
    name: str = Field(max_length=200)
    comment: str = Field(max_length=500)
    inviter: str = Field(default="", max_length=200)
    status: str = Field(max_length=16)
    reason: str = Field(default="", max_length=200)
    decided_by: str = Field(default="", max_length=200)
    created_at: float
    decided_at: float | None = None


class Blocked(SQLModel, table=True):
    """A person whose join applications are declined in every group of a community."""

    __tablename__ = "welcome_blocked"
    community: str = Field(primary_key=True, max_length=200)
    person: str = Field(primary_key=True, max_length=200)
    reason: str = Field(default="", max_length=200)
    added_by: str = Field(max_length=200)
    created_at: float


class Acceptance(SQLModel, table=True):
    """A member's acceptance of the group's rules; ``digest`` names the rules' wording."""

    __tablename__ = "welcome_acceptance"
    group_key: str = Field(primary_key=True, max_length=200)
    person: str = Field(primary_key=True, max_length=200)
    digest: str = Field(max_length=64)
    accepted_at: float
