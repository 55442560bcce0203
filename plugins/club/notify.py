"""Messages to a member: in private, and a mention in the group."""

from __future__ import annotations

import logging

from shequn import JobContext, Mention, Message, User

log = logging.getLogger("shequn.club")


def user_of(account: str, name: str) -> User:
    platform, _, user_id = account.partition(":")
    return User(platform=platform, id=user_id, name=name)


def mention(ctx: JobContext, account: str, name: str) -> Mention | str:
    """A mention where the account lives on the group's platform, else the name."""
    user = user_of(account, name)
    if ctx.scene is not None and user.platform == ctx.scene.platform:
        return Mention(user.id, name)
    return name


async def send_private(ctx: JobContext, account: str, name: str, text: str) -> bool:
    """Send ``text`` to the member in private; False (and a log line) when that fails, as it
    does where the platform lets bots write only to members who wrote to them first."""
    user = user_of(account, name)
    try:
        scene = ctx.app.adapter(user.platform).private_scene(user)
        await ctx.send(Message([text]), scene)
    except Exception:
        log.warning("could not write to %s in private", account, exc_info=True)
        return False
    return True
