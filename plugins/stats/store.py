"""Exactly-once bookkeeping: one report per group and week, one alert per stage change."""

from __future__ import annotations

from sqlalchemy import Connection, select, update
from sqlmodel import Field, SQLModel

from shequn.storage import insert_ignore


class StageRow(SQLModel, table=True):
    __tablename__ = "stats_stage"
    group_key: str = Field(primary_key=True, max_length=200)
    stage: str = Field(max_length=20)
    changed_at: float


class ReportRow(SQLModel, table=True):
    __tablename__ = "stats_report"
    group_key: str = Field(primary_key=True, max_length=200)
    week: str = Field(primary_key=True, max_length=10)
    """The Monday that starts the reported week, ``YYYY-MM-DD``."""
    sent_at: float


_stage = StageRow.__table__  # type: ignore[attr-defined]
_report = ReportRow.__table__  # type: ignore[attr-defined]


def claim_report(conn: Connection, group_key: str, week: str, now: float) -> bool:
    """True for the one caller that may send this group's report for this week."""
    row = {"group_key": group_key, "week": week, "sent_at": now}
    return insert_ignore(conn, _report, row, ("group_key", "week"))


def move_stage(conn: Connection, group_key: str, stage: str, now: float) -> str | None:
    """Record ``stage``; returns the previous stage when this call changed it (None when
    it is the first stage seen or the stage is unchanged). The update is conditional on
    the stage read, so two workers cannot both see the same change."""
    row = {"group_key": group_key, "stage": stage, "changed_at": now}
    if insert_ignore(conn, _stage, row, ("group_key",)):
        return None
    before = conn.execute(
        select(_stage.c.stage).where(_stage.c.group_key == group_key)
    ).scalar_one()
    if before == stage:
        return None
    changed = conn.execute(
        update(_stage)
        .where(_stage.c.group_key == group_key, _stage.c.stage == before)
        .values(stage=stage, changed_at=now)
    ).rowcount
    return str(before) if changed == 1 else None
