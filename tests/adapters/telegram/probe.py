"""A test plugin that exercises what the Telegram adapter offers plugins."""

from __future__ import annotations

from datetime import timedelta

from shequn import (
    Button,
    ButtonPressed,
    Buttons,
    Context,
    JoinRequested,
    Level,
    MemberJoined,
    MemberLeft,
    Mention,
    Message,
    MessageEvent,
    Plugin,
    Scene,
    SceneKind,
    User,
)

plugin = Plugin("tgprobe", title="Telegram probe")
pending: dict[str, tuple[Scene, str]] = {}
"""user id -> (group, request id) of join requests waiting for the answer ``7``."""


@plugin.command("pick")
async def pick(ctx: Context) -> None:
    await ctx.reply(
        Message(["Colour?", Buttons.of([Button("Red", "red"), Button("Blue", "blue")])])
    )


@plugin.on(ButtonPressed)
async def picked(ctx: Context) -> None:
    assert isinstance(ctx.event, ButtonPressed)
    await ctx.reply(f"picked {ctx.event.data}")


@plugin.command("level")
async def level(ctx: Context) -> None:
    await ctx.reply(f"level {(await ctx.level()).name.lower()}")


@plugin.command("quote")
async def quote(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, MessageEvent)
    quoted = event.quoted
    if quoted is None or quoted.user is None or quoted.message is None:
        await ctx.reply("nothing quoted")
        return
    await ctx.reply(f"{quoted.user.name} said {quoted.message.plain_text!r}")


@plugin.command("who")
async def who(ctx: Context, *, rest: str = "") -> None:
    event = ctx.event
    assert isinstance(event, MessageEvent)
    names = [f"{s.user_id}:{s.name}" for s in event.message if isinstance(s, Mention)]
    await ctx.reply(f"mentions {' '.join(names)} to_me={event.to_me}")


@plugin.command("punish", permission=Level.ADMIN)
async def punish(ctx: Context, user_id: str) -> None:
    target = User(platform="telegram", id=user_id, name=user_id)
    await ctx.mute(target, timedelta(minutes=10))
    await ctx.kick(target)
    await ctx.reply("done")


@plugin.on(MemberJoined)
async def welcome(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, MemberJoined)
    inviter = event.inviter.id if event.inviter else "nobody"
    await ctx.reply(f"welcome {event.user.id}, invited by {inviter} via {event.invited_via}")


@plugin.on(MemberLeft)
async def farewell(ctx: Context) -> None:
    await ctx.reply(f"bye {ctx.event.user.id}")


@plugin.on(JoinRequested)
async def screen(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, JoinRequested)
    pending[event.user.id] = (event.scene, event.request_id)
    private = Scene(platform="telegram", kind=SceneKind.PRIVATE, id=event.user.id)
    await ctx.send("What is 3 + 4? Answer with /verify NUMBER", private)


@plugin.command("verify")
async def verify(ctx: Context, answer: int) -> None:
    waiting = pending.pop(ctx.user.id, None)
    if waiting is None:
        await ctx.reply("no request")
        return
    group, request_id = waiting
    adapter = ctx.app.adapter("telegram")
    await adapter.answer_join_request(group, ctx.user, request_id, approve=answer == 7)
    await ctx.reply("welcome aboard" if answer == 7 else "sorry")
