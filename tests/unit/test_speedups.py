"""The Rasa speed fixes give the same answers as Rasa's own code, and are installed
only on purpose: at the Rasa server's start, on the Rasa version they were written
for, unless switched off; uninstalling puts Rasa's own code back exactly."""
from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Text

import pytest
import rasa
from aiohttp import web
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction, action_for_name_or_text
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.exceptions import GraphComponentException, GraphRunError
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from components import speedups
from components.speedups import gc_freeze, keepalive

ROOT = Path(__file__).resolve().parents[2]
ALL_FIXES = ["response_schema", "event_lookup", "keepalive", "graph_runner", "gc_freeze", "rule_states"]
# (class, attribute) pairs the fixes replace; whole class dicts are compared below
PATCHED = [
    (RemoteAction, "_validate_action_result"),
    (RemoteAction, "__init__"),
    (Event, "resolve_by_type"),
    (EndpointConfig, "request"),
    (DaskGraphRunner, "run"),
    (RulePolicy, "_prediction_states"),
]
PATCHED_CLASSES = (RemoteAction, Event, EndpointConfig, DaskGraphRunner, RulePolicy)


def _records(caplog: Any) -> list:
    return [r for r in caplog.records if r.name.startswith("components.speedups")]


def _snapshot() -> Dict[type, Dict[str, Any]]:
    return {cls: dict(vars(cls)) for cls in PATCHED_CLASSES}


def _assert_rasas_own(snapshot: Dict[type, Dict[str, Any]]) -> None:
    """Every class holds exactly the objects it held in the snapshot (by identity)."""
    for cls, before in snapshot.items():
        now = dict(vars(cls))
        assert now.keys() == before.keys(), cls.__name__
        changed = [name for name in before if now[name] is not before[name]]
        assert not changed, f"{cls.__name__}: {changed}"


# Taken when this module is imported, before any test installs anything (importing
# components.speedups patches nothing: see test_importing_the_package_patches_nothing).
RASA_ORIGINALS = _snapshot()
RASA_VALIDATE = RASA_ORIGINALS[RemoteAction]["_validate_action_result"]
RASA_RESOLVE = RASA_ORIGINALS[Event]["resolve_by_type"].__func__
RASA_RUN = RASA_ORIGINALS[DaskGraphRunner]["run"]
RASA_SESSION = RASA_ORIGINALS[EndpointConfig]["session"]


@pytest.fixture
def clean(monkeypatch: Any) -> Iterator[None]:
    """Nothing installed, no switch set; whatever the test installs is undone after it."""
    monkeypatch.delenv(speedups.SWITCH, raising=False)
    speedups.uninstall_all()
    _assert_rasas_own(RASA_ORIGINALS)
    yield
    speedups.uninstall_all()


@pytest.fixture
def installed(clean: None) -> Iterator[List[str]]:
    """The fixes as the Rasa server installs them at start-up."""
    names = speedups.install_all()
    assert names == ALL_FIXES
    yield names


def _action_endpoint(**kwargs: Any) -> EndpointConfig:
    """An endpoint as Rasa uses it for the action server: handed to a RemoteAction."""
    endpoint = EndpointConfig(**kwargs)
    RemoteAction("action_x", endpoint)
    assert keepalive.is_action_endpoint(endpoint)
    return endpoint


# --------------------------------------------------------------------------
# Installing: only on purpose, only on the supported Rasa, reversibly.


def test_the_fixes_are_written_for_the_installed_rasa() -> None:
    assert rasa.__version__ == speedups.SUPPORTED_RASA


def test_install_replaces_each_attribute_once_and_is_idempotent(installed: List[str]) -> None:
    for cls, name in PATCHED:
        assert vars(cls)[name] is not RASA_ORIGINALS[cls].get(name), f"{cls.__name__}.{name}"
    after_first = _snapshot()
    assert speedups.install_all() == ALL_FIXES
    assert speedups.active() == ALL_FIXES
    _assert_rasas_own(after_first)  # the second call replaced nothing again


