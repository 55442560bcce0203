"""Builder: discord.py objects -> Shequn scenes, users, segments and events.

A channel of a server is a :attr:`SceneKind.CHANNEL` scene whose parent is the server
(:attr:`SceneKind.GUILD`), so per-group settings, points and communities attach to the server
and every channel shares them. A direct message is a private scene keyed by the user's id.

A message's images follow its text (see :mod:`adapters.discord.media`), so a ``!signin``
sent with a picture is still a command.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import discord

from adapters.discord import PLATFORM
from adapters.discord.media import images_of
from shequn import (
    ButtonPressed,
    MemberJoined,
    MemberLeft,
    Mention,
    Message,
    MessageEvent,
    Scene,
    SceneKind,
    Segment,
    Text,
    User,
    without_leading_mention,
)

_MENTION = re.compile(r"<@!?(\d{1,20})>")


def guild_scene(guild_id: int, name: str = "") -> Scene:
    return Scene(platform=PLATFORM, kind=SceneKind.GUILD, id=str(guild_id), name=name)


def channel_scene(
    channel_id: int, channel_name: str, guild_id: int | None, guild_name: str = ""
) -> Scene:
    """The scene of a server channel (or thread), child of its server."""
    if guild_id is None:
        raise ValueError("a server channel needs its server")
    return Scene(
        platform=PLATFORM,
        kind=SceneKind.CHANNEL,
        id=str(channel_id),
        name=channel_name,
        parent=guild_scene(guild_id, guild_name),
    )


def private_scene(user: User) -> Scene:
    return Scene(platform=PLATFORM, kind=SceneKind.PRIVATE, id=user.id, name=user.display_name)


def user_of(user: discord.abc.User) -> User:
    return User(platform=PLATFORM, id=str(user.id), name=user.display_name, is_bot=user.bot)


def scene_of(channel: Any, guild: discord.Guild | None, user: User) -> Scene:
    """Where a message or interaction happened: a server channel, else a private chat."""
    if guild is None:
        return private_scene(user)
    return channel_scene(channel.id, str(getattr(channel, "name", "") or ""), guild.id, guild.name)


def interaction_scene(interaction: discord.Interaction[Any], channel_id: int | None) -> Scene:
    """Where an interaction happened, also when it came without its channel object (only
    ``channel_id``, or neither: then the server itself, or a private chat outside servers)."""
    user = user_of(interaction.user)
    if interaction.guild_id is None:
        return private_scene(user)
    guild = interaction.guild
    guild_name = guild.name if guild is not None and guild.name else ""
    channel = interaction.channel
    if channel is not None:
        name = str(getattr(channel, "name", "") or "")
        return channel_scene(channel.id, name, interaction.guild_id, guild_name)
    if channel_id is not None:
        return channel_scene(channel_id, "", interaction.guild_id, guild_name)
    return guild_scene(interaction.guild_id, guild_name)


def segments(content: str, names: dict[str, str]) -> Message:
    """Text with ``<@id>`` / ``<@!id>`` turned into :class:`Mention` segments."""
    out: list[Segment] = []
    position = 0
    for match in _MENTION.finditer(content):
        if match.start() > position:
            out.append(Text(content[position : match.start()]))
        user_id = match.group(1)
        out.append(Mention(user_id, names.get(user_id, "")))
        position = match.end()
    if position < len(content):
        out.append(Text(content[position:]))
    return Message(out)


def message_event(message: discord.Message, bot_id: str) -> MessageEvent | None:
    """A :class:`MessageEvent`, or None for what the bot should not see (bots, system posts)."""
    if message.author.bot or message.type not in (
        discord.MessageType.default,
        discord.MessageType.reply,
    ):
        return None
    user = user_of(message.author)
    names = {str(m.id): m.display_name for m in message.mentions}
    text, _ = without_leading_mention(segments(message.content, names), bot_id)
    body = Message([*text, *images_of(message, has_text=bool(text.plain_text.strip()))])
    mentioned = any(str(m.id) == bot_id for m in message.mentions)
    # Only a reply replies: a crosspost or a forward references the message it copies.
    reference = message.reference if message.type is discord.MessageType.reply else None
    reply_to = str(reference.message_id) if reference and reference.message_id else None
    replied_to_bot = (
        isinstance(reference.resolved, discord.Message)
        and str(reference.resolved.author.id) == bot_id
        if reference
        else False
    )
    return MessageEvent(
        id=str(message.id),
        platform=PLATFORM,
        scene=scene_of(message.channel, message.guild, user),
        user=user,
        time=message.created_at,
        self_id=bot_id,
        message=body,
        message_id=str(message.id),
        reply_to=reply_to,
        to_me=message.guild is None or mentioned or replied_to_bot,
    )


def command_event(
    interaction: discord.Interaction[Any], scene: Scene, body: Message, bot_id: str
) -> MessageEvent:
    """A slash command as the message a member would have typed."""
    user = user_of(interaction.user)
    return MessageEvent(
        id=str(interaction.id),
        platform=PLATFORM,
        scene=scene,
        user=user,
        time=interaction.created_at,
        self_id=bot_id,
        message=body,
        message_id=str(interaction.id),
        to_me=True,
    )


def button_event(
    interaction: discord.Interaction[Any], scene: Scene, data: str, bot_id: str
) -> ButtonPressed:
    user = user_of(interaction.user)
    message = interaction.message
    return ButtonPressed(
        id=str(interaction.id),
        platform=PLATFORM,
        scene=scene,
        user=user,
        time=interaction.created_at,
        self_id=bot_id,
        data=data,
        message_id=str(message.id) if message is not None else "",
    )


def joined_event(
    member: discord.Member,
    bot_id: str,
    inviter: User | None,
    invited_via: str,
) -> MemberJoined:
    joined = member.joined_at or datetime.now(UTC)
    return MemberJoined(
        # One join of one member at one moment: a redelivered join has the same id.
        id=f"{member.id}:{int(joined.timestamp() * 1000)}",
        platform=PLATFORM,
        scene=guild_scene(member.guild.id, member.guild.name),
        user=user_of(member),
        time=joined,
        self_id=bot_id,
        inviter=inviter,
        invited_via=invited_via,
    )


def left_event(
    guild_id: int, guild_name: str, user: discord.abc.User, bot_id: str, *, kicked: bool
) -> MemberLeft:
    now = datetime.now(UTC)
    return MemberLeft(
        id=f"{user.id}:{int(now.timestamp() * 1000)}",
        platform=PLATFORM,
        scene=guild_scene(guild_id, guild_name),
        user=user_of(user),
        time=now,
        self_id=bot_id,
        kicked=kicked,
    )
