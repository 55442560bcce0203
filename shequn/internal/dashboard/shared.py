"""A community's shared settings: one config form per plugin for all of its groups.

The form is the per-group form (:func:`forms.form_fields`) of every group, folded into one:
a field where all groups show the same value shows it; a field where they differ shows
empty and is marked as differing. Each input carries the value it showed (``was.<field>``)
and only the fields the admin changed are applied, so an untouched differing field keeps
each group's own value. The change is validated by the plugin's model in every group and
stored in all groups or none (``GroupSettings.set_many_groups``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from shequn.internal.dashboard.forms import FormField, form_fields, parse_submission

if TYPE_CHECKING:
    from shequn.internal.app import App
    from shequn.internal.plugin import Plugin

WAS = "was."
"""Prefix of the hidden inputs holding the value each field showed."""


@dataclass(frozen=True, slots=True)
class SharedField:
    field: FormField
    """As the form shows it: the common value, or empty when the groups differ."""
    agree: bool
    """Every group has the same value."""
    values: int
    """How many different values the groups have."""
    overridden_in: int
    """In how many groups the field is set for that group."""


def shared_fields(app: App, plugin: Plugin, group_keys: tuple[str, ...]) -> list[SharedField]:
    """The community form of ``plugin``: one entry per field of its config model."""
    if not group_keys:
        return []
    per_group = [
        form_fields(
            app.group_settings.config(plugin, key),
            set(app.group_settings.overrides(plugin, key)),
        )
        for key in group_keys
    ]
    result: list[SharedField] = []
    for column in zip(*per_group, strict=True):
        first = column[0]
        shown = {f.value for f in column}
        overridden = sum(f.overridden for f in column)
        agree = len(shown) == 1
        field = replace(first, overridden=overridden > 0, value=first.value if agree else "")
        result.append(SharedField(field, agree, len(shown), overridden))
    return result


def changes(model: type[BaseModel], submitted: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """(values to set, fields to reset) from the fields whose submitted value differs from
    the one the form showed; a field submitted without ``was.`` counts as changed.

    Raises ``FormErrors`` like :func:`forms.parse_submission`."""
    changed = {
        name: submitted[name]
        for name in model.model_fields
        if name in submitted and submitted[name] != submitted.get(WAS + name)
    }
    return parse_submission(model, changed)
