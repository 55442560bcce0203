"""From people to accounts and groups: where a person can be acted on."""

from __future__ import annotations

from shequn import Context, JobContext, Scene, SceneKind, User


def accounts_on(ctx: JobContext, person: str, platform: str) -> list[User]:
    """The person's accounts on ``platform`` (a person key is its first account's key)."""
    users = []
    for key in ctx.app.identity.accounts_of(person):
        prefix, _, ident = key.partition(":")
        if prefix == platform and ident:
            users.append(User(platform=platform, id=ident, name=ident))
    return users


def community_groups(ctx: JobContext) -> list[Scene]:
    """Every group of the current community that a running adapter can reach."""
    keys = [ctx.group_key]
    for info in ctx.app.identity.communities():
        if info.key == ctx.community:
            keys = list(dict.fromkeys([ctx.group_key, *info.groups]))
    scenes = []
    for key in keys:
        platform, _, ident = key.partition(":")
        if platform in ctx.app.adapters and ident:
            if ctx.scene is not None and key == ctx.group_key:
                scenes.append(ctx.scene.group)
            else:
                scenes.append(Scene(platform=platform, kind=SceneKind.GROUP, id=ident))
    return scenes


def is_exempt(user_key: str, person: str, exempt: list[str]) -> bool:
    """Exempt-list entries may be ``platform:id`` keys, person keys or bare ids."""
    ident = user_key.partition(":")[2]
    return any(entry in (user_key, person, ident) for entry in exempt)


async def is_admin(ctx: Context | JobContext, scene: Scene, user: User) -> bool:
    from shequn import Level

    return await ctx.app.level_of(scene, user) >= Level.ADMIN
