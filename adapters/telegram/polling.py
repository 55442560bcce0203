"""Long polling: ``getUpdates`` in a loop, each update handed on as raw JSON.

The updates are read as plain JSON rather than aiogram's ``Update`` list, so that one
malformed update cannot fail the whole batch: the offset still moves past it and the handler
validates (and, if need be, skips) each one on its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod

log = logging.getLogger("shequn.telegram.polling")

ALLOWED_UPDATES = ["message", "callback_query", "chat_member", "chat_join_request"]
"""``chat_member`` must be asked for by name; Telegram leaves it out by default."""
ERROR_PAUSE = 5.0


class RawUpdates(TelegramMethod[list[Any]]):
    """``getUpdates`` read as plain JSON."""

    __returning__ = list[Any]
    __api_method__ = "getUpdates"

    offset: int | None = None
    timeout: int | None = None
    allowed_updates: list[str] | None = None


def next_offset(offset: int | None, raw: Any) -> int | None:
    """The offset that confirms ``raw`` (unchanged when it carries no usable id)."""
    update_id = raw.get("update_id") if isinstance(raw, dict) else None
    if isinstance(update_id, int) and not isinstance(update_id, bool):
        return max(offset or 0, update_id + 1)
    return offset


async def poll(
    bot: Bot,
    wait: int,
    handle: Callable[[Any], Awaitable[None]],
    stopped: asyncio.Event,
) -> None:
    """Fetch and hand on updates until ``stopped``; each request waits up to ``wait`` s.

    Errors are logged and waited out."""
    offset: int | None = None
    while not stopped.is_set():
        method = RawUpdates(offset=offset, timeout=wait, allowed_updates=ALLOWED_UPDATES)
        try:
            batch = await bot(method, request_timeout=wait + 15)
        except TelegramRetryAfter as error:
            await asyncio.sleep(error.retry_after)
            continue
        except (TelegramNetworkError, TelegramServerError, TelegramBadRequest) as error:
            log.warning("getUpdates failed (%s); trying again", error)
            await asyncio.sleep(ERROR_PAUSE)
            continue
        except (TelegramAPIError, ClientDecodeError) as error:  # e.g. a second instance
            log.error("getUpdates refused: %s", error)
            await asyncio.sleep(ERROR_PAUSE)
            continue
        for raw in batch:
            offset = next_offset(offset, raw)
            await handle(raw)
