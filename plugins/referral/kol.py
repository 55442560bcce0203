"""Reach (``/kol``): who really brings people in, over several levels of the invite tree.

    score(p) = Σ_d  w_d · Σ_{x at depth d below p}  q(x)
    q(x)     = 0                                   if x has left
             = 0.5 + 0.5 · min(1, a(x) / A)        otherwise

``w_d`` are the configured weights (default 1, 0.5, 0.25 for three levels), ``a(x)`` the
credits ``x`` received in the ledger during the last ``kol_window_days`` (sign-ins, quizzes,
any points: a measure of activity) and ``A`` is ``kol_active_target``. So a member still
present counts at least half, an active one fully, and a departed one not at all; deeper
levels count less.

When another plugin offers a "shares" measure (sharelinks: unique visitors a member's links
and their re-sharers brought), :func:`with_shares` shows it next to each member and adds
``kol_shares_weight · shares`` to the score (weight 0, the default: shown, not scored).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from shequn.invites import Invitee


@dataclass(frozen=True, slots=True)
class Reach:
    person: str
    score: float
    per_level: tuple[int, ...]
    """Descendants at each depth (departed ones included)."""


def quality(node: Invitee, credits: Mapping[str, int], target: int) -> float:
    if not node.present:
        return 0.0
    return 0.5 + 0.5 * min(1.0, credits.get(node.person, 0) / target)


def reach(
    nodes: Sequence[Invitee], credits: Mapping[str, int], weights: Sequence[float], target: int
) -> list[Reach]:
    """Everyone with at least one invitee, best first."""
    children: dict[str, list[Invitee]] = defaultdict(list)
    for node in nodes:
        if node.inviter is not None:
            children[node.inviter].append(node)
    ranked: list[Reach] = []
    for person in children:
        score = 0.0
        counts: list[int] = []
        seen = {person}
        frontier = [person]
        for weight in weights:
            level = [c for p in frontier for c in children.get(p, ()) if c.person not in seen]
            if not level:
                break
            seen.update(c.person for c in level)
            counts.append(len(level))
            score += weight * sum(quality(c, credits, target) for c in level)
            frontier = [c.person for c in level]
        ranked.append(Reach(person, round(score, 2), tuple(counts)))
    ranked.sort(key=lambda r: (-r.score, -sum(r.per_level), r.person))
    return ranked


@dataclass(frozen=True, slots=True)
class Standing:
    """A line of ``/kol``: the invitation reach, plus shares when a plugin offers them."""

    person: str
    score: float
    per_level: tuple[int, ...]
    shares: int | None
    """None when no plugin offers shares in the community."""


def with_shares(
    ranked: Sequence[Reach], shares: Mapping[str, int] | None, weight: float
) -> list[Standing]:
    """``ranked`` with each member's shares; with a positive weight, shares add to the
    score and members who only share join the ranking."""
    if shares is None:
        return [Standing(r.person, r.score, r.per_level, None) for r in ranked]
    rows = {r.person: r for r in ranked}
    if weight > 0:
        for person, count in shares.items():
            if count > 0 and person not in rows:
                rows[person] = Reach(person, 0.0, ())
    standings = [
        Standing(
            r.person,
            round(r.score + weight * shares.get(r.person, 0), 2),
            r.per_level,
            shares.get(r.person, 0),
        )
        for r in rows.values()
    ]
    standings.sort(key=lambda s: (-s.score, -sum(s.per_level), -(s.shares or 0), s.person))
    return standings
