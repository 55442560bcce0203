"""``/club``: a member's own term, renewals (recorded by admins or paid in points) and the
roster of active, expiring and lapsed members."""

from __future__ import annotations

from datetime import timedelta

from shequn import Context, Level, Message, Segment, User

from .declaration import ClubConfig, plugin
from .jobs import schedule_term, when
from .models import TermRow
from .store import Member, Renewed, Unpaid, get, renew, roster

MAX_DAYS = 3660
ROSTER_LINES = 30
"""Names shown per roster section; the rest are counted."""


def _prefix(ctx: Context) -> str:
    return ctx.app.settings.commands.prefixes[0]


@plugin.command("club", aliases=["俱乐部", "会员"], group_only=True)
async def club_status(ctx: Context) -> None:
    group_key, person, name = ctx.group_key, ctx.person, ctx.user.display_name
    term = await ctx.app.db.read(lambda conn: get(conn, group_key, person))
    if term is None or term.round == 0:
        await ctx.reply(ctx.t("status.none", name=name))
        return
    await ctx.reply(ctx.t(f"status.{term.stage}", name=name, ends=when(ctx, term.ends_at)))


@plugin.command("club renew", aliases=["俱乐部 续费", "续费"], group_only=True)
async def club_renew(ctx: Context, member: User | None = None, days: int = 0) -> None:
    cfg = ctx.config(ClubConfig)
    if member is not None:
        if await ctx.level() < Level.ADMIN:
            await ctx.reply(ctx.t("renew.admins_only", prefix=_prefix(ctx)))
            return
        if not 1 <= days <= MAX_DAYS:
            await ctx.reply(ctx.t("renew.bad_days", max=MAX_DAYS, prefix=_prefix(ctx)))
            return
        target, cost = member, 0
    else:
        if cfg.price == 0:
            await ctx.reply(ctx.t("renew.not_for_points", name=ctx.user.display_name))
            return
        target, days, cost = ctx.user, cfg.term_days, cfg.price
    who = Member(ctx.group_key, ctx.community, ctx.person_of(target), target.key,
                 target.display_name)  # fmt: skip
    now = ctx.app.clock.now().timestamp()
    seconds = timedelta(days=days).total_seconds()
    result = await ctx.app.db.write(lambda conn: renew(conn, who, seconds, cost, now), "club")
    if result is None:
        await ctx.reply(ctx.t("renew.busy", name=who.name))
    elif isinstance(result, Unpaid):
        balance = await ctx.app.ledger.balance(who.person, who.community)
        await ctx.reply(ctx.t("renew.unpaid", name=who.name, price=cost, balance=balance))
    else:
        await _renewed(ctx, target, result, days, cost)


async def _renewed(ctx: Context, target: User, result: Renewed, days: int, cost: int) -> None:
    term = result.term
    await schedule_term(ctx, term)
    if result.was == "lapsed" and result.was_action == "mute":
        await ctx.mute(target, timedelta(0))  # lift the lapse's mute
    key = "renew.paid" if cost else "renew.done"
    text = ctx.t(key, days=days, ends=when(ctx, term.ends_at), price=cost)
    segments: list[Segment | str] = [ctx.mention(term.account, term.name), " ", text]
    if result.was == "lapsed" and result.was_action == "kick":
        segments.append("\n" + ctx.t("renew.invite_back"))
    await ctx.reply(Message(segments))


def _section(ctx: Context, key: str, terms: list[TermRow], line: str) -> list[str]:
    if not terms:
        return []
    out = [ctx.t(key, count=len(terms))]
    for term in terms[:ROSTER_LINES]:
        out.append(ctx.t(line, name=term.name, ends=when(ctx, term.ends_at),
                         action=ctx.t(f"action_done.{term.action or 'none'}")))  # fmt: skip
    if len(terms) > ROSTER_LINES:
        out.append(ctx.t("roster.more", count=len(terms) - ROSTER_LINES))
    return out


@plugin.command("club roster", aliases=["俱乐部 名单", "会员名单"], group_only=True)
async def club_roster(ctx: Context) -> None:
    group_key, now = ctx.group_key, ctx.app.clock.now().timestamp()
    terms = await ctx.app.db.read(lambda conn: roster(conn, group_key))
    if not terms:
        await ctx.reply(ctx.t("roster.empty", prefix=_prefix(ctx)))
        return
    soon = now + ctx.config(ClubConfig).remind_lead.total_seconds()
    lapsed = [t for t in terms if t.stage == "lapsed"]
    expiring = [
        t for t in terms if t.stage == "grace" or (t.stage != "lapsed" and t.ends_at <= soon)
    ]
    active = [t for t in terms if t not in lapsed and t not in expiring]
    lines = [
        *_section(ctx, "roster.active", active, "roster.line_active"),
        *_section(ctx, "roster.expiring", expiring, "roster.line_expiring"),
        *_section(ctx, "roster.lapsed", lapsed, "roster.line_lapsed"),
    ]
    await ctx.reply("\n".join(lines))
