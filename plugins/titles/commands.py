"""``/title``, ``/untitle`` and ``/titles``: titles granted by admins, and who holds what."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shequn import Context, JobContext, Level, User
from shequn.titles import Title, TitleError

from .config import TitlesConfig
from .declaration import plugin
from .push import push
from .schedule import ensure_daily

EXPIRE_JOB = "expire"


def split_days(words: str) -> tuple[str, int | None]:
    """``Night Owl 7`` -> (``Night Owl``, 7); a lone word is a title even if it is a number."""
    parts = words.split()
    if len(parts) > 1 and parts[-1].isdecimal():
        return " ".join(parts[:-1]), int(parts[-1])
    return " ".join(parts), None


def _until(ctx: Context, title: Title) -> str:
    expires = title.expires
    if expires is None:
        return ctx.t("title.forever")
    local = expires.astimezone(ctx.timezone)
    return ctx.t("title.until", day=local.strftime("%Y-%m-%d %H:%M"))


@plugin.command("title", aliases=["封称号", "授予称号"], permission=Level.ADMIN, group_only=True)
async def grant(ctx: Context, member: User, *, name: str) -> None:
    cfg = ctx.config(TitlesConfig)
    title, days = split_days(name)
    if days is not None and not 1 <= days <= cfg.max_days:
        await ctx.reply(ctx.t("title.bad_days", max=cfg.max_days))
        return
    until = ctx.now() + timedelta(days=days) if days else None
    person, community = ctx.person_of(member), ctx.community
    try:
        granted = await ctx.app.titles.grant(
            person, community, title, until=until, source="admin", by=ctx.person
        )
    except TitleError as error:
        await ctx.reply(ctx.t(error.key, **error.values))
        return
    if until is not None:
        key = f"titles:expire:{community}:{person}:{granted.title}:{until.timestamp()}"
        payload = {"person": person, "title": granted.title, "until": until.timestamp()}
        await ctx.schedule(EXPIRE_JOB, until, payload, key=key)
    await push(ctx, person, community)
    await ensure_daily(ctx)
    await ctx.reply(
        ctx.t(
            "title.granted",
            name=member.display_name,
            title=granted.title,
            until=_until(ctx, granted),
        )
    )


@plugin.command(
    "untitle", aliases=["撤销称号", "取消称号"], permission=Level.ADMIN, group_only=True
)
async def revoke(ctx: Context, member: User, *, name: str = "") -> None:
    person, community = ctx.person_of(member), ctx.community
    removed = await ctx.app.titles.revoke(person, community, name or None)
    if not removed:
        key = "untitle.none_named" if name else "untitle.none"
        await ctx.reply(ctx.t(key, name=member.display_name, title=name))
        return
    await push(ctx, person, community)
    await ctx.reply(ctx.t("untitle.done", name=member.display_name, titles=", ".join(removed)))


@plugin.command("titles", aliases=["称号", "称号榜"], keywords=["称号榜"], group_only=True)
async def show(ctx: Context, member: User | None = None) -> None:
    community = ctx.community
    if member is not None:
        held = await ctx.app.titles.of(ctx.person_of(member), community)
        if not held:
            await ctx.reply(ctx.t("titles.member_none", name=member.display_name))
            return
        lines = [ctx.t("titles.member_header", name=member.display_name)]
        lines.extend(ctx.t("titles.member_line", title=t.title, until=_until(ctx, t)) for t in held)
        await ctx.reply("\n".join(lines))
        return
    holders = await ctx.app.titles.holders(community)
    if not holders:
        await ctx.reply(ctx.t("titles.none"))
        return
    names = await ctx.app.identity.display_names([t.person for t in holders])
    by_title: dict[str, list[str]] = {}
    for held_title in holders:
        by_title.setdefault(held_title.title, []).append(names[held_title.person])
    lines = [ctx.t("titles.header")]
    lines.extend(
        ctx.t("titles.line", title=title, names=", ".join(people))
        for title, people in by_title.items()
    )
    await ctx.reply("\n".join(lines))


@plugin.job(EXPIRE_JOB)
async def expire(ctx: JobContext, payload: dict[str, Any]) -> None:
    """At a granted title's end: refresh the platform title and say it ended, only if the
    grant this job was scheduled for really ran out (not revoked, not granted again)."""
    person, title = str(payload["person"]), str(payload["title"])
    community = ctx.community
    row = await ctx.app.titles.held(person, community, title)
    if row is None or row.expires_at is None or row.expires_at > ctx.now().timestamp():
        return  # revoked (and announced then), granted for good, or extended
    until = payload.get("until")
    if isinstance(until, int | float) and row.expires_at != float(until):
        return  # granted again with another end: that grant's own job speaks
    await push(ctx, person, community)
    names = await ctx.app.identity.display_names([person])
    await ctx.send(ctx.t("title.expired", name=names[person], title=title))
