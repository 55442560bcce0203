"""``/share URL`` (my link), ``/share top`` (leaderboard) and ``/share stats`` (mine)."""

from __future__ import annotations

from shequn import Context

from .config import SharelinksConfig, base_url
from .declaration import plugin
from .domains import allowed, host_of
from .links import clean_url, own_code
from .reach import Reach
from .shares import community_reach
from .store import find, share


@plugin.command("share", aliases=["分享"], group_only=True)
async def share_command(ctx: Context, url: str = "") -> None:
    cleaned = clean_url(url)
    if cleaned is None:
        await ctx.reply(ctx.t("share.usage"))
        return
    base = base_url(ctx.app.settings)
    community, person, group_key = ctx.community, ctx.person, ctx.group_key
    now = ctx.app.clock.now().timestamp()
    parent_code = own_code(cleaned, base)
    parent = None
    if parent_code is not None:
        parent = await ctx.app.db.read(lambda conn: find(conn, parent_code))
        if parent is None or parent.community != community:
            await ctx.reply(ctx.t("share.unknown_link"))
            return
        if parent.person == person:
            await ctx.reply(ctx.t("share.own_link", link=cleaned))
            return
    target = parent.url if parent is not None else cleaned
    domains = ctx.config(SharelinksConfig).allowed_domains
    if domains and not allowed(target, domains):
        await ctx.reply(
            ctx.t("share.domain_refused", host=host_of(target), allowed=", ".join(domains))
        )
        return
    link = await ctx.app.db.write(
        lambda conn: share(conn, community, person, target, parent, group_key, now), "sharelinks"
    )
    key = "share.chained" if link.depth > 1 else "share.link"
    await ctx.reply(
        ctx.t(key, name=ctx.user.display_name, link=f"{base}/s/{link.code}", depth=link.depth)
    )


async def _reach(ctx: Context) -> list[Reach]:
    return await community_reach(ctx.app, ctx.community)


@plugin.command("share top", aliases=["分享榜"], keywords=["分享榜"], group_only=True)
async def share_top(ctx: Context) -> None:
    ranked = [r for r in await _reach(ctx) if r.score > 0]
    ranked = ranked[: ctx.config(SharelinksConfig).top_size]
    if not ranked:
        await ctx.reply(ctx.t("top.empty"))
        return
    names = await ctx.app.identity.display_names([r.person for r in ranked])
    lines = [ctx.t("top.header", count=len(ranked))]
    for position, row in enumerate(ranked, 1):
        lines.append(
            ctx.t(
                "top.line",
                position=position,
                name=names.get(row.person, row.person),
                visitors=row.visitors,
                downstream=row.downstream,
                clicks=row.clicks,
                depth=row.depth,
            )
        )
    await ctx.reply("\n".join(lines))


@plugin.command("share stats", aliases=["分享统计"], group_only=True)
async def share_stats(ctx: Context) -> None:
    person = ctx.person
    mine = next((r for r in await _reach(ctx) if r.person == person), None)
    if mine is None:
        await ctx.reply(ctx.t("stats.none"))
        return
    await ctx.reply(
        ctx.t(
            "stats.line",
            name=ctx.user.display_name,
            links=mine.links,
            clicks=mine.clicks,
            visitors=mine.visitors,
            downstream=mine.downstream,
            depth=mine.depth,
        )
    )
