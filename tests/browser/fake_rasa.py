"""A tiny stand-in for Rasa's socket.io channel, for widget tests that need to control the server.

It speaks the same protocol as channels/safe_socketio.py: ``session_request {session_id?, token?}``
-> ``session_confirm {session_id, token}`` (the server issues the id and an HMAC token; a wrong token
gets a new session); ``user_uttered {message | control, session_id, token}`` -> ``bot_uttered`` objects
(text, quick_replies / buttons with title, payload and optional url), sent to the room named after
the session id. Controls: greet, ask_human, end_chat.

It is used by test_widget_fake.py for what the real server cannot be asked to do on demand: go away
and come back (reconnection), or send hostile text and links (safe rendering); and by
test_widget_summary.py for the pre-screen summary with its custom marker (a ``bot_uttered`` whose
payload is ``{"kind": "prescreen_summary", "summary": ...}`` and no ``text``, which is what Rasa's
socket.io output sends for ``custom: {"data": {...}}``) and for contact details in bot text.  Run it alone with
``python tests/browser/fake_rasa.py --port 5099``.  It never logs message texts.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import secrets

import socketio
from aiohttp import web

INTAKE_URL = "https://clinic.example.com/neuropathy/intake"

GREETING = {
    "text": "Hi, I'm the BioGenesis assistant. I can explain peripheral neuropathy and MSC therapy, "
    "or check if you might be a candidate.",
    "quick_replies": [
        {"title": "How MSC therapy works", "payload": "/faq_how_msc_works"},
        {"title": "Am I a candidate?", "payload": "/start_prescreen"},
        {"title": "Begin the intake form", "payload": INTAKE_URL, "url": INTAKE_URL},
    ],
}

PRESCREEN = [
    ("May I ask a few short questions? Your answers are not a diagnosis.", ["Yes", "No"]),
    ("What type of neuropathy do you have?", ["Diabetic", "Chemotherapy", "Not sure"]),
    ("Are you receiving chemotherapy right now?", ["Yes", "No", "Not sure"]),
]

HOSTILE = (
    "Plain <b>bold</b> and <img src=x onerror=window.__xss=1> stay text.\n"
    "Second line. Read https://clinic.example.com/faq?a=1&b=2. Bad: javascript:window.__xss=2"
)


SUMMARY_LINES = "- Type of neuropathy: Diabetic\n- Diabetes: Yes, type 2 (\"about 5 years\")\n- Latest A1c: 9–10%"
SUMMARY = {"text": "Here is a summary of your answers to copy into the form:\n" + SUMMARY_LINES}
SUMMARY_MARKER = {"kind": "prescreen_summary", "summary": SUMMARY_LINES}
HANDOFF = {
    "text": "The next step is the intake form.",
    "quick_replies": [{"title": "Begin the intake form", "payload": INTAKE_URL, "url": INTAKE_URL}],
}

CONTACT = (
    "Call us at (555) 010-0199 or 555-010-0199, or email intake@clinic.example.com.\n"
    "Poison Control: 1-800-222-1222. Call or text 988, or chat at 988lifeline.org. "
    "In an emergency, call 911.\nNot numbers: A1c 9.11, $911, 1988, <b>bold</b>."
)

SECRET = b"fake-rasa-test-secret"  # fixed, so a restarted fake accepts the sessions it issued


def token_for(session_id: str) -> str:
    return hmac.new(SECRET, session_id.encode(), hashlib.sha256).hexdigest()


def build_app() -> web.Application:
    sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*")
    app = web.Application()
    sio.attach(app, socketio_path="socket.io")
    progress: dict[str, int] = {}

    async def say(room: str, message: dict, delay: float = 0.15) -> None:
        await asyncio.sleep(delay)
        await sio.emit("bot_uttered", message, room=room)

    @sio.on("session_request")
    async def session_request(sid, data):
        data = data if isinstance(data, dict) else {}
        session_id, token = data.get("session_id"), data.get("token")
        if not (isinstance(session_id, str) and isinstance(token, str)
                and hmac.compare_digest(token_for(session_id), token)):
            session_id = secrets.token_hex(16)
            token = token_for(session_id)
        await sio.enter_room(sid, session_id)
        await sio.emit("session_confirm", {"session_id": session_id, "token": token}, room=sid)

    @sio.on("user_uttered")
    async def user_uttered(sid, data):
        data = data if isinstance(data, dict) else {}
        room, token = data.get("session_id"), data.get("token")
        if not (isinstance(room, str) and isinstance(token, str) and hmac.compare_digest(token_for(room), token)):
            await sio.emit("session_invalid", {}, room=sid)
            return
        control = data.get("control")
        text = str(data.get("message", ""))
        lowered = text.lower()
        if control == "end_chat":
            progress.pop(room, None)
            await say(room, {"text": "Done. This conversation has been erased from the assistant's records."})
        elif control == "ask_human":
            await say(room, {"text": "You can call the clinic at (555) 010-0199."})
        elif control == "greet" or text == "/greet":
            await say(room, GREETING)
        elif text == "/start_prescreen" or room in progress:
            step = progress.get(room, -1) + 1
            if step < len(PRESCREEN):
                progress[room] = step
                question, answers = PRESCREEN[step]
                await say(
                    room,
                    {"text": question, "quick_replies": [{"title": a, "payload": a} for a in answers]},
                )
            else:
                progress.pop(room, None)
                await say(
                    room,
                    {
                        "text": "Thanks. Dr. Moreno's team would like to review your details.",
                        "quick_replies": [
                            {"title": "Begin your intake form", "payload": INTAKE_URL, "url": INTAKE_URL}
                        ],
                    },
                )
        elif text == "summary please":
            await say(room, SUMMARY)
            await say(room, SUMMARY_MARKER, delay=0.05)
            await say(room, HANDOFF, delay=0.05)
        elif text == "rest summary please":  # the REST channel's shape of the same marker
            await say(room, SUMMARY)
            await say(room, {"custom": {"data": SUMMARY_MARKER}}, delay=0.05)
        elif text == "marker only please":  # a custom message as the whole reply, after a pause
            await say(room, SUMMARY_MARKER, delay=1.0)
        elif text == "contact please":
            await say(room, {"text": CONTACT})
        elif "session" in lowered:
            await say(room, {"text": "Most people have a short series of infusion sessions."})
        elif text == "slow please":
            await say(room, {"text": "This reply took a moment."}, delay=2.0)
        elif text == "hostile please":
            await say(
                room,
                {
                    "text": HOSTILE,
                    "quick_replies": [
                        {"title": "Evil link", "payload": "javascript:window.__xss=3", "url": "javascript:window.__xss=3"},
                        {"title": "Data link", "payload": "x", "url": "data:text/html,<script>alert(1)</script>"},
                        {"title": "FDA information", "payload": "https://www.fda.gov/"},  # url dropped, as Rasa does
                        {"title": "<img src=x onerror=window.__xss=4>", "payload": "/greet"},
                    ],
                },
            )
        else:
            await say(room, {"text": "Sorry, I did not understand that."})

    async def health(_request):
        return web.json_response({"status": "ok"})

    app.router.add_get("/", health)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5099)
    args = parser.parse_args()
    web.run_app(build_app(), host=args.host, port=args.port, print=None, access_log=None, shutdown_timeout=1.0)


if __name__ == "__main__":
    main()
