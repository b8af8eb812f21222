"""socket.io channel limited to the configured web origins, with the same safety net."""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Text

from sanic import Blueprint

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput

from channels.guard import allowed_origins, handle_guarded, valid_sender

logger = logging.getLogger(__name__)


class SafeSocketIOInput(SocketIOInput):
    """Drop-in replacement for the `socketio` channel."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def guarded(message: UserMessage) -> None:
            if not valid_sender(message.sender_id):
                logger.warning("socket.io message with an invalid session id ignored")
                return
            await handle_guarded(on_new_message, message)

        blueprint = super().blueprint(guarded)
        # Rasa creates the server with CORS checks off; engine.io checks the
        # Origin header of every polling and websocket request once this is set.
        self.sio.eio.cors_allowed_origins = allowed_origins()
        return blueprint
