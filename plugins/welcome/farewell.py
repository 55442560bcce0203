"""When a member leaves: end a verification still running, and say goodbye if configured."""

from __future__ import annotations

from shequn import Context, MemberLeft

from .declaration import plugin
from .greeting import delete_quietly, goodbye
from .state import verifying
from .store import FAILED, finish, first_time, pending_of
from .verify import release, timeout_key


@plugin.on(MemberLeft)
async def on_leave(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, MemberLeft)
    user = event.user
    if user.is_bot or ctx.scene is None or ctx.scene.is_private:
        return
    now = ctx.app.clock.now().timestamp()
    handled = f"leave:{ctx.scene.key}:{user.id}:{event.id}"
    if not await ctx.app.db.write(lambda conn: first_time(conn, handled, now)):
        return
    group_key, account = ctx.group_key, user.key
    pending = await ctx.app.db.read(lambda conn: pending_of(conn, group_key, account))
    if pending is not None:
        # Left (or was removed) before verifying: no goodbye for someone never welcomed.
        join_id = pending.join_id
        if await ctx.app.db.write(lambda conn: finish(conn, group_key, account, join_id, FAILED)):
            verifying(ctx.app).discard((group_key, account))
            release(ctx, user.id)
            await ctx.app.scheduler.cancel(timeout_key(group_key, account, join_id))
            await delete_quietly(ctx, pending.prompt_id)
        return
    await goodbye(ctx, user)
