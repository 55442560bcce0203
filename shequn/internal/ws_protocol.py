"""uvicorn's WebSocket protocol, skipping text messages that are not UTF-8.

The WebSocket standard has a server fail the whole connection on a text message that is
not valid UTF-8 (uvicorn closes it with 1007). A OneBot implementation that sends one bad
frame (a name cut in the middle of a character) would then lose every later event and
reconnect, over and over. Here such a message is logged and dropped and the connection
goes on, as for any other malformed frame.

This reads two attributes of uvicorn's ``websockets-sansio`` protocol (the message's
frames and its type) just before uvicorn decodes the message. A uvicorn release without
them gets uvicorn's own behaviour back, and the tests of malformed OneBot frames fail.
"""

from __future__ import annotations

import logging

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

log = logging.getLogger("shequn.web")


class SkipBadText(WebSocketsSansIOProtocol):
    def send_receive_event_to_app(self) -> None:
        frames = getattr(self, "frames", None)
        text = getattr(self, "curr_msg_data_type", None) == "text"
        if text and isinstance(frames, list) and not _utf8(frames):
            log.warning(
                "skipped a malformed frame (text that is not UTF-8) from %s",
                self.client[0] if self.client else "?",
            )
            self.frames = []
            return
        super().send_receive_event_to_app()


def _utf8(frames: list[bytes]) -> bool:
    data = frames[0] if len(frames) == 1 else b"".join(frames)
    try:
        data.decode()
    except UnicodeDecodeError:
        return False
    return True
