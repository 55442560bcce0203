"""``/invites`` (my invitees and earnings) and ``/kol`` (the reach leaderboard)."""

from __future__ import annotations

from sqlalchemy import Connection

from shequn import Context
from shequn.invites import Invitee, tree
from shequn.ledger import credits_by_person

from .config import ReferralConfig
from .declaration import plugin
from .kol import reach, with_shares
from .models import Reward
from .store import rewards_of

SHARES = "shares"
"""The measure sharelinks offers through ``app.contributions``."""
LISTED = 20
"""Invitees ``/invites`` names; more are counted."""


@plugin.command("invites", aliases=["我的邀请", "邀请记录"], group_only=True)
async def invites_command(ctx: Context) -> None:
    community, person = ctx.community, ctx.person
    levels = await ctx.app.invites.descendants(community, person, 3)
    rewards = await ctx.app.db.read(lambda conn: rewards_of(conn, community, person))
    if not levels:
        prefix = ctx.app.settings.commands.prefixes[0]
        await ctx.reply(ctx.t("invites.none", prefix=prefix))
        return
    direct = levels[0]
    names = await ctx.app.identity.display_names([n.person for n in direct[:LISTED]])
    by_invitee = {r.invitee: r for r in rewards}
    lines = [ctx.t("invites.header", count=len(direct))]
    for node in direct[:LISTED]:
        lines.append(_line(ctx, node, by_invitee.get(node.person), names[node.person]))
    if len(direct) > LISTED:
        lines.append(ctx.t("invites.more", count=len(direct) - LISTED))
    lines.append(ctx.t("invites.levels", counts=" / ".join(str(len(level)) for level in levels)))
    earned = sum(r.amount - r.reverted for r in rewards)
    pending = sum(1 for r in rewards if r.status == "pending")
    lines.append(ctx.t("invites.earned", points=earned, pending=pending))
    await ctx.reply("\n".join(lines))


def _line(ctx: Context, node: Invitee, reward: Reward | None, name: str) -> str:
    state = ctx.t("invites.present") if node.present else ctx.t("invites.gone")
    status = ctx.t(f"invites.status.{reward.status}") if reward is not None else ""
    return ctx.t("invites.line", name=name, state=state, status=status)


@plugin.command("kol", aliases=["推荐榜", "邀请榜"], keywords=["推荐榜"], group_only=True)
async def kol_command(ctx: Context) -> None:
    config = ctx.config(ReferralConfig)
    community = ctx.community
    since = ctx.app.clock.now().timestamp() - config.kol_window_days * 86_400

    def read(conn: Connection) -> tuple[list[Invitee], dict[str, int]]:
        return tree(conn, community), credits_by_person(conn, community, since=since)

    nodes, credits = await ctx.app.db.read(read)
    invited = reach(nodes, credits, config.kol_weights, config.kol_active_target)
    shares = (await ctx.app.contributions.read(community)).get(SHARES)
    ranked = with_shares(invited, shares, config.kol_shares_weight)[: config.kol_size]
    if not ranked:
        await ctx.reply(ctx.t("kol.empty"))
        return
    names = await ctx.app.identity.display_names([r.person for r in ranked])
    key = "kol" if shares is None else "kol.shares"
    lines = [ctx.t(f"{key}.header", count=len(ranked))]
    for position, entry in enumerate(ranked, start=1):
        lines.append(
            ctx.t(
                f"{key}.line",
                position=position,
                name=names[entry.person],
                score=f"{entry.score:g}",
                levels=" / ".join(str(c) for c in entry.per_level) or "0",
                shares=entry.shares,
            )
        )
    await ctx.reply("\n".join(lines))
