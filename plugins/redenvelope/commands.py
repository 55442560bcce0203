"""``/hongbao TOTAL SHARES [note]`` (发红包) and grabbing (抢红包: a button or ``/grab``)."""

from __future__ import annotations

import logging
import unicodedata
from datetime import timedelta
from typing import Any

from shequn import Button, ButtonPressed, Buttons, Context, JobContext, Level, Message

from .declaration import RedEnvelopeConfig, plugin
from .split import split
from .store import Expired, Grabbed, Refusal, Sent, expire, get, grab, latest_open, send, takers

log = logging.getLogger("shequn.redenvelope")

GRAB_PREFIX = "redenvelope:grab:"
EXPIRE_JOB = "expire"
MAX_NOTE = 100
PLUGIN_LABEL = "redenvelope"


def expire_key(envelope_id: int) -> str:
    return f"redenvelope:expire:{envelope_id}"


def _note(text: str) -> str:
    kept = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co"))
    return " ".join(kept.split())[:MAX_NOTE]


@plugin.command(
    "hongbao", aliases=["红包", "发红包", "redenvelope"], keywords=["发红包"], group_only=True
)
async def hongbao(ctx: Context, total: int, shares: int, *, note: str = "") -> None:
    config = ctx.config(RedEnvelopeConfig)
    if not config.members_may_send and await ctx.level() < Level.ADMIN:
        await ctx.reply(ctx.t("send.admins_only"))
        return
    if not 1 <= shares <= config.max_shares:
        await ctx.reply(ctx.t("send.shares_range", high=config.max_shares))
        return
    if not config.min_total <= total <= config.max_total:
        await ctx.reply(ctx.t("send.total_range", low=config.min_total, high=config.max_total))
        return
    if total < shares:
        await ctx.reply(ctx.t("send.too_thin", total=total, shares=shares))
        return
    amounts = split(total, shares)
    now = ctx.app.clock.now()
    expires = now + timedelta(hours=config.expire_hours)
    values: dict[str, object] = {
        "origin": f"{ctx.event.scene.key}:{ctx.event.id}",
        "group_key": ctx.group_key,
        "community": ctx.community,
        "giver": ctx.person,
        "total": total,
        "shares": shares,
        "note": _note(note),
        "state": "open",
        "returned": 0,
        "created_at": now.timestamp(),
        "expires_at": expires.timestamp(),
    }
    stamp = now.timestamp()
    result = await ctx.app.db.write(lambda conn: send(conn, values, amounts, stamp), PLUGIN_LABEL)
    if result is Refusal.DUPLICATE:
        return
    if result is Refusal.INSUFFICIENT:
        balance = await ctx.app.ledger.balance(ctx.person, ctx.community)
        await ctx.reply(ctx.t("send.insufficient", total=total, balance=balance))
        return
    assert isinstance(result, Sent)
    envelope_id = result.envelope_id
    await ctx.schedule(EXPIRE_JOB, expires, {"envelope": envelope_id}, key=expire_key(envelope_id))
    text = ctx.t(
        "send.done",
        name=ctx.user.display_name,
        id=envelope_id,
        total=total,
        shares=shares,
        note=values["note"] or ctx.t("send.default_note"),
        hours=f"{config.expire_hours:g}",
        prefix=ctx.app.settings.commands.prefixes[0],
    )
    button = Button(ctx.t("button.grab"), f"{GRAB_PREFIX}{envelope_id}")
    await ctx.reply(Message([text, Buttons.of([button])]))


async def _grab(ctx: Context, envelope_id: int) -> None:
    config = ctx.config(RedEnvelopeConfig)
    person, group, own = ctx.person, ctx.group_key, config.giver_may_grab
    now = ctx.app.clock.now().timestamp()
    result = await ctx.app.db.write(
        lambda conn: grab(conn, envelope_id, person, group, own, now), PLUGIN_LABEL
    )
    name = ctx.user.display_name
    if isinstance(result, Grabbed):
        await ctx.reply(
            ctx.t(
                "grab.done",
                name=name,
                amount=result.amount,
                id=envelope_id,
                taken=result.taken,
                shares=result.shares,
            )
        )
        if result.finished:
            await ctx.app.scheduler.cancel(expire_key(envelope_id))
            await _announce_finished(ctx, envelope_id)
        return
    await ctx.reply(ctx.t(f"grab.{result.value}", name=name, id=envelope_id))


async def _announce_finished(ctx: Context, envelope_id: int) -> None:
    got = await ctx.app.db.read(lambda conn: takers(conn, envelope_id))
    if not got:
        return
    names = await ctx.app.identity.display_names([person for person, _ in got])
    best, amount = got[0]
    await ctx.reply(
        ctx.t("grab.finished", id=envelope_id, shares=len(got), name=names[best], amount=amount)
    )


@plugin.command("grab", aliases=["抢", "抢红包"], keywords=["抢红包"], group_only=True)
async def grab_command(ctx: Context, envelope_id: int | None = None) -> None:
    if envelope_id is None:
        group = ctx.group_key
        found = await ctx.app.db.read(lambda conn: latest_open(conn, group))
        if found is None or found.id is None:
            await ctx.reply(ctx.t("grab.none_open"))
            return
        envelope_id = found.id
    else:
        wanted = envelope_id
        envelope = await ctx.app.db.read(lambda conn: get(conn, wanted))
        if envelope is None or envelope.group_key != ctx.group_key:
            await ctx.reply(ctx.t("grab.unknown", id=envelope_id))
            return
    await _grab(ctx, envelope_id)


@plugin.on(ButtonPressed)
async def grab_button(ctx: Context) -> None:
    event = ctx.event
    if not isinstance(event, ButtonPressed) or not event.data.startswith(GRAB_PREFIX):
        return
    raw = event.data.removeprefix(GRAB_PREFIX)
    if not raw.isdecimal() or len(raw) > 12 or ctx.scene is None or ctx.scene.is_private:
        return
    envelope_id = int(raw)
    envelope = await ctx.app.db.read(lambda conn: get(conn, envelope_id))
    if envelope is None or envelope.group_key != ctx.group_key:
        await ctx.reply(ctx.t("grab.unknown", id=envelope_id))
        return
    await _grab(ctx, envelope_id)


@plugin.job(EXPIRE_JOB)
async def expire_job(ctx: JobContext, payload: dict[str, Any]) -> None:
    envelope_id = payload.get("envelope")
    if not isinstance(envelope_id, int):
        log.warning("expire job without an envelope id: %r", payload)
        return
    now = ctx.app.clock.now().timestamp()
    done = await ctx.app.db.write(lambda conn: expire(conn, envelope_id, now), PLUGIN_LABEL)
    if not isinstance(done, Expired) or ctx.scene is None:
        return
    giver = done.envelope.giver
    names = await ctx.app.identity.display_names([giver])
    await ctx.send(
        ctx.t(
            "expired",
            id=envelope_id,
            taken=done.taken,
            shares=done.envelope.shares,
            returned=done.returned,
            name=names[giver],
        )
    )
