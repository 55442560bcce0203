"""Scenes stored as JSON, so a draw can be announced where the lottery was created, even by a
scheduled job after a restart."""

from __future__ import annotations

import json
from typing import Any

from shequn import Scene, SceneKind


def scene_to_json(scene: Scene) -> str:
    return json.dumps(_to_dict(scene), ensure_ascii=False)


def scene_from_json(text: str) -> Scene:
    return _from_dict(json.loads(text))


def _to_dict(scene: Scene) -> dict[str, Any]:
    data: dict[str, Any] = {
        "platform": scene.platform,
        "kind": scene.kind.value,
        "id": scene.id,
        "name": scene.name,
    }
    if scene.parent is not None:
        data["parent"] = _to_dict(scene.parent)
    return data


def _from_dict(data: dict[str, Any]) -> Scene:
    parent = data.get("parent")
    return Scene(
        platform=str(data["platform"]),
        kind=SceneKind(data["kind"]),
        id=str(data["id"]),
        name=str(data.get("name", "")),
        parent=_from_dict(parent) if isinstance(parent, dict) else None,
    )
