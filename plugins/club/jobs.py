"""A term's persisted jobs: the reminder before the end, the end (grace begins) and the lapse.
Each is keyed by the term and its round, so scheduling it again is a no-op and a renewal
(a new round) leaves the old jobs with nothing to do; each acts only after winning its
conditional stage change, so a reminder is sent and a kick or mute done once per lapse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shequn import JobContext, Message, User

from .declaration import ClubConfig, plugin
from .models import TermRow
from .store import advance, term_key


def when(ctx: JobContext, timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, ctx.timezone).strftime("%Y-%m-%d %H:%M")


async def schedule_term(ctx: JobContext, term: TermRow) -> None:
    """Schedule the reminder, the end and the lapse of the term's current round."""
    cfg = ctx.config(ClubConfig)
    now = ctx.app.clock.now()
    ends = datetime.fromtimestamp(term.ends_at, UTC)
    payload = {"person": term.person, "round": term.round}
    base = f"{term_key(term.group_key, term.person)}:{term.round}"
    steps = (("warn", ends - cfg.remind_lead), ("expire", ends), ("lapse", ends + cfg.grace_period))
    for job, at in steps:
        await ctx.schedule(job, max(now, at), payload, key=f"club:{job}:{base}")


async def _step(
    ctx: JobContext, payload: dict[str, Any], stages: tuple[str, ...], to: str, *,
    ended: bool, action: str = "",
) -> TermRow | None:  # fmt: skip
    group_key, person, round_ = ctx.group_key, str(payload["person"]), int(payload["round"])
    now = ctx.app.clock.now().timestamp()
    return await ctx.app.db.write(
        lambda conn: advance(
            conn, group_key, person, round_, stages, to, now, ended=ended, action=action
        ),
        "club",
    )


async def _tell(ctx: JobContext, term: TermRow, key: str, **values: Any) -> None:
    """The member in private, and the group with a mention."""
    prefix = ctx.app.settings.commands.prefixes[0]
    text = ctx.t(key, prefix=prefix, **values)
    await ctx.send_private(term.account, term.name, text)
    await ctx.send(Message([ctx.mention(term.account, term.name), " ", text]))


def _renew_hint(ctx: JobContext) -> str:
    cfg = ctx.config(ClubConfig)
    prefix = ctx.app.settings.commands.prefixes[0]
    if cfg.price:
        return ctx.t("hint.pay", prefix=prefix, price=cfg.price, days=cfg.term_days)
    return ctx.t("hint.admin")


@plugin.job("warn")
async def warn(ctx: JobContext, payload: dict[str, Any]) -> None:
    term = await _step(ctx, payload, ("active",), "warned", ended=False)
    if term is not None:
        await _tell(ctx, term, "warn.text", ends=when(ctx, term.ends_at), hint=_renew_hint(ctx))


@plugin.job("expire")
async def expire(ctx: JobContext, payload: dict[str, Any]) -> None:
    term = await _step(ctx, payload, ("active", "warned"), "grace", ended=True)
    until = (
        0.0 if term is None else term.ends_at + ctx.config(ClubConfig).grace_period.total_seconds()
    )
    if term is not None and ctx.app.clock.now().timestamp() < until:  # else the lapse is due too
        await _tell(ctx, term, "expire.text", until=when(ctx, until), hint=_renew_hint(ctx))


@plugin.job("lapse")
async def lapse(ctx: JobContext, payload: dict[str, Any]) -> None:
    cfg = ctx.config(ClubConfig)
    action = cfg.lapse_action
    term = await _step(ctx, payload, ("active", "warned", "grace"), "lapsed", ended=True,
                       action=action)  # fmt: skip
    if term is None:
        return
    user = User.from_key(term.account, term.name)
    done = True
    if action == "kick":
        done = await ctx.kick(user)
    elif action == "mute":
        done = await ctx.mute(user, timedelta(days=cfg.mute_days))
    if done:
        text = ctx.t(f"lapse.{action}", hint=_renew_hint(ctx))
        await ctx.send(Message([ctx.mention(term.account, term.name), " ", text]))
