"""Checks for the staff-editable content in `content/*.yml`.

`validate_dir()` loads every content file with line numbers, checks it against
the schemas in docs/ARCHITECTURE.md, the NLU training data and the semantic
validators of the modules that own a file, and returns a `Report` whose
problems name file, line and field. It is used by `make check`
(scripts/check_content.py), by scripts/preview.py and by the action server on
every live reload (actions/content.py), so it must stay fast and must never
raise: a failing check becomes a problem instead.

No Rasa import here, and nothing slow at import time: textstat (which imports
nltk) and the semantic validators are imported on first use.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import difflib
import functools
import hashlib
import importlib
import os
import re
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# --------------------------------------------------------------------------
# Limits and names from the contract (docs/ARCHITECTURE.md)

CONTENT_FILES = ("clinic", "faq", "messages", "prescreen", "safety")
CLINIC_FIELDS = ("name", "team_name", "intake_url", "phone", "email", "hours")
# {placeholder} in a text -> clinic field that fills it
PLACEHOLDERS: Dict[str, str] = {
    "clinic_name": "name",
    "team_name": "team_name",
    "phone": "phone",
    "email": "email",
    "hours": "hours",
    "intake_url": "intake_url",
}
REQUIRED_MESSAGES = (
    "greeting", "help", "fallback", "out_of_scope", "thanks", "goodbye", "bot_challenge", "contact",
    "non_english", "empty_message", "message_too_long", "recall_refusal", "forget_me_done",
    "action_error", "start_over_done", "disclaimer",
)
TOPIC_KEYS = ("id", "title", "answer", "follow_ups", "links", "source", "last_reviewed")
TOPIC_REQUIRED = ("id", "title", "answer", "follow_ups", "source", "last_reviewed")
LINK_KEYS = ("title", "url")
MESSAGE_KEYS = ("text", "buttons")
BUTTON_KEYS = ("title", "topic", "intent", "url")
BUTTON_TARGETS = ("topic", "intent", "url")

ID_RE = re.compile(r"^[a-z0-9_]+$")
ANSWER_MAX_CHARS = 700
ANSWER_WARN_CHARS = 500
TITLE_MAX_CHARS = 40
FOLLOW_UPS_MAX = 3
GRADE_WARN = 8.0
GRADE_MAX_DEFAULT = 10.0
# Flesch-Kincaid is meaningless on a line or two ("Information unavailable."
# scores grade 30), so texts shorter than this are not graded.
GRADE_MIN_WORDS = 10
REVIEW_AFTER_MONTHS = 12

SEMANTIC_VALIDATORS = {
    "prescreen": "assistant.prescreen.spec",
    "safety": "assistant.safety",
}
# In prescreen.yml / safety.yml: strings under these keys are visitor-facing
# wording (graded for readability); strings under the SKIP keys are regular
# expressions, word lists, test examples, conditions or staff notes and get no
# text checks at all.
WORDING_KEYS = frozenset({"text", "message", "answer", "reask", "explanation", "what_could_change", "intro",
                          "summary_intro", "what_to_bring"})
SKIP_KEYS = frozenset({"patterns", "pattern", "regex", "regexes", "words", "terms", "keywords", "phrases",
                       "lexicon", "examples", "description", "when", "ask_if", "implied", "notes_for_staff"})

_PLACEHOLDER_RE = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")
_FILL_RE = re.compile(r"\{([a-z_]+)\}")  # what actions/content.py fills
_URL_IN_TEXT_RE = re.compile(
    r"(?i)(?<![\w/])(?:https?://[^\s<>\"')\]]+|www\.[^\s<>\"')\]]+|javascript:\S*|vbscript:\S*|data:[a-z]+/[^\s]*)"
)
_EMAIL_RE = re.compile(r"^[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_MAX_NODES = 200_000  # alias bombs: stop mapping lines past this

# Stand-ins used to measure length/grade when a clinic value is unknown.
_STAND_INS = {
    "name": "the clinic", "team_name": "our team", "phone": "555 0100", "email": "team@example.org",
    "hours": "on weekdays", "intake_url": "https://example.org/intake",
}


# --------------------------------------------------------------------------
# Results


@dataclasses.dataclass(frozen=True)
class Problem:
    """One finding. `field` is the dotted path inside the file ("topics[3].answer")."""

    file: str
    line: Optional[int]
    field: str
    message: str
    severity: str = "error"  # "error" | "warning"
    where: str = ""  # human label of the record: "topic 'timeline'", "message 'greeting'"

    def __str__(self) -> str:
        loc = f"{self.file}:{self.line}" if self.line else self.file
        label = self.where or self.field
        return f"{loc} {label}: {self.message}" if label else f"{loc}: {self.message}"


@dataclasses.dataclass
class Report:
    problems: List[Problem]
    data: Dict[str, Any]

    @property
    def errors(self) -> List[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> List[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


# --------------------------------------------------------------------------
# YAML with line numbers

try:  # libyaml is ~10x faster; fall back to the pure-Python loader
    _BaseLoader = yaml.CSafeLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader  # type: ignore[misc]


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
    lines: Dict[str, int]
    duplicate_keys: List[Tuple[str, int, int]]  # (path, line, first line)

    def line_of(self, path: str) -> Optional[int]:
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
    lines: Dict[str, int] = {}
    duplicates: List[Tuple[str, int, int]] = []
    if node is not None:
        _map_lines(node, "", lines, duplicates)
    return YamlDoc(data, lines, duplicates)


def load_yaml(path: Path) -> YamlDoc:
    return parse_yaml(Path(path).read_text(encoding="utf-8"))


def _map_lines(root: Node, root_path: str, lines: Dict[str, int], dups: List[Tuple[str, int, int]]) -> None:
    budget = _MAX_NODES
    stack: List[Tuple[Node, str, frozenset]] = [(root, root_path, frozenset())]
    while stack and budget > 0:
        node, path, ancestors = stack.pop()
        budget -= 1
        lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in ancestors:  # recursive alias
            continue
        inner = ancestors | {id(node)}
        if isinstance(node, MappingNode):
            seen: Dict[str, int] = {}
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


# --------------------------------------------------------------------------
# Rendering and clinic values (shared with scripts/preview.py)


def clinic_values(clinic_file: Any, env: Mapping[str, str] = os.environ) -> Dict[str, str]:
    """Clinic fields from parsed clinic.yml with CLINIC_* environment overrides."""
    values: Dict[str, str] = {}
    clinic = clinic_file.get("clinic") if isinstance(clinic_file, dict) else None
    if isinstance(clinic, dict):
        for field in CLINIC_FIELDS:
            value = clinic.get(field)
            if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
                values[field] = str(value).strip()
    for field in CLINIC_FIELDS:
        override = env.get(f"CLINIC_{field.upper()}")
        if override:
            values[field] = override
    return values


def render(text: Any, clinic: Mapping[str, str]) -> str:
    """Fill {clinic_name}-style placeholders like actions/content.py does."""
    if not isinstance(text, str):
        return ""

    def fill(match: "re.Match[str]") -> str:
        field = PLACEHOLDERS.get(match.group(1))
        return clinic.get(field, match.group(0)) if field else match.group(0)

    return _FILL_RE.sub(fill, text).strip()


# --------------------------------------------------------------------------
# Readability (textstat, cached by text)

_GRADE_CACHE: Dict[str, Optional[float]] = {}
_GRADE_CACHE_MAX = 5000
_fk: Any = None  # None = not tried yet, False = unavailable, else a function


def _load_fk() -> Any:
    """textstat's Flesch-Kincaid grade, without network access.

    textstat <= 0.7.4 (pinned in requirements.in) counts syllables with pyphen:
    its public function is used as is. Newer releases look words up in nltk's
    cmudict and download it at run time when missing (blocked here, unwanted on
    a server); for them the same formula is built from textstat's own word,
    sentence and pyphen counters so the grade is the same on every machine.
    """
    try:
        import textstat
    except Exception:  # noqa: BLE001
        return False
    try:
        from textstat.backend.utils import get_cmudict  # noqa: F401 - only present in 0.7.5+
    except ImportError:
        return textstat.flesch_kincaid_grade
    try:
        from textstat.backend.counts import count_sentences, count_words
        from textstat.backend.selections import list_words
        from textstat.backend.utils import get_pyphen

        pyphen = get_pyphen("en_US")

        def fk(text: str) -> float:
            words = count_words(text)
            sentences = count_sentences(text)
            if not words or not sentences:
                return 0.0
            syllables = sum(len(pyphen.positions(w)) + 1 for w in list_words(text, lowercase=True))
            return 0.39 * words / sentences + 11.8 * syllables / words - 15.59

        return fk
    except Exception:  # noqa: BLE001
        return False


def _prepare_for_grade(text: str) -> str:
    text = _URL_IN_TEXT_RE.sub("the link", text)
    text = re.sub(r"\S+@\S+\.\w+", "email", text)
    # a list line or heading without a full stop is still its own sentence
    lines = [ln.strip(" \t-*•") for ln in text.splitlines()]
    return " ".join(ln if ln.endswith((".", "!", "?", ":")) else f"{ln}." for ln in lines if ln)


def word_count(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9']+", text))


def reading_grade(text: str) -> Optional[float]:
    """US school grade (Flesch-Kincaid) of `text`, None if textstat cannot run."""
    global _fk
    if text in _GRADE_CACHE:
        return _GRADE_CACHE[text]
    if _fk is None:
        _fk = _load_fk()
    grade: Optional[float] = None
    if _fk:
        grade = round(float(_fk(_prepare_for_grade(text))), 1)
    if len(_GRADE_CACHE) >= _GRADE_CACHE_MAX:
        _GRADE_CACHE.clear()
    _GRADE_CACHE[text] = grade
    return grade


# --------------------------------------------------------------------------
# NLU training data (cached by file signature: it can be large)

_NLU_CACHE: Dict[Tuple[str, int, int], Any] = {}


@dataclasses.dataclass
class NluIntent:
    name: str
    file: str
    line: int
    examples: int


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (dt.date, dt.datetime)):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    return type(value).__name__


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _short(value: Any, limit: int = 60) -> str:
    s = str(value)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _suggest(word: str, options: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _months_ago(today: dt.date, months: int) -> dt.date:
    year, month = divmod(today.month - 1 - months, 12)
    year += today.year
    month += 1
    day = min(today.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
                          31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1])
    return dt.date(year, month, day)


# --------------------------------------------------------------------------
# The checker


class _Checker:
    def __init__(self, content_dir: Path, data_dir: Optional[Path], production: bool,
                 max_grade: float, today: dt.date, env: Mapping[str, str]) -> None:
        self.content_dir = Path(content_dir)
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.production = production
        self.max_grade = max_grade
        self.today = today
        self.env = env
        self.problems: List[Problem] = []
        self.docs: Dict[str, YamlDoc] = {}
        self.hashes: Dict[str, str] = {}
        self.clinic: Dict[str, str] = {}
        self.topic_ids: Optional[set] = None  # None: faq.yml unusable, skip cross-references
        self.topic_labels: Dict[int, str] = {}
        self.topic_index: Dict[int, str] = {}  # topic position -> id
        self.nlu: Optional[Dict[str, NluIntent]] = None  # None: no NLU data, skip intent checks
        self.graded_unavailable = False
        try:
            self.content_label = self.content_dir.resolve().name or str(self.content_dir)
        except Exception:
            self.content_label = str(self.content_dir)

    # -- recording -----------------------------------------------------------
    def file_label(self, stem: str) -> str:
        return f"{self.content_label}/{stem}.yml"

    def where(self, stem: str, path: str) -> str:
        m = re.match(r"topics\[(\d+)\]", path)
        if stem == "faq" and m:
            return self.topic_labels.get(int(m.group(1)), f"topics[{m.group(1)}]")
        m = re.match(r"messages\.([^.\[]+)", path)
        if stem == "messages" and m:
            return f"message '{m.group(1)}'"
        if stem == "clinic":
            return "clinic"
        return path

    def rel(self, stem: str, path: str) -> str:
        """The field's name inside its record ('links[0].title' in topic 'x'); '' for the record itself."""
        record = {"faq": r"topics\[\d+\]", "messages": r"messages\.[^.\[]+", "clinic": r"clinic"}.get(stem)
        if record is None:  # prescreen/safety: the label already shows the full path
            return re.split(r"[.]", path)[-1] if path else ""
        m = re.match(rf"{record}(?:\.|(?=\[)|$)", path)
        return path[m.end():] if m else path

    def add(self, stem: str, path: str, message: str, severity: str = "error",
            line: Optional[int] = None) -> None:
        doc = self.docs.get(stem)
        if line is None and doc is not None:
            line = doc.line_of(path)
        self.problems.append(Problem(self.file_label(stem), line, path, message, severity,
                                     self.where(stem, path)))

    def add_raw(self, file: str, line: Optional[int], field: str, message: str,
                severity: str = "error", where: str = "") -> None:
        self.problems.append(Problem(file, line, field, message, severity, where))

    def guarded(self, stem: str, check: Callable[[], None]) -> None:
        """Run one check; an exception becomes a problem instead of escaping."""
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - the contract: never raise on bad input
            self.add(stem, "", f"could not be checked ({type(exc).__name__}: {_short(exc, 120)})")

    # -- loading --------------------------------------------------------------
    def load(self, stem: str) -> None:
        path = self.content_dir / f"{stem}.yml"
        if not path.is_file():
            alt = self.content_dir / f"{stem}.yaml"
            if alt.is_file():
                self.add(stem, "", f"name the file {stem}.yml, not {stem}.yaml")
            else:
                self.add(stem, "", "file is missing")
            return
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            self.add(stem, "", f"is not UTF-8 text (byte {exc.start}); save it as UTF-8")
            return
        except OSError as exc:
            self.add(stem, "", f"cannot be read ({type(exc).__name__})")
            return
        try:
            doc = parse_yaml(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            col = f" (column {mark.column + 1})" if mark else ""
            what = exc.problem or exc.context or "bad YAML"
            hint = ""
            if "\t" in text and "tab" in str(exc).lower():
                hint = "; use spaces, not tabs"
            self.add(stem, "", f"YAML syntax error: {what}{col}{hint}", line=line)
            return
        except yaml.YAMLError as exc:
            self.add(stem, "", f"YAML syntax error: {_short(exc, 120)}")
            return
        self.docs[stem] = doc
        self.hashes[stem] = hashlib.sha1(text.encode("utf-8")).hexdigest()
        if doc.data is None:
            self.add(stem, "", "file is empty", line=1)

    def mapping(self, stem: str, allowed: Sequence[str], required: Sequence[str]) -> Optional[dict]:
        """The top-level mapping of a file, with its keys checked."""
        doc = self.docs.get(stem)
        if doc is None or doc.data is None:
            return None
        if not isinstance(doc.data, dict):
            self.add(stem, "", f"should be a group of fields ({', '.join(allowed)}), found {_type_name(doc.data)}")
            return None
        self.check_keys(stem, "", doc.data, allowed, required)
        return doc.data

    # -- generic field checks --------------------------------------------------
    def check_keys(self, stem: str, path: str, record: dict, allowed: Sequence[str],
                   required: Sequence[str], what: str = "") -> None:
        inside = self.rel(stem, path)
        prefix = f"{inside}: " if inside else ""
        for key in record:
            if key not in allowed:
                self.add(stem, join_path(path, key),
                         f"{prefix}unknown key '{key}' (allowed: {', '.join(allowed)}){_suggest(str(key), allowed)}")
        for key in required:
            if key not in record:
                self.add(stem, path, f"{prefix}missing key '{key}'{what}")

    def text_field(self, stem: str, path: str, record: dict, key: str, required: bool = True) -> Optional[str]:
        """A text value: wrong type / empty are reported; returns the text or None."""
        if key not in record:
            return None  # reported by check_keys when required
        value = record[key]
        field = join_path(path, key)
        name = self.rel(stem, field)
        if _is_blank(value):
            if required:
                self.add(stem, field, f"{name} is empty")
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and key in ("phone",):
            return str(value)
        if not isinstance(value, str):
            self.add(stem, field, f"{name} should be text, found {_type_name(value)}")
            return None
        return value

    def check_placeholders(self, stem: str, path: str, text: str) -> None:
        for m in _PLACEHOLDER_RE.finditer(text):
            name = m.group(1)
            if name in PLACEHOLDERS and m.group(0) == "{" + name + "}":
                continue
            if name.lower() in PLACEHOLDERS:
                self.add(stem, path, f"write the placeholder as {{{name.lower()}}} exactly "
                                     f"(lower case, no spaces), not {m.group(0)}")
            else:
                close = difflib.get_close_matches(name, list(PLACEHOLDERS), n=1, cutoff=0.6)
                hint = f"; did you mean {{{close[0]}}}?" if close else ""
                self.add(stem, path, f"unknown placeholder {m.group(0)} (allowed: "
                                     f"{', '.join('{' + p + '}' for p in PLACEHOLDERS)}){hint}")
        leftover = _PLACEHOLDER_RE.sub("", text)
        if "{" in leftover or "}" in leftover:
            self.add(stem, path, "has a lone { or }: braces are only for placeholders like {phone}", "warning")

    def check_links_in_text(self, stem: str, path: str, text: str) -> None:
        for m in _URL_IN_TEXT_RE.finditer(text):
            url = m.group(0)
            if url.lower().startswith("https://"):
                continue
            if url.lower().startswith("www."):
                self.add(stem, path, f"link '{_short(url)}' should start with https://", "warning")
            else:
                self.add(stem, path, f"link '{_short(url)}' is not allowed: links must start with https://")

    def url_problem(self, url: str) -> Optional[str]:
        u = url.strip()
        low = u.lower()
        if not low.startswith("https://"):
            scheme = low.split(":", 1)[0] if ":" in low else ""
            if scheme in ("http", "javascript", "data", "vbscript", "file", "ftp"):
                return f"'{_short(u)}' is not allowed: links must start with https://"
            return f"'{_short(u)}' is not a web link: it must start with https://"
        rest = u[len("https://"):]
        host = re.split(r"[/?#]", rest, 1)[0]
        if not host or "." not in host or re.search(r"\s", u) or "@" in host:
            return f"'{_short(u)}' is not a valid web address"
        return None

    def check_url_field(self, stem: str, path: str, value: Any) -> None:
        key = self.rel(stem, path)
        if _is_blank(value):
            self.add(stem, path, f"{key} is empty")
            return
        if not isinstance(value, str):
            self.add(stem, path, f"{key} should be text, found {_type_name(value)}")
            return
        self.check_placeholders(stem, path, value)
        filled = render(value, self.clinic)
        if _FILL_RE.search(filled):
            return  # an unknown/unfilled placeholder, reported above
        problem = self.url_problem(filled)
        if problem:
            if filled != value.strip():
                problem = f"{key} after filling placeholders: {problem}"
            else:
                problem = f"{key} {problem}"
            self.add(stem, path, problem)

    def check_wording(self, stem: str, path: str, text: str, *, what: str, length: bool = False) -> None:
        """Checks for any sentence a visitor reads: placeholders, links, length, grade."""
        self.check_placeholders(stem, path, text)
        self.check_links_in_text(stem, path, text)
        rendered = render(text, {**_STAND_INS, **self.clinic})
        if length:
            n = len(rendered)
            if n > ANSWER_MAX_CHARS:
                self.add(stem, path, f"{what} is {n} characters; at most {ANSWER_MAX_CHARS} are allowed")
            elif n > ANSWER_WARN_CHARS:
                self.add(stem, path, f"{what} is {n} characters; aim for {ANSWER_WARN_CHARS} or fewer", "warning")
        if word_count(rendered) < GRADE_MIN_WORDS:
            return
        grade = reading_grade(rendered)
        if grade is None:
            self.graded_unavailable = True
            return
        if grade > self.max_grade:
            self.add(stem, path, f"{what} reads at US grade {grade:g}, above the limit of {self.max_grade:g}: "
                                 "use shorter sentences and simpler words")
        elif grade > GRADE_WARN:
            self.add(stem, path, f"{what} reads at US grade {grade:g}; aim for grade {GRADE_WARN:g} or lower",
                     "warning")

    def check_title(self, stem: str, path: str, record: dict, key: str = "title") -> None:
        title = self.text_field(stem, path, record, key)
        if title is None:
            return
        self.check_placeholders(stem, join_path(path, key), title)
        shown = render(title, {**_STAND_INS, **self.clinic})
        field = join_path(path, key)
        if len(shown) > TITLE_MAX_CHARS:
            self.add(stem, field, f"{self.rel(stem, field)} is {len(shown)} characters; "
                                  f"a button label can have at most {TITLE_MAX_CHARS}")

    def check_button(self, stem: str, path: str, button: Any, free_answer: bool = False) -> None:
        """A reply button: title + exactly one of topic / intent / url.

        `free_answer`: pre-screen answer buttons may have only a title (its text is the answer).
        """
        if not isinstance(button, dict):
            self.add(stem, path, f"a button should be a group of fields like {{title: ..., topic: ...}}, "
                                 f"found {_type_name(button)}")
            return
        if not free_answer:  # pre-screen answer buttons: their owner's validator checks the keys
            self.check_keys(stem, path, button, BUTTON_KEYS, ("title",), " (the label on the button)")
        self.check_title(stem, path, button)
        targets = [k for k in BUTTON_TARGETS if k in button]
        if len(targets) > 1:
            self.add(stem, path, f"{self.rel(stem, path)}: a button can have only ONE of topic, intent or url; this one has "
                                 f"{' and '.join(targets)}")
        elif not targets:
            if not free_answer:
                self.add(stem, path, f"{self.rel(stem, path)}: a button needs one of topic, intent or url")
            return
        target = targets[0] if targets else None
        value = button.get(target)
        field = join_path(path, target)
        if target == "url":
            self.check_url_field(stem, field, value)
            return
        name = self.rel(stem, field)
        if _is_blank(value):
            self.add(stem, field, f"{name} is empty")
            return
        if not isinstance(value, str):
            self.add(stem, field, f"{name} should be text, found {_type_name(value)}")
            return
        if target == "topic" and self.topic_ids is not None and value not in self.topic_ids:
            self.add(stem, field, f"{name} '{value}' does not exist in faq.yml"
                                  f"{_suggest(value, sorted(self.topic_ids))}")
        if target == "intent":
            if value.startswith("/"):
                self.add(stem, field, f"{name}: write the intent without the slash: {value[1:]}")
            elif self.nlu is not None and value not in self.nlu:
                self.add(stem, field, f"{name} '{value}' is not in the training data (data/nlu)"
                                      f"{_suggest(value, sorted(self.nlu))}")

    # -- clinic.yml -------------------------------------------------------------
    def check_clinic(self) -> None:
        top = self.mapping("clinic", ("clinic", "placeholders"), ("clinic",))
        self.clinic = clinic_values(top or {}, self.env)
        if top is None:
            return
        clinic = top.get("clinic")
        if "clinic" in top and not isinstance(clinic, dict):
            self.add("clinic", "clinic", f"clinic should be a group of fields ({', '.join(CLINIC_FIELDS)}), "
                                         f"found {_type_name(clinic)}")
            clinic = None
        if isinstance(clinic, dict):
            self.check_keys("clinic", "clinic", clinic, CLINIC_FIELDS, CLINIC_FIELDS)
            for field in CLINIC_FIELDS:
                self.text_field("clinic", "clinic", clinic, field)
        for field in CLINIC_FIELDS:
            value = self.clinic.get(field)
            if value is None:
                continue
            overridden = bool(self.env.get(f"CLINIC_{field.upper()}"))
            source = f" (from CLINIC_{field.upper()})" if overridden else ""
            path = f"clinic.{field}"
            if field == "intake_url":
                problem = self.url_problem(value)
                if problem:
                    self.add("clinic", path, f"intake_url{source} {problem}")
            elif field == "email" and not _EMAIL_RE.match(value):
                self.add("clinic", path, f"email{source} '{_short(value)}' is not an email address")
            if "{" in value or "}" in value:
                self.add("clinic", path, f"{field}{source} cannot contain braces")
        placeholders = top.get("placeholders", [])
        if placeholders is None:
            placeholders = []
        if not isinstance(placeholders, list):
            self.add("clinic", "placeholders", f"placeholders should be a list like [phone, email], "
                                               f"found {_type_name(placeholders)}")
            return
        for i, name in enumerate(placeholders):
            path = f"placeholders[{i}]"
            if name not in CLINIC_FIELDS:
                self.add("clinic", path, f"'{_short(name)}' is not a clinic field (fields: {', '.join(CLINIC_FIELDS)})"
                                         f"{_suggest(str(name), CLINIC_FIELDS)}")
                continue
            if self.env.get(f"CLINIC_{name.upper()}"):
                continue  # set for real by the environment
            if self.production:
                self.add("clinic", path, f"{name} still holds an example value; put in the real one and take "
                                         f"'{name}' off the placeholders list before going live")
            else:
                self.add("clinic", path, f"{name} still holds an example value (listed in placeholders)", "warning")

    # -- faq.yml ------------------------------------------------------------------
    def check_faq_shape(self) -> None:
        """First pass: topic ids (so buttons elsewhere can be checked against them)."""
        top = self.mapping("faq", ("topics",), ("topics",))
        if top is None or "topics" not in top:
            return
        topics = top["topics"]
        if not isinstance(topics, list):
            self.add("faq", "topics", f"topics should be a list of topics (each starting with '- id:'), "
                                      f"found {_type_name(topics)}")
            return
        ids: set = set()
        for i, topic in enumerate(topics):
            if isinstance(topic, dict) and isinstance(topic.get("id"), str) and topic["id"].strip():
                ids.add(topic["id"])
                self.topic_index[i] = topic["id"]
                self.topic_labels[i] = f"topic '{topic['id']}'"
        self.topic_ids = ids

    def check_faq(self) -> None:
        doc = self.docs.get("faq")
        if doc is None or self.topic_ids is None:
            return
        first_seen: Dict[str, int] = {}
        for i, topic in enumerate(doc.data["topics"]):
            path = f"topics[{i}]"
            self.guarded("faq", lambda: self.check_topic(path, topic, first_seen))

    def check_topic(self, path: str, topic: Any, first_seen: Dict[str, int]) -> None:
        if not isinstance(topic, dict):
            self.add("faq", path, f"each topic should be a group of fields starting with '- id:', "
                                  f"found {_type_name(topic)}")
            return
        self.check_keys("faq", path, topic, TOPIC_KEYS, TOPIC_REQUIRED)
        topic_id = self.text_field("faq", path, topic, "id")
        if topic_id is not None:
            line = self.docs["faq"].line_of(f"{path}.id") or 0
            if not ID_RE.match(topic_id):
                self.add("faq", f"{path}.id", f"id '{_short(topic_id)}' may only use lower-case letters, digits "
                                              "and _ (like how_msc_works)")
            if topic_id in first_seen:
                self.add("faq", f"{path}.id", f"id '{topic_id}' is used twice (first on line {first_seen[topic_id]})")
            else:
                first_seen[topic_id] = line
        self.check_title("faq", path, topic)
        answer = self.text_field("faq", path, topic, "answer")
        if answer is not None:
            self.check_wording("faq", f"{path}.answer", answer, what="answer", length=True)
        self.check_follow_ups(path, topic, topic_id)
        if "links" in topic:
            links = topic["links"]
            if links is None:
                links = []
            if not isinstance(links, list):
                self.add("faq", f"{path}.links", f"links should be a list of {{title, url}}, found {_type_name(links)}")
            else:
                for j, link in enumerate(links):
                    lpath = f"{path}.links[{j}]"
                    if not isinstance(link, dict):
                        self.add("faq", lpath, f"a link should be {{title: ..., url: https://...}}, "
                                               f"found {_type_name(link)}")
                        continue
                    self.check_keys("faq", lpath, link, LINK_KEYS, LINK_KEYS)
                    self.check_title("faq", lpath, link)
                    if "url" in link:
                        self.check_url_field("faq", f"{lpath}.url", link["url"])
        self.text_field("faq", path, topic, "source")
        self.check_review_date(path, topic)

    def check_follow_ups(self, path: str, topic: dict, topic_id: Optional[str]) -> None:
        if "follow_ups" not in topic:
            return
        follow_ups = topic["follow_ups"]
        fpath = f"{path}.follow_ups"
        if follow_ups is None:
            follow_ups = []
        if isinstance(follow_ups, str):
            self.add("faq", fpath, f"follow_ups should be a list like [{follow_ups}], found text")
            return
        if not isinstance(follow_ups, list):
            self.add("faq", fpath, f"follow_ups should be a list of topic ids, found {_type_name(follow_ups)}")
            return
        if len(follow_ups) > FOLLOW_UPS_MAX:
            self.add("faq", fpath, f"has {len(follow_ups)} follow_ups; at most {FOLLOW_UPS_MAX} are allowed")
        seen = set()
        for j, ref in enumerate(follow_ups):
            rpath = f"{fpath}[{j}]"
            if not isinstance(ref, str):
                self.add("faq", rpath, f"follow_ups[{j}] should be a topic id, found {_type_name(ref)}")
                continue
            if ref not in self.topic_ids:  # type: ignore[operator]
                self.add("faq", rpath, f"follow_ups[{j}] names topic '{_short(ref)}', which does not exist"
                                       f"{_suggest(ref, sorted(self.topic_ids or ()))}")
            elif ref == topic_id:
                self.add("faq", rpath, f"follow_ups[{j}] points to this same topic", "warning")
            if ref in seen:
                self.add("faq", rpath, f"follow_ups[{j}] repeats '{ref}'", "warning")
            seen.add(ref)

    def check_review_date(self, path: str, topic: dict) -> None:
        if "last_reviewed" not in topic:
            return
        value = topic["last_reviewed"]
        field = f"{path}.last_reviewed"
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                self.add("faq", field, f"last_reviewed '{_short(value)}' is not a real date; write it as YYYY-MM-DD")
                return
        if not isinstance(value, dt.date):
            self.add("faq", field, f"last_reviewed should be a date (YYYY-MM-DD), found {_type_name(value)}")
            return
        if value > self.today:
            self.add("faq", field, f"last_reviewed {value.isoformat()} is in the future")
        elif value < _months_ago(self.today, REVIEW_AFTER_MONTHS):
            self.add("faq", field, f"due for review: last reviewed {value.isoformat()}, more than "
                                   f"{REVIEW_AFTER_MONTHS} months ago", "warning")

    # -- messages.yml ---------------------------------------------------------------
    def check_messages(self) -> None:
        top = self.mapping("messages", ("messages",), ("messages",))
        if top is None or "messages" not in top:
            return
        messages = top["messages"]
        if not isinstance(messages, dict):
            self.add("messages", "messages", f"messages should be a group of named messages (greeting:, help:, ...), "
                                             f"found {_type_name(messages)}")
            return
        for required in REQUIRED_MESSAGES:
            if required not in messages:
                self.add("messages", "messages", f"required message '{required}' is missing")
        for mid, record in messages.items():
            path = f"messages.{mid}"
            self.guarded("messages", lambda: self.check_message(path, str(mid), record))

    def check_message(self, path: str, mid: str, record: Any) -> None:
        if not ID_RE.match(mid):
            self.add("messages", path, f"message name '{_short(mid)}' may only use lower-case letters, digits and _")
        if isinstance(record, str):
            self.add("messages", path, "write the message under text: (greeting:\\n  text: ...)")
            return
        if not isinstance(record, dict):
            self.add("messages", path, f"a message should be a group of fields (text, buttons), "
                                       f"found {_type_name(record)}")
            return
        self.check_keys("messages", path, record, MESSAGE_KEYS, ("text",))
        text = self.text_field("messages", path, record, "text")
        if text is not None:
            self.check_wording("messages", f"{path}.text", text, what="text")
        if "buttons" in record:
            self.check_button_list("messages", f"{path}.buttons", record["buttons"])

    def check_button_list(self, stem: str, path: str, buttons: Any, free_answer: bool = False) -> None:
        if buttons is None:
            return
        if not isinstance(buttons, list):
            self.add(stem, path, f"buttons should be a list, found {_type_name(buttons)}")
            return
        for j, button in enumerate(buttons):
            self.check_button(stem, f"{path}[{j}]", button, free_answer)

    # -- prescreen.yml / safety.yml (structure is owned by their validators) ----------
    def check_owned_file(self, stem: str) -> None:
        doc = self.docs.get(stem)
        if doc is None or doc.data is None:
            return
        if not isinstance(doc.data, dict):
            self.add(stem, "", f"should be a group of fields, found {_type_name(doc.data)}")
            return
        validated = self.run_semantic_validator(stem, doc)
        before = len(self.problems)
        for path, key, value in _walk_strings(doc.data):
            if not _skipped(path):
                self.guarded(stem, lambda: self.check_owned_string(stem, path, key, value, validated))
        for path, buttons in _walk_key(doc.data, "buttons"):
            if not _skipped(path):
                self.guarded(stem, lambda: self.check_button_list(stem, path, buttons, free_answer=True))
        # the owner's validator already reports placeholders in its wording: say it once
        theirs = {p.field for p in self.problems[:before] if "placeholder" in p.message}
        self.problems[before:] = [p for p in self.problems[before:]
                                  if not (p.field in theirs and "placeholder" in p.message)]

    def check_owned_string(self, stem: str, path: str, key: Any, value: str, validated: bool) -> None:
        if key == "url":
            self.check_url_field(stem, path, value)
        elif key in WORDING_KEYS:
            if not value.strip():
                if not validated:  # otherwise the owner's validator says so
                    self.add(stem, path, f"{key} is empty")
            else:
                self.check_wording(stem, path, value, what=str(key))
        elif re.search(r"\.buttons\[\d+\]\.title$", path):
            pass  # checked with the buttons
        else:
            self.check_placeholders(stem, path, value)
            self.check_links_in_text(stem, path, value)

    def run_semantic_validator(self, stem: str, doc: YamlDoc) -> bool:
        """Run the owning module's validate_spec; False when it is not available."""
        module_name = SEMANTIC_VALIDATORS[stem]
        validate = _semantic_validator(module_name)
        if isinstance(validate, str):
            self.add(stem, "", f"validator not available ({validate}); only the general checks ran", "warning")
            return False
        # validate_spec is a pure function of the file: skip it when the file is unchanged
        # (the safety validator compiles every pattern, ~100 ms, on each live reload)
        key = (stem, validate, self.hashes.get(stem, ""))
        try:
            results = _SEMANTIC_CACHE.get(key)
            if results is None:
                results = list(validate(copy.deepcopy(doc.data)) or [])
                if len(_SEMANTIC_CACHE) > 32:
                    _SEMANTIC_CACHE.clear()
                _SEMANTIC_CACHE[key] = results
        except Exception as exc:  # noqa: BLE001
            self.add(stem, "", f"{module_name}.validate_spec failed ({type(exc).__name__}: {_short(exc, 120)}); "
                               "the file could not be fully checked")
            return True
        for item in results or []:
            severity = "error"
            if isinstance(item, str):
                path, message = "", item
            elif isinstance(item, (tuple, list)) and len(item) >= 2:
                path, message = str(item[0] or ""), str(item[1])
                if len(item) >= 3 and item[2] in ("error", "warning"):
                    severity = item[2]
            else:
                path, message = "", str(item)
            path = re.sub(rf"^{stem}(\.yml)?[.:]", "", path.strip())
            self.add(stem, path, message, severity)
        return True

    # -- NLU training data ------------------------------------------------------------
    def load_nlu(self) -> None:
        if self.data_dir is None:
            return
        base = self.data_dir / "nlu"
        root = base if base.is_dir() else self.data_dir
        if not root.is_dir():
            self.add_raw(str(self.data_dir), None, "", "NLU data folder not found; intent checks skipped", "warning")
            return
        files = sorted(p for p in root.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())
        try:
            label_root = self.data_dir.resolve().parent
        except Exception:
            label_root = self.data_dir.parent
        intents: Dict[str, NluIntent] = {}
        for path in files:
            try:
                label = str(path.resolve().relative_to(label_root))
            except ValueError:
                label = str(path)
            for item in _nlu_intents(path, label):
                if isinstance(item, Problem):
                    self.problems.append(item)
                    continue
                if item.name in intents:
                    intents[item.name].examples += item.examples
                else:
                    intents[item.name] = item
        self.nlu = intents

    def check_nlu_links(self) -> None:
        if self.nlu is None or self.topic_ids is None:
            return
        reported = set()
        for i, topic_id in sorted(self.topic_index.items()):
            if topic_id in reported:
                continue
            reported.add(topic_id)
            intent = self.nlu.get(f"faq_{topic_id}")
            if intent is None or intent.examples == 0:
                self.add("faq", f"topics[{i}].id", f"no training phrasings: add intent faq_{topic_id} with example "
                                                   "questions to data/nlu/faq.yml, then run make train")
        for name, intent in sorted(self.nlu.items()):
            if name.startswith("faq_") and name[4:] not in self.topic_ids:
                self.add_raw(intent.file, intent.line, name,
                             f"has no topic in {self.file_label('faq')} (no topic with id '{name[4:]}')"
                             f"{_suggest(name[4:], sorted(self.topic_ids))}", where=f"intent {name}")

    def check_dialogue_links(self) -> None:
        """Every topic's intent must be in domain.yml and answered by a rule."""
        if self.topic_ids is None or self.data_dir is None or self.nlu is None:
            return
        domain = _intent_names(self.data_dir.parent / "domain.yml", "intents")
        rules = set()
        for path in sorted((self.data_dir / "rules").glob("*.yml")) if (self.data_dir / "rules").is_dir() else []:
            rules |= _intent_names(path, "rules") or set()
        for i, topic_id in sorted(self.topic_index.items()):
            name = f"faq_{topic_id}"
            if domain is not None and name not in domain:
                self.add("faq", f"topics[{i}].id", f"intent {name} is not listed under intents in domain.yml; "
                                                   "add it, then run make train")
            if rules and name not in rules:
                self.add("faq", f"topics[{i}].id", f"no rule answers {name}: add '- intent: {name}' to the FAQ "
                                                   "rule in data/rules/faq.yml, then run make train")

    def report_duplicate_keys(self) -> None:
        for stem, doc in self.docs.items():
            for dup_path, line, first in doc.duplicate_keys:
                key = dup_path.rsplit(".", 1)[-1]
                self.add(stem, dup_path, f"key '{key}' appears twice (first on line {first}); only the last one is "
                                         "used", line=line)

    # -- the whole run -------------------------------------------------------------------
    def run(self) -> None:
        for stem in CONTENT_FILES:
            self.guarded(stem, lambda: self.load(stem))
        self.guarded("clinic", self.check_clinic)
        self.guarded("faq", self.check_faq_shape)
        self.guarded("faq", self.report_duplicate_keys)
        try:
            self.load_nlu()
        except Exception as exc:  # noqa: BLE001
            self.add_raw(str(self.data_dir), None, "", f"NLU data could not be read ({type(exc).__name__})")
            self.nlu = None
        self.guarded("faq", self.check_faq)
        self.guarded("faq", self.check_nlu_links)
        self.guarded("faq", self.check_dialogue_links)
        self.guarded("messages", self.check_messages)
        for stem in ("prescreen", "safety"):
            self.guarded(stem, lambda: self.check_owned_file(stem))
        if self.graded_unavailable:
            self.add_raw(self.content_label, None, "", "reading grade not checked: textstat is not usable here",
                         "warning")


@functools.lru_cache(maxsize=4096)
def _skipped(path: str) -> bool:
    return any(re.sub(r"\[\d+\]", "", seg) in SKIP_KEYS for seg in path.split("."))


def _walk_strings(data: Any, path: str = "", key: Any = None, _depth: int = 0) -> Iterator[Tuple[str, Any, str]]:
    if _depth > 50:
        return
    if isinstance(data, str):
        yield path, key, data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from _walk_strings(v, join_path(path, k), k, _depth + 1)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _walk_strings(v, join_path(path, i), key, _depth + 1)


def _walk_key(data: Any, wanted: str, path: str = "", _depth: int = 0) -> Iterator[Tuple[str, Any]]:
    if _depth > 50:
        return
    if isinstance(data, dict):
        for k, v in data.items():
            child = join_path(path, k)
            if k == wanted:
                yield child, v
            else:
                yield from _walk_key(v, wanted, child, _depth + 1)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _walk_key(v, wanted, join_path(path, i), _depth + 1)


def _intent_names(path: Path, section: str) -> Optional[set]:
    """Intent names listed in domain.yml (`intents`) or used in a rules file (`rules`)."""
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    if section == "intents":
        names = set()
        for item in data.get("intents") or []:
            names.add(next(iter(item)) if isinstance(item, dict) and item else str(item))
        return names
    found: set = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("intent"), str):
                found.add(node["intent"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data.get("rules") or [])
    return found


def _nlu_intents(path: Path, label: str) -> List[Any]:
    """Intents (with example counts) of one Rasa NLU file, cached by file signature."""
    try:
        st = path.stat()
    except OSError:
        return []
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key in _NLU_CACHE:
        return _NLU_CACHE[key]
    out: List[Any] = []
    try:
        doc = load_yaml(path)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        out.append(Problem(label, mark.line + 1 if mark else None, "",
                           f"YAML syntax error: {exc.problem or exc.context}"))
        doc = None
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        out.append(Problem(label, None, "", f"cannot be read ({type(exc).__name__})"))
        doc = None
    if doc is not None and isinstance(doc.data, dict) and isinstance(doc.data.get("nlu"), list):
        for i, item in enumerate(doc.data["nlu"]):
            if not isinstance(item, dict) or not isinstance(item.get("intent"), str):
                continue
            examples = item.get("examples")
            count = 0
            if isinstance(examples, str):
                count = sum(1 for ln in examples.splitlines() if ln.strip().startswith("-") and ln.strip()[1:].strip())
            elif isinstance(examples, list):
                count = len(examples)
            out.append(NluIntent(item["intent"], label, doc.line_of(f"nlu[{i}].intent") or 0, count))
    if len(_NLU_CACHE) > 200:
        _NLU_CACHE.clear()
    _NLU_CACHE[key] = out
    return [dataclasses.replace(x) if isinstance(x, NluIntent) else x for x in out]


_VALIDATOR_CACHE: Dict[str, Any] = {}
_SEMANTIC_CACHE: Dict[Tuple[str, Any, str], List[Any]] = {}


def _semantic_validator(module_name: str) -> Any:
    """The module's validate_spec, or a string saying why it is not available."""
    if module_name in _VALIDATOR_CACHE:
        return _VALIDATOR_CACHE[module_name]
    try:
        module = importlib.import_module(module_name)
        found: Any = getattr(module, "validate_spec", None)
        if not callable(found):
            found = f"{module_name} has no validate_spec"
    except ModuleNotFoundError as exc:
        found = f"{module_name} not found" if exc.name and module_name.startswith(exc.name) else \
            f"{module_name} needs missing module {exc.name}"
    except Exception as exc:  # noqa: BLE001 - a broken module must not break the check
        found = f"{module_name} failed to import: {type(exc).__name__}"
    if not isinstance(found, str):  # retry later while the module is still being written
        _VALIDATOR_CACHE[module_name] = found
    return found


# --------------------------------------------------------------------------
# Entry point


def max_grade_from_env(env: Mapping[str, str] = os.environ) -> float:
    try:
        return float(env.get("CONTENT_MAX_GRADE", "") or GRADE_MAX_DEFAULT)
    except ValueError:
        return GRADE_MAX_DEFAULT


def validate_dir(content_dir: Path, data_dir: Optional[Path] = None, production: bool = False, *,
                 max_grade: Optional[float] = None, today: Optional[dt.date] = None,
                 env: Optional[Mapping[str, str]] = None) -> Report:
    """Check the content directory; never raises.

    Args:
        content_dir: folder with clinic.yml, faq.yml, messages.yml, prescreen.yml, safety.yml.
        data_dir: Rasa data folder (with nlu/); None skips the training-data checks.
        production: remaining clinic placeholders are errors instead of warnings.
        max_grade: reading-grade error limit (default: env CONTENT_MAX_GRADE, else 10).
        today: the date used for review checks (tests).
        env: environment for CLINIC_* overrides (default os.environ).
    """
    env = os.environ if env is None else env
    checker = _Checker(Path(content_dir), Path(data_dir) if data_dir is not None else None, production,
                       max_grade if max_grade is not None else max_grade_from_env(env),
                       today or dt.date.today(), env)
    try:
        checker.run()
    except Exception as exc:  # noqa: BLE001 - last line of defence
        checker.add_raw(checker.content_label, None, "", f"content check failed ({type(exc).__name__})")
    order = {checker.file_label(s): i for i, s in enumerate(CONTENT_FILES)}
    problems = sorted(checker.problems, key=lambda p: (p.severity != "error", order.get(p.file, 99), p.file,
                                                       p.line or 0))
    data = {stem: doc.data for stem, doc in checker.docs.items()}
    return Report(problems=problems, data=data)
