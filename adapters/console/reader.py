"""Reading stdin without blocking the event loop, one line at a time and only when asked.

A daemon thread does the reading, so other adapters keep running while the console waits
and Ctrl-C never waits for a pending read. At a terminal it uses ``input()`` (line editing
and history through ``readline``); otherwise it reads the file descriptor directly, so a
stopped process never leaves a thread holding the lock of ``sys.stdin``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import sys
import threading
from typing import Any

_Request = tuple[str, "asyncio.Future[str | None]", asyncio.AbstractEventLoop]


class LineReader:
    """Lines from stdin; ``None`` at the end of input."""

    def __init__(self, *, interactive: bool, fd: int = 0) -> None:
        self.interactive = interactive
        self._fd = fd
        self._buffer = bytearray()
        self._requests: queue.SimpleQueue[_Request] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._terminal: Any = None
        if interactive:
            self._terminal = _save_terminal(fd)
            with contextlib.suppress(ImportError):
                import readline  # noqa: F401  (gives input() line editing and history)

    async def readline(self, prompt: str = "") -> str | None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str | None] = loop.create_future()
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._serve, name="shequn-console-input", daemon=True
            )
            self._thread.start()
        self._requests.put((prompt, future, loop))
        return await future

    def pending_input(self) -> str:
        """What was typed at the prompt so far (to redraw it under output), if known."""
        if not self.interactive:
            return ""
        try:
            import readline
        except ImportError:
            return ""
        return readline.get_line_buffer()

    def close(self) -> None:
        """Give the terminal back as it was, even if a read was interrupted mid-line."""
        if self._terminal is not None:
            _restore_terminal(self._fd, self._terminal)

    # -- the reading thread ----------------------------------------------------------------

    def _serve(self) -> None:
        while True:
            prompt, future, loop = self._requests.get()
            try:
                line, error = self._read(prompt), None
            except Exception as exc:  # handed to the awaiting coroutine
                line, error = None, exc
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(_settle, future, line, error)

    def _read(self, prompt: str) -> str | None:
        if self.interactive:
            try:
                return input(prompt)
            except EOFError:
                return None
        return self._read_fd()

    def _read_fd(self) -> str | None:
        while b"\n" not in self._buffer:
            chunk = os.read(self._fd, 65536)
            if not chunk:
                if not self._buffer:
                    return None
                rest = bytes(self._buffer)
                self._buffer.clear()
                return rest.decode("utf-8", "replace")
            self._buffer += chunk
        end = self._buffer.index(b"\n")
        line = bytes(self._buffer[:end])
        del self._buffer[: end + 1]
        return line.decode("utf-8", "replace")


def _settle(future: asyncio.Future[str | None], line: str | None, error: Exception | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(line)


def is_interactive() -> bool:
    """A person at a terminal (prompts, banner), rather than a script on stdin."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _save_terminal(fd: int) -> Any:
    try:
        import termios
    except ImportError:  # not a POSIX terminal: nothing to save
        return None
    try:
        return termios.tcgetattr(fd)
    except (termios.error, OSError):
        return None


def _restore_terminal(fd: int, attributes: Any) -> None:
    import termios

    with contextlib.suppress(termios.error, OSError):
        termios.tcsetattr(fd, termios.TCSADRAIN, attributes)
