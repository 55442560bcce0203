"""What the group reads: a lottery's announcement, its description, a round's result."""

from __future__ import annotations

from datetime import datetime

from shequn import Button, Buttons, JobContext, Mention, Message, Segment, Text

from .models import Lottery
from .store import Drawn

JOIN_PREFIX = "lottery:join:"


def when(ctx: JobContext, epoch: float) -> str:
    return datetime.fromtimestamp(epoch, ctx.timezone).strftime("%Y-%m-%d %H:%M")


def prize_text(ctx: JobContext, lottery: Lottery) -> str:
    parts = [lottery.prize] if lottery.prize else []
    if lottery.prize_points:
        parts.append(ctx.t("prize.points", points=lottery.prize_points))
    return " + ".join(parts)


def requirement_lines(ctx: JobContext, lottery: Lottery) -> list[str]:
    lines = []
    if lottery.cost:
        lines.append(ctx.t("about.cost", cost=lottery.cost))
    if lottery.min_points:
        lines.append(ctx.t("about.min_points", points=lottery.min_points))
    if lottery.min_streak:
        lines.append(ctx.t("about.streak", days=lottery.min_streak))
    if lottery.min_days:
        lines.append(ctx.t("about.days", days=lottery.min_days))
    if lottery.title:
        lines.append(ctx.t("about.title", title=lottery.title))
    return lines


def describe(ctx: JobContext, lottery: Lottery) -> list[str]:
    lines = [
        ctx.t("about.header", id=lottery.id, prize=prize_text(ctx, lottery)),
        ctx.t("about.winners", winners=lottery.winners),
    ]
    if lottery.max_entrants:
        lines.append(
            ctx.t("about.ends_full", at=when(ctx, lottery.ends_at), full=lottery.max_entrants)
        )
    else:
        lines.append(ctx.t("about.ends", at=when(ctx, lottery.ends_at)))
    lines.extend(requirement_lines(ctx, lottery))
    lines.append(ctx.t("about.commitment", commitment=lottery.commitment))
    return lines


def created(ctx: JobContext, lottery: Lottery, prefix: str) -> Message:
    lines = describe(ctx, lottery)
    if lottery.entry == "button":
        lines.append(ctx.t("created.how_button", prefix=prefix, id=lottery.id))
        button = Button(ctx.t("button.join"), f"{JOIN_PREFIX}{lottery.id}")
        return Message(["\n".join(lines), Buttons.of([button])])
    lines.append(ctx.t("created.how_command", prefix=prefix, id=lottery.id))
    return Message(["\n".join(lines)])


def _mention(account: str, name: str, platform: str) -> Segment:
    owner, _, user_id = account.partition(":")
    if owner == platform and user_id:
        return Mention(user_id, name)
    return Text(name)


async def result(ctx: JobContext, drawn: Drawn, limit: int) -> Message:
    lottery = drawn.lottery
    key = "drawn.header" if drawn.round == 1 else "drawn.reroll_header"
    segments: list[Segment] = [
        Text(ctx.t(key, id=lottery.id, prize=prize_text(ctx, lottery), round=drawn.round) + "\n")
    ]
    if drawn.winners:
        names = await ctx.app.identity.display_names(drawn.winners)
        platform = ctx.scene.platform if ctx.scene is not None else ""
        for index, person in enumerate(drawn.winners[:limit]):
            if index:
                segments.append(Text(", "))
            segments.append(_mention(person, names.get(person, person), platform))
        if len(drawn.winners) > limit:
            segments.append(Text(" " + ctx.t("drawn.more", count=len(drawn.winners) - limit)))
        segments.append(Text("\n"))
    else:
        segments.append(Text(ctx.t("drawn.nobody") + "\n"))
    segments.append(
        Text(
            "\n".join(
                [
                    ctx.t(
                        "drawn.entries",
                        entries=drawn.entries,
                        candidates=drawn.candidates,
                        digest=drawn.digest,
                    ),
                    ctx.t("drawn.seed", seed=lottery.seed, commitment=lottery.commitment),
                    ctx.t("drawn.verify", id=lottery.id),
                ]
            )
        )
    )
    return Message(segments)
