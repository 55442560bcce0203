"""Mirror a member's newest title to the platform's own member title (QQ's special title).

Platforms without member titles declare it (``Capabilities.titles``) or raise
``NotSupported``: both are silent, the title still shows in the bot's own messages.
"""

from __future__ import annotations

import logging

from shequn import JobContext, NotSupported, Scene, User

from .config import TitlesConfig

log = logging.getLogger("shequn.titles")


async def push(ctx: JobContext, person: str, community: str) -> None:
    """Set ``person``'s platform title in the current group to their newest active title."""
    scene = ctx.scene
    if scene is None or scene.is_private or not ctx.config(TitlesConfig).push_to_platform:
        return
    adapter = ctx.app.adapters.get(scene.platform)
    if adapter is None or not adapter.capabilities.titles:
        return
    titles = await ctx.app.titles.active_titles(person, community)
    shown = titles[0] if titles else ""
    for account in ctx.app.identity.accounts_of(person):
        platform, _, user_id = account.partition(":")
        if platform == scene.platform and user_id:
            await _set(ctx, scene, User(platform=platform, id=user_id), shown)


async def _set(ctx: JobContext, scene: Scene, user: User, title: str) -> None:
    try:
        await ctx.app.adapter(scene.platform).set_title(scene.group, user, title)
    except NotSupported:
        return
    except Exception:
        log.warning("could not set the title of %s in %s", user.key, scene.key, exc_info=True)
