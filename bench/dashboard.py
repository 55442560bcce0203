"""Dashboard page times with many groups: the overview (health of every group) and one
group page, served in process through httpx.

    python bench/dashboard.py [GROUPS] [MESSAGES_PER_GROUP]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from plugins.signin import plugin as signin
from shequn.internal.dashboard import dashboard_plugin
from shequn.testing.harness import Harness
from tests.dashboard.helpers import client, log_in, superuser_token


async def main(groups: int, messages: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bot = Harness(
            [dashboard_plugin, signin], Path(tmp) / "b.db", web={"dashboard": True, "port": 0}
        )
        await bot.start()
        try:
            for g in range(groups):
                for m in range(messages):
                    await bot.say(f"m{m}", user=f"u{m % 7}", group=f"g{g}")
            async with client(bot) as http:
                await log_in(http, token=await superuser_token(bot))
                for label, path in (
                    ("overview", "/admin/"),
                    ("group page", "/admin/g/" + quote("test:g0", safe="")),
                ):
                    runs = []
                    for _ in range(3):
                        started = time.perf_counter()
                        response = await http.get(path)
                        runs.append(time.perf_counter() - started)
                        assert response.status_code == 200
                    print(f"{label:<11} {groups} groups: best {min(runs) * 1000:.0f} ms")
        finally:
            await bot.close()


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:3]]
    asyncio.run(main(*(arguments + [200, 20][len(arguments) :])))
