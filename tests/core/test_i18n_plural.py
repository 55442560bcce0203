"""Plural messages follow CLDR's rules per language; durations read as words."""

from __future__ import annotations

from shequn import format_duration
from shequn.internal.i18n import Translator


def catalogue() -> Translator:
    translator = Translator()
    translator.add("demo", "en", {"members": {"one": "{count} member", "other": "{count} members"}})
    translator.add("demo", "zh-CN", {"members": {"other": "{count} 名成员"}})
    return translator


def test_english_has_one_and_other() -> None:
    t = catalogue()
    assert t.translate("demo", "en", "members", count=1) == "1 member"
    assert t.translate("demo", "en", "members", count=2) == "2 members"
    assert t.translate("demo", "en", "members", count=0) == "0 members"


def test_chinese_has_only_other_and_missing_locale_falls_back() -> None:
    t = catalogue()
    assert t.translate("demo", "zh-CN", "members", count=1) == "1 名成员"
    t.add("demo", "en", {"uses": {"by": "n", "one": "{n} use", "other": "{n} uses"}})
    assert t.translate("demo", "zh-CN", "uses", n=1) == "1 use"  # English rule for English text


def test_durations_are_exact_and_localised() -> None:
    assert format_duration(900, "en") == "15 minutes"
    assert format_duration(5400, "en") == "1 hour, 30 minutes"
    assert format_duration(900, "zh-CN") == "15分钟"
    assert format_duration(86_400, "zh-CN") == "1天"
