"""``/shop`` and ``/redeem ITEM`` for members; item and order management for admins."""

from __future__ import annotations

import logging
import re
import unicodedata

from shequn import Context, JobContext, Level, MessageEvent

from .declaration import ShopConfig, plugin
from .models import ShopItem
from .store import (
    Buyer,
    Refusal,
    add_codes,
    add_item,
    find_item,
    fulfil,
    get_order,
    items,
    name_key,
    orders,
    redeem,
    refund,
    remove_item,
    set_stock,
)

log = logging.getLogger("shequn.shop")

MAX_NAME = 40
MAX_DESCRIPTION = 200
MAX_CODE = 200
MAX_CODES = 1000
_CODE_SPLIT = re.compile(r"[\s,，;；]+")


async def _items_here(ctx: JobContext) -> list[tuple[str, str]]:
    """The community's items on sale, for pickers (Discord's autocomplete of ``item``)."""
    community, size = ctx.community, ctx.config(ShopConfig).list_size
    found = await ctx.app.db.read(lambda conn: items(conn, community, size))
    return [(f"#{item.id}", f"#{item.id} {item.name}") for item in found]


def _clean(text: str, limit: int) -> str:
    kept = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co"))
    return " ".join(kept.split())[:limit]


def _prefix(ctx: Context) -> str:
    return ctx.app.settings.commands.prefixes[0]


def _line(ctx: Context, item: ShopItem) -> str:
    key = "item.line_limit" if item.per_member else "item.line"
    text = ctx.t(
        key, id=item.id, name=item.name, cost=item.cost, stock=item.stock, limit=item.per_member
    )
    if item.description:
        text += f" · {item.description}"
    return text


async def _item(ctx: Context, ref: str) -> ShopItem | None:
    community = ctx.community
    item = await ctx.app.db.read(lambda conn: find_item(conn, community, ref))
    if item is None:
        await ctx.reply(ctx.t("item.unknown", ref=ref[:40], prefix=_prefix(ctx)))
    return item


# -- members ---------------------------------------------------------------------------------


@plugin.command(
    "shop", aliases=["商城", "积分商城", "商店"], keywords=["积分商城"], group_only=True
)
async def shop(ctx: Context) -> None:
    community, size = ctx.community, ctx.config(ShopConfig).list_size
    found = await ctx.app.db.read(lambda conn: items(conn, community, size))
    if not found:
        await ctx.reply(ctx.t("shop.empty"))
        return
    lines = [ctx.t("shop.header")]
    lines.extend(_line(ctx, item) for item in found)
    lines.append(ctx.t("shop.footer", prefix=_prefix(ctx)))
    await ctx.reply("\n".join(lines))


@plugin.command(
    "redeem", aliases=["兑换"], keywords=["兑换"], group_only=True, choices={"item": _items_here}
)
async def redeem_command(ctx: Context, *, item: str) -> None:
    found = await _item(ctx, item.strip())
    if found is None or found.id is None:
        return
    item_id, name = found.id, ctx.user.display_name
    buyer = Buyer(ctx.person, ctx.user.key, ctx.community, ctx.group_key)
    origin = f"{ctx.event.scene.key}:{ctx.event.id}"
    now = ctx.app.clock.now().timestamp()
    result = await ctx.app.db.write(lambda conn: redeem(conn, item_id, buyer, origin, now), "shop")
    if result is Refusal.DUPLICATE:
        return
    if isinstance(result, Refusal):
        balance = await ctx.app.ledger.balance(ctx.person, ctx.community)
        await ctx.reply(
            ctx.t(
                f"redeem.{result.value}",
                name=name,
                item=found.name,
                cost=found.cost,
                balance=balance,
                limit=found.per_member,
            )
        )
        return
    balance = await ctx.app.ledger.balance(ctx.person, ctx.community)
    text = ctx.t("redeem.done", name=name, item=found.name, id=result.id, cost=result.cost)
    text += "\n" + ctx.t("redeem.balance", balance=balance)
    if result.code is None:
        await ctx.reply(text + "\n" + ctx.t("redeem.pending"))
        return
    private = ctx.app.adapter(ctx.user.platform).private_scene(ctx.user)
    try:
        await ctx.send(
            ctx.t("code.private", item=found.name, id=result.id, code=result.code), private
        )
    except Exception:
        log.warning("could not send the code of order %s privately", result.id, exc_info=True)
        await ctx.reply(text + "\n" + ctx.t("redeem.code_failed", prefix=_prefix(ctx)))
        return
    await ctx.reply(text + "\n" + ctx.t("redeem.code_sent"))


