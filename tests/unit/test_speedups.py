"""The Rasa speed fixes give the same answers as Rasa's own code."""
from __future__ import annotations

import pytest

import components.speedups  # noqa: F401
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered


def test_event_lookup_finds_the_same_classes_and_keeps_defaults() -> None:
    assert Event.resolve_by_type("slot") is SlotSet
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("prescreen_form", ActionExecuted) is ActionExecuted
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")


def test_action_responses_are_still_validated() -> None:
    action = RemoteAction("action_x", None)
    assert action._validate_action_result({"events": [{"event": "slot", "name": "a", "value": 1}], "responses": []})
    with pytest.raises(ValidationError):
        action._validate_action_result({"events": [{"event": "slot", "name": 5}], "responses": "not a list"})


# --------------------------------------------------------------------------
# The prediction graph runs in the same order, with the same results, as dask.
from typing import Any, Dict, Text  # noqa: E402

from rasa.engine.exceptions import GraphComponentException, GraphRunError  # noqa: E402
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode  # noqa: E402
from rasa.engine.runner.dask import DaskGraphRunner  # noqa: E402
from rasa.engine.storage.local_model_storage import LocalModelStorage  # noqa: E402

CALLS: list = []


class _Node(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: Any, resource: Any, execution_context: Any) -> "_Node":
        return cls(config)

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.add = config.get("add", 0)

    def one(self, x: Any) -> Any:
        CALLS.append(("one", x))
        if x == "boom":
            raise ValueError("boom")
        return [x, self.add]

    def two(self, a: Any, b: Any) -> Any:
        CALLS.append(("two", a, b))
        return {"a": a, "b": b, "add": self.add}


def _schema() -> GraphSchema:
    def node(fn: str, needs: Dict[str, str], **kw: Any) -> SchemaNode:
        return SchemaNode(needs=needs, uses=_Node, constructor_name="create", fn=fn, config=kw.pop("config", {}), **kw)

    return GraphSchema({
        "first": node("one", {"x": "__message__"}, config={"add": 1}),
        "second": node("one", {"x": "first"}, config={"add": 2}),
        "joined": node("two", {"a": "first", "b": "second"}, is_target=True),
        "unused": node("one", {"x": "__message__"}),  # not needed for the targets
        "last": node("two", {"a": "joined", "b": "second"}, is_target=True),
    })


def _runner(tmp_path: Any) -> DaskGraphRunner:
    schema = _schema()
    return DaskGraphRunner(schema, LocalModelStorage(tmp_path), ExecutionContext(graph_schema=schema, model_id="m"))


@pytest.mark.parametrize("targets", [None, ["joined"], ["second", "last"], ["first"]])
def test_sequential_runner_gives_what_dask_gives(tmp_path: Any, targets: Any) -> None:
    runner = _runner(tmp_path)
    CALLS.clear()
    ours = runner.run(inputs={"__message__": "hi"}, targets=targets)
    our_calls = sorted(map(repr, CALLS))
    CALLS.clear()
    theirs = DaskGraphRunner._dask_run(runner, inputs={"__message__": "hi"}, targets=targets)
    assert ours == theirs
    assert our_calls == sorted(map(repr, CALLS))  # the same nodes ran with the same arguments
    assert "unused" not in ours


def test_sequential_runner_runs_dependencies_first_and_lets_inputs_replace_nodes(tmp_path: Any) -> None:
    runner = _runner(tmp_path)
    CALLS.clear()
    runner.run(inputs={"__message__": "hi"}, targets=["last"])
    order = [c[1] if c[0] == "one" else "two" for c in CALLS]
    assert order.index("hi") < order.index(["hi", 1]) < order.index("two")
    # an input named like a node replaces it, as with dask
    assert runner.run(inputs={"__message__": "hi", "first": "given"}, targets=["joined"]) == \
        DaskGraphRunner._dask_run(runner, inputs={"__message__": "hi", "first": "given"}, targets=["joined"])


class _Payload:
    pass


class _Memory(GraphComponent):
    """make -> use -> check: check sees whether make's output was let go after use."""

    seen: list = []

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: Any, resource: Any, execution_context: Any) -> "_Memory":
        return cls()

    def make(self) -> Any:
        return _Payload()

    def use(self, payload: Any) -> Any:
        import weakref

        return weakref.ref(payload)

    def check(self, ref: Any) -> Any:
        _Memory.seen.append(ref() is None)
        return "checked"


