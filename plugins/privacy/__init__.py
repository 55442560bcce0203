"""Privacy (隐私): a superuser forgets one member on request, from the chat.

``/forget @member`` says what will happen; ``/forget @member confirm`` does it: names and
stored texts deleted, everything else anonymised and the anonymous balance closed, so the
books still balance (see :mod:`shequn.internal.forget`). The same as ``shequn forget``.
"""

from __future__ import annotations

from shequn import Context, Level, Plugin, User
from shequn.internal import forget as forgetting

plugin = Plugin("privacy", title="隐私 · Privacy")

CONFIRM = ("confirm", "确认")


@plugin.command("forget", aliases=["遗忘", "删除数据"], permission=Level.SUPERUSER)
async def forget_member(ctx: Context, member: User, confirm: str = "") -> None:
    account = member.key
    if confirm.lower() not in CONFIRM:
        prefix = ctx.app.settings.commands.prefixes[0]
        await ctx.reply(ctx.t("forget.ask", account=account, prefix=prefix))
        return
    known = await ctx.app.db.read(lambda conn: forgetting.has_rows(conn, account))
    if not known:
        await ctx.reply(ctx.t("forget.unknown", account=account))
        return
    now = ctx.app.clock.now().timestamp()
    recorder = ctx.app.analytics.recorder
    # Analytics records still in memory would bring the member back at the next flush.
    async with recorder.holding():
        done = await ctx.app.db.write(lambda conn: forgetting.forget(conn, account, now), "forget")
        recorder.rewrite(done.aliases, done.words)
    await ctx.app.identity.load()  # links may be gone
    await ctx.reply(
        ctx.t("forget.done", account=account, deleted=done.deleted, anonymised=done.anonymised)
    )


__all__ = ["plugin"]