@plugin.command("shop mine", aliases=["商城 我的", "我的兑换"], keywords=["我的兑换"])
async def shop_mine(ctx: Context) -> None:
    """In private: every order of the person, with codes; in a group: this community's,
    without codes."""
    person = ctx.person
    private = ctx.scene is not None and ctx.scene.is_private
    community = None if private else ctx.community
    found = await ctx.app.db.read(
        lambda conn: orders(conn, person=person, community=community, limit=20)
    )
    if not found:
        await ctx.reply(ctx.t("mine.empty"))
        return
    lines = [ctx.t("mine.header")]
    for order, item_name in found:
        line = ctx.t(
            "order.line_mine", id=order.id, item=item_name, state=ctx.t(f"state.{order.state}")
        )
        if private and order.code:
            line += " · " + ctx.t("order.code", code=order.code)
        lines.append(line)
    if not private and any(order.code for order, _ in found):
        lines.append(ctx.t("mine.codes_private", prefix=_prefix(ctx)))
    await ctx.reply("\n".join(lines))


# -- admins ----------------------------------------------------------------------------------


@plugin.command("shop add", aliases=["商城 上架"], permission=Level.ADMIN, group_only=True)
async def shop_add(
    ctx: Context, name: str, cost: int, stock: int, limit: int = 0, *, description: str = ""
) -> None:
    config = ctx.config(ShopConfig)
    clean = _clean(name, MAX_NAME)
    if not clean:
        await ctx.reply(ctx.t("add.no_name"))
        return
    if not 0 <= cost <= config.max_cost:
        await ctx.reply(ctx.t("add.range", what="cost", low=0, high=config.max_cost))
        return
    if not 0 <= stock <= config.max_stock:
        await ctx.reply(ctx.t("add.range", what="stock", low=0, high=config.max_stock))
        return
    if not 0 <= limit <= 1_000_000:
        await ctx.reply(ctx.t("add.range", what="limit", low=0, high=1_000_000))
        return
    values: dict[str, object] = {
        "community": ctx.community,
        "name": clean,
        "name_key": name_key(clean),
        "description": _clean(description, MAX_DESCRIPTION),
        "cost": cost,
        "stock": stock,
        "per_member": limit,
        "uses_codes": False,
        "active": True,
        "created_at": ctx.app.clock.now().timestamp(),
    }
    item_id = await ctx.app.db.write(lambda conn: add_item(conn, values), "shop")
    if item_id is None:
        await ctx.reply(ctx.t("add.exists", name=clean))
        return
    await ctx.reply(ctx.t("add.done", id=item_id, name=clean, cost=cost, stock=stock))


@plugin.command("shop codes", aliases=["商城 兑换码"], permission=Level.ADMIN, group_only=True)
async def shop_codes(ctx: Context, item: str, *, codes: str) -> None:
    event = ctx.event
    if ctx.config(ShopConfig).delete_code_messages and isinstance(event, MessageEvent):
        try:
            await ctx.app.adapter(event.platform).delete(event.scene, event.message_id or event.id)
        except Exception:
            log.info("could not delete a /shop codes message in %s", ctx.event.scene.key)
    found = await _item(ctx, item)
    if found is None or found.id is None:
        return
    pool = [c for c in (_clean(p, MAX_CODE) for p in _CODE_SPLIT.split(codes)) if c]
    if not pool or len(pool) > MAX_CODES:
        await ctx.reply(ctx.t("codes.count", high=MAX_CODES))
        return
    item_id = found.id
    added = await ctx.app.db.write(lambda conn: add_codes(conn, item_id, pool), "shop")
    await ctx.reply(ctx.t("codes.done", added=added, skipped=len(pool) - added, name=found.name))


