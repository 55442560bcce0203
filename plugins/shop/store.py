"""Items, codes and orders, each write one transaction of the core's group-commit writer.

A redemption lowers the stock by ``UPDATE ... SET stock = stock - 1 WHERE stock > 0``, raises
the member's quota the same way, inserts the order (unique per triggering event), posts the
payment (keyed by the order) and, for items with codes, claims a free code, all inside one
savepoint: the stock is never oversold and an order never exists without its payment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection, func, or_, select, update

from shequn import Outcome, Posting
from shequn.ledger import post
from shequn.storage import insert_ignore, insert_ignore_returning

from .models import ShopCode, ShopItem, ShopOrder, ShopQuota

PLUGIN = "shop"

_item = ShopItem.__table__  # type: ignore[attr-defined]
_code = ShopCode.__table__  # type: ignore[attr-defined]
_order = ShopOrder.__table__  # type: ignore[attr-defined]
_quota = ShopQuota.__table__  # type: ignore[attr-defined]


class Refusal(StrEnum):
    UNKNOWN = "unknown"
    SOLD_OUT = "sold_out"
    LIMIT = "limit"
    INSUFFICIENT = "insufficient"
    DUPLICATE = "duplicate"


@dataclass(frozen=True, slots=True)
class Buyer:
    person: str
    account: str
    community: str
    group_key: str


class _Undo(Exception):
    def __init__(self, refusal: Refusal) -> None:
        self.refusal = refusal


def name_key(name: str) -> str:
    return name.casefold()


# -- items -----------------------------------------------------------------------------------


def add_item(conn: Connection, values: dict[str, object]) -> int | None:
    """A new item; None when the community already has one of that name."""
    found = insert_ignore_returning(conn, _item, values, ("community", "name_key"), "id")
    return None if found is None else int(found)


def find_item(conn: Connection, community: str, ref: str) -> ShopItem | None:
    """An active item by number (``3``, ``#3``) or name."""
    number = ref.removeprefix("#")
    condition = _item.c.name_key == name_key(ref)
    if number.isdecimal() and len(number) < 12:
        condition = or_(condition, _item.c.id == int(number))
    row = conn.execute(
        select(_item).where(_item.c.community == community, _item.c.active.is_(True), condition)
    ).first()
    return None if row is None else ShopItem.model_validate(dict(row._mapping))


def items(conn: Connection, community: str, limit: int) -> list[ShopItem]:
    rows = conn.execute(
        select(_item)
        .where(_item.c.community == community, _item.c.active.is_(True))
        .order_by(_item.c.cost, _item.c.id)
        .limit(limit)
    )
    return [ShopItem.model_validate(dict(r._mapping)) for r in rows]


def set_stock(conn: Connection, item_id: int, stock: int) -> bool:
    return (
        conn.execute(
            update(_item)
            .where(_item.c.id == item_id, _item.c.uses_codes.is_(False))
            .values(stock=stock)
        ).rowcount
        == 1
    )


def remove_item(conn: Connection, item_id: int) -> bool:
    return (
        conn.execute(
            update(_item)
            .where(_item.c.id == item_id, _item.c.active.is_(True))
            .values(active=False)
        ).rowcount
        == 1
    )


def add_codes(conn: Connection, item_id: int, codes: Sequence[str]) -> int:
    """Add codes to the pool (duplicates ignored); the stock grows by the new ones."""
    added = sum(
        insert_ignore(conn, _code, {"item_id": item_id, "code": c}, ("item_id", "code"))
        for c in codes
    )
    conn.execute(
        update(_item)
        .where(_item.c.id == item_id)
        .values(stock=_item.c.stock + added, uses_codes=True)
    )
    return added


# -- orders ----------------------------------------------------------------------------------


def _raise_quota(conn: Connection, item: ShopItem, person: str) -> bool:
    """One more redemption for ``person`` unless the limit is reached (conditional update)."""
    raise_it = (
        update(_quota)
        .where(
            _quota.c.item_id == item.id,
            _quota.c.person == person,
            _quota.c.count < item.per_member,
        )
        .values(count=_quota.c.count + 1)
    )
    if conn.execute(raise_it).rowcount == 1:
        return True
    row = {"item_id": item.id, "person": person, "count": 1}
    if insert_ignore(conn, _quota, row, ("item_id", "person")):
        return True
    return conn.execute(raise_it).rowcount == 1  # a concurrent first redemption won the insert


def redeem(
    conn: Connection, item_id: int, buyer: Buyer, origin: str, now: float
) -> ShopOrder | Refusal:
    try:
        with conn.begin_nested():
            row = conn.execute(select(_item).where(_item.c.id == item_id)).first()
            if row is None:
                raise _Undo(Refusal.UNKNOWN)
            item = ShopItem.model_validate(dict(row._mapping))
            lowered = conn.execute(
                update(_item)
                .where(_item.c.id == item_id, _item.c.active.is_(True), _item.c.stock > 0)
                .values(stock=_item.c.stock - 1)
            ).rowcount
            if lowered != 1:
                raise _Undo(Refusal.SOLD_OUT)
            if item.per_member > 0 and not _raise_quota(conn, item, buyer.person):
                raise _Undo(Refusal.LIMIT)
            values = {
                "origin": origin,
                "item_id": item_id,
                "community": buyer.community,
                "group_key": buyer.group_key,
                "person": buyer.person,
                "account": buyer.account,
                "cost": item.cost,
                "state": "pending",
                "code": None,
                "created_at": now,
            }
            found = insert_ignore_returning(conn, _order, values, ("origin",), "id")
            if found is None:
                raise _Undo(Refusal.DUPLICATE)
            order_id = int(found)
            if item.cost > 0:
                posting = Posting(
                    buyer.person,
                    buyer.community,
                    -item.cost,
                    f"shop order #{order_id}: {item.name}",
                    f"shop:order:{order_id}",
                    buyer.group_key,
                    PLUGIN,
                )
                if post(conn, [posting], now, savepoint=False) is not Outcome.APPLIED:
                    raise _Undo(Refusal.INSUFFICIENT)
            if item.uses_codes:
                _hand_out_code(conn, item_id, order_id)
    except _Undo as undo:
        return undo.refusal
    order = get_order(conn, order_id)
    assert order is not None
    return order


def _hand_out_code(conn: Connection, item_id: int, order_id: int) -> None:
    free = (
        select(func.min(_code.c.id))
        .where(_code.c.item_id == item_id, _code.c.order_id.is_(None))
        .scalar_subquery()
    )
    took = conn.execute(
        update(_code)
        .where(_code.c.id == free, _code.c.order_id.is_(None))
        .values(order_id=order_id)
    ).rowcount
    if took != 1:
        raise _Undo(Refusal.SOLD_OUT)
    code = conn.execute(select(_code.c.code).where(_code.c.order_id == order_id)).scalar_one()
    conn.execute(update(_order).where(_order.c.id == order_id).values(code=code, state="fulfilled"))


def get_order(conn: Connection, order_id: int) -> ShopOrder | None:
    row = conn.execute(select(_order).where(_order.c.id == order_id)).first()
    return None if row is None else ShopOrder.model_validate(dict(row._mapping))


def orders(
    conn: Connection,
    *,
    community: str | None = None,
    person: str | None = None,
    states: Sequence[str] = (),
    limit: int = 20,
) -> list[tuple[ShopOrder, str]]:
    """Orders with their item's name, newest first."""
    query = (
        select(_order, _item.c.name.label("item_name"))
        .join(_item, _item.c.id == _order.c.item_id)
        .order_by(_order.c.id.desc())
        .limit(limit)
    )
    if community is not None:
        query = query.where(_order.c.community == community)
    if person is not None:
        query = query.where(_order.c.person == person)
    if states:
        query = query.where(_order.c.state.in_(list(states)))
    found = []
    for row in conn.execute(query):
        data = dict(row._mapping)
        name = str(data.pop("item_name"))
        found.append((ShopOrder.model_validate(data), name))
    return found


def fulfil(conn: Connection, order_id: int, community: str) -> bool:
    return (
        conn.execute(
            update(_order)
            .where(
                _order.c.id == order_id,
                _order.c.community == community,
                _order.c.state == "pending",
            )
            .values(state="fulfilled")
        ).rowcount
        == 1
    )


def refund(conn: Connection, order_id: int, community: str, now: float) -> ShopOrder | None:
    """``pending|fulfilled -> refunded``: the price back (keyed), stock and quota restored
    (an item with codes keeps the handed-out code out of the pool)."""
    moved = conn.execute(
        update(_order)
        .where(
            _order.c.id == order_id,
            _order.c.community == community,
            _order.c.state.in_(["pending", "fulfilled"]),
        )
        .values(state="refunded")
    ).rowcount
    if moved != 1:
        return None
    order = get_order(conn, order_id)
    assert order is not None
    if order.cost > 0:
        posting = Posting(
            order.person,
            order.community,
            order.cost,
            f"shop order #{order_id} refunded",
            f"shop:refund:{order_id}",
            order.group_key,
            PLUGIN,
        )
        post(conn, [posting], now)
    conn.execute(
        update(_item)
        .where(_item.c.id == order.item_id, _item.c.uses_codes.is_(False))
        .values(stock=_item.c.stock + 1)
    )
    conn.execute(
        update(_quota)
        .where(
            _quota.c.item_id == order.item_id,
            _quota.c.person == order.person,
            _quota.c.count > 0,
        )
        .values(count=_quota.c.count - 1)
    )
    return order
