"""Rasa sends the domain only to the actions that say they need it.

endpoints.yml turns on `enable_selective_domain`; domain.yml marks the actions
that read the domain with `send_domain: true` (validate_* actions always get
it). An action that reads `domain` without the mark would get `{}`, so this
test reads every action's code and fails when that could happen.
"""
from __future__ import annotations

import ast
import inspect
import textwrap
from pathlib import Path

import yaml
from rasa.shared.core.domain import Domain
from rasa_sdk.executor import ActionExecutor

ROOT = Path(__file__).resolve().parents[2]


def _reads_domain(run: object) -> bool:
    tree = ast.parse(textwrap.dedent(inspect.getsource(run)))
    function = tree.body[0]
    assert isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
    return any(isinstance(node, ast.Name) and node.id == "domain"
               for statement in function.body for node in ast.walk(statement))


def test_selective_domain_is_on() -> None:
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    assert endpoints["action_endpoint"]["enable_selective_domain"] is True


def test_every_action_that_reads_the_domain_is_sent_it() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    domain = Domain.load(str(ROOT / "domain.yml"))
    assert executor.actions, "no actions found"
    missing = [name for name, run in executor.actions.items()
               if _reads_domain(run) and not domain.does_custom_action_explicitly_need_domain(name)]
    assert not missing, f"these actions read the domain but are not marked send_domain: true in domain.yml: {missing}"
    # and the hot paths really do go without it
    for name in ("action_answer_faq", "action_reply"):
        assert not domain.does_custom_action_explicitly_need_domain(name)


def test_the_check_sees_domain_use() -> None:
    async def uses(dispatcher, tracker, domain):  # noqa: ANN001
        return list(domain.get("slots", {}))

    async def ignores(dispatcher, tracker, domain):  # noqa: ANN001
        return []

    assert _reads_domain(uses) and not _reads_domain(ignores)
