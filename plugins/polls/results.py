"""Results as text bars: ``████░░░░░░ 40% (2)`` per option, and voters when not anonymous."""

from __future__ import annotations

from datetime import datetime

from shequn import Button, Buttons, JobContext, Message

from .store import Stored

FULL, EMPTY = "█", "░"
SHOWN_VOTERS = 20


def bar(count: int, total: int, width: int) -> str:
    filled = round(width * count / total) if total else 0
    return FULL * filled + EMPTY * (width - filled)


def button_data(poll_id: int, option: int) -> str:
    return f"poll:{poll_id}:{option}"


def all_button_data(poll: Stored) -> list[str]:
    return [button_data(poll.id, i) for i in range(len(poll.options))]


def closes_text(ctx: JobContext, poll: Stored) -> str:
    return datetime.fromtimestamp(poll.closes_at, ctx.timezone).strftime("%Y-%m-%d %H:%M")


def announcement(ctx: JobContext, poll: Stored, creator: str) -> Message:
    kind = ctx.t("kind.multiple" if poll.multiple else "kind.single")
    secrecy = ctx.t("kind.anonymous" if poll.anonymous else "kind.public")
    text = "\n".join(
        [
            ctx.t("poll.header", id=poll.id, creator=creator, question=poll.question),
            ctx.t("poll.details", kind=kind, secrecy=secrecy, closes=closes_text(ctx, poll)),
            ctx.t("poll.how", prefix=ctx.app.settings.commands.prefixes[0], id=poll.id),
        ]
    )
    rows = [[Button(option, button_data(poll.id, i))] for i, option in enumerate(poll.options)]
    return Message([text, Buttons.of(*rows)])


def summary(
    ctx: JobContext,
    poll: Stored,
    cast: list[tuple[str, int]],
    names: dict[str, str],
    width: int,
) -> str:
    voters = {person for person, _ in cast}
    total = len(voters)
    state = ctx.t("poll.closed" if poll.state == "closed" else "poll.open")
    lines = [ctx.t("results.header", id=poll.id, question=poll.question, state=state)]
    for index, option in enumerate(poll.options):
        chosen = [person for person, picked in cast if picked == index]
        percent = round(100 * len(chosen) / total) if total else 0
        lines.append(
            ctx.t(
                "results.line",
                number=index + 1,
                option=option,
                bar=bar(len(chosen), total, width),
                percent=percent,
                count=len(chosen),
            )
        )
        if chosen and not poll.anonymous:
            shown = ", ".join(names.get(p, p) for p in chosen[:SHOWN_VOTERS])
            more = len(chosen) - SHOWN_VOTERS
            lines.append("   " + shown + (ctx.t("results.more", count=more) if more > 0 else ""))
    lines.append(ctx.t("results.total", count=total))
    return "\n".join(lines)
