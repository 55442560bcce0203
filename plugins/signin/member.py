"""Who signs in where: a person within a community, from one of its groups."""

from __future__ import annotations

from dataclasses import dataclass

from shequn import Context


@dataclass(frozen=True, slots=True)
class Member:
    person: str
    community: str
    group_key: str


def member_of(ctx: Context) -> Member:
    return Member(ctx.person, ctx.community, ctx.group_key)
