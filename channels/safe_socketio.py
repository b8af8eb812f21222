"""socket.io channel limited to the configured web origins, with the same safety net."""
from __future__ import annotations

import logging
import uuid
from typing import Any, Awaitable, Callable, Text

from sanic import Blueprint

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput

from channels.guard import allowed_origins, handle_guarded, manage_server_lifetime, valid_sender

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
        manage_server_lifetime(blueprint)
        sio = self.sio
        # Rasa creates the server with CORS checks off; engine.io checks the
        # Origin header of every polling and websocket request once this is set.
        sio.eio.cors_allowed_origins = allowed_origins()

        # Rasa 3.6 calls `sio.enter_room(...)` without `await`; with
        # python-socketio 5.x that is a coroutine that never runs, so the
        # browser never joins its session's room and never hears a reply.
        async def session_request(sid: Text, data: Any) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id")
            if not valid_sender(session_id):
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        sio.on("session_request", session_request, namespace=self.namespace)
        return blueprint
