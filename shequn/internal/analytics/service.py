"""``app.analytics``: community-health figures, lifecycle stage, kind of group, member roles.

Recording happens in the core's own handlers (``builtin/activity.py``), for every group
whatever plugins are on; this class turns those counters into the series and labels that the
dashboard, ``/stats`` and the weekly report show. Every read first flushes the buffer, so an
answer includes the messages just received.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from shequn.internal.analytics import queries, rules
from shequn.internal.analytics.health import Health, Label, MemberRole, Participation, Retention
from shequn.internal.analytics.metrics import measure
from shequn.internal.analytics.recorder import (
    COUNTERS,
    MAX_TEXT,
    MembershipRecord,
    MessageRecord,
    Recorder,
    UseRecord,
)
from shequn.internal.analytics.rules import DayPoint, MemberStats, Reason, Verdict
from shequn.internal.event import ButtonPressed, Event, MessageEvent
from shequn.internal.plugin import CommandSpec

if TYPE_CHECKING:
    from shequn.internal.app import App

LOCALES = Path(__file__).with_name("locales")
NAMESPACE = "analytics"
CORE_ACTIVITIES = ("signin", "quiz", "lottery", "polls")
"""Always listed in participation, with zeros when unused."""
MAX_DAYS = 366
RETENTION_DAYS = (1, 7, 30)
DAY = 86400.0


_Read = tuple[
    list[queries.HourRow],
    list[queries.Membership],
    list[tuple[str, str, int]],
    list[tuple[str, str, int]],
    int | None,
]


@dataclass(frozen=True, slots=True)
class _Window:
    tz: ZoneInfo
    today: date
    first_day: date
    start: float
    now: float


class Analytics:
    def __init__(self, app: App) -> None:
        self._app = app
        self.recorder = Recorder(app.db, app.clock)
        app.translator.load_directory(NAMESPACE, LOCALES)

    # -- recording (the core's handlers call these; they never wait) ----------------------

    def note_message(
        self, event: MessageEvent, person: str, *, keep_text: bool, command: CommandSpec | None
    ) -> None:
        """``command``: the one the dispatcher found in the message, if any."""
        app = self._app
        quoted = event.quoted.user if event.quoted is not None else None
        self.recorder.add(
            MessageRecord(
                key=event.dedup_key,
                group_key=event.scene.group_key,
                person=person,
                at=event.time.timestamp(),
                metrics=measure(event),
                activity=command.plugin.name if command is not None else None,
                quoted_person=(
                    app.identity.person_of(quoted.key)
                    if quoted is not None and not quoted.is_bot
                    else None
                ),
                text=event.message.plain_text[:MAX_TEXT] if keep_text else None,
            )
        )

    def note_button(self, event: ButtonPressed, person: str) -> None:
        activity = self._activity_of(event.data)
        if activity:
            self.recorder.add(
                UseRecord(
                    event.dedup_key,
                    event.scene.group_key,
                    person,
                    event.time.timestamp(),
                    activity,
                )
            )

    def note_membership(self, event: Event, person: str, kind: str) -> None:
        self.recorder.add(
            MembershipRecord(
                event.dedup_key, event.scene.group_key, person, event.time.timestamp(), kind
            )
        )

    def _activity_of(self, data: str) -> str:
        """The plugin a button belongs to, from its data's first ``:`` part."""
        prefix = data.split(":", 1)[0].strip().lower()[:100]
        plugins = self._app.plugins
        if prefix in plugins:
            return prefix
        if prefix + "s" in plugins:
            return prefix + "s"
        return prefix

    async def flush(self) -> int:
        """Write buffered records now; how many were new."""
        return await self.recorder.flush()

    async def has_seen(self, person: str, groups: Sequence[str]) -> bool:
        """Whether ``person`` ever spoke, used the bot, joined or left in one of ``groups``,
        including what is still buffered (a message of a second ago counts)."""
        if self.recorder.holds(person, frozenset(groups)):
            return True
        return await self._app.db.read(lambda conn: queries.seen(conn, person, groups))

    async def close(self) -> None:
        await self.recorder.close()

    # -- reading --------------------------------------------------------------------------

    def community_groups(self, community: str) -> tuple[str, ...]:
        """The groups of ``community``; a group that is its own community is just itself."""
        for info in self._app.identity.communities():
            if info.key == community:
                return info.groups
        return (community,)

    async def groups(self, *, days: int = 30) -> list[str]:
        """Groups with at least one recorded message in the last ``days`` days."""
        await self.flush()
        since = int((self._app.clock.now().timestamp() - days * DAY) // 3600)
        return await self._app.db.read(lambda conn: queries.active_groups(conn, since))

    async def group_health(
        self, group_key: str, *, days: int = 30, locale: str | None = None
    ) -> Health:
        """Health of one group over the last ``days`` local days (today included)."""
        return await self._health(group_key, (group_key,), days, locale)

    async def community_health(
        self, community: str, *, days: int = 30, locale: str | None = None
    ) -> Health:
        """Health of a community's groups taken together."""
        return await self._health(community, self.community_groups(community), days, locale)

    async def member_roles(
        self, group_key: str, *, days: int = 30, locale: str | None = None
    ) -> list[MemberRole]:
        """Each member's role with its evidence, the most active first. Newcomers who
        never posted are included (as lurkers)."""
        await self.flush()
        days = _days(days)
        window = self._window(group_key, days)
        first, last = int(window.start // 3600), int(window.now // 3600)
        groups = (group_key,)

        def read(conn: Connection) -> tuple[list[queries.HourRow], list[queries.Membership]]:
            return (
                queries.activity(conn, groups, first, last),
                queries.membership(conn, groups, window.start),
            )

        rows, members = await self._app.db.read(read)
        sums: dict[str, list[int]] = defaultdict(lambda: [0] * 9)
        active_days: dict[str, set[date]] = defaultdict(set)
        for row in rows:
            acc = sums[row.person]
            for i, value in enumerate(
                (
                    row.messages,
                    row.chars,
                    row.links,
                    row.questions,
                    row.replies,
                    row.mentions,
                    row.commands,
                    row.dissent,
                    row.replies_received,
                )
            ):
                acc[i] += value
            if row.messages:
                active_days[row.person].add(_local_day(row.hour, window.tz))
        left = {m.person for m in members if m.kind == "leave"}
        for m in members:
            if m.kind == "join" and m.person not in sums and m.person not in left:
                sums[m.person]
        names = await self._app.identity.display_names(list(sums))
        lang = locale or self._app.group_locale(group_key)
        result: list[MemberRole] = []
        for person, acc in sums.items():
            if acc[0] == 0 and person not in {m.person for m in members}:
                continue  # only received replies: counted for others, not a member we saw
            counts = dict(zip(COUNTERS, acc, strict=True))
            stats = MemberStats(person, **counts, active_days=len(active_days[person]))
            verdict = rules.role(stats, days)
            result.append(
                MemberRole(
                    person, names.get(person, person), self._label("role", verdict, lang), stats
                )
            )
        result.sort(key=lambda r: (-r.stats.messages, r.person))
        return result

    # -- internals ------------------------------------------------------------------------

    def _window(self, group_key: str, days: int) -> _Window:
        tz = self._app.group_timezone(group_key)
        now = self._app.clock.now()
        today = now.astimezone(tz).date()
        first_day = today - timedelta(days=days - 1)
        start = datetime.combine(first_day, time(), tz).timestamp()
        return _Window(tz, today, first_day, start, now.timestamp())

    def _label(self, family: str, verdict: Verdict, locale: str) -> Label:
        t = self._app.translator.translate
        return Label(
            code=str(verdict.code),
            name=t(NAMESPACE, locale, f"{family}.{verdict.code}"),
            evidence=[_say(t, locale, r) for r in verdict.reasons],
        )

    async def _health(
        self, scope: str, groups: Sequence[str], days: int, locale: str | None
    ) -> Health:
        await self.flush()
        days = _days(days)
        span = max(days, rules.RECENT_DAYS + rules.BASELINE_DAYS)
        anchor = groups[0] if groups else scope
        window = self._window(anchor, span)
        shown_from = window.today - timedelta(days=days - 1)
        shown_start = datetime.combine(shown_from, time(), window.tz).timestamp()
        first, last = int(window.start // 3600), int(window.now // 3600)

        def read(conn: Connection) -> _Read:
            return (
                queries.activity(conn, groups, first, last),
                queries.membership(conn, groups, window.start),
                queries.uses(conn, groups, int(shown_start // 3600), last),
                queries.postings(conn, groups, shown_start),
                queries.first_hour(conn, groups),
            )

        rows, members, use_rows, post_rows, first_seen = await self._app.db.read(read)
        day_messages: dict[date, int] = defaultdict(int)
        day_people: dict[date, set[str]] = defaultdict(set)
        hourly = [[0] * 24 for _ in range(7)]
        totals = [0, 0, 0, 0, 0]
        people: set[str] = set()
        cache: dict[int, datetime] = {}
        for row in rows:
            if not row.messages:
                continue
            local = cache.get(row.hour)
            if local is None:
                local = cache[row.hour] = datetime.fromtimestamp(row.hour * 3600, window.tz)
            day = local.date()
            day_messages[day] += row.messages
            day_people[day].add(row.person)
            if day >= shown_from:
                hourly[local.weekday()][local.hour] += row.messages
                people.add(row.person)
                totals[0] += row.messages
                totals[1] += row.chars
                totals[2] += row.links
                totals[3] += row.replies
                totals[4] += row.commands
        joins: dict[date, int] = defaultdict(int)
        leaves: dict[date, int] = defaultdict(int)
        for m in members:
            day = datetime.fromtimestamp(m.at, window.tz).date()
            (joins if m.kind == "join" else leaves)[day] += 1
        series = [
            DayPoint(
                day,
                len(day_people[day]),
                day_messages[day],
                joins[day],
                leaves[day],
            )
            for day in (window.first_day + timedelta(days=i) for i in range(span))
        ]
        daily = series[-days:]
        age = (
            (window.today - _local_day(first_seen, window.tz)).days if first_seen is not None else 0
        )
        lang = locale or self._app.group_locale(anchor)
        stage = self._label("stage", rules.stage(series, age), lang)
        kind = self._label("kind", rules.kind(daily, rules.Totals(*totals)), lang)
        shown_members = [m for m in members if m.at >= shown_start]
        return Health(
            scope=scope,
            groups=tuple(groups),
            days=days,
            timezone=window.tz.key,
            daily=daily,
            retention=_retention(shown_members, members, window.now),
            hourly=hourly,
            participation=_participation(use_rows, post_rows),
            stage=stage,
            kind=kind,
            members=len(people),
            messages=totals[0],
        )


def _days(days: int) -> int:
    return max(1, min(MAX_DAYS, int(days)))


def _local_day(hour: int, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(hour * 3600, tz).date()


def _say(t: Callable[..., str], locale: str, reason: Reason) -> str:
    return t(NAMESPACE, locale, reason.key, **reason.values)


def _retention(
    newcomers: Sequence[queries.Membership], members: Sequence[queries.Membership], now: float
) -> Retention:
    """Share of people who joined in the window and had not left N days later, among
    those who joined at least N days ago."""
    joined: dict[str, float] = {}
    for m in newcomers:
        if m.kind == "join":
            joined.setdefault(m.person, m.at)
    leaves: dict[str, list[float]] = defaultdict(list)
    for m in members:
        if m.kind == "leave":
            leaves[m.person].append(m.at)
    shares: list[float | None] = []
    for n in RETENTION_DAYS:
        eligible = [(p, at) for p, at in joined.items() if at + n * DAY <= now]
        if not eligible:
            shares.append(None)
            continue
        kept = sum(
            1 for p, at in eligible if not any(at < left <= at + n * DAY for left in leaves[p])
        )
        shares.append(kept / len(eligible))
    return Retention(len(joined), shares[0], shares[1], shares[2])


def _participation(
    use_rows: Sequence[tuple[str, str, int]], post_rows: Sequence[tuple[str, str, int]]
) -> list[Participation]:
    people: dict[str, set[str]] = defaultdict(set)
    used: dict[str, int] = defaultdict(int)
    posted: dict[str, int] = defaultdict(int)
    for activity, person, count in use_rows:
        people[activity].add(person)
        used[activity] += count
    for plugin, person, count in post_rows:
        if not plugin or plugin == "core":
            continue
        people[plugin].add(person)
        posted[plugin] += count
    names = list(CORE_ACTIVITIES) + sorted(set(people) - set(CORE_ACTIVITIES))
    return [Participation(n, len(people[n]), used[n], posted[n]) for n in names]
