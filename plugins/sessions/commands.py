"""``/session``: create a series, list, rota, volunteer, assign, drop, summary, summaries,
stop."""

from __future__ import annotations

from functools import partial
from typing import Any

from shequn import Context, Level, Message, User

from .declaration import SessionsConfig, plugin
from .jobs import when
from .models import SeriesRow
from .planning import plan
from .spec import SpecError, parse_spec
from .store import (
    Host,
    assign,
    create,
    first_open,
    get,
    in_group,
    rota,
    search,
    stop,
    summarise,
    volunteer,
    withdraw,
)

MAX_SUMMARY = 4000
MAX_WORDS = 5
MAX_WORD = 50


def _prefix(ctx: Context) -> str:
    return ctx.app.settings.commands.prefixes[0]


async def _series(ctx: Context, series_id: int) -> SeriesRow | None:
    """The group's series ``series_id`` (0: its only one); else a reply saying what's wrong."""
    group_key = ctx.group_key
    if series_id:
        found = await ctx.app.db.read(lambda conn: get(conn, series_id))
        if found is None or found.group_key != group_key or found.state != "active":
            await ctx.reply(ctx.t("series.unknown", series=series_id))
            return None
        return found
    active = await ctx.app.db.read(lambda conn: in_group(conn, group_key))
    if len(active) == 1:
        return active[0]
    if not active:
        await ctx.reply(ctx.t("series.none", prefix=_prefix(ctx)))
    else:
        await ctx.reply(ctx.t("series.which", ids=", ".join(f"#{s.id}" for s in active)))
    return None


def _host(ctx: Context, user: User) -> Host:
    return Host(ctx.person_of(user), user.key, user.display_name)


@plugin.command("session create", aliases=["分享 创建"], permission=Level.ADMIN, group_only=True)
async def session_create(ctx: Context, *, spec: str = "") -> None:
    now = ctx.now()
    cfg = ctx.config(SessionsConfig)
    try:
        parsed = parse_spec(spec, now, ctx.timezone, cfg.every_days)
    except SpecError as error:
        await ctx.reply(ctx.t(error.key, prefix=_prefix(ctx), **error.values))
        return
    values: dict[str, Any] = {
        "community": ctx.community,
        "group_key": ctx.group_key,
        "title": parsed.title,
        "first_at": parsed.first.timestamp(),
        "every_days": parsed.every_days,
        "timezone": ctx.timezone.key,
        "state": "active",
        "creator": ctx.person,
        "created_at": now.timestamp(),
    }
    series_id = await ctx.app.db.write(lambda conn: create(conn, values), "sessions")
    series = SeriesRow(id=series_id, **values)
    await plan(ctx, series)
    await ctx.reply(ctx.t("series.created", series=series_id, title=parsed.title,
                          when=when(ctx, values["first_at"]), every=parsed.every_days,
                          prefix=_prefix(ctx)))  # fmt: skip


@plugin.command("session list", aliases=["分享 列表", "分享列表"], group_only=True)
async def session_list(ctx: Context) -> None:
    group_key, now = ctx.group_key, ctx.app.clock.now().timestamp()
    active = await ctx.app.db.read(lambda conn: in_group(conn, group_key))
    if not active:
        await ctx.reply(ctx.t("series.none", prefix=_prefix(ctx)))
        return
    lines = [ctx.t("list.header")]
    for series in active:
        upcoming = await ctx.app.db.read(partial(rota, series_id=series.id or 0, now=now, limit=1))
        nxt = when(ctx, upcoming[0].starts_at) if upcoming else "-"
        lines.append(ctx.t("list.line", series=series.id, title=series.title,
                           every=series.every_days, next=nxt))  # fmt: skip
    await ctx.reply("\n".join(lines))


@plugin.command("session rota", aliases=["分享 排班", "分享排班"], group_only=True)
async def session_rota(ctx: Context, series: int = 0) -> None:
    found = await _series(ctx, series)
    if found is None:
        return
    series_id, now = found.id or 0, ctx.app.clock.now().timestamp()
    limit = ctx.config(SessionsConfig).rota_length
    rows = await ctx.app.db.read(lambda conn: rota(conn, series_id, now, limit))
    lines = [ctx.t("rota.header", series=series_id, title=found.title)]
    for row in rows:
        host = row.host_name if row.host is not None else ctx.t("rota.open")
        lines.append(ctx.t("rota.line", number=row.number, when=when(ctx, row.starts_at),
                           host=host))  # fmt: skip
    lines.append(ctx.t("rota.how", prefix=_prefix(ctx)))
    await ctx.reply("\n".join(lines))


async def _slot(ctx: Context, series: SeriesRow, number: int) -> int | None:
    """``number``, or the first open slot of the rota when 0; None (and a reply) if none."""
    if number:
        return number
    series_id, now = series.id or 0, ctx.app.clock.now().timestamp()
    limit = ctx.config(SessionsConfig).rota_length
    found = await ctx.app.db.read(lambda conn: first_open(conn, series_id, now, limit))
    if found is None:
        await ctx.reply(ctx.t("slot.none_open", title=series.title))
    return found


