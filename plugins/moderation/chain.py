"""The kick-chain rule (踢人连带规则): who goes with a member removed for ads.

The invite tree is the core's (``app.invites``), so it is there even where the referral
plugin is off. Walking down from the removed member, level by level: admins, members on the
exempt list and members trusted by their sign-ins stay, and so does everyone they brought in
(their part of the tree is vouched for); members who already left are passed through. Each
removal is claimed once per incident (a keyed row), noticed in the group, audited, and undone
with ``/restore``.
"""

from __future__ import annotations

import logging

from shequn import Context, NotSupported
from shequn.invites import MAX_DEPTH, Invitee

from .actions import claim, now, where
from .config import ModerationConfig
from .members import accounts_on, is_admin, is_exempt
from .store import add_removal

log = logging.getLogger("shequn.moderation")

NAMES_SHOWN = 20
"""Names listed in a chain notice; more are counted."""


async def _spared(ctx: Context, node: Invitee, config: ModerationConfig) -> bool:
    """Admins, exempt members and trusted members stay, with their part of the tree."""
    assert ctx.scene is not None
    for account in accounts_on(ctx, node.person, ctx.scene.platform):
        if is_exempt(account.key, node.person, config.chain_exempt):
            return True
        if await is_admin(ctx, ctx.scene, account):
            return True
    if config.chain_trust_signins:
        signins = await ctx.app.ledger.count(node.person, ctx.community, plugin="signin")
        if signins >= config.chain_trust_signins:
            return True
    return False


async def run_chain(ctx: Context, root: str, root_name: str, incident: str) -> list[str]:
    """Remove whom ``root`` brought in, per the group's settings; the names removed."""
    config = ctx.config(ModerationConfig)
    if not config.chain_enabled or ctx.scene is None:
        return []
    depth = 1 if config.chain_depth == "direct" else MAX_DEPTH
    levels = await ctx.app.invites.descendants(ctx.community, root, depth)
    stamp = now(ctx)
    cutoff = stamp - config.chain_within_days * 86_400 if config.chain_within_days else None
    reach = {root}
    removed: list[str] = []
    spared: list[str] = []
    reason = ctx.t("reason.chain", name=root_name)
    for level_number, level in enumerate(levels, start=1):
        for node in level:
            if node.inviter not in reach:
                continue  # below a spared member
            if await _spared(ctx, node, config):
                spared.append(node.person)
                continue
            reach.add(node.person)
            if not node.present or (cutoff is not None and node.joined_at < cutoff):
                continue
            key = f"chain:{incident}:{node.person}"
            claimed = await _claim_removal(ctx, key, node.person, root, level_number, stamp)
            if not claimed:
                continue
            await claim(ctx, key, node.person, config.chain_action, reason, "auto")
            await _remove(ctx, node.person, config)
            removed.append(node.person)
    names = await ctx.app.identity.display_names(removed + spared)
    if removed:
        shown = ", ".join(names[p] for p in removed[:NAMES_SHOWN])
        if len(removed) > NAMES_SHOWN:
            shown += ctx.t("chain.more", count=len(removed) - NAMES_SHOWN)
        await ctx.reply(
            ctx.t(
                "chain.removed",
                name=root_name,
                count=len(removed),
                names=shown,
                prefix=ctx.app.settings.commands.prefixes[0],
            )
        )
    if spared:
        shown = ", ".join(names[p] for p in spared[:NAMES_SHOWN])
        await ctx.reply(ctx.t("chain.spared", names=shown))
    return removed


async def _claim_removal(
    ctx: Context, key: str, person: str, root: str, depth: int, stamp: float
) -> bool:
    here = where(ctx)
    return await ctx.app.db.write(
        lambda conn: add_removal(conn, key, here, person, root, depth, stamp), "moderation"
    )


async def _remove(ctx: Context, person: str, config: ModerationConfig) -> None:
    assert ctx.scene is not None
    adapter = ctx.app.adapter(ctx.scene.platform)
    for account in accounts_on(ctx, person, ctx.scene.platform):
        try:
            if config.chain_action == "ban":
                await adapter.ban(ctx.scene, account)
            else:
                await adapter.kick(ctx.scene, account)
        except NotSupported:
            action = ctx.t(f"modlog.action.{config.chain_action}")
            await ctx.reply(ctx.t("chain.unsupported", action=action))
            return
        except Exception:
            log.warning("chain removal of %s failed", account.key, exc_info=True)
