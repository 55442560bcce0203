"""Quote archive (收录经典语录): reply to a message with ``/quote`` to keep it; members find
quotes at random, by member or by full-text search (Chinese included), and vote; a daily
review (精华回顾) and a weekly best-of post the best ones."""

from shequn import App
from shequn.internal import forget

from . import commands, digest, panels  # noqa: F401  (registers handlers)
from .declaration import QuotesConfig, plugin
from .search import install

# A member forgotten on request takes their archived words along (votes are anonymised).
forget.register("quotes_quote", "author", "delete")


@plugin.on_startup
async def _index(app: App) -> None:
    await install(app)


__all__ = ["QuotesConfig", "plugin"]
