"""``/event``: create, join (command or button), cancel, list, code, check-in, stats,
export; and the jobs that remind before the start and close check-in."""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from shequn import Button, ButtonPressed, Buttons, Context, JobContext, Level, Mention, Message

from .access import event_here, organised_event, tell_privately
from .answers import drop, stop_asking
from .asking import offer
from .declaration import EventsConfig, plugin
from .lockout import locked_for, record_miss
from .models import EventRow
from .passcode import code_for, code_is_valid, minute_of
from .spec import SpecError, parse_spec
from .stats import community_stats, event_stats, to_csv
from .store import (
    Already,
    Cancelled,
    Unpaid,
    cancel,
    check_in,
    close,
    create,
    get,
    in_community,
    join,
    signups,
)
from .web import link, web_settings


def _when(ctx: JobContext, timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, ctx.timezone).strftime("%Y-%m-%d %H:%M")


async def _open_events(ctx: JobContext) -> list[tuple[str, str]]:
    """The community's open events, for pickers (Discord's autocomplete of ``event_id``)."""
    community = ctx.community
    found = await ctx.app.db.read(lambda conn: in_community(conn, community))
    return [(str(e.id), f"#{e.id} {e.title}") for e in found if e.state == "open"]


async def _event(ctx: JobContext, event_id: int) -> EventRow | None:
    return await ctx.app.db.read(lambda conn: get(conn, event_id))


@plugin.command("event create", aliases=["活动 创建"], permission=Level.ADMIN, group_only=True)
async def event_create(ctx: Context, *, spec: str = "") -> None:
    now = ctx.now()
    try:
        parsed = parse_spec(spec, now, ctx.timezone)
    except SpecError as error:
        prefix = ctx.app.settings.commands.prefixes[0]
        await ctx.reply(ctx.t(error.key, prefix=prefix, **error.values))
        return
    values: dict[str, Any] = {
        "community": ctx.community,
        "group_key": ctx.group_key,
        "title": parsed.title,
        "place": parsed.place,
        "starts_at": parsed.starts.timestamp(),
        "deadline": parsed.deadline.timestamp(),
        "capacity": parsed.capacity,
        "taken": 0,
        "cost": parsed.cost,
        "secret": secrets.token_hex(16),
        "state": "open",
        "creator": ctx.person,
        "created_at": now.timestamp(),
    }
    event_id = await ctx.app.db.write(lambda conn: create(conn, values), "events")
    config = ctx.config(EventsConfig)
    remind = parsed.starts - config.reminder_lead
    if remind > now:
        await ctx.schedule("remind", remind, {"event": event_id}, key=f"events:remind:{event_id}")
    ends = parsed.starts + timedelta(hours=config.checkin_hours)
    await ctx.schedule("close", ends, {"event": event_id}, key=f"events:close:{event_id}")
    prefix = ctx.app.settings.commands.prefixes[0]
    text = "\n".join(
        [
            ctx.t("event.created", id=event_id, title=parsed.title),
            ctx.t(
                "event.details",
                when=_when(ctx, values["starts_at"]),
                place=parsed.place,
                capacity=parsed.capacity,
                deadline=_when(ctx, values["deadline"]),
            ),
            *([ctx.t("event.cost", cost=parsed.cost)] if parsed.cost else []),
            ctx.t("event.how", prefix=prefix, id=event_id),
        ]
    )
    button = Button(ctx.t("event.button"), f"event:join:{event_id}")
    await ctx.reply(Message([text, Buttons.of([button])]))


def leave(conn: Connection, event: EventRow, person: str, now: float) -> Cancelled | None:
    """Cancel a sign-up and, with it, its answers (in the same transaction)."""
    result = cancel(conn, event, person, now)
    if result is not None:
        drop(conn, event.id or 0, person)
    return result


def end(conn: Connection, event: EventRow, now: float) -> list[str] | None:
    """Close check-in; nobody is asked the event's questions any more."""
    stop_asking(conn, event.id or 0)
    return close(conn, event, now)


