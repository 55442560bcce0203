"""Scenes stored as JSON, so a draw can be announced where the lottery was created, even by a
scheduled job after a restart."""

from __future__ import annotations

import json

from shequn import Scene, scene_from_dict, scene_to_dict


def scene_to_json(scene: Scene) -> str:
    return json.dumps(scene_to_dict(scene), ensure_ascii=False)


def scene_from_json(text: str) -> Scene:
    return scene_from_dict(json.loads(text))