def test_another_rasa_version_gets_rasas_own_code_and_one_warning(
    clean: None, monkeypatch: Any, caplog: Any
) -> None:
    monkeypatch.setattr(rasa, "__version__", "3.6.20")
    caplog.set_level(logging.DEBUG, logger="components.speedups")
    assert speedups.install_all() == []
    assert speedups.install_all() == []  # both channels ask: still one warning
    _assert_rasas_own(RASA_ORIGINALS)
    assert speedups.active() == []
    warnings = [r for r in _records(caplog) if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "skipped" in warnings[0].getMessage() and "3.6.20" in warnings[0].getMessage()
    gc_freeze.freeze_loaded_objects()  # not armed: nothing is frozen
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("value", ["off", "0", "false", "OFF", "False"])
def test_the_switch_turns_every_fix_off(clean: None, monkeypatch: Any, caplog: Any, value: str) -> None:
    monkeypatch.setenv(speedups.SWITCH, value)
    caplog.set_level(logging.DEBUG, logger="components.speedups")
    assert speedups.install_all() == []
    _assert_rasas_own(RASA_ORIGINALS)
    records = _records(caplog)
    assert [r.levelno for r in records] == [logging.INFO]
    assert "off" in records[0].getMessage()
    gc_freeze.freeze_loaded_objects()
    assert gc.get_freeze_count() == 0


def test_install_logs_one_line_naming_the_active_fixes(clean: None, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG, logger="components.speedups")
    speedups.install_all()
    speedups.install_all()
    records = _records(caplog)
    assert len(records) == 1 and records[0].levelno == logging.INFO
    assert all(name in records[0].getMessage() for name in ALL_FIXES)


def test_uninstall_puts_rasas_own_attributes_back(installed: List[str]) -> None:
    gc_freeze.freeze_loaded_objects()
    assert gc.get_freeze_count() > 0
    speedups.uninstall_all()
    _assert_rasas_own(RASA_ORIGINALS)
    assert speedups.active() == []
    assert gc.get_freeze_count() == 0
    speedups.uninstall_all()  # twice is harmless
    _assert_rasas_own(RASA_ORIGINALS)
    # and they can be installed again
    assert speedups.install_all() == ALL_FIXES
    assert Event.resolve_by_type("slot") is SlotSet


def test_importing_the_package_patches_nothing() -> None:
    code = """
import gc, json, os
import components.speedups, channels.guard, stores.erasable
import rasa
import rasa.core.actions.action as a
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.events import Event
from rasa.utils.endpoints import EndpointConfig

rasa_dir = os.path.dirname(rasa.__file__) + os.sep
patched = []
for cls, name in [(a.RemoteAction, "_validate_action_result"), (a.RemoteAction, "__init__"),
                  (Event, "resolve_by_type"), (EndpointConfig, "request"), (DaskGraphRunner, "run"),
                  (RulePolicy, "_prediction_states")]:
    fn = vars(cls).get(name) or getattr(cls, name)  # RulePolicy inherits _prediction_states
    fn = getattr(fn, "__func__", fn)
    if not fn.__code__.co_filename.startswith(rasa_dir):
        patched.append(cls.__name__ + "." + name)
print(json.dumps({"patched": patched, "active": components.speedups.active(),
                  "frozen": gc.get_freeze_count()}))
"""
    env = {k: v for k, v in os.environ.items() if k != speedups.SWITCH}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"patched": [], "active": [], "frozen": 0}


# --------------------------------------------------------------------------
# Event lookup and action-response validation give Rasa's answers.


def test_event_lookup_finds_the_same_classes_and_keeps_defaults(installed: List[str]) -> None:
    assert Event.resolve_by_type("slot") is SlotSet
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("prescreen_form", ActionExecuted) is ActionExecuted
    for name in ("slot", "user", "action", "active_loop", "restart"):
        assert Event.resolve_by_type(name) is RASA_RESOLVE(name)
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")


def test_action_responses_are_still_validated(installed: List[str]) -> None:
    action = RemoteAction("action_x", None)
    good = {"events": [{"event": "slot", "name": "a", "value": 1}], "responses": []}
    assert action._validate_action_result(good) is True
    with pytest.raises(ValidationError):
        action._validate_action_result({"events": [{"event": "slot", "name": 5}], "responses": "not a list"})

    def outcome(validate: Any, result: Any) -> Any:
        try:
            return validate(action, result)
        except ValidationError as e:
            return ("error", e.message, list(e.path))

    for result in (
        good, {}, {"events": []},
        {"events": [{"event": "slot", "name": 5}], "responses": "not a list"},  # several errors
        {"events": "not a list"}, {"events": [{"event": "slot"}]}, {"responses": [5]},
        {"events": [{"event": "no_such_event"}]}, {"responses": [{"text": 5}], "events": []},
    ):
        # the same answer, and for a bad response the same error, as Rasa's own code
        assert outcome(type(action)._validate_action_result, result) == outcome(RASA_VALIDATE, result), result