async def _join(ctx: Context, event_id: int) -> None:
    name = ctx.user.display_name
    event = await event_here(ctx, event_id)
    if event is None:
        return
    now = ctx.app.clock.now().timestamp()
    if event.state != "open" or now >= event.deadline:
        await ctx.reply(ctx.t("join.closed", name=name, id=event_id))
        return
    person, account = ctx.person, ctx.user.key
    result = await ctx.app.db.write(
        lambda conn: join(conn, event, person, account, name, now), "events"
    )
    if isinstance(result, Already):
        await ctx.reply(ctx.t(f"join.already_{result.status}", name=name, id=event_id))
    elif isinstance(result, Unpaid):
        balance = await ctx.app.ledger.balance(person, event.community)
        await ctx.reply(ctx.t("join.unpaid", name=name, cost=event.cost, balance=balance))
    else:
        if result.status == "going":
            text = ctx.t("join.going", name=name, title=event.title, id=event_id)
        else:
            text = ctx.t("join.waiting", name=name, id=event_id, position=result.position)
        asked = await offer(ctx, event)
        await ctx.reply(text + ("\n" + asked if asked else ""))


@plugin.command(
    "event join",
    aliases=["活动 报名"],
    keywords=["报名"],
    group_only=True,
    choices={"event_id": _open_events},
)
async def event_join(ctx: Context, event_id: int) -> None:
    await _join(ctx, event_id)


@plugin.on(ButtonPressed)
async def event_button(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, ButtonPressed)
    kind, _, number = event.data.partition(":join:")
    if kind == "event" and number.isdecimal() and len(number) <= 12:
        await _join(ctx, int(number))


@plugin.command(
    "event cancel",
    aliases=["活动 取消"],
    keywords=["取消报名"],
    group_only=True,
    choices={"event_id": _open_events},
)
async def event_cancel(ctx: Context, event_id: int) -> None:
    name = ctx.user.display_name
    event = await event_here(ctx, event_id)
    if event is None:
        return
    now = ctx.app.clock.now().timestamp()
    if event.state != "open" or now >= event.deadline:
        await ctx.reply(ctx.t("cancel.closed", name=name, id=event_id))
        return
    person = ctx.person
    result = await ctx.app.db.write(lambda conn: leave(conn, event, person, now), "events")
    if result is None:
        await ctx.reply(ctx.t("cancel.none", name=name, id=event_id))
        return
    lines = [ctx.t("cancel.done", name=name, id=event_id)]
    if result.promoted is not None:
        account, promoted = result.promoted
        platform, _, user_id = account.partition(":")
        lines.append(ctx.t("cancel.promoted", id=event_id, title=event.title))
        message = Message([Mention(user_id, promoted), " " + "\n".join(lines[1:])])
        await ctx.reply(lines[0])
        await ctx.send(message if platform == ctx.user.platform else lines[1] + f" ({promoted})")
        return
    await ctx.reply(lines[0])


@plugin.command("event list", aliases=["活动 列表", "活动列表"], group_only=True)
async def event_list(ctx: Context) -> None:
    community, now = ctx.community, ctx.app.clock.now().timestamp()
    found = await ctx.app.db.read(lambda conn: community_stats(conn, community))
    upcoming = [s for s in found.events if s.event.state == "open" and s.event.starts_at > now]
    if not upcoming:
        await ctx.reply(ctx.t("list.none"))
        return
    lines = [ctx.t("list.header")]
    for s in upcoming:
        lines.append(ctx.t("list.line", id=s.event.id, title=s.event.title,
                           when=_when(ctx, s.event.starts_at), going=s.going,
                           capacity=s.event.capacity, waiting=s.waiting))  # fmt: skip
    await ctx.reply("\n".join(lines))


@plugin.command("event code", aliases=["活动 签到码"], permission=Level.ADMIN, group_only=True)
async def event_code(ctx: Context, event_id: int) -> None:
    event = await event_here(ctx, event_id)
    if event is None:
        return
    minute = minute_of(ctx.app.clock.now().timestamp())
    code = code_for(event.secret, event_id, minute)
    await ctx.reply(ctx.t("code.show", id=event_id, title=event.title, code=code))


@plugin.command("event qr", aliases=["活动 二维码"])
async def event_qr(ctx: Context, event_id: int) -> None:
    """The organiser's link to the check-in screen, in private (it shows the codes)."""
    event = await organised_event(ctx, event_id)
    if event is None:
        return
    if not web_settings(ctx.app.settings).qr_page:
        await ctx.reply(ctx.t("qr.off"))
        return
    if event.state != "open":
        await ctx.reply(ctx.t("checkin.closed", name=ctx.user.display_name, id=event_id))
        return
    config = ctx.app.group_settings.config(plugin, event.group_key)
    assert isinstance(config, EventsConfig)
    expires = event.starts_at + config.checkin_hours * 3600
    url = link(ctx.app.settings, event, expires)
    text = ctx.t("qr.link", id=event_id, title=event.title, url=url, until=_when(ctx, expires))
    await tell_privately(ctx, text)


