"""Run the prediction graph in a fixed order without dask.

Rasa hands each of its three graph runs per message to dask's local
scheduler, which re-plans the graph every time (~1 ms per message). The nodes
are called in the same dependency order with the same arguments; the order is
worked out once per set of targets. As with dask, a node's output is let go
once its last user has run, an input named like a node replaces that node,
and errors are raised as Rasa's own runner raises them.

Replaces: `DaskGraphRunner.run`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from components.speedups._patching import Patches

_patches = Patches()


def install() -> None:
    if _patches.active:
        return
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

    _patches.replace(DaskGraphRunner, "run", run)


def uninstall() -> None:
    _patches.restore()