def test_sequential_runner_lets_go_of_outputs_nobody_needs_any_more(tmp_path: Any) -> None:
    def node(fn: str, needs: Dict[str, str], **kw: Any) -> SchemaNode:
        return SchemaNode(needs=needs, uses=_Memory, constructor_name="create", fn=fn, config={}, **kw)

    schema = GraphSchema({
        "make": node("make", {}),
        "use": node("use", {"payload": "make"}),
        "check": node("check", {"ref": "use"}, is_target=True),
    })
    runner = DaskGraphRunner(schema, LocalModelStorage(tmp_path), ExecutionContext(graph_schema=schema, model_id="m"))
    _Memory.seen.clear()
    assert runner.run() == {"check": "checked"}
    assert _Memory.seen == [True]
    # a target is kept even when another node used it
    assert "make" in runner.run(targets=["make", "check"])


def test_sequential_runner_raises_like_dask(tmp_path: Any) -> None:
    runner = _runner(tmp_path)
    with pytest.raises(GraphComponentException, match="node first"):
        runner.run(inputs={"__message__": "boom"}, targets=["joined"])
    with pytest.raises(GraphComponentException, match="node first"):
        DaskGraphRunner._dask_run(runner, inputs={"__message__": "boom"}, targets=["joined"])
    with pytest.raises(GraphRunError, match="clashes"):
        runner.run(inputs={"__message__": "first"}, targets=["joined"])


# --------------------------------------------------------------------------
# Action-server calls share one keep-alive connection and behave as Rasa's.
import asyncio  # noqa: E402

from aiohttp import web  # noqa: E402
from rasa.utils.endpoints import ClientResponseError, EndpointConfig  # noqa: E402


async def _with_server(check: Any) -> None:
    seen: list = []

    async def handler(request: web.Request) -> web.Response:
        seen.append({
            "peer": request.transport.get_extra_info("peername"),
            "header": request.headers.get("X-Clinic"),
            "type": request.headers.get("Content-Type"),
            "token": request.query.get("token"),
            "body": await request.json() if request.can_read_body else None,
        })
        if request.path.endswith("/fail"):
            return web.Response(status=500, text="broken")
        if request.path.endswith("/text"):
            return web.Response(text="not json")
        if request.path.endswith("/cookie"):
            response = web.json_response({"cookie": request.headers.get("Cookie")})
            response.set_cookie("route", "backend-1")
            return response
        return web.json_response({"ok": True, "n": len(seen)})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        await check(f"http://127.0.0.1:{port}", seen)
    finally:
        await components.speedups.close_sessions()
        await runner.cleanup()


def test_action_calls_reuse_one_connection_with_rasas_headers_and_errors() -> None:
    async def check(url: str, seen: list) -> None:
        endpoint = EndpointConfig(url=url + "/webhook", headers={"X-Clinic": "yes"}, token="secret")
        first = await endpoint.request(json={"next_action": "a"}, method="post")
        second = await endpoint.request(json={"next_action": "b"}, method="post")
        assert (first, second) == ({"ok": True, "n": 1}, {"ok": True, "n": 2})
        assert seen[0]["peer"] == seen[1]["peer"]  # the same TCP connection
        assert [s["body"] for s in seen] == [{"next_action": "a"}, {"next_action": "b"}]
        assert all(s["header"] == "yes" and s["token"] == "secret" for s in seen)
        assert seen[0]["type"] == "application/json"
        with pytest.raises(ClientResponseError) as error:
            await endpoint.request(json={}, method="post", subpath="fail")
        assert error.value.status == 500
        assert await endpoint.request(method="get", subpath="text") is None

    asyncio.run(_with_server(check))


def test_idle_connections_are_dropped_before_the_action_servers_keep_alive_limit() -> None:
    assert components.speedups.KEEPALIVE_SECONDS < 5  # Sanic closes idle keep-alive connections at 5 s

    async def check(url: str, seen: list) -> None:
        endpoint = EndpointConfig(url=url)
        await endpoint.request(json={}, method="post")
        await asyncio.sleep(components.speedups.KEEPALIVE_SECONDS + 1.5)
        await endpoint.request(json={}, method="post")
        assert seen[0]["peer"] != seen[1]["peer"]  # a fresh connection, not a stale one

    asyncio.run(_with_server(check))