# --------------------------------------------------------------------------
# The prediction graph runs in the same order, with the same results, as dask.

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
def test_sequential_runner_gives_what_dask_gives(installed: List[str], tmp_path: Any, targets: Any) -> None:
    runner = _runner(tmp_path)
    CALLS.clear()
    ours = runner.run(inputs={"__message__": "hi"}, targets=targets)
    our_calls = sorted(map(repr, CALLS))
    CALLS.clear()
    theirs = RASA_RUN(runner, inputs={"__message__": "hi"}, targets=targets)
    assert ours == theirs
    assert our_calls == sorted(map(repr, CALLS))  # the same nodes ran with the same arguments
    assert "unused" not in ours


def test_sequential_runner_runs_dependencies_first_and_lets_inputs_replace_nodes(
    installed: List[str], tmp_path: Any
) -> None:
    runner = _runner(tmp_path)
    CALLS.clear()
    runner.run(inputs={"__message__": "hi"}, targets=["last"])
    order = [c[1] if c[0] == "one" else "two" for c in CALLS]
    assert order.index("hi") < order.index(["hi", 1]) < order.index("two")
    # an input named like a node replaces it, as with dask
    assert runner.run(inputs={"__message__": "hi", "first": "given"}, targets=["joined"]) == \
        RASA_RUN(runner, inputs={"__message__": "hi", "first": "given"}, targets=["joined"])


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


def test_sequential_runner_lets_go_of_outputs_nobody_needs_any_more(installed: List[str], tmp_path: Any) -> None:
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


def test_sequential_runner_raises_like_dask(installed: List[str], tmp_path: Any) -> None:
    runner = _runner(tmp_path)
    with pytest.raises(GraphComponentException, match="node first"):
        runner.run(inputs={"__message__": "boom"}, targets=["joined"])
    with pytest.raises(GraphComponentException, match="node first"):
        RASA_RUN(runner, inputs={"__message__": "boom"}, targets=["joined"])
    with pytest.raises(GraphRunError, match="clashes"):
        runner.run(inputs={"__message__": "first"}, targets=["joined"])


# --------------------------------------------------------------------------
# Action-server calls share one keep-alive connection and behave as Rasa's;
# every other endpoint goes through Rasa's own request.


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
        await keepalive.close_sessions()
        await runner.cleanup()


def _counting_sessions(monkeypatch: Any) -> list:
    """Count calls of EndpointConfig.session(): only Rasa's own request makes them."""
    made: list = []

    def session(self: EndpointConfig) -> Any:
        made.append(self)
        return RASA_SESSION(self)

    monkeypatch.setattr(EndpointConfig, "session", session)
    return made


def test_rasa_marks_the_endpoint_it_runs_custom_actions_with(installed: List[str]) -> None:
    domain = Domain.from_dict({"actions": ["action_x"]})
    endpoint = EndpointConfig(url="http://127.0.0.1:5055/webhook")
    action = action_for_name_or_text("action_x", domain, endpoint)
    assert isinstance(action, RemoteAction) and action.action_endpoint is endpoint
    assert keepalive.is_action_endpoint(endpoint)


def test_action_calls_reuse_one_connection_with_rasas_headers_and_errors(
    installed: List[str], monkeypatch: Any
) -> None:
    made = _counting_sessions(monkeypatch)

    async def check(url: str, seen: list) -> None:
        endpoint = _action_endpoint(url=url + "/webhook", headers={"X-Clinic": "yes"}, token="secret")
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
    assert made == []  # never Rasa's per-call session


def test_other_endpoints_go_through_rasas_own_request(installed: List[str], monkeypatch: Any) -> None:
    from rasa.core.nlg.callback import CallbackNaturalLanguageGenerator

    made = _counting_sessions(monkeypatch)

    async def check(url: str, seen: list) -> None:
        nlg = CallbackNaturalLanguageGenerator(EndpointConfig(url=url + "/nlg", headers={"X-Clinic": "nlg"}))
        model_server = EndpointConfig(url=url + "/models/latest.tar.gz", token="secret")
        for endpoint in (nlg.nlg_endpoint, model_server):
            assert not keepalive.is_action_endpoint(endpoint)
        assert await nlg.nlg_endpoint.request(json={"a": 1}, method="post") == {"ok": True, "n": 1}
        assert await nlg.nlg_endpoint.request(json={"a": 2}, method="post") == {"ok": True, "n": 2}
        assert await model_server.request(method="get", subpath="text") is None
        with pytest.raises(ClientResponseError):
            await model_server.request(json={}, method="post", subpath="fail")
        assert seen[0]["peer"] != seen[1]["peer"]  # Rasa's new connection per call
        assert seen[0]["header"] == "nlg" and seen[2]["token"] == "secret"

    asyncio.run(_with_server(check))
    assert len(made) == 4  # each call made Rasa's own session
    assert keepalive._open_sessions == []