@plugin.command("session volunteer", aliases=["分享 报名"], keywords=["我来分享"], group_only=True)
async def session_volunteer(ctx: Context, number: int = 0, series: int = 0) -> None:
    found = await _series(ctx, series)
    slot = None if found is None else await _slot(ctx, found, number)
    if found is None or slot is None:
        return
    host, series_id, now = _host(ctx, ctx.user), found.id or 0, ctx.app.clock.now().timestamp()
    outcome = await ctx.app.db.write(
        lambda conn: volunteer(conn, series_id, slot, host, now), "sessions"
    )
    await ctx.reply(ctx.t(f"volunteer.{outcome}", name=host.name, number=slot,
                          title=found.title))  # fmt: skip


@plugin.command("session assign", aliases=["分享 指派"], permission=Level.ADMIN, group_only=True)
async def session_assign(ctx: Context, member: User, number: int = 0, series: int = 0) -> None:
    found = await _series(ctx, series)
    slot = None if found is None else await _slot(ctx, found, number)
    if found is None or slot is None:
        return
    host, series_id, now = _host(ctx, member), found.id or 0, ctx.app.clock.now().timestamp()
    done = await ctx.app.db.write(lambda conn: assign(conn, series_id, slot, host, now), "sessions")
    if not done:
        await ctx.reply(ctx.t("slot.gone", number=slot))
        return
    text = ctx.t("assign.done", number=slot, title=found.title)
    await ctx.reply(Message([ctx.mention(host.account, host.name), " ", text]))


@plugin.command("session drop", aliases=["分享 退出"], group_only=True)
async def session_drop(ctx: Context, number: int, series: int = 0) -> None:
    found = await _series(ctx, series)
    if found is None:
        return
    series_id, now, person = found.id or 0, ctx.app.clock.now().timestamp(), ctx.person
    if await ctx.level() >= Level.ADMIN:
        done = await ctx.app.db.write(
            lambda conn: assign(conn, series_id, number, None, now), "sessions"
        )
    else:
        done = await ctx.app.db.write(
            lambda conn: withdraw(conn, series_id, number, person, now), "sessions"
        )
    key = "drop.done" if done else "drop.not_yours"
    await ctx.reply(ctx.t(key, number=number, title=found.title, prefix=_prefix(ctx)))


@plugin.command("session summary", aliases=["分享 总结", "分享总结"], group_only=True)
async def session_summary(ctx: Context, *, text: str = "") -> None:
    name = ctx.user.display_name
    text = text.strip()
    if not text:
        await ctx.reply(ctx.t("summary.usage", prefix=_prefix(ctx)))
        return
    if len(text) > MAX_SUMMARY:
        await ctx.reply(ctx.t("summary.too_long", name=name, max=MAX_SUMMARY))
        return
    cfg = ctx.config(SessionsConfig)
    group_key, person, now = ctx.group_key, ctx.person, ctx.app.clock.now().timestamp()
    window, points = cfg.summary_days * 86400.0, cfg.host_points
    result = await ctx.app.db.write(
        lambda conn: summarise(conn, group_key, person, text, now, window, points), "sessions"
    )
    if result is None:
        await ctx.reply(ctx.t("summary.no_session", name=name, days=cfg.summary_days))
        return
    row = result.occurrence
    key = "summary.paid" if result.paid else "summary.saved"
    await ctx.reply(ctx.t(key, name=name, title=result.title, number=row.number, points=points))


@plugin.command("session summaries", aliases=["分享 记录", "分享记录"], group_only=True)
async def session_summaries(ctx: Context, *, words: str = "") -> None:
    terms = [w[:MAX_WORD] for w in words.split()][:MAX_WORDS]
    community = ctx.community
    found = await ctx.app.db.read(lambda conn: search(conn, community, terms))
    if not found:
        await ctx.reply(ctx.t("summaries.none"))
        return
    lines = [ctx.t("summaries.header", count=len(found))]
    for row, title in found:
        excerpt = " ".join((row.summary or "").split())
        if len(excerpt) > 200:
            excerpt = excerpt[:199] + "…"
        lines.append(ctx.t("summaries.line", title=title, number=row.number,
                           when=when(ctx, row.starts_at), host=row.host_name or "",
                           summary=excerpt))  # fmt: skip
    await ctx.reply("\n".join(lines))


@plugin.command("session stop", aliases=["分享 停止"], permission=Level.ADMIN, group_only=True)
async def session_stop(ctx: Context, series: int) -> None:
    found = await _series(ctx, series)
    if found is None:
        return
    await ctx.app.db.write(lambda conn: stop(conn, series), "sessions")
    await ctx.reply(ctx.t("series.stopped", series=series, title=found.title))