@plugin.command(
    "event checkin", aliases=["活动 签到"], keywords=["到场"], choices={"event_id": _open_events}
)
async def event_checkin(ctx: Context, event_id: int, code: str) -> None:
    name = ctx.user.display_name
    event = await event_here(ctx, event_id)
    if event is None:
        return
    now = ctx.app.clock.now().timestamp()
    opens = event.starts_at - ctx.config(EventsConfig).reminder_lead.total_seconds()
    if event.state != "open" or now < opens:
        await ctx.reply(ctx.t("checkin.closed", name=name, id=event_id))
        return
    person = ctx.person
    locked = await ctx.app.db.read(lambda conn: locked_for(conn, event_id, person, now))
    if locked:
        await ctx.reply(ctx.t("checkin.locked", name=name, minutes=math.ceil(locked / 60)))
        return
    if not code_is_valid(event.secret, event_id, code[:20], now):
        locks = await ctx.app.db.write(
            lambda conn: record_miss(conn, event_id, person, now), "events"
        )
        if locks:
            await ctx.reply(ctx.t("checkin.locked_now", name=name, minutes=math.ceil(locks / 60)))
        else:
            await ctx.reply(ctx.t("checkin.bad_code", name=name))
        return
    points = ctx.config(EventsConfig).attendance_points
    outcome = await ctx.app.db.write(
        lambda conn: check_in(conn, event, person, points, now), "events"
    )
    await ctx.reply(ctx.t(f"checkin.{outcome}", name=name, title=event.title, points=points))


@plugin.command("event stats", aliases=["活动 统计", "活动统计"], group_only=True)
async def event_stats_command(ctx: Context, event_id: int = 0) -> None:
    community = ctx.community
    if event_id:
        event = await event_here(ctx, event_id)
        if event is None:
            return
        s = await ctx.app.db.read(lambda conn: event_stats(conn, event))
        await ctx.reply(ctx.t("stats.event", id=event_id, title=event.title, signups=s.signups,
                              going=s.going, waiting=s.waiting, cancelled=s.cancelled,
                              attended=s.attended, rate=round(100 * s.rate),
                              no_shows=s.no_shows))  # fmt: skip
        return
    c = await ctx.app.db.read(lambda conn: community_stats(conn, community))
    await ctx.reply(ctx.t("stats.community", events=len(c.events),
                          signups=sum(e.signups for e in c.events), attendees=c.attendees,
                          rate=round(100 * c.rate), repeat=c.repeat_attendees,
                          no_shows=sum(e.no_shows for e in c.events)))  # fmt: skip


@plugin.command("event export", aliases=["活动 导出"], permission=Level.ADMIN, group_only=True)
async def event_export(ctx: Context) -> None:
    community = ctx.community
    c = await ctx.app.db.read(lambda conn: community_stats(conn, community))
    await ctx.reply(
        ctx.t("export.header", count=len(c.events))
        + "\n"
        + to_csv(c.events, ctx.app.group_timezone).rstrip()
    )


@plugin.job("remind")
async def remind(ctx: JobContext, payload: dict[str, Any]) -> None:
    event = await _event(ctx, int(payload["event"]))
    if event is None or event.state != "open":
        return
    going = [r for r in await ctx.app.db.read(lambda conn: signups(conn, event.id or 0))
             if r.status == "going"]  # fmt: skip
    text = ctx.t("remind.text", id=event.id, title=event.title,
                 when=_when(ctx, event.starts_at), place=event.place, count=len(going))  # fmt: skip
    segments: list[Any] = [text]
    scene = ctx.scene
    for r in going[:50]:
        platform, _, user_id = r.account.partition(":")
        if scene is not None and platform == scene.platform:
            segments.extend([" ", Mention(user_id, r.name)])
    await ctx.send(Message(segments))


@plugin.job("close")
async def close_checkin(ctx: JobContext, payload: dict[str, Any]) -> None:
    event = await _event(ctx, int(payload["event"]))
    if event is None:
        return
    now = ctx.app.clock.now().timestamp()
    no_shows = await ctx.app.db.write(lambda conn: end(conn, event, now), "events")
    if no_shows is None:
        return
    s = await ctx.app.db.read(lambda conn: event_stats(conn, event))
    await ctx.send(ctx.t("close.summary", id=event.id, title=event.title, attended=s.attended,
                         going=s.going, no_shows=len(no_shows)))  # fmt: skip