def test_idle_connections_are_dropped_before_the_action_servers_keep_alive_limit(installed: List[str]) -> None:
    assert keepalive.KEEPALIVE_SECONDS < 5  # Sanic closes idle keep-alive connections at 5 s

    async def check(url: str, seen: list) -> None:
        endpoint = _action_endpoint(url=url)
        await endpoint.request(json={}, method="post")
        await asyncio.sleep(keepalive.KEEPALIVE_SECONDS + 1.5)
        await endpoint.request(json={}, method="post")
        assert seen[0]["peer"] != seen[1]["peer"]  # a fresh connection, not a stale one

    asyncio.run(_with_server(check))


def test_no_cookies_are_carried_from_one_action_call_to_the_next(installed: List[str]) -> None:
    async def check(url: str, seen: list) -> None:
        endpoint = _action_endpoint(url=url)
        assert await endpoint.request(json={}, method="post", subpath="cookie") == {"cookie": None}
        assert await endpoint.request(json={}, method="post", subpath="cookie") == {"cookie": None}

    asyncio.run(_with_server(check))


def test_an_action_server_that_goes_down_and_comes_back_is_reached_again(installed: List[str]) -> None:
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
        endpoint = _action_endpoint(url=f"http://127.0.0.1:{port}/webhook")
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
            await keepalive.close_sessions()
            await runner.cleanup()

    asyncio.run(scenario())


# --------------------------------------------------------------------------
# The collector freeze, and the server's start-up and shut-down.


def test_objects_loaded_at_start_are_left_out_of_later_collections(installed: List[str]) -> None:
    try:
        gc_freeze.freeze_loaded_objects()
        assert gc.get_freeze_count() > 0
        assert gc.isenabled()  # new objects are still collected
    finally:
        gc.unfreeze()


def test_the_collector_freeze_happens_once_per_process(installed: List[str], monkeypatch: Any) -> None:
    calls: list = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    gc_freeze.freeze_loaded_objects()
    gc_freeze.freeze_loaded_objects()
    assert calls == ["freeze"]


def test_both_channels_install_at_start_freeze_after_it_and_close_connections_at_stop(clean: None) -> None:
    from channels.safe_rest import SafeRestInput
    from channels.safe_socketio import SafeSocketIOInput

    async def on_message(_: Any) -> None:
        return None

    for channel in (SafeRestInput(), SafeSocketIOInput()):
        speedups.uninstall_all()
        blueprint = channel.blueprint(on_message)
        listeners = {listener.event: listener.listener for listener in blueprint._future_listeners}
        assert {"before_server_start", "after_server_start", "after_server_stop"} <= listeners.keys()

        async def lifetime(url: str, seen: list) -> None:
            assert speedups.active() == []
            await listeners["before_server_start"](None, None)
            assert speedups.active() == ALL_FIXES
            await listeners["after_server_start"](None, None)
            assert gc.get_freeze_count() > 0
            endpoint = _action_endpoint(url=url)
            await endpoint.request(json={}, method="post")
            session = endpoint.__dict__["_keepalive_session"]
            assert not session.closed
            await listeners["after_server_stop"](None, None)
            assert session.closed and keepalive._open_sessions == []

        asyncio.run(_with_server(lifetime))
        speedups.uninstall_all()
        assert gc.get_freeze_count() == 0, type(channel).__name__


# --------------------------------------------------------------------------
# RulePolicy's states are built once per prediction and equal Rasa's.


def _rule_policy(tmp_path: Any) -> RulePolicy:
    from rasa.engine.storage.resource import Resource

    return RulePolicy(RulePolicy.get_default_config(), LocalModelStorage(tmp_path), Resource("rules"),
                      ExecutionContext(GraphSchema({}), "m"))


def _conversation() -> List[Event]:
    from rasa.shared.core.events import ActiveLoop, BotUttered

    def user(text: str, intent: str) -> UserUttered:
        return UserUttered(text, {"name": intent, "confidence": 1.0}, [])

    return [
        ActionExecuted("action_listen"), user("how many sessions", "faq_sessions"),
        SlotSet("language", "en"), ActionExecuted("action_answer_faq"), BotUttered("2-3"),
        ActionExecuted("action_listen"), user("do I qualify?", "start_prescreen"),
        ActionExecuted("prescreen_form"), ActiveLoop("prescreen_form"), SlotSet("requested_slot", "consent"),
        ActionExecuted("action_listen"), user("yes", "affirm"), SlotSet("consent", True),
        ActionExecuted("prescreen_form"), ActiveLoop(None), SlotSet("requested_slot", None),
        ActionExecuted("action_listen"), user("thanks", "thank"), ActionExecuted("action_reply"),
        BotUttered("You're welcome"), ActionExecuted("action_listen"),
    ]


