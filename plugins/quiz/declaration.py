"""The ``quiz`` plugin object and its per-group settings (``/config quiz KEY VALUE``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from shequn import Plugin


class QuizConfig(BaseModel):
    questions_per_round: int = Field(default=5, ge=1, le=50)
    """Questions in a round when ``/quiz start`` names no count."""
    max_questions: int = Field(default=20, ge=1, le=100)
    """Most questions one round may have."""
    time_limit: int = Field(default=30, ge=5, le=3600)
    """Seconds to answer each question; then the answer is revealed."""
    hint_after: int = Field(default=15, ge=0, le=3600)
    """Seconds after which a question's hint is shown (0: never)."""
    language: str = Field(default="", max_length=10)
    """Language of the questions asked here (``en``, ``zh-CN``); empty: the group's own;
    ``any``: every language."""
    points_per_correct: int = Field(default=5, ge=0, le=10_000)
    """Points for each first correct answer."""
    prizes: list[int] = Field(default_factory=lambda: [30, 20, 10], max_length=10)
    """Extra points for the round's best: first, second, third... (``30,20,10``). Only rounds
    that run to the end pay prizes, and only to members who scored."""
    min_players: int = Field(default=2, ge=1, le=100)
    """Prizes are paid only when at least this many people took part in the round (answered
    a choice or scored): one member alone cannot farm them."""
    daily_prize_cap: int = Field(default=50, ge=0, le=1_000_000)
    """Most quiz points (question points and prizes) one member can win per day in the
    community (0: no cap)."""
    season: Literal["month", "quarter", "year"] = "month"
    """How long a season of the leaderboard lasts."""
    leaderboard_size: int = Field(default=10, ge=1, le=50)
    """How many members ``/quiz rank`` lists."""
    start_permission: Literal["member", "admin"] = "member"
    """Who may start and stop rounds."""

    @field_validator("prizes", mode="before")
    @classmethod
    def _parse_prizes(cls, value: Any) -> Any:
        """Accept ``30,20,10`` (or ``30，20，10``) as well as a list."""
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace("，", ",").split(",")]
            return [p for p in parts if p]
        return value

    @field_validator("prizes")
    @classmethod
    def _prizes_in_range(cls, value: list[int]) -> list[int]:
        if any(p < 0 or p > 100_000 for p in value):
            raise ValueError("prizes must be between 0 and 100000 points")
        return value


plugin = Plugin("quiz", title="知识问答 · Quiz", config=QuizConfig)
