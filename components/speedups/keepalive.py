"""Keep the connection to the action server open.

Rasa opens a new HTTP client session, and so a new TCP connection, for every
custom action call (~1 ms on each side here). Calls to the action server now
share one keep-alive session per endpoint and event loop. Idle connections
are dropped after 2 s, before the action server's own 5 s keep-alive limit,
so a reused connection is never one the server is closing. Requests,
headers, timeouts and errors are Rasa's own; no cookies are kept.

Only the action server's endpoint is affected: `RemoteAction.__init__` (the
one place Rasa 3.6.21 hands over the endpoint it later calls with
`self.action_endpoint.request(...)`, also used by forms and slot validation)
marks that endpoint, and `EndpointConfig.request` takes the shared session
only for marked endpoints. Every other endpoint (NLG, model server, event
broker, callback channel) and an action endpoint with its own certificate
file (`cafile`) go through Rasa's original `request`.

The request body is encoded with ujson (a Rasa dependency, 3-4 times faster
than the standard library on a tracker's events; the standard library takes
over for anything ujson refuses), and the intent rankings of the visitor's
older messages are left out of it: the actions read the latest message's
ranking only (Rasa's own ``latest_message`` keeps it), and the rankings made
up half of every older message's size. Everything else of every event is sent
as before.

Replaces: `RemoteAction.__init__`, `EndpointConfig.request`. The channels call
`close_sessions()` at server stop.
"""
from __future__ import annotations

import json
import logging
from typing import Any, List, Optional, Text

from components.speedups._patching import Patches

logger = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 2.0
_MARK = "_speedups_action_server"  # set in an action endpoint's __dict__
_patches = Patches()
_open_sessions: List[Any] = []


def is_action_endpoint(endpoint: Any) -> bool:
    """Whether a RemoteAction has marked this endpoint as the action server's."""
    return bool(getattr(endpoint, "__dict__", {}).get(_MARK))


async def close_sessions() -> None:
    """Close the shared keep-alive sessions (the channels call this at server stop)."""
    while _open_sessions:
        session = _open_sessions.pop()
        try:
            if not session.closed:
                await session.close()
        except Exception:  # a session of another, finished event loop
            logger.debug("could not close an action-server session", exc_info=True)


try:
    import ujson
except ImportError:  # pragma: no cover - a Rasa dependency
    ujson = None


def _dumps(obj: Any) -> str:
    """JSON text of a request body: ujson, or the standard library for what ujson refuses."""
    if ujson is not None:
        try:
            return ujson.dumps(obj, ensure_ascii=False, escape_forward_slashes=False)
        except (TypeError, ValueError, OverflowError):
            pass
    return json.dumps(obj)


def without_old_rankings(body: Any) -> Any:
    """An action call's body without the intent ranking of every visitor message but the latest.

    Copies what it changes (the events are the tracker's own dictionaries); anything that is
    not an action call's body is returned unchanged.
    """
    tracker = body.get("tracker") if isinstance(body, dict) else None
    events = tracker.get("events") if isinstance(tracker, dict) else None
    if not isinstance(events, list):
        return body
    users = [i for i, e in enumerate(events) if isinstance(e, dict) and e.get("event") == "user"]
    older = [i for i in users[:-1] if isinstance(events[i].get("parse_data"), dict)
             and "intent_ranking" in events[i]["parse_data"]]
    if not older:
        return body
    events = list(events)
    for i in older:
        event = dict(events[i])
        event["parse_data"] = {k: v for k, v in event["parse_data"].items() if k != "intent_ranking"}
        events[i] = event
    return dict(body, tracker=dict(tracker, events=events))


def _discard(session: Any) -> None:
    """Drop a session whose event loop is gone (tests, or a thread's loop)."""
    if session in _open_sessions:
        _open_sessions.remove(session)
    try:
        if not session.closed:
            session.connector.close()
    except Exception:
        logger.debug("could not close an action-server session", exc_info=True)


def install() -> None:
    if _patches.active:
        return
    import asyncio

    import aiohttp
    from aiohttp.client_exceptions import ContentTypeError
    from rasa.core.actions.action import RemoteAction
    from rasa.utils import endpoints
    from rasa.utils.endpoints import EndpointConfig

    original_init = RemoteAction.__init__
    original_request = EndpointConfig.request

    def __init__(self: RemoteAction, name: Text, action_endpoint: Optional[EndpointConfig]) -> None:
        original_init(self, name, action_endpoint)
        if isinstance(action_endpoint, EndpointConfig):
            action_endpoint.__dict__[_MARK] = True

    def shared_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        session = endpoint.__dict__.get("_keepalive_session")
        if session is None or session.closed or endpoint.__dict__.get("_keepalive_loop") is not loop:
            if session is not None:
                _discard(session)
            # the same headers, auth and timeout as Rasa's EndpointConfig.session();
            # no cookies are kept between calls (Rasa's sessions lived for one call)
            auth = None
            if endpoint.basic_auth:
                auth = aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
            session = aiohttp.ClientSession(
                headers=endpoint.headers,
                auth=auth,
                timeout=aiohttp.ClientTimeout(total=endpoints.DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
                cookie_jar=aiohttp.DummyCookieJar(),
                json_serialize=_dumps,
            )
            endpoint.__dict__["_keepalive_session"] = session
            _open_sessions.append(session)
            endpoint.__dict__["_keepalive_loop"] = loop
        return session

    async def request(
        self: EndpointConfig,
        method: Text = "post",
        subpath: Optional[Text] = None,
        content_type: Optional[Text] = "application/json",
        compress: bool = False,
        **kwargs: Any,
    ) -> Optional[Any]:
        if self.cafile or not self.__dict__.get(_MARK):
            # not the action server, or custom certificates: Rasa's own per-call session
            return await original_request(self, method, subpath, content_type, compress, **kwargs)
        headers = {}
        if content_type:
            headers["Content-Type"] = content_type
        if "headers" in kwargs:
            headers.update(kwargs.pop("headers"))
        if self.headers:
            headers.update(self.headers)
        url = endpoints.concat_url(self.url, subpath)
        if "json" in kwargs:
            kwargs["json"] = without_old_rankings(kwargs["json"])
        session = shared_session(self)
        async with session.request(
            method, url, headers=headers, params=self.combine_parameters(kwargs), compress=compress, **kwargs
        ) as response:
            if response.status >= 400:
                raise endpoints.ClientResponseError(response.status, response.reason, await response.content.read())
            try:
                return await response.json()
            except ContentTypeError:
                return None

    _patches.replace(RemoteAction, "__init__", __init__)
    _patches.replace(EndpointConfig, "request", request)


def uninstall() -> None:
    """Put Rasa's own functions back. Marks left on endpoints are then unused;
    sessions still open are closed by `close_sessions()`."""
    _patches.restore()
