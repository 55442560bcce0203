"""The documented rules on generated activity histories: one test per stage, kind, role."""

from __future__ import annotations

from datetime import date, timedelta

from shequn.internal.analytics import rules
from shequn.internal.analytics.rules import DayPoint, Kind, MemberStats, Role, Stage

START = date(2026, 1, 1)


def history(
    messages: list[int],
    active: list[int] | None = None,
    joins: list[int] | None = None,
    leaves: list[int] | None = None,
) -> list[DayPoint]:
    n = len(messages)
    active = active or [min(m, 8) for m in messages]
    joins = joins or [0] * n
    leaves = leaves or [0] * n
    return [
        DayPoint(START + timedelta(days=i), active[i], messages[i], joins[i], leaves[i])
        for i in range(n)
    ]


def keys(verdict: rules.Verdict) -> list[str]:
    return [r.key for r in verdict.reasons]


# -- stages -------------------------------------------------------------------------------


def test_sprouting_a_young_group_talking() -> None:
    verdict = rules.stage(history([0] * 20 + [3, 5, 8, 4, 6, 9, 7, 5]), age_days=8)
    assert verdict.code == Stage.SPROUTING
    assert "evidence.young" in keys(verdict)


def test_fast_growth_many_joins_and_steady_talk() -> None:
    joins = [0] * 21 + [2, 1, 3, 1, 2, 0, 1]
    verdict = rules.stage(history([20] * 21 + [25] * 7, joins=joins), age_days=60)
    assert verdict.code == Stage.GROWTH
    assert verdict.reasons[0].values == {"joins": 10, "leaves": 0}


def test_active_steady_interaction() -> None:
    verdict = rules.stage(history([30] * 28, joins=[0] * 27 + [1]), age_days=90)
    assert verdict.code == Stage.ACTIVE


def test_declining_messages_fall_below_sixty_percent() -> None:
    verdict = rules.stage(history([30] * 21 + [15] * 7), age_days=90)
    assert verdict.code == Stage.DECLINING
    reason = verdict.reasons[0]
    assert reason.key == "evidence.messages_fell"
    assert reason.values == {"messages": 105, "baseline": 210, "ratio": 50}


def test_declining_members_leaving() -> None:
    leaves = [0] * 21 + [1, 1, 1, 1, 0, 0, 0]
    active = [8] * 21 + [5] * 7
    verdict = rules.stage(history([30] * 28, active=active, leaves=leaves), age_days=90)
    assert verdict.code == Stage.DECLINING
    assert keys(verdict) == ["evidence.leaving"]


def test_at_the_decline_threshold_the_group_is_still_active() -> None:
    # 60% of the baseline exactly is not below it.
    verdict = rules.stage(history([10] * 21 + [6] * 7), age_days=90)
    assert verdict.code == Stage.ACTIVE


def test_silent_a_week_with_almost_no_messages() -> None:
    verdict = rules.stage(history([30] * 21 + [1, 0, 0, 2, 0, 0, 1]), age_days=90)
    assert verdict.code == Stage.SILENT
    assert verdict.reasons[0].values == {"messages": 4, "limit": 5}


# -- kinds --------------------------------------------------------------------------------


def test_valuable_many_people_answering_each_other() -> None:
    daily = history([40] * 30, active=[6] * 30)
    totals = rules.Totals(messages=1200, chars=1200 * 30, links=60, replies=400, commands=30)
    assert rules.kind(daily, totals).code == Kind.VALUABLE


def test_marginal_talk_without_conversation() -> None:
    daily = history([10] * 30, active=[4] * 30)
    totals = rules.Totals(messages=300, chars=300 * 20, links=20, replies=30, commands=10)
    verdict = rules.kind(daily, totals)
    assert verdict.code == Kind.MARGINAL
    assert "evidence.few_replies" in keys(verdict)


def test_dead_nobody_speaks() -> None:
    daily = history([0] * 25 + [1, 0, 2, 0, 1])
    verdict = rules.kind(daily, rules.Totals(messages=4, chars=40))
    assert verdict.code == Kind.DEAD


def test_spam_links_everywhere_and_no_replies() -> None:
    daily = history([20] * 30, active=[5] * 30)
    totals = rules.Totals(messages=600, chars=600 * 40, links=300, replies=12, commands=0)
    verdict = rules.kind(daily, totals)
    assert verdict.code == Kind.SPAM
    assert verdict.reasons[0].values == {"links": 50, "commands": 0, "replies": 2}


def test_check_in_flood_is_spam_too() -> None:
    daily = history([20] * 30, active=[5] * 30)
    totals = rules.Totals(messages=600, chars=600 * 3, links=0, replies=0, commands=400)
    assert rules.kind(daily, totals).code == Kind.SPAM


# -- roles --------------------------------------------------------------------------------


def test_lurker_a_few_words_then_gone() -> None:
    verdict = rules.role(MemberStats("p", messages=3, chars=30, active_days=2), 30)
    assert verdict.code == Role.LURKER


def test_challenger_complains_openly() -> None:
    member = MemberStats("p", messages=20, chars=600, dissent=6, active_days=8)
    assert rules.role(member, 30).code == Role.CHALLENGER


def test_organiser_every_day_mentioning_and_sharing() -> None:
    member = MemberStats(
        "p", messages=120, chars=3000, mentions=30, links=10, commands=5, active_days=20
    )
    verdict = rules.role(member, 30)
    assert verdict.code == Role.ORGANISER
    assert keys(verdict) == ["evidence.present", "evidence.actions"]


def test_asker_mostly_questions() -> None:
    member = MemberStats("p", messages=20, chars=400, questions=12, active_days=6)
    assert rules.role(member, 30).code == Role.ASKER


def test_thinker_long_messages_others_answer() -> None:
    member = MemberStats(
        "p", messages=15, chars=15 * 120, replies_received=9, questions=1, active_days=7
    )
    assert rules.role(member, 30).code == Role.THINKER


def test_chatter_many_short_messages() -> None:
    member = MemberStats("p", messages=200, chars=200 * 8, replies=60, active_days=12)
    assert rules.role(member, 30).code == Role.CHATTER
