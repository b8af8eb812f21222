"""socket.io channel for the website widget: allowed origins only, sessions that
belong to one browser, bounded work per message, and the same safety net.

Protocol (the widget in web/public/widget.js speaks it):

- ``session_request {session_id?, token?}`` -> ``session_confirm {session_id, token}``.
  The server issues every session id with its token (channels/sessions.py). A
  request naming an id without that id's token is refused: the socket gets a
  NEW session and never joins the other one's room.
- ``user_uttered {message, session_id, token[, metadata]}``: a message whose
  token does not match its session id is refused (the socket gets the
  "session_invalid" reply and a ``session_invalid`` event). The widget's own
  controls send ``{control: "greet" | "ask_human" | "end_chat", session_id,
  token}``; "end_chat" erases the conversation through the "forget me" path.
- Anything that is not that (not an object, a message that is not text, a
  binary packet) gets the kind "I could not read that" reply.

Limits (channels/limits.py), before anything is decoded or stored: a packet
larger than MAX_BODY_BYTES is not decoded (kind "too large" reply), a text
longer than MAX_MESSAGE_CHARS or metadata larger than MAX_METADATA_BYTES gets
the kind "please keep it shorter" reply (a crisis in it still gets 988), and
per-session and per-address rate limits apply.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from sanic import Blueprint

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput

from channels import door, limits, sessions
from channels.guard import allowed_origins, manage_server_lifetime
from channels.hardening import harden

logger = logging.getLogger(__name__)

#: widget controls -> the payload Rasa gets (never typed text: see channels/commands.py)
CONTROLS = {"greet": "/greet", "ask_human": "/ask_human", "end_chat": "/forget_me"}
BINARY_PACKETS = ("5", "6")  # socket.io BINARY_EVENT, BINARY_ACK: not part of this protocol


class SafeSocketIOInput(SocketIOInput):
    """Drop-in replacement for the `socketio` channel."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)  # its event handlers are replaced below
        harden(blueprint)
        manage_server_lifetime(blueprint)
        sio = self.sio
        namespace = self.namespace
        # Rasa creates the server with CORS checks off; engine.io checks the
        # Origin header of every polling and websocket request once this is set.
        sio.eio.cors_allowed_origins = allowed_origins()
        # engine.io refuses (and drops the connection for) anything larger
        sio.eio.max_http_buffer_size = limits.hard_max_bytes()
        joined: Dict[str, str] = {}  # socket id -> the verified session it joined

        async def say(to: str, texts: List[str]) -> None:
            for text in texts:
                await sio.emit(self.bot_message_evt, {"text": text}, room=to, namespace=namespace)

        def reply_room(sid: str) -> str:
            return joined.get(sid) or sid

        def client_address(sid: str) -> Optional[str]:
            environ = sio.get_environ(sid, namespace=namespace) or {}
            request = environ.get("sanic.request")
            peer = getattr(request, "ip", None) or environ.get("REMOTE_ADDR")
            return limits.limiter().client_address(peer, environ.get("HTTP_X_FORWARDED_FOR"))

        # ---- the door: before socket.io decodes a packet
        decode = sio._handle_eio_message

        async def eio_message(eio_sid: str, data: Any) -> None:
            binary = isinstance(data, (bytes, bytearray)) or (isinstance(data, str) and data[:1] in BINARY_PACKETS)
            too_big = not binary and isinstance(data, str) and len(data) > limits.max_body_bytes()
            if binary or too_big:
                sid = sio.manager.sid_from_eio_sid(eio_sid, namespace or "/")
                if sid:
                    await say(reply_room(sid), [limits.message_text(
                        "message_too_large" if too_big else "message_unreadable")])
                return
            await decode(eio_sid, data)

        sio.eio.on("message", eio_message)

        # ---- sessions
        async def join(sid: str, session_id: str) -> None:
            old = joined.get(sid)
            if old == session_id:
                return
            if old:
                await sio.leave_room(sid, old, namespace=namespace)
            joined[sid] = session_id
            # Rasa 3.6 calls `sio.enter_room(...)` without `await`: with python-socketio
            # 5.x that coroutine never runs and the browser would never hear a reply.
            await sio.enter_room(sid, session_id, namespace=namespace)

        async def session_request(sid: Text, data: Any) -> None:
            data = data if isinstance(data, dict) else {}
            session_id, token = data.get("session_id"), data.get("token")
            if not sessions.verify(session_id, token):
                if session_id is not None:
                    logger.info("session_request without a valid token: a new session was issued")
                session_id = sessions.new_session_id()
                token = sessions.token_for(session_id)
            await join(sid, session_id)
            await sio.emit("session_confirm", {"session_id": session_id, "token": token},
                           room=sid, namespace=namespace)

        async def disconnect(sid: Text, *_: Any) -> None:
            joined.pop(sid, None)

        # ---- messages
        async def user_uttered(sid: Text, data: Any) -> None:
            if not isinstance(data, dict):
                await say(sid, [limits.message_text("message_unreadable")])
                return
            session_id, token = data.get("session_id"), data.get("token")
            if not sessions.verify(session_id, token):
                logger.info("socket.io message refused: its session token is missing or wrong")
                await say(sid, [limits.message_text("session_invalid")])
                await sio.emit("session_invalid", {}, room=sid, namespace=namespace)
                return
            await join(sid, session_id)
            limiter = limits.limiter()
            address = client_address(sid)
            if not (limiter.allow_address(address) and limiter.allow_sender(session_id, address)):
                await say(session_id, [limits.message_text("rate_limited")])
                return
            allowed = None
            control = data.get("control")
            if control is not None:
                text = CONTROLS.get(control) if isinstance(control, str) else None
                if text is None:
                    await say(session_id, [limits.message_text("message_unreadable")])
                    return
                allowed = {text}
            else:
                text = data.get("message")
                if not isinstance(text, str):
                    await say(session_id, [limits.message_text("message_unreadable")])
                    return
                if len(text) > limits.max_message_chars():
                    await say(session_id, limits.door_replies(limits.screen_kind(text), text=text))
                    return
            metadata = data.get(self.metadata_key)
            if limits.metadata_too_big(metadata):
                await say(session_id, [limits.message_text("message_too_large")])
                return
            metadata = _as_dict(metadata)
            output = SocketIOOutput(sio, self.bot_message_evt)
            await door.deliver(on_new_message, text, output, session_id, self.name(), metadata, allowed)

        sio.on("session_request", session_request, namespace=namespace)
        sio.on(self.user_message_evt, user_uttered, namespace=namespace)
        sio.on("disconnect", disconnect, namespace=namespace)
        return blueprint


def _as_dict(metadata: Any) -> Optional[Dict[str, Any]]:
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except (ValueError, RecursionError):
            return None
    return metadata if isinstance(metadata, dict) and metadata else None
