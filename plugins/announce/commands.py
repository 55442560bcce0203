"""Admin commands: ``/announce once|every|list|cancel|log`` and ``/broadcast once|every``
(the same for every group of the community)."""

from __future__ import annotations

from datetime import UTC, datetime

from shequn import Context, Level

from .config import AnnounceConfig
from .cron import CronError, parse
from .declaration import plugin
from .delivery import book
from .store import active, create, dump_scene, finish, get, recent_deliveries
from .when import parse_when

MAX_TEXT = 2000


def _clean(text: str) -> str:
    return text.strip()


async def _create(ctx: Context, scope: str, due: datetime, cron: str, text: str) -> None:
    assert ctx.scene is not None
    text = _clean(text)
    if not text:
        await ctx.reply(ctx.t("announce.empty"))
        return
    if len(text) > MAX_TEXT:
        await ctx.reply(ctx.t("announce.too_long", limit=MAX_TEXT))
        return
    values = {
        "community": ctx.community,
        "scope": scope,
        "group_key": ctx.group_key,
        "scene": dump_scene(ctx.scene),
        "text": text,
        "cron": cron,
        "next_at": due.timestamp(),
        "created_by": ctx.person,
        "created_at": ctx.app.clock.now().timestamp(),
    }
    schedule_id = await ctx.app.db.write(lambda conn: create(conn, values), "announce")
    await book(ctx, schedule_id, due)
    when = due.astimezone(ctx.timezone).strftime("%Y-%m-%d %H:%M")
    key = "announce.created_recurring" if cron else "announce.created_once"
    where = ctx.t(f"scope.{scope}")
    await ctx.reply(ctx.t(key, id=schedule_id, when=when, cron=cron, where=where))


async def _once(ctx: Context, scope: str, when: str, text: str) -> None:
    due = parse_when(when, ctx.app.clock.now(), ctx.timezone)
    if due is None:
        await ctx.reply(ctx.t("announce.bad_when", when=when[:40]))
        return
    await _create(ctx, scope, due, "", text)


async def _every(ctx: Context, scope: str, cron: str, text: str) -> None:
    try:
        parsed = parse(cron)
    except CronError as error:
        await ctx.reply(ctx.t("announce.bad_cron", cron=cron[:60], reason=str(error)))
        return
    first = parsed.next_after(ctx.app.clock.now(), ctx.timezone)
    if first is None:
        await ctx.reply(ctx.t("announce.never", cron=cron[:60]))
        return
    await _create(ctx, scope, first, " ".join(cron.split()), text)


@plugin.command("announce once", aliases=["公告 定时"], permission=Level.ADMIN, group_only=True)
async def announce_once(ctx: Context, when: str, *, text: str = "") -> None:
    await _once(ctx, "group", when, text)


@plugin.command("announce every", aliases=["公告 每"], permission=Level.ADMIN, group_only=True)
async def announce_every(ctx: Context, cron: str, *, text: str = "") -> None:
    await _every(ctx, "group", cron, text)


@plugin.command("broadcast once", aliases=["群发 定时"], permission=Level.ADMIN, group_only=True)
async def broadcast_once(ctx: Context, when: str, *, text: str = "") -> None:
    await _once(ctx, "community", when, text)


@plugin.command("broadcast every", aliases=["群发 每"], permission=Level.ADMIN, group_only=True)
async def broadcast_every(ctx: Context, cron: str, *, text: str = "") -> None:
    await _every(ctx, "community", cron, text)


@plugin.command("announce list", aliases=["公告 列表"], permission=Level.ADMIN, group_only=True)
async def announce_list(ctx: Context) -> None:
    size = ctx.config(AnnounceConfig).list_size
    community = ctx.community
    items = await ctx.app.db.read(lambda conn: active(conn, community))
    if not items:
        await ctx.reply(ctx.t("list.empty"))
        return
    lines = [ctx.t("list.header", count=len(items))]
    for item in items[:size]:
        when = datetime.fromtimestamp(item.next_at, UTC).astimezone(ctx.timezone)
        lines.append(
            ctx.t(
                "list.line",
                id=item.id,
                when=when.strftime("%Y-%m-%d %H:%M"),
                repeat=item.cron or ctx.t("list.once"),
                where=ctx.t(f"scope.{item.scope}"),
                text=item.text[:60],
            )
        )
    await ctx.reply("\n".join(lines))


@plugin.command("announce cancel", aliases=["公告 取消"], permission=Level.ADMIN, group_only=True)
async def announce_cancel(ctx: Context, schedule_id: int) -> None:
    item = await ctx.app.db.read(lambda conn: get(conn, schedule_id))
    if item is None or item.community != ctx.community:
        await ctx.reply(ctx.t("cancel.unknown", id=schedule_id))
        return
    if await ctx.app.db.write(lambda conn: finish(conn, schedule_id, "cancelled"), "announce"):
        await ctx.reply(ctx.t("cancel.done", id=schedule_id))
    else:
        await ctx.reply(ctx.t("cancel.not_active", id=schedule_id))


@plugin.command("announce log", aliases=["公告 记录"], permission=Level.ADMIN, group_only=True)
async def announce_log(ctx: Context) -> None:
    size = ctx.config(AnnounceConfig).list_size
    community = ctx.community
    groups = [g for c in ctx.app.identity.communities() if c.key == community for g in c.groups]
    keys = sorted({ctx.group_key, *groups})
    rows = await ctx.app.db.read(lambda conn: recent_deliveries(conn, keys, size))
    if not rows:
        await ctx.reply(ctx.t("log.empty"))
        return
    lines = [ctx.t("log.header", count=len(rows))]
    for row in rows:
        when = datetime.fromtimestamp(row.created_at, UTC).astimezone(ctx.timezone)
        lines.append(
            ctx.t(
                "log.line",
                when=when.strftime("%m-%d %H:%M"),
                kind=ctx.t(f"kind.{row.kind}"),
                group=row.group_key,
                status=ctx.t(f"status.{row.status}"),
                pinned=ctx.t("log.pinned") if row.pinned else "",
            )
        )
    await ctx.reply("\n".join(lines))
