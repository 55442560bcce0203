"""Automatic titles: once a day each rule's leaders get its title, and lose it when overtaken.

A rule title lasts until shortly after the next run, so it lapses by itself if the plugin is
switched off or the bot stops, and never needs an explicit clean-up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import Connection

from shequn import Context, JobContext, MessageEvent
from shequn.titles import TitleError

from .config import TitlesConfig
from .declaration import plugin
from .push import push
from .schedule import RULES_JOB, ensure_daily_if_active, schedule_next
from .scores import STREAK_LOOKBACK_DAYS, leaders, net_credits, streaks

log = logging.getLogger("shequn.titles")

GRACE = timedelta(days=1)
"""A rule title outlives the next run by this much, so holders keep it across a late run
(the bot was down at midnight) and lose it a day after the rules stop running."""


Score = Callable[[Connection, str, JobContext, TitlesConfig], dict[str, int]]


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    enabled: Callable[[TitlesConfig], bool]
    title: Callable[[TitlesConfig], str]
    minimum: Callable[[TitlesConfig], int]
    score: Score


def _streaks(conn: Connection, community: str, ctx: JobContext, _: TitlesConfig) -> dict[str, int]:
    since = (ctx.now() - timedelta(days=STREAK_LOOKBACK_DAYS)).timestamp()
    return streaks(conn, community, ctx.today(), since)


def _credits(plugin_name: str, skip: str = "") -> Score:
    def score(
        conn: Connection, community: str, ctx: JobContext, cfg: TitlesConfig
    ) -> dict[str, int]:
        since = (ctx.now() - timedelta(days=cfg.rule_days)).timestamp()
        return net_credits(conn, community, plugin_name, since, skip)

    return score


RULES = (
    Rule(
        "streak",
        lambda c: c.streak_rule,
        lambda c: c.streak_title,
        lambda c: c.streak_minimum,
        _streaks,
    ),
    Rule(
        "quotes",
        lambda c: c.quotes_rule,
        lambda c: c.quotes_title,
        lambda c: c.quotes_minimum,
        _credits("quotes"),
    ),
    Rule(
        "inviters",
        lambda c: c.inviters_rule,
        lambda c: c.inviters_title,
        lambda c: c.inviters_minimum,
        _credits("referral", skip="referral welcome"),
    ),
    Rule(
        "hosts",
        lambda c: c.hosts_rule,
        lambda c: c.hosts_title,
        lambda c: c.hosts_minimum,
        _credits("sessions"),
    ),
)


def _score(
    rule: Rule, community: str, ctx: JobContext, cfg: TitlesConfig, conn: Connection
) -> dict[str, int]:
    return rule.score(conn, community, ctx, cfg)


@plugin.on(MessageEvent, priority=900)
async def keep_scheduled(ctx: Context) -> None:
    """A message of a member with measured activity starts the group's daily run (once)."""
    await ensure_daily_if_active(ctx)


@plugin.job(RULES_JOB)
async def run_rules(ctx: JobContext, _payload: dict[str, Any]) -> None:
    at = await schedule_next(ctx)
    if ctx.scene is None or not ctx.app.group_settings.is_enabled(plugin, ctx.group_key):
        return
    await apply_rules(ctx, at + GRACE)


async def apply_rules(ctx: JobContext, until: datetime) -> None:
    """Evaluate every enabled rule of the group now; titles last until ``until``."""
    cfg = ctx.config(TitlesConfig)
    community = ctx.community
    for rule in RULES:
        if not rule.enabled(cfg):
            continue
        scores = await ctx.app.db.read(partial(_score, rule, community, ctx, cfg))
        winners = leaders(scores, rule.minimum(cfg), cfg.max_holders)
        name = rule.title(cfg) or ctx.t(f"rule.{rule.name}.title")
        try:
            gained, lost = await ctx.app.titles.award_rule(
                community, f"rule:{rule.name}", name, winners, until
            )
        except TitleError:
            log.warning("rule title %r of %s is not a valid title", name, ctx.group_key)
            continue
        for person in (*gained, *lost):
            await push(ctx, person, community)
        if gained:
            names = await ctx.app.identity.display_names(gained)
            await ctx.send(
                ctx.t(
                    f"rule.{rule.name}.awarded",
                    names=", ".join(names[p] for p in gained),
                    title=name,
                    score=scores[gained[0]],
                )
            )
