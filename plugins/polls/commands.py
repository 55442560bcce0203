"""``/poll``: create, vote (buttons, their numbers, or ``/poll vote``), results, close, list;
and the deadline job that closes a poll once and posts its results."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shequn import ButtonPressed, Context, JobContext, Level

from .declaration import PollsConfig, plugin
from .results import all_button_data, announcement, summary
from .spec import SpecError, parse_spec
from .store import Cast, Stored, cast_vote, close, create, get, open_polls, votes


def _close_key(poll_id: int) -> str:
    return f"polls:close:{poll_id}"


async def _results(ctx: JobContext, poll: Stored) -> str:
    cast = await ctx.app.db.read(lambda conn: votes(conn, poll.id))
    names = {} if poll.anonymous else await ctx.app.identity.display_names([p for p, _ in cast])
    return summary(ctx, poll, cast, names, ctx.config(PollsConfig).bar_width)


async def _open_polls(ctx: JobContext) -> list[tuple[str, str]]:
    """The group's open polls, for pickers (Discord's autocomplete of ``poll_id``)."""
    group_key = ctx.group_key
    found = await ctx.app.db.read(lambda conn: open_polls(conn, group_key))
    return [(str(poll.id), f"#{poll.id} {poll.question}") for poll in found]


async def _find(ctx: JobContext, poll_id: int) -> Stored | None:
    group_key = ctx.group_key
    return await ctx.app.db.read(lambda conn: get(conn, group_key, poll_id))


async def _close(ctx: JobContext, poll_id: int) -> bool:
    """Close once and post the results; False when it was closed already."""
    if not await ctx.app.db.write(lambda conn: close(conn, poll_id), "polls"):
        return False
    await ctx.app.scheduler.cancel(_close_key(poll_id))
    poll = await _find(ctx, poll_id)
    if poll is None:
        return True
    if ctx.scene is not None:
        ctx.app.choices.withdraw(ctx.scene.key, all_button_data(poll))
    await ctx.send(await _results(ctx, poll))
    return True


@plugin.command("poll", aliases=["投票"], group_only=True)
async def poll_create(ctx: Context, *, spec: str = "") -> None:
    config = ctx.config(PollsConfig)
    prefix = ctx.app.settings.commands.prefixes[0]
    if config.create_permission == "admin" and await ctx.level() < Level.ADMIN:
        await ctx.reply(ctx.t("create.admins_only"))
        return
    raw = ctx.text.strip().split(None, 1)
    try:
        parsed = parse_spec(raw[1] if len(raw) > 1 else "", config.max_options)
    except SpecError as error:
        await ctx.reply(ctx.t(error.key, prefix=prefix, **error.values))
        return
    duration = parsed.duration or config.delta(config.default_duration)
    longest = config.delta(config.max_duration)
    if duration > longest:
        await ctx.reply(ctx.t("create.too_far", max=config.max_duration))
        return
    moment = ctx.app.clock.now()
    closes = moment + duration
    values: dict[str, Any] = {
        "community": ctx.community,
        "group_key": ctx.group_key,
        "question": parsed.question,
        "options": parsed.options,
        "multiple": parsed.multiple,
        "anonymous": config.anonymous if parsed.anonymous is None else parsed.anonymous,
        "creator": ctx.person,
        "created_at": moment.timestamp(),
        "closes_at": closes.timestamp(),
    }
    poll_id = await ctx.app.db.write(lambda conn: create(conn, values), "polls")
    await ctx.schedule("close", closes, {"poll": poll_id}, key=_close_key(poll_id))
    poll = await _find(ctx, poll_id)
    assert poll is not None
    await ctx.reply(announcement(ctx, poll, ctx.user.display_name))


async def _vote(ctx: Context, poll_id: int, options: list[int]) -> None:
    name = ctx.user.display_name
    poll = await _find(ctx, poll_id)
    if poll is None:
        await ctx.reply(ctx.t("poll.unknown", id=poll_id))
        return
    if poll.state != "open" or ctx.app.clock.now().timestamp() >= poll.closes_at:
        await ctx.reply(ctx.t("vote.closed", name=name, id=poll_id))
        return
    if any(not 0 <= o < len(poll.options) for o in options):
        await ctx.reply(ctx.t("vote.bad_option", max=len(poll.options)))
        return
    if not poll.multiple and len(set(options)) > 1:
        await ctx.reply(ctx.t("vote.single"))
        return
    person, now = ctx.person, ctx.app.clock.now().timestamp()
    outcomes: dict[int, Cast] = {}
    for option in dict.fromkeys(options):
        outcomes[option] = await ctx.app.db.write(
            lambda conn, o=option: cast_vote(conn, poll, person, o, now),  # type: ignore[misc]
            "polls",
        )
    await ctx.reply(_answer(ctx, poll, outcomes))


def _answer(ctx: Context, poll: Stored, outcomes: dict[int, Cast]) -> str:
    """The voter's answer, from what the votes did as written (not as the poll looked
    before): closed meanwhile, changed, counted, or the same choice again."""
    name = ctx.user.display_name
    if Cast.CLOSED in outcomes.values():
        return ctx.t("vote.closed", name=name, id=poll.id)
    counted = [o for o, cast in outcomes.items() if cast in (Cast.NEW, Cast.CHANGED)]
    if not counted:
        return ctx.t("vote.again", name=name)
    changed = Cast.CHANGED in outcomes.values()
    if poll.anonymous:
        return ctx.t("vote.changed_anonymous" if changed else "vote.counted", name=name)
    chosen = "”, “".join(poll.options[o] for o in counted)
    return ctx.t("vote.changed" if changed else "vote.done", name=name, options=chosen)


@plugin.on(ButtonPressed)
async def poll_button(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, ButtonPressed)
    kind, _, rest = event.data.partition(":")
    poll_part, _, option_part = rest.partition(":")
    if kind == "poll" and len(rest) <= 24 and poll_part.isdecimal() and option_part.isdecimal():
        await _vote(ctx, int(poll_part), [int(option_part)])


@plugin.command("poll vote", aliases=["投票 选"], group_only=True, choices={"poll_id": _open_polls})
async def poll_vote(ctx: Context, poll_id: int, *, numbers: str) -> None:
    words = numbers.replace(",", " ").replace("，", " ").split()
    if not all(w.isdecimal() and len(w) <= 3 for w in words):
        await ctx.reply(ctx.t("vote.numbers"))
        return
    await _vote(ctx, poll_id, [int(w) - 1 for w in words])


@plugin.command(
    "poll results", aliases=["投票 结果"], group_only=True, choices={"poll_id": _open_polls}
)
async def poll_results(ctx: Context, poll_id: int) -> None:
    poll = await _find(ctx, poll_id)
    if poll is None:
        await ctx.reply(ctx.t("poll.unknown", id=poll_id))
        return
    await ctx.reply(await _results(ctx, poll))


@plugin.command(
    "poll close", aliases=["投票 结束"], group_only=True, choices={"poll_id": _open_polls}
)
async def poll_close(ctx: Context, poll_id: int) -> None:
    poll = await _find(ctx, poll_id)
    if poll is None:
        await ctx.reply(ctx.t("poll.unknown", id=poll_id))
        return
    if poll.creator != ctx.person and await ctx.level() < Level.ADMIN:
        await ctx.reply(ctx.t("close.forbidden", id=poll_id))
        return
    if not await _close(ctx, poll_id):
        await ctx.reply(ctx.t("close.already", id=poll_id))


@plugin.command("poll list", aliases=["投票 列表"], group_only=True)
async def poll_list(ctx: Context) -> None:
    group_key = ctx.group_key
    found = await ctx.app.db.read(lambda conn: open_polls(conn, group_key))
    if not found:
        await ctx.reply(ctx.t("list.none"))
        return
    lines = [ctx.t("list.header")]
    now = ctx.app.clock.now().timestamp()
    for poll in found:
        left = timedelta(seconds=max(0, round(poll.closes_at - now)))
        lines.append(ctx.t("list.line", id=poll.id, question=poll.question, left=str(left)))
    await ctx.reply("\n".join(lines))


@plugin.job("close")
async def close_at_deadline(ctx: JobContext, payload: dict[str, Any]) -> None:
    await _close(ctx, int(payload["poll"]))
