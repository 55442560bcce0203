"""The welcome itself: template rendering with safe values, rules, introduction prompt,
goodbye, and removal of welcome messages after a while."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from string import Formatter
from typing import Any

from shequn import (
    Button,
    Buttons,
    JobContext,
    Mention,
    Message,
    NotSupported,
    Segment,
    Text,
    User,
)

from .config import WelcomeConfig
from .declaration import plugin
from .names import safe_name, safe_text

log = logging.getLogger("shequn.welcome")

ACCEPT = "welcome:rules:accept"
DELETE_JOB = "delete"
GROUP_NAME_LENGTH = 64


def rules_digest(rules: str) -> str:
    """Names one wording of the rules: a new wording asks members to accept again."""
    return hashlib.sha256(rules.encode("utf-8")).hexdigest()[:16]


def render(template: str, values: dict[str, str], mention: Mention | None) -> Message:
    """Fill ``template``: ``{mention}`` becomes a real mention, every other variable plain
    text. Values are never parsed again, so a name cannot add variables or markup."""
    segments: list[Segment] = []
    for literal, field, _spec, _conversion in Formatter().parse(template):
        if literal:
            segments.append(Text(literal))
        if field is None:
            continue
        if field == "mention":
            segments.append(mention if mention is not None else Text(values.get("name", "")))
        else:
            segments.append(Text(values.get(field, "{" + field + "}")))
    return Message(segments)


async def member_count(ctx: JobContext) -> str:
    assert ctx.scene is not None
    try:
        return str(await ctx.app.adapter(ctx.scene.platform).member_count(ctx.scene.group))
    except NotSupported:
        return ctx.t("welcome.count_unknown")
    except Exception:
        log.warning("could not count the members of %s", ctx.group_key, exc_info=True)
        return ctx.t("welcome.count_unknown")


async def _titled(ctx: JobContext, name: str, account: str, limit: int) -> tuple[str, str]:
    """(name with its titles, the titles alone) of an account, as safe text."""
    person = ctx.app.identity.person_of(account)
    titles = await ctx.app.titles.active_titles(person, ctx.community)
    shown = ", ".join(safe_text(t, limit) for t in titles)
    if not shown:
        return name, ""
    return ctx.t("welcome.with_title", name=name, title=shown), shown


async def values_for(
    ctx: JobContext, user: User, inviter: User | None, cfg: WelcomeConfig
) -> tuple[dict[str, str], Mention]:
    assert ctx.scene is not None
    name = safe_name(user.name, user.id, cfg.name_length)
    _, title = await _titled(ctx, name, user.key, cfg.name_length)
    if inviter is not None:
        inviter_name = safe_name(inviter.name, inviter.id, cfg.name_length)
        inviter_shown, _ = await _titled(ctx, inviter_name, inviter.key, cfg.name_length)
    else:
        inviter_shown = ctx.t("welcome.no_inviter")
    group = ctx.scene.group
    values = {
        "name": name,
        "group": safe_text(group.name or group.id, GROUP_NAME_LENGTH),
        "count": await member_count(ctx),
        "inviter": inviter_shown,
        "rules": cfg.rules or ctx.t("rules.none_set"),
        "title": title,
    }
    return values, Mention(user.id, name)


def welcome_message(
    ctx: JobContext, cfg: WelcomeConfig, values: dict[str, str], mention: Mention, invited: bool
) -> Message:
    template = cfg.welcome_text or ctx.t("welcome.default")
    message = render(template, values, mention)
    if invited and "{inviter}" not in template:
        message += "\n" + ctx.t("welcome.invited_by", inviter=values["inviter"])
    if values["title"] and "{title}" not in template:
        message += "\n" + ctx.t("welcome.titles", title=values["title"])
    return message


def rules_message(
    ctx: JobContext, cfg: WelcomeConfig, mention: Mention | None, *, with_text: bool = True
) -> Message:
    """The rules (unless already shown) and, if acceptance is asked, the accept button."""
    parts: list[Segment | str] = []
    if mention is not None:
        parts += [mention, " "]
    lines = [ctx.t("rules.header") + "\n" + cfg.rules] if with_text else []
    if cfg.rules_accept:
        lines.append(ctx.t("rules.please_accept"))
    parts.append("\n".join(lines))
    if cfg.rules_accept:
        # A newcomer's rules are theirs: where buttons are numbers, only their "1" accepts.
        only = mention.user_id if mention is not None else ""
        parts.append(Buttons.of([Button(ctx.t("rules.accept_button"), ACCEPT)], only=only))
    return Message(parts)


async def greet(ctx: JobContext, user: User, inviter: User | None) -> list[str]:
    """Everything a verified newcomer receives; returns the ids of the messages sent."""
    cfg = ctx.config(WelcomeConfig)
    values, mention = await values_for(ctx, user, inviter, cfg)
    sent: list[str] = []
    template = cfg.welcome_text or ctx.t("welcome.default")
    if cfg.welcome:
        sent.append(await ctx.send(welcome_message(ctx, cfg, values, mention, inviter is not None)))
    shown = cfg.welcome and "{rules}" in template
    if cfg.rules and (cfg.rules_accept or not shown):
        sent.append(await ctx.send(rules_message(ctx, cfg, mention, with_text=not shown)))
    if cfg.intro:
        sent.append(
            await ctx.send(render(cfg.intro_text or ctx.t("welcome.intro"), values, mention))
        )
    await remove_later(ctx, cfg, sent)
    return sent


async def goodbye(ctx: JobContext, user: User) -> None:
    cfg = ctx.config(WelcomeConfig)
    if not cfg.goodbye:
        return
    values, _ = await values_for(ctx, user, None, cfg)
    await ctx.send(render(cfg.goodbye_text or ctx.t("goodbye.default"), values, None))


async def remove_later(ctx: JobContext, cfg: WelcomeConfig, message_ids: list[str]) -> None:
    """Schedule the removal of welcome messages, where the platform can delete them."""
    if not cfg.delete_after_minutes or ctx.scene is None:
        return
    if not ctx.app.adapter(ctx.scene.platform).capabilities.delete:
        return
    at = ctx.now() + timedelta(minutes=cfg.delete_after_minutes)
    for message_id in message_ids:
        key = f"welcome:delete:{ctx.scene.key}:{message_id}"
        await ctx.schedule(DELETE_JOB, at, {"message_id": message_id}, key=key)


async def delete_quietly(ctx: JobContext, message_id: str) -> None:
    """Remove a bot message if the platform allows; nothing is said when it cannot."""
    if not message_id or ctx.scene is None:
        return
    adapter = ctx.app.adapter(ctx.scene.platform)
    if not adapter.capabilities.delete:
        return
    try:
        await adapter.delete(ctx.scene, message_id)
    except Exception:
        log.info("could not delete message %s in %s", message_id, ctx.scene.key, exc_info=True)


@plugin.job(DELETE_JOB)
async def delete_welcome(ctx: JobContext, payload: dict[str, Any]) -> None:
    await delete_quietly(ctx, str(payload.get("message_id", "")))
