"""Keeping the rota filled ahead and each occurrence's reminders scheduled.

Every reminder is a persisted job keyed by series and occurrence number, so scheduling it
again (a restart, the next roll) is a no-op, and a job that fell due while the bot was down
still runs once when it is back."""

from __future__ import annotations

from datetime import UTC, datetime

from shequn import JobContext

from .declaration import SessionsConfig
from .models import SeriesRow
from .spec import upcoming
from .store import ensure


async def plan(ctx: JobContext, series: SeriesRow, after: float = 0.0) -> None:
    """Make the ``rota_length`` occurrences that follow now (or ``after``, when later) and
    schedule their reminders."""
    cfg = ctx.config(SessionsConfig)
    now = ctx.app.clock.now()
    slots = upcoming(series, max(now.timestamp(), after), cfg.rota_length)
    await ctx.app.db.write(lambda conn: ensure(conn, series, slots), "sessions")
    for number, starts_at in slots:
        starts = datetime.fromtimestamp(starts_at, UTC)
        payload = {"series": series.id, "number": number}
        for job, lead in (("host_remind", cfg.host_lead), ("group_remind", cfg.group_lead)):
            at = max(now, starts - lead)
            await ctx.schedule(job, at, payload, key=f"sessions:{job}:{series.id}:{number}")
