"""socket.io through the load balancer, as the widget uses it (websocket, and long-polling,
which needs every request of one client on the same replica: sticky by client address)."""
from __future__ import annotations

import asyncio
import json
import os

import pytest

from tests.cluster.conftest import CLUSTER_URL


async def _conversation(transport: str) -> list:
    import socketio

    origin = (os.environ.get("ALLOWED_ORIGINS") or "http://localhost:8080").split()[0]
    confirmed, replied = asyncio.Event(), asyncio.Event()
    session: dict = {}
    texts: list = []
    client = socketio.AsyncClient(reconnection=False)

    async def on_confirm(data=None, *_):
        session.update(data or {})
        confirmed.set()

    async def on_bot(data=None, *_):
        texts.append((data or {}).get("text") or "")
        replied.set()

    client.on("session_confirm", on_confirm)
    client.on("bot_uttered", on_bot)
    await client.connect(CLUSTER_URL, headers={"Origin": origin}, transports=[transport], wait_timeout=10)
    try:
        await client.emit("session_request", {})
        await asyncio.wait_for(confirmed.wait(), 10)
        assert session.get("token")
        for question in ("how many sessions will I need", "what causes neuropathy"):
            replied.clear()
            await client.emit("user_uttered", {"message": question, "session_id": session["session_id"],
                                               "token": session["token"]})
            await asyncio.wait_for(replied.wait(), 30)
        return texts
    finally:
        await client.disconnect()


async def _websocket_conversation() -> list:
    """engine.io v4 over a plain websocket (the widget's first choice), spoken directly with aiohttp:
    python-socketio's own websocket client needs a newer aiohttp than Rasa pins."""
    import aiohttp

    origin = (os.environ.get("ALLOWED_ORIGINS") or "http://localhost:8080").split()[0]
    url = CLUSTER_URL.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
    texts: list = []
    async with aiohttp.ClientSession() as http, http.ws_connect(url, headers={"Origin": origin}) as ws:

        async def receive(event: str) -> object:
            while True:
                msg = await asyncio.wait_for(ws.receive(), 30)
                data = msg.data if isinstance(msg.data, str) else ""
                if data == "2":  # ping
                    await ws.send_str("3")
                elif data.startswith("42"):
                    name, *args = json.loads(data[2:])
                    if name == event:
                        return args[0] if args else None

        assert (await asyncio.wait_for(ws.receive(), 10)).data.startswith("0")  # engine.io open
        await ws.send_str("40")
        assert (await asyncio.wait_for(ws.receive(), 10)).data.startswith("40")  # namespace joined
        await ws.send_str('42["session_request",{}]')
        session = await receive("session_confirm")
        for question in ("how many sessions will I need", "what causes neuropathy"):
            body = {"message": question, "session_id": session["session_id"], "token": session["token"]}
            await ws.send_str("42" + json.dumps(["user_uttered", body]))
            texts.append((await receive("bot_uttered")).get("text") or "")
    return texts


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_widget_conversation_over_socketio(settings, transport: str) -> None:
    texts = asyncio.run(_websocket_conversation() if transport == "websocket" else _conversation(transport))
    assert any("infusion" in t.lower() for t in texts), texts
