"""What can still be read from an update aiogram cannot validate.

The Bot API grows and renames fields; one field of a shape aiogram does not expect (a wrong
type in an optional sub-object, an old client's leftover) fails the whole ``Update``. A
member's ``/signin`` should not be lost for that, so two steps follow a failed validation:

* :func:`fill` gives fields that older recordings lack (a 2017 photo's ``file_unique_id``, a
  2025 restricted member's ``can_react_to_messages``) a safe default: an id is the file id,
  a right or flag is False (not granted), a sticker is a regular one. Nothing is lost.
* :func:`minimal` rebuilds the update from the raw dict with only what Shequn reads: a
  message's ids, date, chat, sender, text or caption and their entities (every entity checked
  on its own) and forum topic; a callback query's id, sender, data and message; a member
  change's chat, sender, date, link and the two members' user, status and ``is_member``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from aiogram import types as tg
from pydantic import ValidationError

_MESSAGE_FIELDS = ("message_id", "date", "message_thread_id", "is_topic_message")
_CHAT_FIELDS = ("id", "type", "title", "username", "first_name", "last_name", "is_forum")
_USER_FIELDS = ("id", "is_bot", "first_name", "last_name", "username")
_QUERY_FIELDS = ("id", "chat_instance", "data", "inline_message_id")
_CHANGE_FIELDS = ("date", "via_join_request", "via_chat_folder_invite_link")
_MEMBER_FIELDS = ("status", "is_member", "until_date")

_FLAGS = frozenset({"is_animated", "is_video", "is_anonymous"})
"""Booleans whose absence means "no" (with every ``can_*`` right)."""
_ROUNDS = 4
"""A union member's errors show only once its sibling's are filled; a few rounds suffice."""

_UNSET = object()

T = TypeVar("T")


def _default(owner: str, field: str, container: Mapping[str, Any]) -> Any:
    """The safe value of ``field`` missing from ``container`` (found under key ``owner``),
    or ``_UNSET`` when none is known."""
    if field == "file_unique_id" and isinstance(container.get("file_id"), str):
        return container["file_id"]  # unique per file too; Shequn only sends by file_id
    if field.startswith("can_") or field in _FLAGS:
        return False
    if owner == "sticker" and field == "type":
        return "regular"
    return _UNSET


def _locate(root: Any, loc: tuple[int | str, ...]) -> tuple[str, dict[str, Any]] | None:
    """The dict holding the field ``loc`` ends with, and the key it sits under.

    Parts that are not keys of the data (pydantic's union tags, ``Message`` or
    ``restricted``) are stepped over."""
    node, owner = root, ""
    for part in loc[:-1]:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node, owner = node[part], part
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(part, int) or not isinstance(node, dict):
            return None
    return (owner, node) if isinstance(node, dict) else None


def _filled(raw: dict[str, Any], error: ValidationError) -> list[str]:
    """Fill, in place, what ``error`` says is missing and has a safe default; the paths."""
    done: list[str] = []
    for problem in error.errors():
        loc = tuple(problem["loc"])
        if problem["type"] != "missing" or not loc or not isinstance(loc[-1], str):
            continue
        found = _locate(raw, loc)
        if found is None or loc[-1] in found[1]:
            continue
        value = _default(found[0], loc[-1], found[1])
        if value is not _UNSET:
            found[1][loc[-1]] = value
            done.append(".".join(str(part) for part in loc))
    return done


def fill(
    raw: dict[str, Any], error: ValidationError, validate: Callable[[dict[str, Any]], T]
) -> tuple[T | None, list[str], ValidationError]:
    """``validate`` of a copy of ``raw`` with its missing fields given safe defaults.

    Returns the result (None when it still fails), the paths of the filled fields and the
    last error (what no default could mend, when the result is None)."""
    data = copy.deepcopy(raw)
    filled: list[str] = []
    for _ in range(_ROUNDS):
        more = _filled(data, error)
        if not more:
            break
        filled += more
        try:
            return validate(data), filled, error
        except ValidationError as again:
            error = again
    return None, filled, error


def _pick(raw: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: raw[name] for name in names if name in raw}


def _entities(raw: Any) -> list[Any]:
    """The entities that validate alone (a broken one is dropped, the others kept)."""
    kept: list[Any] = []
    for entity in raw if isinstance(raw, list) else ():
        try:
            tg.MessageEntity.model_validate(entity)
        except ValidationError:
            continue
        kept.append(entity)
    return kept


def _carrier(raw: Mapping[str, Any]) -> dict[str, Any] | None:
    """A message's ids, date, chat and sender (what a button press reads of it)."""
    chat, sender = raw.get("chat"), raw.get("from")
    if not isinstance(chat, Mapping):
        return None
    message = _pick(raw, _MESSAGE_FIELDS)
    message["chat"] = _pick(chat, _CHAT_FIELDS)
    if isinstance(sender, Mapping):
        message["from"] = _pick(sender, _USER_FIELDS)
    return message