def test_objects_loaded_at_start_are_left_out_of_later_collections(monkeypatch: Any) -> None:
    import gc

    monkeypatch.setattr(components.speedups, "_frozen", False)
    try:
        components.speedups.freeze_loaded_objects()
        assert gc.get_freeze_count() > 0
        assert gc.isenabled()  # new objects are still collected
    finally:
        gc.unfreeze()


def test_both_channels_freeze_at_start_and_close_connections_at_stop() -> None:
    from channels.safe_rest import SafeRestInput
    from channels.safe_socketio import SafeSocketIOInput

    async def on_message(_: Any) -> None:
        return None

    for channel in (SafeRestInput(), SafeSocketIOInput()):
        blueprint = channel.blueprint(on_message)
        events = {listener.event for listener in blueprint._future_listeners}
        assert {"after_server_start", "after_server_stop"} <= events, type(channel).__name__


def test_classifier_input_is_the_matrix_rasa_builds() -> None:
    import numpy as np
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message
    from scipy.sparse import csr_matrix

    rng = np.random.default_rng(7)

    def sparse(rows: int, cols: int) -> Any:
        return csr_matrix((rng.random((rows, cols)) > 0.7).astype(float))

    def message(with_dense: bool = False) -> Message:
        m = Message(data={TEXT: "how many sessions"})
        m.add_features(Features(sparse(3, 5), "sequence", TEXT, "regex"))
        m.add_features(Features(sparse(1, 5), "sentence", TEXT, "regex"))
        m.add_features(Features(sparse(3, 40), "sequence", TEXT, "words"))
        m.add_features(Features(sparse(1, 40), "sentence", TEXT, "words"))
        m.add_features(Features(sparse(1, 90), "sentence", TEXT, "chars"))
        m.add_features(Features(sparse(1, 7), "sentence", "intent", "other attribute"))
        if with_dense:
            m.add_features(Features(rng.random((1, 4)), "sentence", TEXT, "dense"))
        return m

    classifier = LogisticRegressionClassifier.__new__(LogisticRegressionClassifier)
    for messages in ([message()], [message() for _ in range(4)], [message(True), message(True)]):
        ours = classifier._create_X(messages)
        theirs = LogisticRegressionClassifier._rasa_create_X(classifier, messages)
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype == np.float64
        assert (csr_matrix(ours) != csr_matrix(theirs)).nnz == 0


def test_no_cookies_are_carried_from_one_action_call_to_the_next() -> None:
    async def check(url: str, seen: list) -> None:
        endpoint = EndpointConfig(url=url)
        assert await endpoint.request(json={}, method="post", subpath="cookie") == {"cookie": None}
        assert await endpoint.request(json={}, method="post", subpath="cookie") == {"cookie": None}

    asyncio.run(_with_server(check))


def test_an_action_server_that_goes_down_and_comes_back_is_reached_again() -> None:
    import aiohttp

    async def serve(port: int) -> web.AppRunner:
        async def handler(request: web.Request) -> web.Response:
            return web.json_response({"ok": True})

        app = web.Application()
        app.router.add_route("POST", "/{tail:.*}", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        return runner

    async def scenario() -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        endpoint = EndpointConfig(url=f"http://127.0.0.1:{port}/webhook")
        runner = await serve(port)
        try:
            assert await endpoint.request(json={}, method="post") == {"ok": True}
        finally:
            await runner.cleanup()
        with pytest.raises(aiohttp.ClientError):  # down: the same error Rasa's own code raises
            await endpoint.request(json={}, method="post")
        runner = await serve(port)
        try:
            assert await endpoint.request(json={}, method="post") == {"ok": True}
        finally:
            await components.speedups.close_sessions()
            await runner.cleanup()

    asyncio.run(scenario())


def test_the_collector_freeze_happens_once_per_process(monkeypatch: Any) -> None:
    import gc

    calls: list = []
    monkeypatch.setattr(components.speedups, "_frozen", False)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    components.speedups.freeze_loaded_objects()
    components.speedups.freeze_loaded_objects()
    assert calls == ["freeze"]
