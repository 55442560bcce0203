"""Per-group plugin switches and config overrides, persisted and cached in memory.

Config resolves in layers, lowest first: the plugin model's defaults, ``[plugin_defaults.X]``
from the config file, then the group's overrides set with ``/config``. The merged result is
validated by the plugin's model, so a handler always receives a valid, typed config.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, delete, select

from shequn.internal.config import parse_value
from shequn.internal.i18n import TranslatableError
from shequn.internal.models import GroupSetting, PluginSwitch
from shequn.internal.plugin import Plugin
from shequn.internal.state_sync import bump
from shequn.internal.storage.database import Database
from shequn.internal.storage.dialect import upsert

_switch = PluginSwitch.__table__  # type: ignore[attr-defined]
_setting = GroupSetting.__table__  # type: ignore[attr-defined]

CACHE = "settings"
"""The name under which changes are announced to other workers (see state_sync)."""


class ConfigError(TranslatableError):
    """An override that the plugin's config model rejects."""


class GroupRefused(Exception):
    """A change for several groups that the plugin's model refuses in ``group_key``."""

    def __init__(self, group_key: str, error: ValidationError) -> None:
        super().__init__(f"{group_key}: {error}")
        self.group_key = group_key
        self.error = error


def _write_overrides(
    conn: Connection, plugin: Plugin, group_key: str, data: dict[str, Any]
) -> None:
    keys = {"group_key": group_key, "plugin": plugin.name}
    if data:
        upsert(conn, _setting, keys, {"data": json.dumps(data, ensure_ascii=False)})
    else:
        conn.execute(
            delete(_setting).where(
                _setting.c.group_key == group_key, _setting.c.plugin == plugin.name
            )
        )


