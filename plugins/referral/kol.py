"""Reach (``/kol``): who really brings people in, over several levels of the invite tree.

    score(p) = Σ_d  w_d · Σ_{x at depth d below p}  q(x)
    q(x)     = 0                                   if x has left
             = 0.5 + 0.5 · min(1, a(x) / A)        otherwise

``w_d`` are the configured weights (default 1, 0.5, 0.25 for three levels), ``a(x)`` the
credits ``x`` received in the ledger during the last ``kol_window_days`` (sign-ins, quizzes,
any points: a measure of activity) and ``A`` is ``kol_active_target``. So a member still
present counts at least half, an active one fully, and a departed one not at all; deeper
levels count less.
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
