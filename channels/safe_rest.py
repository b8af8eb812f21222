"""REST channel that validates its input (POST /webhooks/rest/webhook).

Rasa's stock RestInput answers malformed bodies with a 500 and logs message
text on failure; this one answers 4xx with a clear JSON error, requires an
unguessable sender id, and never logs what the visitor wrote.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Text

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput

from channels.guard import handle_guarded, manage_server_lifetime, valid_sender

logger = logging.getLogger(__name__)

MAX_BODY_CHARS = 100_000


def _error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


class SafeRestInput(RestInput):
    """Drop-in replacement for the `rest` channel."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("safe_rest_webhook", __name__)
        manage_server_lifetime(webhook)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except Exception:
                return _error(400, "The request body must be JSON.")
            if not isinstance(body, dict):
                return _error(400, "The request body must be a JSON object with 'sender' and 'message'.")
            sender, text = body.get("sender"), body.get("message")
            if not valid_sender(sender):
                return _error(400, "'sender' must be 8-128 letters, digits, '-' or '_'.")
            if not isinstance(text, str):
                return _error(400, "'message' must be a string.")
            if len(text) > MAX_BODY_CHARS:
                return _error(413, "The message is too long.")
            collector = CollectingOutputChannel()
            await handle_guarded(on_new_message, UserMessage(text, collector, sender, input_channel=self.name()))
            return response.json(collector.messages)

        return webhook
