"""Group rules: ``/rules`` shows them; members accept them with the button or by replying
“I accept” (我同意), and the acceptance is stored with its time."""

from __future__ import annotations

from datetime import datetime

from shequn import ButtonPressed, Context

from .config import WelcomeConfig
from .declaration import plugin
from .greeting import ACCEPT, rules_digest, rules_message
from .names import safe_name
from .store import accept_rules, acceptance


def _when(ctx: Context, at: float) -> str:
    return datetime.fromtimestamp(at, ctx.timezone).strftime("%Y-%m-%d %H:%M")


@plugin.command("rules", aliases=["群规"], keywords=["群规"], group_only=True)
async def show_rules(ctx: Context) -> None:
    cfg = ctx.config(WelcomeConfig)
    if not cfg.rules:
        await ctx.reply(ctx.t("rules.none_set"))
        return
    group_key, person = ctx.group_key, ctx.person
    accepted = await ctx.app.db.read(lambda conn: acceptance(conn, group_key, person))
    if accepted is not None and accepted[0] == rules_digest(cfg.rules):
        text = ctx.t("rules.header") + "\n" + cfg.rules
        await ctx.reply(text + "\n" + ctx.t("rules.accepted_on", at=_when(ctx, accepted[1])))
        return
    await ctx.reply(rules_message(ctx, cfg, None))


@plugin.command(
    "rules accept",
    aliases=["同意群规"],
    keywords=["我同意", "同意群规", "I accept"],
    group_only=True,
)
async def accept(ctx: Context) -> None:
    cfg = ctx.config(WelcomeConfig)
    if not cfg.rules:
        await ctx.reply(ctx.t("rules.none_set"))
        return
    group_key, person, digest = ctx.group_key, ctx.person, rules_digest(cfg.rules)
    now = ctx.app.clock.now().timestamp()
    name = safe_name(ctx.user.name, ctx.user.id, cfg.name_length)
    if await ctx.app.db.write(lambda conn: accept_rules(conn, group_key, person, digest, now)):
        await ctx.reply(ctx.t("rules.accepted", name=name))
        return
    accepted = await ctx.app.db.read(lambda conn: acceptance(conn, group_key, person))
    at = _when(ctx, accepted[1]) if accepted else ""
    await ctx.reply(ctx.t("rules.already", name=name, at=at))


@plugin.on(ButtonPressed)
async def on_accept_button(ctx: Context) -> None:
    event = ctx.event
    if isinstance(event, ButtonPressed) and event.data == ACCEPT:
        await accept(ctx)
