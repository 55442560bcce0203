"""The one place that runs a bot: settings, logging, plugins, adapters, start, stop.

``python bot.py`` and ``shequn run`` both end up in :func:`run`. It imports an adapter
package (``adapters.<name>``) only when it looks for configured platforms or that adapter is
selected, and the platform library only when the adapter is created, so the console starts
without ever loading aiogram, discord.py or nonebot.

The bot runs until the first adapter finishes (the console at the end of its input) or a
signal arrives; then every adapter is stopped and the database closed.

Exit codes: 0 when the adapters finished (end of input, ``:quit``) or on SIGTERM, 1 when an
adapter or the start-up failed, 2 for a problem in the configuration or the command line,
130 after Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import importlib
import logging
import os
import pkgutil
import signal
import sys
import threading
import tomllib
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, cast

from pydantic import ValidationError
from pydantic_settings import SettingsError

from shequn.internal.adapter import Adapter
from shequn.internal.app import App
from shequn.internal.clock import Clock, SimulatedClock, SystemClock
from shequn.internal.config import DEFAULT_CONFIG_PATH, Settings, load_settings
from shequn.internal.loader import Found, discover

log = logging.getLogger("shequn.runtime")

ADAPTERS_PACKAGE = "adapters"
FALLBACK_ADAPTER = "console"
"""Started when no adapter is listed and no platform is configured."""
ENV_PREFIX = "SHEQUN_"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_INTERRUPTED = 130


class StartupError(Exception):
    """Something the person starting the bot must fix; shown as one line, exit code 2."""


# -- settings and logging ------------------------------------------------------------------


def read_settings(config: Path | None = None) -> Settings:
    """``config`` (or ``config/shequn.toml`` when present) overlaid by ``SHEQUN_*`` variables."""
    if config is not None and not config.is_file():
        raise StartupError(f"no configuration file at {config}")
    try:
        return load_settings(config)
    except tomllib.TOMLDecodeError as error:
        raise StartupError(f"{config or DEFAULT_CONFIG_PATH} is not valid TOML: {error}") from None
    except SettingsError as error:  # an environment variable that does not parse
        raise StartupError(f'{error} (lists are written as JSON: \'["a", "b"]\')') from None
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in error.errors()
        )
        raise StartupError(f"invalid settings: {problems}") from None


def log_level(settings: Settings, override: str | None, adapters: Sequence[str]) -> int:
    """``--log-level``, else ``SHEQUN_LOG_LEVEL``, else ``log_level`` in the file; by default
    quiet (warnings) on the console, where logs would drown the conversation, else info."""
    name = override or settings.log_level
    if not name:
        return logging.WARNING if list(adapters) == [FALLBACK_ADAPTER] else logging.INFO
    level = logging.getLevelName(str(name).upper())
    if not isinstance(level, int):
        raise StartupError(f"unknown log level {name!r} (use DEBUG, INFO, WARNING or ERROR)")
    return level


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (tests and runners replace it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def setup_logging(level: int) -> None:
    """Logs go to stderr only, so stdout carries nothing but the bot's conversation."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _StderrHandler):
            root.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)


# -- plugins -------------------------------------------------------------------------------


def find_plugins(settings: Settings) -> list[Found]:
    """The plugins of the plugin folders and entry points, minus ``disabled_plugins``; plus
    the built-in dashboard when ``[web] dashboard`` is on."""
    found = discover(settings.plugin_dirs, settings.disabled_plugins)
    if settings.web.dashboard:
        from shequn.internal.dashboard import dashboard_plugin

        found.append(Found(dashboard_plugin, "built in"))
    return found


def load_plugins(app: App, found: Sequence[Found]) -> None:
    for item in found:
        try:
            app.load_plugin(item.plugin)
        except Exception:
            log.exception("could not load plugin %s from %s", item.plugin.name, item.source)


# -- adapters ------------------------------------------------------------------------------


def available_adapters() -> list[str]:
    """Adapter packages that exist, found without importing them."""
    try:
        package = importlib.import_module(ADAPTERS_PACKAGE)
    except ImportError:
        return []
    return sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.ispkg)


def import_adapter(name: str) -> ModuleType:
    """``adapters.<name>``: light by contract, its platform library is loaded by ``create``."""
    known = available_adapters()
    if not name.isidentifier() or name not in known:
        raise StartupError(f"unknown adapter {name!r}; available: {', '.join(known) or 'none'}")
    module = importlib.import_module(f"{ADAPTERS_PACKAGE}.{name}")
    if not callable(getattr(module, "create", None)):
        raise StartupError(f"adapter {name!r} has no create(app) function")
    return module


def is_configured(module: ModuleType, name: str, settings: Settings) -> bool:
    check = getattr(module, "configured", None)
    if callable(check):
        return bool(check(settings))
    prefix = f"{ENV_PREFIX}{name.upper()}__"
    return settings.section(name) is not None or any(k.startswith(prefix) for k in os.environ)


def select_adapters(settings: Settings) -> list[tuple[str, ModuleType]]:
    """``adapters`` from the settings; else every configured platform; else the console."""
    if settings.adapters:
        chosen: list[tuple[str, ModuleType]] = []
        for name in dict.fromkeys(settings.adapters):
            module = import_adapter(name)
            if not is_configured(module, name, settings):
                raise StartupError(
                    f"adapter {name!r} is selected but not configured: add a [{name}] section "
                    f"to the configuration or set {ENV_PREFIX}{name.upper()}__* variables"
                )
            chosen.append((name, module))
        return chosen
    configured = []
    for name in available_adapters():
        if name == FALLBACK_ADAPTER:
            continue
        module = import_adapter(name)
        if is_configured(module, name, settings):
            configured.append((name, module))
    return configured or [(FALLBACK_ADAPTER, import_adapter(FALLBACK_ADAPTER))]