class GroupSettings:
    def __init__(self, db: Database, defaults: Mapping[str, Mapping[str, Any]]) -> None:
        self._db = db
        self._file_defaults = {k: dict(v) for k, v in defaults.items()}
        self._switches: dict[tuple[str, str], bool] = {}
        self._overrides: dict[tuple[str, str], dict[str, Any]] = {}
        self._resolved: dict[tuple[str, str], BaseModel] = {}

    async def load(self) -> None:
        def read(conn: Connection) -> tuple[list[Any], list[Any]]:
            return (
                list(conn.execute(select(_switch))),
                list(conn.execute(select(_setting))),
            )

        switches, settings = await self._db.read(read)
        self._switches = {(r.group_key, r.plugin): bool(r.enabled) for r in switches}
        self._overrides = {(r.group_key, r.plugin): json.loads(r.data) for r in settings}
        self._resolved.clear()

    # -- switches --------------------------------------------------------------------------

    def is_enabled(self, plugin: Plugin, group_key: str) -> bool:
        if not plugin.switchable:
            return True
        return self._switches.get((group_key, plugin.name), plugin.enabled_by_default)

    async def set_enabled(self, plugin: Plugin, group_key: str, enabled: bool) -> None:
        def write(conn: Connection) -> None:
            upsert(
                conn, _switch, {"group_key": group_key, "plugin": plugin.name}, {"enabled": enabled}
            )
            bump(conn, CACHE)

        await self._db.write(write)
        self._switches[(group_key, plugin.name)] = enabled

    # -- config ----------------------------------------------------------------------------

    def config(self, plugin: Plugin, group_key: str) -> BaseModel:
        """The validated config of ``plugin`` in ``group_key`` (cached until changed)."""
        key = (group_key, plugin.name)
        resolved = self._resolved.get(key)
        if resolved is None:
            data = {**self._file_defaults.get(plugin.name, {}), **self._overrides.get(key, {})}
            try:
                resolved = plugin.config.model_validate(data)
            except ValidationError:
                # A stored override became invalid (model changed): fall back to defaults.
                resolved = plugin.config.model_validate(self._file_defaults.get(plugin.name, {}))
            self._resolved[key] = resolved
        return resolved

    def overrides(self, plugin: Plugin, group_key: str) -> dict[str, Any]:
        return dict(self._overrides.get((group_key, plugin.name), {}))

    async def set_value(self, plugin: Plugin, group_key: str, field: str, raw: str) -> Any:
        """Validate ``field = raw`` with the plugin's model and store it for the group."""
        fields = plugin.config.model_fields
        if field not in fields:
            raise ConfigError("config.unknown_key", key=field, keys=", ".join(fields) or "-")
        current = self.overrides(plugin, group_key)
        base = {**self._file_defaults.get(plugin.name, {}), **current}
        model: BaseModel | None = None
        problem: Any = None
        parsed = parse_value(raw)
        for value in [parsed] if parsed == raw else [parsed, raw]:  # JSON first, then text
            try:
                model = plugin.config.model_validate({**base, field: value})
                break
            except ValidationError as exc:
                problem = problem or exc.errors()[0]
        if model is None:
            # ``kind`` and ``limits`` let the reply say it in the group's language; ``error``
            # is pydantic's English message for the kinds no translation covers.
            raise ConfigError(
                "config.invalid",
                key=field,
                value=raw,
                error=str(problem.get("msg", "invalid")),
                kind=str(problem.get("type", "")),
                limits=dict(problem.get("ctx") or {}),
            )
        value = getattr(model, field)
        current[field] = model.model_dump(mode="json")[field]
        await self._store(plugin, group_key, current)
        return value

    async def set_many(
        self, plugin: Plugin, group_key: str, values: Mapping[str, Any], reset: Iterable[str] = ()
    ) -> BaseModel:
        """Set several fields at once (a dashboard form), all or none: the merged result is
        validated by the plugin's model first (``ValidationError`` when it refuses), and the
        ``reset`` fields go back to their defaults."""
        current, model = self._merged(plugin, group_key, values, reset)
        await self._store(plugin, group_key, current)
        return model

    async def set_many_groups(
        self,
        plugin: Plugin,
        group_keys: Iterable[str],
        values: Mapping[str, Any],
        reset: Iterable[str] = (),
    ) -> None:
        """:meth:`set_many` in several groups at once, all groups or none: each group's
        merged result is validated first (:class:`GroupRefused` names the first group whose
        model refuses), then every group is written in one transaction."""
        reset = list(reset)
        merged: dict[str, dict[str, Any]] = {}
        for group_key in group_keys:
            try:
                merged[group_key], _ = self._merged(plugin, group_key, values, reset)
            except ValidationError as error:
                raise GroupRefused(group_key, error) from error

        def write(conn: Connection) -> None:
            for group_key, data in merged.items():
                _write_overrides(conn, plugin, group_key, data)
            bump(conn, CACHE)

        await self._db.write(write)
        for group_key, data in merged.items():
            self._overrides[(group_key, plugin.name)] = data
            self._resolved.pop((group_key, plugin.name), None)

    def _merged(
        self, plugin: Plugin, group_key: str, values: Mapping[str, Any], reset: Iterable[str]
    ) -> tuple[dict[str, Any], BaseModel]:
        """The group's overrides after the change, and the model validating them."""
        current = self.overrides(plugin, group_key)
        for field in reset:
            current.pop(field, None)
        base = {**self._file_defaults.get(plugin.name, {}), **current, **values}
        model = plugin.config.model_validate(base)
        dumped = model.model_dump(mode="json")
        current.update({field: dumped[field] for field in values})
        return current, model

    async def reset(self, plugin: Plugin, group_key: str, field: str | None = None) -> None:
        current = self.overrides(plugin, group_key)
        if field is None:
            current = {}
        else:
            current.pop(field, None)
        await self._store(plugin, group_key, current)

    async def _store(self, plugin: Plugin, group_key: str, data: dict[str, Any]) -> None:
        def write(conn: Connection) -> None:
            _write_overrides(conn, plugin, group_key, data)
            bump(conn, CACHE)

        await self._db.write(write)
        self._overrides[(group_key, plugin.name)] = data
        self._resolved.pop((group_key, plugin.name), None)
