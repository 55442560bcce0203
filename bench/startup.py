"""Start-up time: ``python bot.py`` with every plugin, from launch until it answered.

    python bench/startup.py [--runs 5]

Each run starts a new process (the console adapter, every plugin in ``plugins/``) that
reads ``/help`` from a pipe, answers it and exits at the end of its
input. Timed: launch to exit, on a fresh SQLite database (all migrations run) and on an
existing one (nothing to migrate), plus the import of the package alone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_bot(config: Path) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEQUN_")}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "bot.py", "--config", str(config)],
        cwd=ROOT,
        input=b"/help\n",
        capture_output=True,
        env=env,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or not done.stdout.strip():
        raise SystemExit(f"bot.py failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return elapsed


def run_import() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import shequn"], cwd=ROOT, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.2f}, cores: {os.cpu_count()}", flush=True)
    plugins = sorted(p.name for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").is_file())
    fresh: list[float] = []
    warm: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(options.runs):
            config = Path(tmp) / f"bot{n}.toml"
            config.write_text(
                f'[database]\nurl = "sqlite+aiosqlite:///{Path(tmp) / f"bot{n}.db"}"\n',
                encoding="utf-8",
            )
            fresh.append(run_bot(config))
            warm.append(run_bot(config))
    imports = [run_import() for _ in range(options.runs)]
    print(f"plugins: {len(plugins)} ({', '.join(plugins)})")
    print(f"python -c 'import shequn':                 median {statistics.median(imports):.2f} s")
    print(f"bot.py, fresh database (all migrations):  median {statistics.median(fresh):.2f} s")
    print(f"bot.py, existing database:                 median {statistics.median(warm):.2f} s")
    print("  (launch to exit: start, answer /help on the console, stop)")


if __name__ == "__main__":
    main()
