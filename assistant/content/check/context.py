"""One run of the content check: its settings, the loaded files and the problems found.

Every checker module takes a `Context`: it reads the parsed files and what
earlier checks learnt (clinic values, topic ids, NLU intents) and records
problems with `add` (file, line from the path, field, record label).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from assistant.content.check.report import Problem, short
from assistant.content.check.yamldoc import YamlDoc, parse_yaml

if TYPE_CHECKING:  # pragma: no cover
    from assistant.content.check.crosscheck import NluIntent

CONTENT_FILES = ("clinic", "faq", "messages", "prescreen", "safety")

# the path of one record in a file; a field's name is shown relative to it
_RECORD = {"faq": r"topics\[\d+\]", "messages": r"messages\.[^.\[]+", "clinic": r"clinic"}


class Context:
    def __init__(
        self,
        content_dir: Path,
        data_dir: Path | None,
        production: bool,
        max_grade: float,
        today: dt.date,
        env: Mapping[str, str],
    ) -> None:
        self.content_dir = Path(content_dir)
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.production = production
        self.max_grade = max_grade
        self.today = today
        self.env = env
        self.problems: list[Problem] = []
        self.docs: dict[str, YamlDoc] = {}
        self.hashes: dict[str, str] = {}
        self.clinic: dict[str, str] = {}
        self.topic_ids: set[str] | None = None  # None: faq.yml unusable, skip cross-references
        self.topic_labels: dict[int, str] = {}
        self.topic_index: dict[int, str] = {}  # topic position -> id
        self.nlu: dict[str, NluIntent] | None = None  # None: no NLU data, skip intent checks
        self.graded_unavailable = False
        self.translations: dict[str, Any] = {}  # language -> {stem: data} of content/<language>/
        try:
            self.content_label = self.content_dir.resolve().name or str(self.content_dir)
        except Exception:
            self.content_label = str(self.content_dir)

    # -- naming --------------------------------------------------------------
    def file_label(self, stem: str) -> str:
        return f"{self.content_label}/{stem}.yml"

    def where(self, stem: str, path: str) -> str:
        """The record a path is in, for people: "topic 'timeline'", "message 'greeting'"."""
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
        record = _RECORD.get(stem)
        if record is None:  # prescreen/safety: the label already shows the full path
            return re.split(r"[.]", path)[-1] if path else ""
        m = re.match(rf"{record}(?:\.|(?=\[)|$)", path)
        return path[m.end() :] if m else path

    # -- recording -----------------------------------------------------------
    def add(self, stem: str, path: str, message: str, severity: str = "error", line: int | None = None) -> None:
        """A problem in a content file; its line is looked up from the path."""
        doc = self.docs.get(stem)
        if line is None and doc is not None:
            line = doc.line_of(path)
        self.problems.append(Problem(self.file_label(stem), line, path, message, severity, self.where(stem, path)))

    def add_raw(
        self, file: str, line: int | None, field: str, message: str, severity: str = "error", where: str = ""
    ) -> None:
        """A problem outside the content files (NLU data, the folder itself)."""
        self.problems.append(Problem(file, line, field, message, severity, where))

    def guarded(self, stem: str, check: Callable[..., None], *args: Any) -> None:
        """Run `check(*args)`; an exception becomes a problem instead of escaping."""
        try:
            check(*args)
        except Exception as exc:  # the contract: never raise on bad input
            self.add(stem, "", f"could not be checked ({type(exc).__name__}: {short(exc, 120)})")

    # -- loading --------------------------------------------------------------
    def load(self, stem: str) -> None:
        """Read and parse content/<stem>.yml into `docs`; problems say why not."""
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
            self.add(stem, "", f"YAML syntax error: {short(exc, 120)}")
            return
        self.docs[stem] = doc
        self.hashes[stem] = hashlib.sha1(text.encode("utf-8")).hexdigest()
        if doc.data is None:
            self.add(stem, "", "file is empty", line=1)
