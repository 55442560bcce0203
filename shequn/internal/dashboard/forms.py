"""Forms generated from a plugin's pydantic config model, and submissions parsed back.

The model stays the only judge: the form only chooses a widget per field and turns the
submitted text into the shape the model expects; validation errors come from the model.
"""

from __future__ import annotations

import json
import types
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

MAX_FIELD_CHARS = 10_000


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    widget: Literal["bool", "number", "choice", "text", "json"]
    value: str
    """The current value as the form shows it."""
    choices: tuple[str, ...] = ()
    optional: bool = False
    overridden: bool = False
    help: str = ""
    step: str = "1"


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """``X | None`` -> (X, True)."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        optional = len(args) < len(get_args(annotation))
        if len(args) == 1:
            return args[0], optional
        return annotation, optional
    return annotation, False


def _widget(annotation: Any) -> tuple[str, tuple[str, ...], str]:
    if annotation is bool:
        return "bool", ("true", "false"), "1"
    if annotation is int:
        return "number", (), "1"
    if annotation is float:
        return "number", (), "any"
    if get_origin(annotation) is Literal:
        return "choice", tuple(str(a) for a in get_args(annotation)), "1"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "choice", tuple(str(m.value) for m in annotation), "1"
    if annotation is str:
        return "text", (), "1"
    return "json", (), "1"


def _shown(widget: str, value: Any) -> str:
    if value is None:
        return ""
    if widget == "bool":
        return "true" if value else "false"
    if widget == "json":
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def form_fields(config: BaseModel, overridden: set[str]) -> list[FormField]:
    """One field per entry of the model, showing the group's current values."""
    dumped = config.model_dump(mode="json")
    fields: list[FormField] = []
    info: FieldInfo
    for name, info in type(config).model_fields.items():
        annotation, optional = _unwrap(info.annotation)
        widget, choices, step = _widget(annotation)
        fields.append(
            FormField(
                name=name,
                widget=widget,  # type: ignore[arg-type]
                value=_shown(widget, dumped.get(name)),
                choices=choices,
                optional=optional,
                overridden=name in overridden,
                help=(info.description or "")[:300],
                step=step,
            )
        )
    return fields


class FormErrors(Exception):
    """Field -> message, for showing next to each input."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def parse_submission(
    model: type[BaseModel], submitted: dict[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """(values to set, fields to reset to their default). An empty field resets it.

    Raises :class:`FormErrors` for text that cannot even be read (JSON fields)."""
    values: dict[str, Any] = {}
    reset: list[str] = []
    errors: dict[str, str] = {}
    for name, info in model.model_fields.items():
        if name not in submitted:
            continue
        raw = submitted[name]
        if len(raw) > MAX_FIELD_CHARS:
            errors[name] = f"longer than {MAX_FIELD_CHARS} characters"
            continue
        annotation, _ = _unwrap(info.annotation)
        widget, _, _ = _widget(annotation)
        if raw.strip() == "" and widget != "text":
            reset.append(name)
        elif widget == "bool":
            values[name] = raw == "true"
        elif widget == "json":
            try:
                values[name] = json.loads(raw)
            except json.JSONDecodeError as error:
                errors[name] = f"not valid JSON ({error.msg})"
        else:
            values[name] = raw.strip() if widget == "number" else raw
    if errors:
        raise FormErrors(errors)
    return values, reset


def validation_messages(error: ValidationError) -> dict[str, str]:
    """The model's complaints, by field."""
    messages: dict[str, str] = {}
    for item in error.errors():
        location = item.get("loc") or ("",)
        messages.setdefault(str(location[0]), str(item.get("msg", "invalid")))
    return messages