def _message(raw: Mapping[str, Any]) -> dict[str, Any] | None:
    message = _carrier(raw)
    if message is None or "from" not in message:
        return None
    for text, entities in (("text", "entities"), ("caption", "caption_entities")):
        if isinstance(raw.get(text), str):
            message[text] = raw[text]
            message[entities] = _entities(raw.get(entities))
            return message
    return None


def _query(raw: Mapping[str, Any]) -> dict[str, Any] | None:
    sender, body = raw.get("from"), raw.get("message")
    if not isinstance(sender, Mapping):
        return None
    query = _pick(raw, _QUERY_FIELDS)
    query["from"] = _pick(sender, _USER_FIELDS)
    message = _carrier(body) if isinstance(body, Mapping) else None
    if message is not None:
        query["message"] = message
    return query


def _member(raw: Any) -> dict[str, Any] | None:
    user = raw.get("user") if isinstance(raw, Mapping) else None
    if not isinstance(raw, Mapping) or not isinstance(user, Mapping):
        return None
    member = _pick(raw, _MEMBER_FIELDS)
    member["user"] = _pick(user, _USER_FIELDS)
    return member


def _change(raw: Mapping[str, Any]) -> dict[str, Any] | None:
    chat, sender = raw.get("chat"), raw.get("from")
    old, new = _member(raw.get("old_chat_member")), _member(raw.get("new_chat_member"))
    if not isinstance(chat, Mapping) or not isinstance(sender, Mapping) or not (old and new):
        return None
    change = _pick(raw, _CHANGE_FIELDS)
    change.update(
        chat=_pick(chat, _CHAT_FIELDS),
        old_chat_member=old,
        new_chat_member=new,
    )
    change["from"] = _pick(sender, _USER_FIELDS)
    link = raw.get("invite_link")
    try:
        tg.ChatInviteLink.model_validate(link)
    except ValidationError:
        link = None
    if link is not None:
        change["invite_link"] = link
    return change


_REBUILD: dict[str, Callable[[Mapping[str, Any]], dict[str, Any] | None]] = {
    "message": _message,
    "callback_query": _query,
    "chat_member": _change,
}


def minimal(raw: Mapping[str, Any]) -> dict[str, Any] | None:
    """A smaller update carrying what Shequn reads of ``raw``'s message, callback query or
    member change; None when there is none of these, or too little of it."""
    for kind, rebuild in _REBUILD.items():
        body = raw.get(kind)
        if isinstance(body, Mapping):
            part = rebuild(body)
            return None if part is None else {"update_id": raw.get("update_id"), kind: part}
    return None


def where(error: ValidationError, limit: int = 5) -> str:
    """The failing fields, as ``message.link_preview_options.is_disabled`` paths."""
    paths = [".".join(str(part) for part in e["loc"]) for e in error.errors()[:limit]]
    return ", ".join(paths) or "?"