def choose_clock(modules: Sequence[ModuleType]) -> Clock:
    """A clock the console can move when a selected adapter asks for one."""
    if any(getattr(m, "simulated_clock", False) for m in modules):
        return SimulatedClock()
    return SystemClock()


@contextlib.asynccontextmanager
async def open_app(settings: Settings) -> AsyncIterator[App]:
    """A started app with its plugins and no adapter: for CLI commands and maintenance.

    Due jobs and plugin start hooks do not run here (they would try to talk through
    adapters that are not there); the bot runs them when it starts.
    """
    app = App(settings)
    load_plugins(app, find_plugins(settings))
    await app.start(serve=False)
    try:
        yield app
    finally:
        await app.stop()


# -- running -------------------------------------------------------------------------------


async def serve(settings: Settings, selected: Sequence[tuple[str, ModuleType]]) -> int:
    """Build the app, run its adapters until one finishes or a signal arrives, stop it."""
    modules = [module for _, module in selected]
    try:
        app = App(settings, clock=choose_clock(modules))
    except ValueError as error:  # an unusable database URL
        raise StartupError(str(error)) from None
    stop = asyncio.Event()
    received: list[int] = []

    def on_signal(number: int) -> None:
        received.append(number)
        stop.set()

    installed = _install_signals(on_signal)
    tasks: list[asyncio.Task[None]] = []
    try:
        load_plugins(app, find_plugins(settings))
        for name, module in selected:
            try:
                app.add_adapter(cast(Callable[[App], Adapter], module.create)(app))
            except Exception:
                log.exception("adapter %s could not be created", name)
                return EXIT_FAILED
            log.info("adapter %s ready", name)
        try:
            await app.start()
        except Exception:
            log.exception("the bot could not start")
            return EXIT_FAILED
        settle_heap()
        if any(not getattr(m, "simulated_clock", False) for m in modules):
            app.start_background()
        app.start_web()
        tasks = [
            asyncio.create_task(adapter.run(), name=f"adapter-{platform}")
            for platform, adapter in app.adapters.items()
        ]
        stopper = asyncio.create_task(stop.wait(), name="shequn-signals")
        done, _ = await asyncio.wait([*tasks, stopper], return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        code = EXIT_OK
        for task in tasks:
            if task in done and not task.cancelled() and task.exception() is not None:
                log.error("adapter stopped by an error", exc_info=task.exception())
                code = EXIT_FAILED
        if received and received[0] == signal.SIGINT:
            code = EXIT_INTERRUPTED
        return code
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        _remove_signals(installed)
        _exit_watchdog(SHUTDOWN_SECONDS)
        await app.stop()


SHUTDOWN_SECONDS = 45.0


def settle_heap() -> None:
    """Leave what start-up built (modules, plugins, metadata, caches) out of every later
    garbage collection.

    Why: a full collection walks every tracked object; with start-up's hundreds of
    thousands of them it paused the loop for 70-110 ms every few seconds at 1,000 sign-ins/s
    (the sign-in p99). Frozen objects are still freed by reference counting; only garbage
    cycles made before this point would stay, so it collects first.
    """
    gc.collect()
    gc.freeze()


def _exit_watchdog(seconds: float) -> None:
    """End the process if stopping (including the interpreter's own exit) hangs: a stop
    request must always stop the bot. Every write was committed before this point."""

    def expire() -> None:
        log.error("shutdown did not finish within %.0fs; exiting", seconds)
        logging.shutdown()
        os._exit(EXIT_FAILED)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()


def _install_signals(callback: Callable[[int], None]) -> list[int]:
    loop = asyncio.get_running_loop()
    installed: list[int] = []
    for number in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(number, callback, number)
        except (NotImplementedError, RuntimeError, ValueError):  # not on this platform
            continue
        installed.append(number)
    return installed


def _remove_signals(installed: Sequence[int]) -> None:
    loop = asyncio.get_running_loop()
    for number in installed:
        loop.remove_signal_handler(number)


def run(config: Path | None = None, *, log_level_name: str | None = None) -> int:
    """Run the bot described by ``config`` and the environment; the process's exit code."""
    try:
        settings = read_settings(config)
        selected = select_adapters(settings)
        setup_logging(log_level(settings, log_level_name, [name for name, _ in selected]))
        return asyncio.run(serve(settings, selected))
    except StartupError as error:
        print(f"shequn: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def main(argv: Sequence[str] | None = None) -> int:
    """``python bot.py [--config PATH] [--log-level LEVEL]``."""
    parser = argparse.ArgumentParser(
        prog="bot.py",
        description="Run the Shequn bot: the configured platforms, else the console.",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help=f"settings file (default: {DEFAULT_CONFIG_PATH} when it exists)",
    )
    parser.add_argument(
        "--log-level", default=None, help="DEBUG, INFO, WARNING or ERROR (logs go to stderr)"
    )
    options = parser.parse_args(argv)
    return run(options.config, log_level_name=options.log_level)