def test_rule_states_equal_rasas_for_text_and_intent_on_every_prefix(installed: List[str], tmp_path: Any) -> None:
    from rasa.core.policies.policy import Policy
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(ROOT / "domain.yml"))
    policy = _rule_policy(tmp_path)
    events = _conversation()
    for end in range(1, len(events) + 1):
        tracker = DialogueStateTracker.from_events("s", events[:end], slots=domain.slots)
        for use_text in (True, False, True):  # Rasa's order: text first, then intent; then a stale-copy check
            ours = policy._prediction_states(tracker, domain, use_text, rule_only_data={})
            theirs = Policy._prediction_states(policy, tracker, domain, use_text, rule_only_data={})
            assert ours == theirs, (end, use_text)
            ours[-1].clear()  # what a caller does to its copy never reaches the next call
        tracker.update(ActionExecuted("action_listen"))  # the same tracker, changed: never stale
        assert policy._prediction_states(tracker, domain, False) == Policy._prediction_states(
            policy, tracker, domain, False)


def test_rule_matches_equal_rasas_on_every_prefix_and_lookup(installed: List[str], tmp_path: Any) -> None:
    from rasa.core.policies.policy import Policy
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(ROOT / "domain.yml"))
    policy = _rule_policy(tmp_path)
    rasa_keys = RASA_ORIGINALS[RulePolicy]["_get_possible_keys"]
    events = _conversation()
    histories = [Policy._prediction_states(policy, DialogueStateTracker.from_events("s", events[:end],
                                                                                 slots=domain.slots), domain)
                 for end in range(1, len(events) + 1)]
    # rules cut from the conversation itself (1-3 states long), some with another intent or a start state
    keys = set()
    for states in histories:
        for n in (1, 2, 3):
            tail = [dict(s) for s in states[-n:]]
            keys.add(json.dumps(tail, sort_keys=True))
            if tail[-1].get("user"):
                keys.add(json.dumps(tail[:-1] + [{**tail[-1], "user": {"intent": "greet"}}], sort_keys=True))
        keys.add(json.dumps([{}] + [dict(s) for s in states[-1:]], sort_keys=True))
    found = 0
    for lookup in ({k: "action_reply" for k in keys}, {k: "x" for k in sorted(keys)[:5]}, {}):
        for states in histories + [[]]:
            for _ in range(2):  # the second time from the memo
                ours = policy._get_possible_keys(lookup, states)
                assert ours == rasa_keys(policy, lookup, states)
                found += len(ours)
                ours.clear()  # a caller's changes never reach the memo
    assert found > len(histories)  # rules did match (the comparison is not between empty sets)


def test_action_call_body_keeps_only_the_latest_ranking_and_copies_what_it_changes() -> None:
    older = {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet"}, "intent_ranking": [1, 2]}}
    latest = {"event": "user", "text": "cost?", "parse_data": {"intent": {"name": "faq_cost"}, "intent_ranking": [3]}}
    bot = {"event": "bot", "text": "Hello"}
    body = {"next_action": "action_faq", "tracker": {"sender_id": "x", "events": [older, bot, latest]}}
    sent = keepalive.without_old_rankings(body)
    assert sent["tracker"]["events"][0] == {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet"}}}
    assert sent["tracker"]["events"][1:] == [bot, latest]  # the latest message keeps its ranking
    assert sent["tracker"]["sender_id"] == "x" and sent["next_action"] == "action_faq"
    # the tracker's own dictionaries are untouched
    assert older["parse_data"]["intent_ranking"] == [1, 2] and body["tracker"]["events"][0] is older
    for other in ({"next_action": "a"}, {"tracker": None}, [1], None):
        assert keepalive.without_old_rankings(other) is other


def test_request_bodies_are_the_same_json_with_ujson_or_the_standard_library() -> None:
    import json

    body = {"text": "¿Cuánto cuesta? </script> \u2028", "n": 0.1 + 0.2, "big": 2**60, "none": None, "list": [True]}
    assert json.loads(keepalive._dumps(body)) == body
    assert json.loads(keepalive._dumps({"huge": 2**70})) == {"huge": 2**70}  # ujson refuses it: the fallback
