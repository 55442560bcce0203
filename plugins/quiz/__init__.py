"""Knowledge quiz (知识问答竞赛): rounds of questions with a time limit, hints, buttons for
choices, points for the first correct answer, prizes and a season leaderboard.

Question banks come from CSV, JSON or YAML (``shequn quiz import FILE`` or ``/quiz import``
in chat); a starter bank in English and Chinese ships in ``data/``.
"""

from . import answers, commands, manage, panels, play, starter  # noqa: F401  (registers handlers)
from .declaration import QuizConfig, plugin

__all__ = ["QuizConfig", "plugin"]
