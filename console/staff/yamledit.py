"""Change values inside a YAML file without touching anything else in it.

Staff content files are commented for people who edit them by hand, so the
console never re-dumps a whole file: each change replaces only the text of
the value it changes (or inserts / removes one key), in the style the value
already had (a folded `>-` answer stays folded, a quoted pattern stays
quoted, a flow list stays a flow list). Comments, blank lines and every
other value are kept byte for byte.

Every edit is verified: the new text is parsed again and must equal the old
data with exactly the requested changes applied, otherwise `EditError` is
raised and nothing is written. So a bug in the text surgery can refuse an
edit but can never change another value.

Paths are tuples of mapping keys (str) and sequence indexes (int).
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Path_ = Tuple[Union[str, int], ...]
DELETE = object()  # value meaning "remove this key"
WIDTH = 80  # folded answers are wrapped at this column, like the files are


class EditError(Exception):
    """The edit could not be made safely; nothing was changed."""


class Comment(str):
    """A comment line inside a block list (kept where it stands)."""


class _Loader(yaml.SafeLoader):
    """Pure-Python safe loader (character-exact positions); impossible dates stay text."""


def _timestamp_or_text(loader: Any, node: Node) -> Any:
    try:
        return SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, TypeError, OverflowError):
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)

try:  # libyaml for reading data (10x faster); positions for edits come from the pure-Python composer
    class _FastLoader(yaml.CSafeLoader):  # type: ignore[name-defined, misc]
        pass

    _FastLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _FastLoader = _Loader  # type: ignore[misc, assignment]


def load(text: str) -> Any:
    return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a SafeLoader subclass


def compose(text: str) -> Optional[Node]:
    return yaml.compose(text, Loader=_Loader)  # noqa: S506


# --------------------------------------------------------------------------
# Navigation


def get(data: Any, path: Path_, default: Any = None) -> Any:
    for key in path:
        if isinstance(data, dict) and key in data:
            data = data[key]
        elif isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
            data = data[key]
        else:
            return default
    return data


def _child(node: Node, key: Union[str, int]) -> Optional[Tuple[Optional[Node], Node]]:
    """(key node, value node) of `key` in a mapping, or (None, item) in a sequence."""
    if isinstance(node, MappingNode) and isinstance(key, str):
        found = None
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == key:
                found = (k, v)  # the last one wins, like the loader
        return found
    if isinstance(node, SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return None, node.value[key]
    return None


def _walk(root: Node, path: Path_) -> Tuple[List[Node], Optional[Node], Optional[Node]]:
    """Ancestors of the target, its key node and its node (None when absent)."""
    ancestors: List[Node] = []
    node: Optional[Node] = root
    key_node: Optional[Node] = None
    for key in path:
        if node is None:
            return ancestors, None, None
        ancestors.append(node)
        found = _child(node, key)
        if found is None:
            return ancestors, None, None
        key_node, node = found
    return ancestors, key_node, node


def path_label(path: Path_) -> str:
    """('topics', 3, 'answer') -> 'topics[3].answer' (the content check's notation)."""
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


# --------------------------------------------------------------------------
# Emitting values


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufeff]")


def check_text(value: str) -> Optional[str]:
    """Why a text cannot be stored, or None."""
    if _CONTROL.search(value):
        return "contains a control character; retype the text instead of pasting it"
    return None


def _plain_ok(s: str, flow: bool) -> bool:
    if not s or s != s.strip() or "\n" in s or "\t" in s or _CONTROL.search(s):
        return False
    if flow and any(c in s for c in ",[]{}#"):
        return False
    if s.startswith(("'", '"', "&", "*", "!", "|", ">", "%", "@", "`", "-", "?", ":", "[", "{", "#")):
        return False
    try:
        parsed = yaml.safe_load(f"[{s}]" if flow else f"k: {s}")
    except yaml.YAMLError:
        return False
    return parsed == ([s] if flow else {"k": s})


