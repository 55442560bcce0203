"""Per member: clicks and unique visitors of their own links, the unique visitors their
re-sharers brought further down the chain, and how deep their chains go. Pure functions
over the rows; ``shares.py`` reads them for the commands and offers the score as the
"shares" measure (``app.contributions``) that referral's ``/kol`` shows."""

from __future__ import annotations

from dataclasses import dataclass

from .store import Link


@dataclass(frozen=True, slots=True)
class Reach:
    person: str
    links: int
    clicks: int
    visitors: int
    """Unique visitors of the member's own links."""
    downstream: int
    """Unique visitors of links re-shared from the member's links (any level below)."""
    depth: int
    """Levels of re-sharing below the member's links (0: nobody re-shared them)."""

    @property
    def score(self) -> int:
        return self.visitors + self.downstream


def reach(links: list[Link], visitors: dict[str, set[str]]) -> list[Reach]:
    """Everyone's reach, best first (ties by person key, for a stable order)."""
    children: dict[str, list[Link]] = {}
    for link in links:
        if link.parent:
            children.setdefault(link.parent, []).append(link)
    owned: dict[str, list[Link]] = {}
    for link in links:
        owned.setdefault(link.person, []).append(link)
    result: list[Reach] = []
    for person, mine in owned.items():
        own: set[str] = set()
        below: set[str] = set()
        depth = 0
        for link in mine:
            own |= visitors.get(link.code, set())
            stack = [(child, 1) for child in children.get(link.code, [])]
            while stack:
                node, level = stack.pop()
                depth = max(depth, level)
                if node.person != person:
                    below |= visitors.get(node.code, set())
                stack.extend((child, level + 1) for child in children.get(node.code, []))
        result.append(
            Reach(person, len(mine), sum(x.clicks for x in mine), len(own), len(below - own), depth)
        )
    result.sort(key=lambda r: (-r.score, -r.depth, r.person))
    return result