@plugin.command(
    "shop stock",
    aliases=["商城 库存"],
    permission=Level.ADMIN,
    group_only=True,
    choices={"item": _items_here},
)
async def shop_stock(ctx: Context, item: str, stock: int) -> None:
    found = await _item(ctx, item)
    if found is None or found.id is None:
        return
    high = ctx.config(ShopConfig).max_stock
    if not 0 <= stock <= high:
        await ctx.reply(ctx.t("add.range", what="stock", low=0, high=high))
        return
    item_id = found.id
    if not await ctx.app.db.write(lambda conn: set_stock(conn, item_id, stock), "shop"):
        await ctx.reply(ctx.t("stock.codes", name=found.name))
        return
    await ctx.reply(ctx.t("stock.done", name=found.name, stock=stock))


@plugin.command(
    "shop remove",
    aliases=["商城 下架"],
    permission=Level.ADMIN,
    group_only=True,
    choices={"item": _items_here},
)
async def shop_remove(ctx: Context, item: str) -> None:
    found = await _item(ctx, item)
    if found is None or found.id is None:
        return
    item_id = found.id
    await ctx.app.db.write(lambda conn: remove_item(conn, item_id), "shop")
    await ctx.reply(ctx.t("remove.done", name=found.name))


@plugin.command("shop orders", aliases=["商城 订单"], permission=Level.ADMIN, group_only=True)
async def shop_orders(ctx: Context, which: str = "pending") -> None:
    states = () if which.lower() in ("all", "全部") else ("pending",)
    community, size = ctx.community, ctx.config(ShopConfig).list_size
    found = await ctx.app.db.read(
        lambda conn: orders(conn, community=community, states=states, limit=size)
    )
    if not found:
        await ctx.reply(ctx.t("orders.empty"))
        return
    names = await ctx.app.identity.display_names(sorted({o.person for o, _ in found}))
    lines = [ctx.t("orders.header")]
    for order, item_name in found:
        lines.append(
            ctx.t(
                "order.line",
                id=order.id,
                item=item_name,
                name=names[order.person],
                cost=order.cost,
                state=ctx.t(f"state.{order.state}"),
            )
        )
    lines.append(ctx.t("orders.footer", prefix=_prefix(ctx)))
    await ctx.reply("\n".join(lines))


@plugin.command(
    "shop fulfil", aliases=["shop fulfill", "商城 发货"], permission=Level.ADMIN, group_only=True
)
async def shop_fulfil(ctx: Context, order_id: int) -> None:
    community = ctx.community
    if await ctx.app.db.write(lambda conn: fulfil(conn, order_id, community), "shop"):
        await ctx.reply(ctx.t("fulfil.done", id=order_id))
        return
    await _not_movable(ctx, order_id)


@plugin.command("shop refund", aliases=["商城 退款"], permission=Level.ADMIN, group_only=True)
async def shop_refund(ctx: Context, order_id: int) -> None:
    community, now = ctx.community, ctx.app.clock.now().timestamp()
    order = await ctx.app.db.write(lambda conn: refund(conn, order_id, community, now), "shop")
    if order is None:
        await _not_movable(ctx, order_id)
        return
    names = await ctx.app.identity.display_names([order.person])
    await ctx.reply(ctx.t("refund.done", id=order_id, cost=order.cost, name=names[order.person]))


async def _not_movable(ctx: Context, order_id: int) -> None:
    order = await ctx.app.db.read(lambda conn: get_order(conn, order_id))
    if order is None or order.community != ctx.community:
        await ctx.reply(ctx.t("order.unknown", id=order_id))
        return
    await ctx.reply(ctx.t("order.state", id=order_id, state=ctx.t(f"state.{order.state}")))
