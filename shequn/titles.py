"""Member titles for plugins: ``ctx.app.titles`` (:class:`Titles`) grants, revokes and reads
them; welcomes and leaderboards show :meth:`Titles.active_titles` next to names."""

from shequn.internal.titles import MAX_TITLE_LENGTH, Title, TitleError, Titles, clean_title

__all__ = ["MAX_TITLE_LENGTH", "Title", "TitleError", "Titles", "clean_title"]
