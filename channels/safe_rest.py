"""REST channel that validates its input (POST /webhooks/rest/webhook).

Rasa's stock RestInput answers malformed bodies with a 500 and logs message
text on failure; this one answers 4xx with a clear JSON error, requires an
unguessable sender id (at least 122 random bits, channels/sessions.py), and
never logs what the visitor wrote.

Bounded work per request (channels/limits.py), all before Rasa parses or
stores anything:

- the client address is rate limited before the body is read, the sender id
  right after;
- the body is read in chunks and never beyond MAX_BODY_BYTES: a larger one is
  not decoded, and gets the kind "too large" reply (200, so any client shows
  it);
- a message longer than MAX_MESSAGE_CHARS, or metadata larger than
  MAX_METADATA_BYTES, gets the kind "please keep it shorter" reply (after a
  bounded crisis screen: a long crisis message still gets 988).
"""
from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, List, Text

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput

from channels import door, limits
from channels.guard import manage_server_lifetime
from channels.hardening import harden
from channels.sessions import strong_sender

logger = logging.getLogger(__name__)

SENDER_RULE = ("'sender' must be an unguessable id: at least 122 random bits, e.g. 32 random hex "
               "characters (optionally after a short label and '-', like 'probe-<32 hex>') or a UUID4.")


def _error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


def _kind(texts: List[str], recipient: Any = None, **headers: str) -> HTTPResponse:
    body = [{"recipient_id": recipient, "text": t} for t in texts]
    return response.json(body, status=200, headers=headers or None)


class SafeRestInput(RestInput):
    """Drop-in replacement for the `rest` channel."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("safe_rest_webhook", __name__)
        harden(webhook)
        manage_server_lifetime(webhook)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            limiter = limits.limiter()
            address = limiter.client_address(request.ip, request.headers.get("x-forwarded-for"))
            if not limiter.allow_address(address):
                await _drain(request)
                return _kind([limits.message_text("rate_limited")], **{"Retry-After": "30"})
            raw, too_big = await _read_body(request)
            if too_big:
                status = 413 if too_big == "beyond the hard cap" else 200
                reply = _kind([limits.message_text("message_too_large")])
                reply.status = status
                return reply
            try:
                body = json.loads(raw) if raw else None
            except (ValueError, RecursionError):
                return _error(400, "The request body must be JSON.")
            if not isinstance(body, dict):
                return _error(400, "The request body must be a JSON object with 'sender' and 'message'.")
            sender, text = body.get("sender"), body.get("message")
            if not strong_sender(sender):
                return _error(400, SENDER_RULE)
            if not isinstance(text, str):
                return _error(400, "'message' must be a string.")
            if not limiter.allow_sender(sender, address):
                return _kind([limits.message_text("rate_limited")], sender, **{"Retry-After": "30"})
            if limits.metadata_too_big(body.get("metadata")):
                return _kind([limits.message_text("message_too_large")], sender)
            if len(text) > limits.max_message_chars():
                return _kind(limits.door_replies(limits.screen_kind(text), text=text), sender)
            collector = CollectingOutputChannel()
            await door.deliver(on_new_message, text, collector, sender, self.name())
            return response.json(collector.messages)

        return webhook


async def _read_body(request: Request) -> tuple:
    """(body bytes, too big?) reading at most MAX_BODY_BYTES; the rest is read and dropped."""
    limit = limits.max_body_bytes()
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limits.hard_max_bytes():
        return b"", "beyond the hard cap"  # not read at all; the server closes the connection
    if declared and declared.isdigit() and int(declared) > limit:
        await _drain(request)
        return b"", True
    body = bytearray()
    while True:
        chunk = await request.stream.read()
        if chunk is None:
            return bytes(body), False
        body += chunk
        if len(body) > limit:
            await _drain(request)
            return b"", True


async def _drain(request: Request) -> None:
    """Read and drop what is left of the body, up to the hard cap (the server closes beyond it)."""
    stream = getattr(request, "stream", None)
    if stream is None:
        return
    seen, hard = 0, limits.hard_max_bytes()
    while seen <= hard:
        chunk = await stream.read()
        if chunk is None:
            return
        seen += len(chunk)
