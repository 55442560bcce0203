"""Test harness for plugin authors: a real app on a temporary SQLite file, a simulated
platform and a clock you move by hand.

    async def test_signin(make_bot):
        bot = await make_bot(plugin)
        assert "+10" in await bot.say("/signin")

The ``make_bot`` fixture comes with Shequn's pytest plugin (installed with Shequn).
"""

from shequn.testing.harness import Harness
from shequn.testing.schema import schema_differences
from shequn.testing.timer import VirtualTimer

__all__ = ["Harness", "VirtualTimer", "schema_differences"]
