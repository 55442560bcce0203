"""A real community for the journey tests: every built-in plugin at its defaults, welcome on
(as the README recommends for a real group), on a simulated platform with or without
buttons and mute, in English or Simplified Chinese.

A journey reads what the bot sent at each step through :class:`Community`: who saw each
message (the group, or one person in private) and whether it says what the plugin's own
translation says, with the figures that matter filled in, so wording tweaks in the locale
files do not break the stories."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from shequn import Capabilities, Plugin, SceneKind
from shequn.internal.loader import discover
from shequn.internal.simulation import Sent
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
"""A Monday morning, 10:00 in the default time zone of the groups (Asia/Shanghai)."""
RULES = "Be kind. No ads."


@dataclass(frozen=True)
class Setting:
    """One simulated platform and group language a journey is played on."""

    buttons: bool
    mute: bool
    locale: str

    @property
    def id(self) -> str:
        return "-".join(
            (
                "buttons" if self.buttons else "numbers",
                "mute" if self.mute else "no-mute",
                self.locale,
            )
        )

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            buttons=self.buttons,
            mentions=True,
            replies=True,
            delete=True,
            kick=True,
            mute=self.mute,
        )


SETTINGS = [
    Setting(buttons=True, mute=True, locale="en"),  # Telegram, Discord
    Setting(buttons=False, mute=False, locale="zh-CN"),  # WeChat bridges
    Setting(buttons=False, mute=True, locale="en"),  # QQ
    Setting(buttons=True, mute=False, locale="zh-CN"),
]


def builtin_plugins() -> list[Plugin]:
    plugins = [found.plugin for found in discover([ROOT / "plugins"])]
    assert len(plugins) >= 20
    return plugins


class Community:
    """The group of a journey and what its people see."""

    def __init__(self, bot: Harness, setting: Setting) -> None:
        self.bot = bot
        self.setting = setting
        self._mark = len(bot.sent)

    # -- reading what was sent -----------------------------------------------------------

    def seen(self) -> list[Sent]:
        """What the bot sent since the last call (one step of the story)."""
        fresh = self.bot.sent[self._mark :]
        self._mark = len(self.bot.sent)
        return fresh

    def in_group(self, sent: list[Sent]) -> list[str]:
        """The texts of ``sent``, checking everyone saw them in the group (none in private)."""
        where = [(s.scene.kind, s.scene.id) for s in sent]
        assert all(w == (SceneKind.GROUP, self.bot.group) for w in where), where
        return [s.text for s in sent]

    def public(self) -> list[str]:
        """The group's messages of this step; anything private went to the admin only (the
        community's statistics, reported by the clock)."""
        step = self.seen()
        private = {s.scene.id for s in step if s.scene.kind is SceneKind.PRIVATE}
        assert private <= {"private:admin"}, private
        return self.in_group([s for s in step if s.scene.kind is SceneKind.GROUP])

    def pattern(self, namespace: str, key: str, /, **known: Any) -> re.Pattern[str]:
        """The translation of ``key`` in the group's language as a pattern: the ``known``
        values must appear as given, any other placeholder matches anything."""
        template = self.bot.app.translator.lookup(namespace, self.setting.locale, key)
        assert template is not None, f"{namespace}:{key}"
        parts: list[str] = []
        for literal, field, _spec, _conv in string.Formatter().parse(template):
            parts.append(re.escape(literal))
            if field is not None:
                value = known.get(field)
                parts.append(".+?" if value is None else re.escape(str(value)))
        return re.compile("".join(parts))

    def says(self, text: str, namespace: str, key: str, /, **known: Any) -> bool:
        return self.pattern(namespace, key, **known).search(text) is not None

    def only_in_group(self, namespace: str, key: str, /, **known: Any) -> str:
        """The one message of this step: sent to the group, saying ``key``."""
        texts = self.in_group(self.seen())
        assert len(texts) == 1, texts
        assert self.says(texts[0], namespace, key, **known), (texts[0], key, known)
        return texts[0]

    def nothing(self) -> None:
        assert self.seen() == []

    # -- acting ----------------------------------------------------------------------------

    async def choose(self, index: int, *, user: str) -> None:
        """``user`` picks option ``index`` (from 0) of the bot's latest prompt with options:
        presses its button where the platform has buttons, else sends its number."""
        if self.setting.buttons:
            prompt = next(s for s in reversed(self.bot.sent) if s.message.buttons is not None)
            buttons = prompt.message.buttons
            assert buttons is not None
            await self.bot.press(buttons.flat()[index].data, user=user)
        else:
            await self.bot.say(str(index + 1), user=user)

    def is_muted(self, user: str) -> bool:
        return self.bot.platform.is_muted(user, self.bot.group)


@pytest.fixture(params=SETTINGS, ids=lambda setting: setting.id)
def setting(request: pytest.FixtureRequest) -> Setting:
    value: Setting = request.param
    return value


@pytest_asyncio.fixture
async def community(make_bot: MakeBot, setting: Setting) -> Community:
    """Every plugin at its defaults, welcome on, the group's language and rules set."""
    bot = await make_bot(
        *builtin_plugins(), start=START, capabilities=setting.capabilities, enforce_mutes=True
    )
    bot.make_admin("admin")
    await bot.app.group_settings.set_enabled(bot.app.plugins["welcome"], "test:group", True)
    await bot.say(f"/config core locale {setting.locale}", user="admin")
    await bot.say(f"/config welcome rules {RULES}", user="admin")
    return Community(bot, setting)
