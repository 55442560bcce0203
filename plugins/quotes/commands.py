"""``/quote`` (收录): archive the replied-to message; random, search, by member, votes,
removal by the author or admins, admin picks."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Connection

from shequn import ButtonPressed, Context, Level, MessageEvent, User
from shequn.ledger import post

from .declaration import QuotesConfig, plugin
from .digest import schedule_digests
from .render import inert, plain_text
from .search import matching, words_of
from .show import card, line
from .store import Saved, archive, count_by, get, pick, random_quote, remove, search, vote


@plugin.command("quote", aliases=["收录", "语录"], keywords=["收录"], group_only=True)
async def quote(ctx: Context, member: User | None = None) -> None:
    """Archive the message this one replies to; with a member, one of their quotes."""
    if member is not None:
        await _of_member(ctx, member)
        return
    event = ctx.event
    assert isinstance(event, MessageEvent)
    prefix = ctx.app.settings.commands.prefixes[0]
    if event.reply_to is None:
        await ctx.reply(ctx.t("archive.how", prefix=prefix))
        return
    config = ctx.config(QuotesConfig)
    if config.archive_permission == "admin" and await ctx.level() < Level.ADMIN:
        await ctx.reply(ctx.t("archive.admins_only"))
        return
    quoted = event.quoted
    if quoted is None or quoted.user is None or quoted.message is None:
        await ctx.reply(ctx.t("archive.unreadable"))
        return
    if quoted.user.is_bot:
        await ctx.reply(ctx.t("archive.bot"))
        return
    text = plain_text(quoted.message)
    if not text:
        await ctx.reply(ctx.t("archive.empty"))
        return
    if len(text) > config.max_length:
        await ctx.reply(ctx.t("archive.too_long", max=config.max_length))
        return
    values = {
        "community": ctx.community,
        "group_key": ctx.group_key,
        "source": f"{event.scene.key}:{quoted.message_id}"[:300],
        "author": ctx.person_of(quoted.user),
        "author_name": quoted.user.display_name[:200],
        "text": text,
        "added_by": ctx.person,
        "created_at": ctx.app.clock.now().timestamp(),
    }
    points = config.author_points if values["author"] != ctx.person else 0
    now = ctx.app.clock.now().timestamp()
    reward = ctx.posting(str(values["author"]), points, "", "")

    def write(conn: Connection) -> tuple[int, bool]:
        quote_id, new = archive(conn, values)
        if new and points:  # the author's reward commits with the quote, once per quote
            posting = replace(reward, reason=f"quote #{quote_id}", key=f"quotes:{quote_id}")
            post(conn, [posting], now)
        return quote_id, new

    quote_id, new = await ctx.app.db.write(write, "quotes")
    if not new:
        await ctx.reply(ctx.t("archive.already", id=quote_id))
        return
    await schedule_digests(ctx)
    saved = await _find(ctx, quote_id)
    if saved is not None:
        await ctx.reply(card(ctx, saved, ctx.t("archive.done", id=quote_id)))


async def _find(ctx: Context, quote_id: int) -> Saved | None:
    community = ctx.community
    return await ctx.app.db.read(lambda conn: get(conn, community, quote_id))


async def _of_member(ctx: Context, member: User) -> None:
    community, author = ctx.community, ctx.person_of(member)
    found = await ctx.app.db.read(lambda conn: random_quote(conn, community, author))
    name = inert(member.display_name, 64)
    if found is None:
        await ctx.reply(ctx.t("member.none", name=name))
        return
    total = await ctx.app.db.read(lambda conn: count_by(conn, community, author))
    await ctx.reply(card(ctx, found, ctx.t("member.header", name=name, count=total)))


@plugin.command("quote random", aliases=["语录 随机", "随机语录"], group_only=True)
async def quote_random(ctx: Context) -> None:
    community = ctx.community
    found = await ctx.app.db.read(lambda conn: random_quote(conn, community))
    if found is None:
        await ctx.reply(ctx.t("random.none", prefix=ctx.app.settings.commands.prefixes[0]))
        return
    await ctx.reply(card(ctx, found))


@plugin.command("quote search", aliases=["语录 搜索", "搜索语录"], group_only=True)
async def quote_search(ctx: Context, *, words: str) -> None:
    terms = words_of(words)
    config = ctx.config(QuotesConfig)
    community, condition, limit = ctx.community, matching(ctx.app, terms), config.search_results
    found = await ctx.app.db.read(lambda conn: search(conn, community, condition, limit))
    shown = inert(" ".join(terms), 100)
    if not found:
        await ctx.reply(ctx.t("search.none", words=shown))
        return
    lines = [ctx.t("search.header", words=shown, count=len(found))]
    lines.extend(line(ctx, q, 300) for q in found)
    await ctx.reply("\n".join(lines))


@plugin.command("quote show", aliases=["语录 查看"], group_only=True)
async def quote_show(ctx: Context, quote_id: int) -> None:
    found = await _find(ctx, quote_id)
    if found is None:
        await ctx.reply(ctx.t("quote.unknown", id=quote_id))
        return
    await ctx.reply(card(ctx, found))


async def _vote(ctx: Context, quote_id: int) -> None:
    found = await _find(ctx, quote_id)
    name = ctx.user.display_name
    if found is None:
        await ctx.reply(ctx.t("quote.unknown", id=quote_id))
        return
    person = ctx.person
    if found.author == person:
        await ctx.reply(ctx.t("vote.own", name=name))
        return
    now = ctx.app.clock.now().timestamp()
    counted = await ctx.app.db.write(lambda conn: vote(conn, quote_id, person, now), "quotes")
    if not counted:
        await ctx.reply(ctx.t("vote.again", name=name, id=quote_id))
        return
    await ctx.reply(ctx.t("vote.done", name=name, id=quote_id))


@plugin.command("quote up", aliases=["quote vote", "语录 赞", "赞语录"], group_only=True)
async def quote_up(ctx: Context, quote_id: int) -> None:
    await _vote(ctx, quote_id)


@plugin.on(ButtonPressed)
async def vote_button(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, ButtonPressed)
    head, _, number = event.data.rpartition(":")
    if head == "quotes:up" and number.isdecimal() and len(number) <= 18:
        await _vote(ctx, int(number))


@plugin.command("quote remove", aliases=["quote delete", "语录 删除"], group_only=True)
async def quote_remove(ctx: Context, quote_id: int) -> None:
    """Authors withdraw their own words at once; admins remove any quote."""
    found = await _find(ctx, quote_id)
    if found is None:
        await ctx.reply(ctx.t("quote.unknown", id=quote_id))
        return
    if found.author != ctx.person and await ctx.level() < Level.ADMIN:
        await ctx.reply(ctx.t("remove.forbidden", id=quote_id))
        return
    removed = await ctx.app.db.write(lambda conn: remove(conn, quote_id), "quotes")
    await ctx.reply(ctx.t("remove.done" if removed else "quote.unknown", id=quote_id))


@plugin.command("quote pick", aliases=["语录 精选"], permission=Level.ADMIN, group_only=True)
async def quote_pick(ctx: Context, quote_id: int) -> None:
    if await _find(ctx, quote_id) is None:
        await ctx.reply(ctx.t("quote.unknown", id=quote_id))
        return
    picked = await ctx.app.db.write(lambda conn: pick(conn, quote_id), "quotes")
    await ctx.reply(ctx.t("pick.done" if picked else "pick.already", id=quote_id))
