"""A group's members as the dashboard lists them: points, titles and place in the invite tree.

Members are the people the community knows of: those in its invite tree (every join is
recorded there) and those holding points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shequn.internal.app import App

MAX_MEMBERS = 500


@dataclass(frozen=True, slots=True)
class MemberView:
    person: str
    name: str
    points: int
    titles: tuple[str, ...]
    inviter: str
    invited: int
    present: bool


async def members(app: App, community: str, query: str = "") -> list[MemberView]:
    tree = await app.invites.tree(community)
    top = await app.ledger.top(community, MAX_MEMBERS)
    points = dict(top)
    nodes = {node.person: node for node in tree}
    persons = list(dict.fromkeys([*points, *nodes]))
    invited: dict[str, int] = {}
    for entry in tree:
        if entry.inviter:
            invited[entry.inviter] = invited.get(entry.inviter, 0) + 1
    inviters = [n.inviter for n in tree if n.inviter]
    names = await app.identity.display_names(list(dict.fromkeys([*persons, *inviters])))
    needle = query.strip().casefold()[:100]
    if needle:
        persons = [p for p in persons if needle in p.casefold() or needle in names[p].casefold()]
    persons = persons[:MAX_MEMBERS]
    titles = await app.titles.of_many(persons, community)
    views = []
    for person in persons:
        node = nodes.get(person)
        inviter = node.inviter if node is not None else None
        views.append(
            MemberView(
                person=person,
                name=names.get(person, person),
                points=points.get(person, 0),
                titles=tuple(t.title for t in titles.get(person, [])),
                inviter=names.get(inviter, inviter) if inviter else "",
                invited=invited.get(person, 0),
                present=node.present if node is not None else True,
            )
        )
    views.sort(key=lambda m: (-m.points, m.name.casefold()))
    return views
