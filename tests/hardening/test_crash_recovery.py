"""SIGKILL the bot in the middle of sign-in bursts, red-envelope splits, shop redemptions and
lottery draws, again and again; after a restart the books balance to the point, nothing
happened twice and nothing acknowledged was lost."""

from __future__ import annotations

import os
import random
from collections import Counter
from pathlib import Path

from tests.hardening.crash import Acknowledged, iteration_script, person, rows, run_bot

ITERATIONS = 6
SHOP_STOCK = 3
OUTPUT_LINES = 80
"""About what one iteration prints: kill points are spread over it, one stratum a run."""


def test_books_balance_after_repeated_sigkills(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    config = tmp_path / "shequn.toml"
    config.write_text(
        'superusers = ["console:admin"]\n'
        f"[database]\nurl = {f'sqlite+aiosqlite:///{db}'!r}\n".replace("'", '"'),
        encoding="utf-8",
    )
    rng = random.Random(int(os.environ.get("SHEQUN_CRASH_SEED", "9")))  # other seeds: longer runs
    acked = Acknowledged()
    kills = 0
    for i in range(ITERATIONS):
        script = iteration_script(i)
        low = 3 + i * OUTPUT_LINES // ITERATIONS
        high = 3 + (i + 1) * OUTPUT_LINES // ITERATIONS
        run = run_bot(config, script, kill_after_lines=rng.randint(low, high))
        kills += run.killed
        acked.read(run.output)
    assert kills >= ITERATIONS // 2  # (a run may finish before its kill point)
    # A last, clean run far in the future: due draws run, expired envelopes return.
    final = run_bot(config, [f":clock +{ITERATIONS + 2}d", "/points", ":quit"], None)
    acked.read(final.output)

    _ledger_balances(db)
    _signins_paid_once(db, acked)
    _envelopes_exact(db, acked)
    _shop_stock_kept(db, acked)
    _lotteries_drawn_once(db, acked)


def _ledger_balances(db: Path) -> None:
    sums = dict(
        ((p, c), int(s))
        for p, c, s in rows(
            db, "select person, community, sum(amount) from core_ledger group by 1, 2"
        )
    )
    balances = {
        (p, c): int(b)
        for p, c, b in rows(db, "select person, community, balance from core_balance")
    }
    assert sums, "the runs posted nothing"
    assert {k: v for k, v in balances.items() if v} == {k: v for k, v in sums.items() if v}
    assert all(b >= 0 for b in balances.values())
    keys = [k for (k,) in rows(db, "select idem_key from core_ledger")]
    assert len(keys) == len(set(keys))


def _signins_paid_once(db: Path, acked: Acknowledged) -> None:
    records = Counter(str(p) for (p,) in rows(db, "select person from signin_record"))
    for user, times in acked.signins.items():
        assert records[person(user)] >= times, user  # nothing acknowledged was lost
    ((recorded,),) = rows(db, "select coalesce(sum(points), 0) from signin_record")
    ((paid,),) = rows(
        db, "select coalesce(sum(amount), 0) from core_ledger where plugin = 'signin'"
    )
    assert recorded == paid  # each recorded day paid once, no payment without its day
    ((days,),) = rows(db, "select count(*) from signin_record")
    ((postings,),) = rows(db, "select count(*) from core_ledger where plugin = 'signin'")
    assert days == postings


def _envelopes_exact(db: Path, acked: Acknowledged) -> None:
    envelopes = rows(
        db, "select id, giver, total, shares, returned, state from redenvelope_envelope"
    )
    by_id = {int(e[0]): e for e in envelopes}
    for giver, envelope_id, total in acked.envelopes:
        assert by_id[envelope_id][1] == person(giver) and by_id[envelope_id][2] == total
    for envelope_id, _giver, total, shares, returned, _state in envelopes:
        parts = rows(
            db,
            "select amount, taker, returned from redenvelope_share "
            f"where envelope_id = {envelope_id}",
        )
        assert len(parts) == shares and sum(int(a) for a, _t, _r in parts) == total
        (given,) = rows(
            db, f"select amount from core_ledger where idem_key = 'redenvelope:give:{envelope_id}'"
        )
        assert given[0] == -int(total)
        grabs = rows(
            db,
            "select person, amount from core_ledger where idem_key like "
            f"'redenvelope:grab:{envelope_id}:%'",
        )
        taken = {(str(t), int(a)) for a, t, _r in parts if t is not None}
        assert {(str(p), int(a)) for p, a in grabs} == taken
        untaken = sum(int(a) for a, t, _r in parts if t is None)
        assert int(returned) in (0, untaken)
    for user, amount, envelope_id in acked.grabs:
        assert (person(user), amount) in {
            (str(t), int(a))
            for a, t in rows(
                db, f"select amount, taker from redenvelope_share where envelope_id = {envelope_id}"
            )
        }


def _shop_stock_kept(db: Path, acked: Acknowledged) -> None:
    for item_id, stock in rows(db, "select id, stock from shop_item"):
        ((orders,),) = rows(db, f"select count(*) from shop_order where item_id = {item_id}")
        assert int(stock) + int(orders) == SHOP_STOCK
    for order_id, cost, who in rows(db, "select id, cost, person from shop_order"):
        paid = rows(
            db, f"select person, amount from core_ledger where idem_key = 'shop:order:{order_id}'"
        )
        assert paid == [(who, -int(cost))]
    ordered = {(str(p), int(o)) for o, p in rows(db, "select id, person from shop_order")}
    for user, order_id in acked.orders:
        assert (person(user), order_id) in ordered


def _lotteries_drawn_once(db: Path, acked: Acknowledged) -> None:
    lotteries = rows(
        db, "select id, state, winners, entrants, prize_points, rounds from lottery_lottery"
    )
    assert lotteries
    for lottery_id, state, winners, entrants, points, rounds in lotteries:
        entries = rows(
            db, f"select person, winner_round from lottery_entry where lottery_id = {lottery_id}"
        )
        assert len(entries) == entrants
        won = [p for p, r in entries if r is not None]
        assert state == "drawn" and rounds == 1, (lottery_id, state)  # every one came due
        assert len(won) == min(int(winners), len(entries))
        prizes = rows(
            db,
            "select person, amount from core_ledger where amount > 0 and "
            f"idem_key like 'lottery:prize:{lottery_id}:%'",
        )
        assert sorted(p for p, _a in prizes) == sorted(won) and all(a == points for _p, a in prizes)
    drawn = {int(i) for (i,) in rows(db, "select id from lottery_lottery where state = 'drawn'")}
    assert acked.drawn <= drawn
    entered = {
        (str(p), int(i)) for i, p in rows(db, "select lottery_id, person from lottery_entry")
    }
    for user, lottery_id in acked.entries:
        assert (person(user), lottery_id) in entered
