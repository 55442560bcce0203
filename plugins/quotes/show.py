"""How a quote reads in chat: inert text, author, date, votes, and a vote button."""

from __future__ import annotations

from datetime import datetime

from shequn import Button, Buttons, JobContext, Message

from .render import inert
from .store import Saved


def vote_data(quote_id: int) -> str:
    return f"quotes:up:{quote_id}"


def line(ctx: JobContext, quote: Saved, limit: int = 2000) -> str:
    day = datetime.fromtimestamp(quote.created_at, ctx.timezone).date().isoformat()
    return ctx.t(
        "quote.line",
        id=quote.id,
        text=inert(quote.text, limit),
        author=inert(quote.author_name, 64),
        day=day,
        votes=quote.votes,
        pick=ctx.t("quote.picked") if quote.picked else "",
    )


def card(ctx: JobContext, quote: Saved, header: str = "") -> Message:
    """One quote with its vote button."""
    text = f"{header}\n{line(ctx, quote)}" if header else line(ctx, quote)
    return Message([text, Buttons.of([Button(ctx.t("quote.vote_button"), vote_data(quote.id))])])
