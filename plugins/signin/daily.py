"""``/signin [NOTE]`` (签到, 打卡): today's sign-in and its points, once per member and day,
with an optional note (学习打卡) that a group may require for the points."""

from __future__ import annotations

from collections.abc import Callable

from shequn import Context

from .config import SigninConfig
from .declaration import plugin
from .member import member_of
from .notes import clean_note, note_length
from .rewards import Award, award_for, next_bonus
from .store import AlreadySigned, NoteKept, Refused, SignedIn, add_note, sign_in

NOTHING = Award(0, 0)


@plugin.command(
    "signin",
    aliases=["签到", "打卡", "checkin"],
    keywords=["签到", "打卡"],
    group_only=True,
)
async def signin(ctx: Context, *, note: str = "") -> None:
    config = ctx.config(SigninConfig)
    who = member_of(ctx)
    day = ctx.today()
    now = ctx.app.clock.now().timestamp()
    text = clean_note(note)
    earns = note_length(text) >= config.note_min_length

    def award(streak: int) -> Award:
        return award_for(config, streak) if earns else NOTHING

    result = await ctx.app.db.write(
        lambda conn: sign_in(conn, who, day, award, now, text), "signin"
    )
    name = ctx.user.display_name
    if isinstance(result, AlreadySigned):
        await _again(ctx, config, result, text, award if earns else None)
        return
    if isinstance(result, Refused):
        await ctx.reply(ctx.t("signin.conflict", name=name))
        return
    await ctx.reply(_done(ctx, config, result, text))


def _done(ctx: Context, config: SigninConfig, result: SignedIn, text: str | None) -> str:
    name = ctx.user.display_name
    prefix = ctx.app.settings.commands.prefixes[0]
    if result.award.total == 0 and config.points > 0 and config.note_min_length > 0:
        return ctx.t(
            "signin.no_points",
            name=name,
            streak=result.streak,
            min=config.note_min_length,
            prefix=prefix,
        )
    lines = [
        ctx.t(
            "signin.done",
            name=name,
            points=result.award.total,
            streak=result.streak,
            balance=result.balance,
        )
    ]
    if result.award.bonus:
        lines.append(ctx.t("signin.bonus", bonus=result.award.bonus, streak=result.streak))
    upcoming = next_bonus(result.streak, config.streak_bonus)
    if upcoming is not None:
        lines.append(ctx.t("signin.next_bonus", streak=upcoming[0], bonus=upcoming[1]))
    if text:
        lines.append(ctx.t("signin.note_kept"))
    return "\n".join(lines)


async def _again(
    ctx: Context,
    config: SigninConfig,
    already: AlreadySigned,
    text: str | None,
    award: Callable[[int], Award] | None,
) -> None:
    """A second sign-in today: a note may still be added, and may earn the day's points."""
    name = ctx.user.display_name
    if text is None:
        await ctx.reply(ctx.t("signin.already", name=name, streak=already.streak))
        return
    who, day, now = member_of(ctx), ctx.today(), ctx.app.clock.now().timestamp()
    kept = await ctx.app.db.write(lambda conn: add_note(conn, who, day, text, award, now), "signin")
    if isinstance(kept, NoteKept) and kept.award is not None:
        await ctx.reply(
            ctx.t("signin.note_paid", name=name, points=kept.award.total, balance=kept.balance)
        )
    elif isinstance(kept, NoteKept):
        await ctx.reply(ctx.t("signin.note_added", name=name))
    elif isinstance(kept, Refused):
        await ctx.reply(ctx.t("signin.conflict", name=name))
    elif award is None:
        await ctx.reply(ctx.t("signin.note_short", name=name, min=config.note_min_length))
    else:
        await ctx.reply(ctx.t("signin.already", name=name, streak=already.streak))
