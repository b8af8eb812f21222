"""YAML with line numbers: every dotted path ("topics[3].answer") mapped to its line.

Safe loading only (libyaml when present). An impossible date such as
2026-13-45 stays text instead of crashing the loader; duplicate keys are
recorded (YAML keeps the last one silently); alias bombs stop the line
mapping after `MAX_NODES` nodes.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_NODES = 200_000  # alias bombs: stop mapping lines past this

try:  # libyaml is ~10x faster; fall back to the pure-Python loader
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that keeps an impossible date (2026-13-45) as text instead of crashing."""


def _timestamp_or_text(loader: Any, node: Node) -> Any:
    try:
        return SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, TypeError, OverflowError):
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


@dataclasses.dataclass
class YamlDoc:
    """Parsed YAML plus the line (1-based) of every dotted path."""

    data: Any
    lines: dict[str, int]
    duplicate_keys: list[tuple[str, int, int]]  # (path, line, first line)

    def line_of(self, path: str) -> int | None:
        """Line of `path`, else of its nearest parent that exists."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = parent_path(path)


def parent_path(path: str) -> str:
    """'topics[3].answer' -> 'topics[3]' -> 'topics' -> ''."""
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def join_path(path: str, key: Any) -> str:
    """'topics' + 3 -> 'topics[3]'; 'topics[3]' + 'answer' -> 'topics[3].answer'."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def parse_yaml(text: str) -> YamlDoc:
    """Parse one YAML document; raises yaml.YAMLError on bad syntax."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    duplicates: list[tuple[str, int, int]] = []
    if node is not None:
        _map_lines(node, "", lines, duplicates)
    return YamlDoc(data, lines, duplicates)


def load_yaml(path: Path) -> YamlDoc:
    """`parse_yaml` of a UTF-8 file."""
    return parse_yaml(Path(path).read_text(encoding="utf-8"))


def _map_lines(root: Node, root_path: str, lines: dict[str, int], dups: list[tuple[str, int, int]]) -> None:
    budget = MAX_NODES
    stack: list[tuple[Node, str, frozenset[int]]] = [(root, root_path, frozenset())]
    while stack and budget > 0:
        node, path, ancestors = stack.pop()
        budget -= 1
        lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in ancestors:  # recursive alias
            continue
        inner = ancestors | {id(node)}
        if isinstance(node, MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, ScalarNode) else "?"
                child = join_path(path, key)
                line = key_node.start_mark.line + 1
                if key in seen and key != "<<":
                    dups.append((child, line, seen[key]))
                seen[key] = line
                lines[child] = line  # the key's line, the last one wins like the data
                stack.append((value_node, child, inner))
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                stack.append((item, join_path(path, i), inner))