def _double(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _single(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _wrap(s: str, width: int) -> List[str]:
    lines: List[str] = []
    current = ""
    for word in s.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return lines


def _foldable(s: str) -> bool:
    return bool(s) and s == s.strip() and "\n" not in s and "  " not in s and "\t" not in s \
        and not _CONTROL.search(s)


def emit_scalar(value: Any, *, flow: bool, block_indent: Optional[int], style: Optional[str] = None,
                column: int = 0) -> str:
    """One scalar as YAML text.

    `block_indent`: the indentation for the lines of a block scalar (`>-`/`|-`),
    or None where a block scalar is not possible (in a list item, in flow).
    `style`: the style the value had (None plain, "'", '"', ">", "|").
    `column`: where the value starts (to decide when an answer is long).
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    s = str(value)
    if "\n" in s:
        lines = s.split("\n")
        keep = s.endswith("\n")
        body = lines[:-1] if keep else lines
        literal_ok = block_indent is not None and not _CONTROL.search(s) and "\t" not in s \
            and all(ln == ln.rstrip() for ln in body) and body and body[0][:1] != " " \
            and not (not keep and s.endswith("\n"))
        if literal_ok and not s.endswith("\n\n"):
            pad = " " * block_indent
            head = "|" if keep else "|-"
            return head + "".join("\n" + (pad + ln if ln else "") for ln in body)
        return _double(s)
    if style == ">" or (block_indent is not None and style not in ("'", '"') and column + len(s) > WIDTH):
        if block_indent is not None and _foldable(s):
            pad = " " * block_indent
            return ">-" + "".join("\n" + pad + ln for ln in _wrap(s, max(30, WIDTH - block_indent)))
    if style == "'" and not _CONTROL.search(s):
        return _single(s)
    if style == '"':
        return _double(s)
    if _plain_ok(s, flow):
        return s
    if "\\" in s and "'" not in s and not _CONTROL.search(s):
        return _single(s)  # regular expressions read better without doubled backslashes
    return _double(s)


def emit_flow(value: Any, hints: Optional[Dict[str, Optional[str]]] = None, key: str = "*") -> str:
    """A flow value; `hints` are the quote styles the old value used, by key ("*" for list items)."""
    hints = hints or {}
    if isinstance(value, dict):
        return "{" + ", ".join(f"{emit_flow_key(k)}: {emit_flow(v, hints, str(k))}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(emit_flow(v, hints, key) for v in value) + "]"
    style = hints.get(key)
    if isinstance(value, str) and style is None and value.startswith("$"):
        style = '"'  # "$name" refers to a number in `criteria`: quoted like the files do
    return emit_scalar(value, flow=True, block_indent=None, style=style if style in ("'", '"') else None)


def emit_flow_key(key: Any) -> str:
    return emit_scalar(key, flow=True, block_indent=None) if isinstance(key, str) else emit_flow(key)


def style_hints(node: Optional[Node]) -> Dict[str, Optional[str]]:
    """The quote style of each key's values (and "*" for list items) in an existing value."""
    hints: Dict[str, Optional[str]] = {}

    def visit(n: Node, key: str) -> None:
        if isinstance(n, ScalarNode):
            if n.style in ("'", '"') and key not in hints:
                hints[key] = n.style
        elif isinstance(n, SequenceNode):
            for item in n.value:
                visit(item, key)
        elif isinstance(n, MappingNode):
            for k, v in n.value:
                visit(v, k.value if isinstance(k, ScalarNode) else "*")

    if node is not None:
        visit(node, "*")
    return hints


def _is_leaf_map(value: Any) -> bool:
    return isinstance(value, dict) and all(not isinstance(v, (dict, list)) for v in value.values())


def emit_block(value: Any, indent: int, item_style: Optional[str] = None,
               hints: Optional[Dict[str, Optional[str]]] = None) -> str:
    """A block collection whose first line starts at the current column (`indent`).

    Mappings whose values are all scalars and lists of scalars inside are
    written in flow style (`{slot: ps_type, equals: diabetic}`), as the files do.
    Comment items of a list become comment lines.
    """
    pad = " " * indent
    lines: List[str] = []
    if isinstance(value, list):
        if not value:
            return "[]"
        for item in value:
            if isinstance(item, Comment):
                lines.append("# " + str(item).lstrip("#").strip())
            elif isinstance(item, dict) and not _is_leaf_map(item):
                lines.append("- " + emit_block(item, indent + 2, hints=hints))
            elif isinstance(item, (dict, list)):
                lines.append("- " + emit_flow(item, hints))
            else:
                lines.append("- " + emit_scalar(item, flow=False, block_indent=None, style=item_style))
        return ("\n" + pad).join(lines)
    if isinstance(value, dict):
        if not value:
            return "{}"
        for key, item in value.items():
            k = emit_flow_key(key)
            if isinstance(item, dict) and item and not _is_leaf_map(item):
                lines.append(f"{k}:\n{pad}  " + emit_block(item, indent + 2, hints=hints))
            elif isinstance(item, list) and item and any(isinstance(x, dict) for x in item):
                lines.append(f"{k}:\n{pad}  " + emit_block(item, indent + 2, hints=hints))
            elif isinstance(item, (dict, list)):
                lines.append(f"{k}: " + emit_flow(item, hints, str(key)))
            else:
                lines.append(f"{k}: " + emit_scalar(item, flow=False, block_indent=indent + 2,
                                                    column=indent + len(k) + 2))
        return ("\n" + pad).join(lines)
    return emit_scalar(value, flow=False, block_indent=indent + 2)


# --------------------------------------------------------------------------
# Spans in the text


def _trimmed_end(text: str, node: Node) -> int:
    """End of a node's own text, without the blank lines a block node's end mark includes."""
    if isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        end = _trimmed_end(text, last[1] if isinstance(node, MappingNode) else last)
    else:
        end = node.end_mark.index
    while end > node.start_mark.index and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end


def _in_flow(ancestors: Sequence[Node]) -> bool:
    return any(isinstance(a, (MappingNode, SequenceNode)) and a.flow_style for a in ancestors)


def block_list_with_comments(text: str, path: Path_) -> Optional[List[Any]]:
    """The items of a block list with the comment lines between them (as `Comment`s)."""
    root = compose(text)
    if root is None:
        return None
    _, _, node = _walk(root, path)
    if not isinstance(node, SequenceNode):
        return None
    data = get(load(text), path)
    if node.flow_style or not isinstance(data, list):
        return list(data) if isinstance(data, list) else None
    out: List[Any] = []
    prev_end = None
    for item_node, item in zip(node.value, data):
        if prev_end is not None:
            gap = text[prev_end:item_node.start_mark.index]
            for ln in gap.split("\n")[1:]:
                stripped = ln.strip()
                if stripped.startswith("#"):
                    out.append(Comment(stripped.lstrip("#").strip()))
        out.append(item)
        prev_end = _trimmed_end(text, item_node)
    return out


# --------------------------------------------------------------------------
# Edits


@dataclass
class Change:
    path: Path_
    value: Any  # DELETE removes the key


def _replace(text: str, root: Node, path: Path_, value: Any) -> str:
    ancestors, key_node, node = _walk(root, path)
    if node is None:
        return _insert(text, root, path, value)
    start, end = node.start_mark.index, _trimmed_end(text, node)
    flow = _in_flow(ancestors)
    parent = ancestors[-1] if ancestors else None
    # indentation of the key (mapping value) or of the "- " (list item) the value belongs to
    if key_node is not None:
        owner_col = key_node.start_mark.column
    else:
        owner_col = node.start_mark.column - 2 if isinstance(parent, SequenceNode) else node.start_mark.column
    if isinstance(value, (dict, list)):
        clean = _strip_comments(value)
        hints = style_hints(node)
        collection = isinstance(node, (MappingNode, SequenceNode))
        if flow or (collection and node.flow_style) or not value:
            new = emit_flow(clean, hints)
        elif collection:
            new = emit_block(value, node.start_mark.column, _item_style(node), hints)
        elif _is_leaf_map(value) or (isinstance(value, list) and len(value) <= 4
                                     and not any(isinstance(x, (dict, list, Comment)) for x in value)):
            new = emit_flow(clean, hints)
        else:  # a scalar becomes a block collection on the next lines
            col = owner_col + 2
            new = "\n" + " " * col + emit_block(value, col)
    else:
        style = node.style if isinstance(node, ScalarNode) else None
        block_indent = None if flow or key_node is None else owner_col + 2
        if style in (">", "|") and block_indent is not None:
            # keep the indentation the block scalar already uses
            first_line = text.find("\n", start) + 1
            m = re.match(r"[ ]*", text[first_line:])
            if m and first_line and len(m.group(0)) > owner_col:
                block_indent = len(m.group(0))
        new = emit_scalar(value, flow=flow, block_indent=block_indent, style=style,
                          column=node.start_mark.column)
    rest = text[end:_line_end(text, end)]
    m = re.match(r"( +)#", rest)
    if m and "\n" not in new:
        spaces = max(1, len(m.group(1)) + (end - start) - len(new))
        rest_start = end + len(m.group(1))
        return text[:start] + new + " " * spaces + text[rest_start:]
    return text[:start] + new + text[end:]


def _item_style(node: Node) -> Optional[str]:
    if isinstance(node, SequenceNode):
        for item in node.value:
            if isinstance(item, ScalarNode):
                return item.style
    return None


def _insert(text: str, root: Node, path: Path_, value: Any) -> str:
    """Add a missing key to its (existing) mapping."""
    ancestors, _, parent = _walk(root, path[:-1])
    key = path[-1]
    if not isinstance(parent, MappingNode) or not isinstance(key, str):
        raise EditError(f"cannot add {path_label(path)}: its parent is not a group of fields")
    if parent.flow_style or _in_flow(ancestors):
        new_parent = dict(get(load(text), path[:-1]) or {})
        new_parent[key] = value
        return _replace(text, root, path[:-1], new_parent)
    if not parent.value:
        raise EditError(f"cannot add {path_label(path)} to an empty group")
    col = parent.value[0][0].start_mark.column
    last_end = _trimmed_end(text, parent.value[-1][1])
    at = _line_end(text, last_end)
    k = emit_flow_key(key)
    if isinstance(value, (dict, list)) and value and (isinstance(value, dict) and not _is_leaf_map(value)
                                                     or isinstance(value, list) and len(value) > 4
                                                     or isinstance(value, list)
                                                     and any(isinstance(x, (dict, Comment)) for x in value)):
        body = f"{k}:\n" + " " * (col + 2) + emit_block(value, col + 2)
    elif isinstance(value, (dict, list)):
        body = f"{k}: " + emit_flow(value)
    else:
        body = f"{k}: " + emit_scalar(value, flow=False, block_indent=col + 2, column=col + len(k) + 2)
    return text[:at] + "\n" + " " * col + body + text[at:]


def _delete(text: str, root: Node, path: Path_) -> str:
    ancestors, key_node, node = _walk(root, path)
    if node is None:
        return text
    parent = ancestors[-1]
    if not isinstance(parent, MappingNode) or key_node is None:
        raise EditError(f"cannot remove {path_label(path)}")
    if parent.flow_style or _in_flow(ancestors):
        new_parent = dict(get(load(text), path[:-1]) or {})
        new_parent.pop(path[-1], None)
        return _replace(text, root, path[:-1], new_parent)
    if parent.value[0][0] is key_node:
        raise EditError(f"cannot remove {path_label(path)}: it is the first field of its group")
    start = _line_start(text, key_node.start_mark.index)
    if text[start:key_node.start_mark.index].strip():
        raise EditError(f"cannot remove {path_label(path)}: it shares its line")
    end = _line_end(text, _trimmed_end(text, node))
    return text[:start] + text[min(len(text), end + 1):]


def _set(data: Any, path: Path_, value: Any) -> None:
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        target.pop(path[-1], None)
    else:
        target[path[-1]] = _strip_comments(value)


def _strip_comments(value: Any) -> Any:
    if isinstance(value, list):
        return [_strip_comments(v) for v in value if not isinstance(v, Comment)]
    if isinstance(value, dict):
        return {k: _strip_comments(v) for k, v in value.items()}
    if isinstance(value, Comment):
        return str(value)
    return value


def apply(text: str, changes: Sequence[Change]) -> str:
    """The text with `changes` made; raises EditError if that cannot be done exactly."""
    data = load(text)
    expected = copy.deepcopy(data)
    for change in changes:
        if get(data, change.path[:-1]) is None and change.value is not DELETE and len(change.path) > 1:
            raise EditError(f"{path_label(change.path[:-1])} does not exist")
        current = get(expected, change.path, DELETE)
        if change.value is DELETE and current is DELETE:
            continue
        if change.value is not DELETE and current is not DELETE and \
                _same(current, _strip_comments(change.value)) and not _has_comments(change.value):
            continue
        root = compose(text)
        if root is None:
            raise EditError("the file is empty")
        if change.value is DELETE:
            text = _delete(text, root, change.path)
        else:
            text = _replace(text, root, change.path, change.value)
        _set(expected, change.path, change.value)
    try:
        got = load(text)
    except yaml.YAMLError as exc:
        raise EditError(f"the edit would not be valid YAML ({exc.__class__.__name__})") from exc
    if not _same(got, expected):
        raise EditError("the edit could not be written exactly; nothing was changed")
    return text


def _has_comments(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(v, Comment) for v in value)


def _same(a: Any, b: Any) -> bool:
    """Equal data, with 1 and 1.0 kept apart (YAML types matter to the checks)."""
    if type(a) is not type(b) and not (isinstance(a, str) and isinstance(b, str)):
        return False
    if isinstance(a, dict):
        return list(a.keys()) == list(b.keys()) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def to_json(value: Any) -> Any:
    """Plain JSON data for the audit log (dates as YYYY-MM-DD)."""
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def dumps(value: Any) -> str:
    return json.dumps(to_json(value), ensure_ascii=False, sort_keys=False)


def fingerprint(value: Any) -> str:
    import hashlib

    return hashlib.sha256(dumps(value).encode("utf-8")).hexdigest()[:16]


__all__ = ["Change", "Comment", "DELETE", "EditError", "apply", "block_list_with_comments", "check_text",
           "compose", "dumps", "fingerprint", "get", "load", "path_label", "to_json", "Dict"]
