"""Measured fixes for Rasa 3.6 hot paths on these 2-core machines.

1. Validate action-server responses with a schema compiled once. Rasa 3.6 calls `jsonschema.validate(result, schema)` for every custom action
response. With jsonschema 4.17 that re-validates the schema itself against the
draft 2020-12 meta-schema each time: ~30-150 ms per action, most of a
message's latency on these 2-core machines. The response is still validated,
with the same schema and the same error message, by a validator built once.

2. Look up event classes by name in a dict. Rasa walks every subclass of
   Event for each stored event it deserialises (``Event.resolve_by_type``),
   which made loading a conversation from the tracker store grow to tens of
   milliseconds. The lookup gives the same class; unknown names still go
   through Rasa's own code.

3. Keep the logistic-regression weights in column order. scikit-learn scores a
   sparse message against ``coef_.T``; with row-ordered weights scipy copies
   the whole (features x intents) matrix on every message (~3 ms here). The
   same numbers in Fortran order are read in place. Predictions are identical.

4. Keep the connection to the action server open. Rasa opens a new HTTP
   client session, and so a new TCP connection, for every custom action call
   (~1 ms on each side here). Calls now share one keep-alive session per
   endpoint and event loop. Idle connections are dropped after 2 s, before
   the action server's own 5 s keep-alive limit, so a reused connection is
   never one the server is closing. Requests, headers, timeouts and errors
   are Rasa's own.

5. Run the prediction graph in a fixed order without dask. Rasa hands each
   of its three graph runs per message to dask's local scheduler, which
   re-plans the graph every time (~1 ms per message). The nodes are called
   in the same dependency order with the same arguments; the order is
   worked out once per set of targets.

6. Keep the loaded model out of the garbage collector's way. Rasa, its
   libraries and the model leave millions of long-lived objects; every full
   collection walked all of them and stalled the server for 300-400 ms, which
   showed up as the slowest 1% of replies. After start-up they are moved to
   the permanent generation (`gc.freeze()`); new objects are collected as
   usual.

Imported (and installed) by the Rasa server's custom components, channels and
tracker store. See README, Benchmarks, for the numbers before and after.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Tuple

logger = logging.getLogger(__name__)

_installed = False


def install() -> None:
    """Replace RemoteAction._validate_action_result with a pre-compiled validator."""
    global _installed
    if _installed:
        return
    from jsonschema import ValidationError, validators
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_cls = validators.validator_for(schema)
    validator_cls.check_schema(schema)
    validator = validator_cls(schema)

    def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError as e:
            e.message += (
                ". Failed to validate Action server response from API, make sure your "
                f"response from the Action endpoint is valid. For more information about "
                f"the format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise e

    RemoteAction._validate_action_result = _validate_action_result
    _install_event_lookup()
    _install_classifier_layout()
    _install_keepalive_sessions()
    _install_sequential_runner()
    _installed = True


def _install_classifier_layout() -> None:
    import numpy as np
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    original_load = LogisticRegressionClassifier.load.__func__

    def load(cls: Any, *args: Any, **kwargs: Any) -> Any:
        component = original_load(cls, *args, **kwargs)
        clf = getattr(component, "clf", None)
        if clf is not None and hasattr(clf, "coef_"):
            clf.coef_ = np.asfortranarray(clf.coef_)
        return component

    LogisticRegressionClassifier.load = classmethod(load)

    from scipy.sparse import csr_matrix, hstack, vstack
    from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT

    original_create_x = LogisticRegressionClassifier._create_X

    def _create_X(self: Any, messages: List[Any]) -> Any:
        rows = []
        for message in messages:
            sentence = [f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
            if not sentence or any(not f.is_sparse() for f in sentence):
                return original_create_x(self, messages)  # dense or missing features: Rasa's own way
            blocks = [csr_matrix(f.features) for f in sentence]
            rows.append(blocks[0] if len(blocks) == 1 else hstack(blocks, format="csr"))
        return vstack(rows, format="csr").astype(np.float64)  # Rasa's matrix is float64 too

    LogisticRegressionClassifier._create_X = _create_X
    LogisticRegressionClassifier._rasa_create_X = original_create_x


def _install_event_lookup() -> None:
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    by_name: Dict[Text, Any] = {}

    def resolve_by_type(type_name: Text, default: Any = None) -> Any:
        cls = by_name.get(type_name)
        if cls is not None:
            return cls
        cls = original(type_name, default)  # unknown names: Rasa's own default or error
        if cls is not None and getattr(cls, "type_name", None) == type_name:
            by_name[type_name] = cls
        return cls

    Event.resolve_by_type = staticmethod(resolve_by_type)


_frozen = False


def freeze_loaded_objects() -> None:
    """Collect once, then leave everything loaded so far out of later collections.

    Runs once per process (both channels ask for it). Frozen objects are never
    freed, so a model swapped in while the server runs (PUT /model, only with
    the HTTP API on) would leave the old one in memory: restart the server to
    load a new model, which is what `make run` does.
    """
    global _frozen
    if _frozen:
        return
    import gc

    gc.collect()
    gc.freeze()
    _frozen = True


KEEPALIVE_SECONDS = 2.0
_open_sessions: List[Any] = []


async def close_sessions() -> None:
    """Close the shared keep-alive sessions (the channels call this at server stop)."""
    while _open_sessions:
        session = _open_sessions.pop()
        try:
            if not session.closed:
                await session.close()
        except Exception:  # a session of another, finished event loop
            logger.debug("could not close an action-server session", exc_info=True)


def _discard(session: Any) -> None:
    """Drop a session whose event loop is gone (tests, or a thread's loop)."""
    if session in _open_sessions:
        _open_sessions.remove(session)
    try:
        if not session.closed:
            session.connector.close()
    except Exception:
        logger.debug("could not close an action-server session", exc_info=True)


def _install_keepalive_sessions() -> None:
    import asyncio

    import aiohttp
    from aiohttp.client_exceptions import ContentTypeError
    from rasa.utils import endpoints
    from rasa.utils.endpoints import EndpointConfig

    original_request = EndpointConfig.request

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
        if self.cafile:  # custom certificates: Rasa's own per-call session
            return await original_request(self, method, subpath, content_type, compress, **kwargs)
        headers = {}
        if content_type:
            headers["Content-Type"] = content_type
        if "headers" in kwargs:
            headers.update(kwargs.pop("headers"))
        if self.headers:
            headers.update(self.headers)
        url = endpoints.concat_url(self.url, subpath)
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

    EndpointConfig.request = request


def _install_sequential_runner() -> None:
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    Step = Tuple[Text, Any, Tuple[Text, ...], Tuple[Text, ...]]  # name, node, needs, free after
    Plan = Tuple[List[Step], frozenset]

    def plan_for(runner: DaskGraphRunner, targets: List[Text]) -> Plan:
        plans = runner.__dict__.setdefault("_sequential_plans", {})
        key = tuple(targets)
        plan = plans.get(key)
        if plan is None:
            schema = runner._graph_schema.minimal_graph_schema(targets)
            order: List[Text] = []
            state: Dict[Text, int] = {}  # 1 = visiting, 2 = done

            def visit(name: Text) -> None:
                if state.get(name) == 2:
                    return
                if state.get(name) == 1:
                    raise GraphRunError(f"The graph has a cycle at node '{name}'.")
                state[name] = 1
                for dependency in schema.nodes[name].needs.values():
                    if dependency in schema.nodes:
                        visit(dependency)
                state[name] = 2
                order.append(name)

            for name in schema.nodes:
                visit(name)
            # Like dask, let go of a node's output once its last user has run
            # (the targets are kept): training graphs pass large data along.
            last_use: Dict[Text, int] = {}
            for index, name in enumerate(order):
                for need in schema.nodes[name].needs.values():
                    last_use[need] = index
            free_after: Dict[int, List[Text]] = {}
            for name, index in last_use.items():
                if name in schema.nodes and name not in targets:
                    free_after.setdefault(index, []).append(name)
            steps = [
                (name, runner._instantiated_nodes[name], tuple(schema.nodes[name].needs.values()),
                 tuple(free_after.get(index, ())))
                for index, name in enumerate(order)
            ]
            plan = (steps, frozenset(order))
            plans[key] = plan
        return plan

    def run(
        self: DaskGraphRunner, inputs: Optional[Dict[Text, Any]] = None, targets: Optional[List[Text]] = None
    ) -> Dict[Text, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        steps, node_names = plan_for(self, run_targets)
        values: Dict[Text, Any] = {}
        for input_name, input_value in (inputs or {}).items():
            if isinstance(input_value, str) and (
                input_value in node_names or input_value in values
            ):
                raise GraphRunError(
                    f"Input value '{input_value}' clashes with a node name. Make sure "
                    f"that none of the input names passed to the `run` method are the "
                    f"same as node names in the graph schema."
                )
            values[input_name] = (input_name, input_value)
        try:
            for name, node, needs, free in steps:
                if name not in values:  # an input of the same name replaces the node, as in dask
                    values[name] = node(*[values.get(need, need) for need in needs])
                for done in free:
                    values.pop(done, None)
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e
        return dict(values[target] for target in run_targets)

    DaskGraphRunner._dask_run = DaskGraphRunner.run
    DaskGraphRunner.run = run


install()
