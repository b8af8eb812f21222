"""What staff can edit: every record of content/*.yml as a form of named fields.

A record is one FAQ topic, one message, the clinic details, one pre-screen
question, one reason to wait, ... Each has fields (a path inside the record,
a kind of input, a label and help). Records are found in the files each time
they are read, by id (never by position), so edits made in the files
directly show up at once.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import yaml

from staff import yamledit as Y

CLINIC_FIELDS = [
    ("name", "Clinic name", "Shown to visitors as {clinic_name}."),
    ("team_name", "Team name", "Shown as {team_name}, e.g. \"Dr. Moreno's team\"."),
    ("intake_url", "Intake form address", "The https:// address of the intake form ({intake_url})."),
    ("phone", "Phone", "Shown as {phone}."),
    ("email", "Email", "Shown as {email}."),
    ("hours", "Opening hours", "Shown as {hours}, e.g. \"Monday to Friday, 9 am to 5 pm\"."),
]
PLACEHOLDER_HELP = ("You may use {clinic_name}, {team_name}, {phone}, {email}, {hours} and {intake_url}: "
                    "they are filled in from the clinic details.")
CONDITION_HELP = ("A condition on the pre-screen's answers, e.g. {slot: ps_infection, equals: \"yes\"} or "
                  "{all: [{slot: ps_diabetes, equals: \"yes\"}, {slot: ps_a1c, gt: \"$hba1c_threshold\"}]}. "
                  "Forms: equals, in: [...], gt/gte/lt/lte (a number or \"$name\" from the criteria), "
                  "known: true; all/any/not to combine. Write \"yes\", \"no\" and \"unsure\" in quotes.")
BUTTON_INTENTS = ["start_prescreen", "ask_human", "affirm", "deny"]


@dataclass
class Field:
    name: str
    path: Tuple[Any, ...]  # inside the record
    kind: str  # text | wording | textarea | date | number | lines | follow_ups | links | buttons |
    #            answer_buttons | condition | placeholders | mapping
    label: str
    help: str = ""
    optional: bool = False  # an empty value removes the key
    max_chars: Optional[int] = None
    comments: bool = False  # lines: "# ..." lines are kept as comments in the file


@dataclass
class Record:
    key: str  # in URLs: "faq.timeline"
    file: str  # "faq"
    root: Tuple[Any, ...]  # path of the record inside the file
    title: str
    group: str
    fields: List[Field]
    preview: Optional[Dict[str, Any]] = None  # how the assistant shows it (see check_content.py --serve)
    note: str = ""
    subtitle: str = ""

    def path(self, f: Field) -> Tuple[Any, ...]:
        return self.root + f.path

    def label_path(self, f: Field) -> str:
        return Y.path_label(self.path(f))

    def values(self, data: Any) -> Dict[str, Any]:
        return {f.name: Y.get(data, self.path(f)) for f in self.fields}


GROUPS = [
    ("faq", "Answers to visitors' questions"),
    ("messages", "Messages"),
    ("clinic", "Clinic details"),
    ("prescreen", "Pre-screen"),
    ("safety", "Safety wording and patterns"),
]
GROUP_TITLES = dict(GROUPS)


def _topic_record(i: int, topic: Dict[str, Any]) -> Record:
    tid = str(topic.get("id"))
    return Record(
        key=f"faq.{tid}", file="faq", root=("topics", i), title=str(topic.get("title") or tid), group="faq",
        subtitle=f"topic {tid}",
        fields=[
            Field("title", ("title",), "text", "Button label", "At most 40 characters.", max_chars=40),
            Field("answer", ("answer",), "wording", "Answer",
                  "Plain words, US grade 8 or lower, at most 700 characters (aim for 500). No promises; never "
                  "tell anyone to start, stop or change a medicine. " + PLACEHOLDER_HELP, max_chars=700),
            Field("follow_ups", ("follow_ups",), "follow_ups", "Follow-up topics",
                  "Up to 3 other topics, shown as buttons under the answer."),
            Field("links", ("links",), "links", "Links", "Optional web pages; addresses must start with https://.",
                  optional=True),
            Field("source", ("source",), "text", "Source", "The section of the clinic's page the facts come from."),
            Field("last_reviewed", ("last_reviewed",), "date", "Last reviewed",
                  "The day someone last checked this answer against the clinic's page."),
        ],
        preview={"kind": "topic", "id": tid},
        note="To add or remove a topic an engineer must also change the training data and retrain.",
    )


def _message_record(mid: str) -> Record:
    return Record(
        key=f"messages.{mid}", file="messages", root=("messages", mid), title=mid.replace("_", " ").capitalize(),
        group="messages", subtitle=f"message {mid}",
        fields=[
            Field("text", ("text",), "wording", "Text", "Warm, short, US grade 8 or lower. " + PLACEHOLDER_HELP),
            Field("buttons", ("buttons",), "buttons", "Buttons",
                  "Each button shows a topic's answer, starts something (start_prescreen, ask_human) or opens a "
                  "web page.", optional=True),
        ],
        preview={"kind": "message", "id": mid},
    )


def _clinic_record() -> Record:
    fields = [Field(name, ("clinic", name), "text", label, help_) for name, label, help_ in CLINIC_FIELDS]
    fields.append(Field("placeholders", ("placeholders",), "placeholders", "Still example values",
                        "Tick the details that are still examples. `make check` warns while any is ticked; "
                        "a production check fails."))
    return Record(key="clinic", file="clinic", root=(), title="Clinic details", group="clinic", fields=fields,
                  subtitle="clinic.yml")


def _wording(name: str, path: Tuple[Any, ...], label: str, help_: str = "", optional: bool = False) -> Field:
    return Field(name, path, "wording", label, (help_ + " " + PLACEHOLDER_HELP).strip(), optional=optional)


WORDING_KEYS = {"text", "message", "answer", "reask", "explanation", "what_could_change", "intro", "summary_intro"}
PRESCREEN_LABELS = {
    ("declined", "text"): "When the visitor says no to starting",
    ("cancelled", "text"): "When the visitor stops part way",
    ("restarted", "text"): "When the visitor starts again",
    ("mentioned", "intro"): "Before a reason to wait named in the first message",
    ("outcomes", "possible", "text"): "Outcome: may be a candidate",
    ("outcomes", "review", "text"): "Outcome: the team will review",
    ("outcomes", "excluded", "text"): "Outcome: a reason to wait",
    ("handoff", "text"): "Hand-off to the intake form",
    ("handoff", "button_title"): "Intake button label",
    ("handoff", "what_to_bring"): "What to bring (one item per line)",
    ("handoff", "summary_intro"): "Before the summary of answers",
}


def _text_leaves(value: Any, path: Tuple[Any, ...]) -> List[Tuple[Tuple[Any, ...], str]]:
    """Every text inside `value` (mappings only), with its path."""
    out: List[Tuple[Tuple[Any, ...], str]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _text_leaves(v, path + (k,))
    elif isinstance(value, str):
        out.append((path, value))
    return out


def _text_field(name: str, path: Tuple[Any, ...], value: str, label: str, optional: bool = False) -> Field:
    key = str(path[-1])
    if "\n" in value:
        return Field(name, path, "textarea", label, "Line breaks are kept as they are.", optional=optional)
    if key in WORDING_KEYS:
        return _wording(name, path, label, optional=optional)
    if key.endswith("title"):
        return Field(name, path, "text", label, "At most 40 characters.", max_chars=40, optional=optional)
    return Field(name, path, "text", label, optional=optional)


def _prescreen_records(data: Dict[str, Any]) -> List[Record]:
    out: List[Record] = []
    fields = []
    # every text around the questions (whatever sections the file has), one form
    for top, value in data.items():
        if top in ("questions", "criteria", "summary") or not isinstance(value, dict):
            continue
        for path, text in _text_leaves(value, (top,)):
            label = PRESCREEN_LABELS.get(path) or " › ".join(str(p).replace("_", " ") for p in path).capitalize()
            fields.append(_text_field("_".join(str(p) for p in path), path, text, label))
    for bound in ("lt", "lte", "gt", "gte"):
        if Y.get(data, ("summary", "bound_labels", bound)) is not None:
            fields.append(Field(f"bound_{bound}", ("summary", "bound_labels", bound), "text",
                                f"Summary word for '{bound}'", "Used for typed ranges, like \"Under 8%\"."))
    out.append(Record(key="prescreen.wording", file="prescreen", root=(), title="Pre-screen wording",
                      group="prescreen", fields=fields, subtitle="messages around the questions"))
    for i, q in enumerate(data.get("questions") or []):
        if not isinstance(q, dict) or not isinstance(q.get("slot"), str):
            continue
        slot = q["slot"]
        qfields = [
            _wording("text", ("text",), "Question"),
            Field("buttons", ("buttons",), "answer_buttons", "Answer buttons",
                  "The title is what the visitor sees and sends; the value is what it means "
                  "(see the list of answer values).", optional=True),
            _wording("reask", ("reask",), "When an answer is not understood", "Give an example answer."),
            Field("summary_label", ("summary_label",), "text", "Label in the visitor's summary",
                  "Leave empty to keep this answer out of the summary.", optional=True),
            Field("ask_if", ("ask_if",), "condition", "Ask only if", CONDITION_HELP, optional=True),
            Field("implied", ("implied",), "mapping", "Fill in without asking",
                  "{value: \"yes\", when: <condition>}: the answer is taken as `value` when the condition holds.",
                  optional=True),
            Field("value_labels", ("value_labels",), "mapping", "Words for answers without a button",
                  "e.g. {diabetic: Diabetes, chemo: Chemo treatment}", optional=True),
            Field("unit", ("unit",), "text", "Unit after a typed number", optional=True),
            Field("unit_one", ("unit_one",), "text", "Unit for exactly one", optional=True),
        ]
        qfields = [f for f in qfields if f.name in ("text", "reask", "buttons", "summary_label", "ask_if")
                   or f.path[0] in q]
        known = {f.path[0] for f in qfields} | {"slot", "gate"}
        for k, v in q.items():  # keys this form does not know yet (the file's format grows)
            if k in known:
                continue
            label = str(k).replace("_", " ").capitalize()
            if isinstance(v, str):
                qfields.append(_text_field(str(k), (k,), v, label, optional=True))
            elif isinstance(v, dict):
                qfields.append(Field(str(k), (k,), "mapping", label, optional=True))
            elif isinstance(v, list) and all(isinstance(x, str) for x in v):
                qfields.append(Field(str(k), (k,), "lines", label, "One per line.", optional=True))
        out.append(Record(key=f"prescreen.question.{slot}", file="prescreen", root=("questions", i),
                          title=f"Question: {slot.replace('ps_', '').replace('_', ' ')}", group="prescreen",
                          fields=qfields, subtitle=f"slot {slot}",
                          preview={"kind": "text", "path": ("questions", i)}))
    criteria = data.get("criteria") or {}
    cfields = [Field(k, ("criteria", k), "number", label, help_) for k, label, help_ in [
        ("hba1c_threshold", "HbA1c limit (%)", "If you change it, change \"10%\" in the A1c buttons and the "
                                               "diabetes reason to wait too."),
        ("duration_min", "Shortest duration that responds best (years)", ""),
        ("duration_max", "Longest duration that responds best (years)", ""),
    ] if k in criteria]
    if cfields:
        out.append(Record(key="prescreen.criteria", file="prescreen", root=(), title="Pre-screen limits",
                          group="prescreen", fields=cfields, subtitle="criteria"))
    for i, ex in enumerate(criteria.get("exclusions") or []):
        if isinstance(ex, dict) and isinstance(ex.get("id"), str):
            out.append(Record(
                key=f"prescreen.exclusion.{ex['id']}", file="prescreen", root=("criteria", "exclusions", i),
                title=f"Reason to wait: {ex.get('name') or ex['id']}", group="prescreen",
                subtitle=f"exclusion {ex['id']}",
                fields=[Field("name", ("name",), "text", "Name"),
                        Field("when", ("when",), "condition", "Applies when", CONDITION_HELP),
                        _wording("explanation", ("explanation",), "Explanation", "One sentence."),
                        _wording("what_could_change", ("what_could_change",), "What could change")]))
    for i, note in enumerate(criteria.get("notes") or []):
        if isinstance(note, dict) and isinstance(note.get("id"), str):
            out.append(Record(
                key=f"prescreen.note.{note['id']}", file="prescreen", root=("criteria", "notes", i),
                title=f"Note: {note['id'].replace('_', ' ')}", group="prescreen", subtitle=f"note {note['id']}",
                fields=[Field("when", ("when",), "condition", "Added when", CONDITION_HELP),
                        _wording("text", ("text",), "Text")],
                preview={"kind": "text", "path": ("criteria", "notes", i)}))
    return out


SAFETY_SECTIONS = [("crisis", "Crisis"), ("emergency", "Emergency"), ("pain_idiom", "Pain figures of speech"),
                   ("medical_advice", "Medical advice")]


def _safety_records(data: Dict[str, Any]) -> List[Record]:
    out: List[Record] = []
    words = data.get("words")
    if isinstance(words, dict) and words:
        out.append(Record(
            key="safety.words", file="safety", root=("words",), title="Word lists", group="safety",
            subtitle="words: {name} in patterns",
            fields=[Field(str(name), (name,), "lines", f"{{{name}}}", "One entry per line (a word or a pattern).")
                    for name in words]))
    for section, label in SAFETY_SECTIONS:
        sec = data.get(section)
        if not isinstance(sec, dict):
            continue
        sfields = [Field("description", ("description",), "textarea", "What this section is for",
                         "For staff only; visitors never see it.", optional=True)]
        if "message" in sec:
            sfields.append(_wording("message", ("message",), "Reply",
                                    {"crisis": "Must say \"call or text 988\" and mention 911.",
                                     "emergency": "Must keep 911.",
                                     "pain_idiom": "Must keep 988."}.get(section, "")))
        out.append(Record(key=f"safety.{section}", file="safety", root=(section,), title=f"{label}: reply",
                          group="safety", fields=sfields, subtitle=section,
                          preview={"kind": "text", "path": (section,)} if "message" in sec else None))
        for i, cat in enumerate(sec.get("categories") or []):
            if not isinstance(cat, dict) or not isinstance(cat.get("id"), str):
                continue
            cfields = [Field("description", ("description",), "textarea", "Description", optional=True)]
            if "message" in cat:
                cfields.append(_wording("message", ("message",), "Reply"))
            cfields += [
                Field("patterns", ("patterns",), "lines", "Patterns",
                      "One regular expression per line, in small letters, without apostrophes or punctuation "
                      "(see the guide at the top of safety.yml). Lines starting with # are notes.",
                      comments=True),
                Field("examples", ("examples",), "lines", "Examples that must be detected",
                      "One message per line. The check fails if an example is not detected as this section.",
                      comments=True),
            ]
            out.append(Record(
                key=f"safety.{section}.{cat['id']}", file="safety", root=(section, "categories", i),
                title=f"{label}: {cat['id'].replace('_', ' ')}", group="safety", fields=cfields,
                subtitle=f"{section} category {cat['id']}",
                preview={"kind": "text", "path": (section, "categories", i)} if "message" in cat else None))
    return out


def records_of(file: str, data: Any) -> List[Record]:
    if not isinstance(data, dict):
        return []
    if file == "faq":
        return [_topic_record(i, t) for i, t in enumerate(data.get("topics") or [])
                if isinstance(t, dict) and isinstance(t.get("id"), str)]
    if file == "messages":
        return [_message_record(str(m)) for m in (data.get("messages") or {})]
    if file == "clinic":
        return [_clinic_record()]
    if file == "prescreen":
        return _prescreen_records(data)
    if file == "safety":
        return _safety_records(data)
    return []


# --------------------------------------------------------------------------
# Forms: values <-> posted fields


class FormError(Exception):
    pass


def _text(post: Any, name: str) -> str:
    return str(post.get(name, "")).replace("\r\n", "\n").replace("\r", "\n")


def parse_field(f: Field, post: Any, current: Any, topic_ids: List[str]) -> Any:
    """The value of one field from a posted form; raises FormError with a message for the field."""
    n = f"f_{f.name}"
    if f.kind in ("text", "wording", "textarea"):
        value = _text(post, n)
        if isinstance(current, str) and value in (current, current.lstrip("\n")):
            return current  # untouched: kept exactly (a trailing space, a double space, ...)
        if f.kind != "textarea":
            value = re.sub(r"[ \t]*\n[ \t]*", "\n", value).strip()
            if f.kind == "text":
                value = " ".join(value.split())
            else:  # line breaks are kept (the widget shows them); runs of spaces become one
                value = "\n".join(" ".join(ln.split()) for ln in value.split("\n")).strip()
        else:
            value = "\n".join(ln.rstrip() for ln in value.strip("\n").split("\n"))
        bad = Y.check_text(value)
        if bad:
            raise FormError(bad)
        if not value and f.optional:
            return Y.DELETE
        return value
    if f.kind == "date":
        value = _text(post, n).strip()
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise FormError("write the date as YYYY-MM-DD, e.g. 2026-11-30")
    if f.kind == "number":
        value = _text(post, n).strip()
        try:
            number = float(value)
        except ValueError:
            raise FormError("write a number, e.g. 10 or 9.5")
        if isinstance(current, int) and not isinstance(current, bool) and number.is_integer():
            return int(number)
        return number
    if f.kind == "lines":
        items: List[Any] = []
        for ln in _text(post, n).split("\n"):
            ln = ln.strip()
            if not ln:
                continue
            if f.comments and ln.startswith("#"):
                items.append(Y.Comment(ln.lstrip("#").strip()))
                continue
            bad = Y.check_text(ln)
            if bad:
                raise FormError(bad)
            items.append(ln)
        if not any(not isinstance(x, Y.Comment) for x in items) and f.optional:
            return Y.DELETE
        return items
    if f.kind == "follow_ups":
        chosen = [str(post.get(f"{n}_{i}", "")).strip() for i in range(3)]
        out = []
        for c in chosen:
            if c and c not in out:
                out.append(c)
        return out
    if f.kind == "links":
        rows = []
        for i in range(_rows(post, n)):
            title, url = _text(post, f"{n}_{i}_title").strip(), _text(post, f"{n}_{i}_url").strip()
            if not title and not url:
                continue
            if not title or not url:
                raise FormError(f"link {i + 1}: give both a title and an address")
            rows.append({"title": title, "url": url})
        return rows or (Y.DELETE if f.optional else [])
    if f.kind == "buttons":
        rows = []
        for i in range(_rows(post, n)):
            title = _text(post, f"{n}_{i}_title").strip()
            kind = _text(post, f"{n}_{i}_kind").strip()
            target = _text(post, f"{n}_{i}_target").strip()
            if not title and not target:
                continue
            if kind not in ("topic", "intent", "url", "language"):
                raise FormError(f"button {i + 1}: choose what it does")
            if not target:
                raise FormError(f"button {i + 1}: say which {kind} it opens")
            if kind == "language" and target not in ("en", "es"):
                raise FormError(f"button {i + 1}: the language is en or es")
            rows.append({"title": title, kind: target})
        return rows or (Y.DELETE if f.optional else [])
    if f.kind == "answer_buttons":
        rows = []
        for i in range(_rows(post, n)):
            title, value = _text(post, f"{n}_{i}_title").strip(), _text(post, f"{n}_{i}_value").strip()
            if not title and not value:
                continue
            rows.append({"title": title, "value": value} if value else {"title": title})
        return rows or (Y.DELETE if f.optional else [])
    if f.kind in ("condition", "mapping"):
        raw = _text(post, n).strip()
        if not raw:
            if f.optional:
                return Y.DELETE
            raise FormError("this condition is needed")
        try:
            value = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (at character {mark.column + 1})" if mark is not None else ""
            raise FormError(f"cannot read this{where}: check the braces, commas and quotes")
        if not isinstance(value, dict):
            raise FormError("write it in braces, like {slot: ps_type, equals: diabetic}")
        return value
    if f.kind == "placeholders":
        return [name for name, _, _ in CLINIC_FIELDS if post.get(f"{n}_{name}")]
    raise FormError(f"unknown field kind {f.kind}")


def _rows(post: Any, n: str) -> int:
    try:
        return max(0, min(50, int(post.get(f"{n}_rows", "0"))))
    except ValueError:
        return 0


def parse_form(record: Record, post: Any, current: Dict[str, Any], topic_ids: List[str]
               ) -> Tuple[Dict[str, Any], Dict[str, str]]:
    values: Dict[str, Any] = {}
    errors: Dict[str, str] = {}
    for f in record.fields:
        try:
            values[f.name] = parse_field(f, post, current.get(f.name), topic_ids)
        except FormError as exc:
            errors[f.name] = str(exc)
    return values, errors


def _marked(items: Any) -> Any:
    return [("#", str(x)) if isinstance(x, Y.Comment) else Y.to_json(x) for x in items or []]


def changes_for(record: Record, values: Dict[str, Any], current: Dict[str, Any],
                text: Optional[str] = None) -> List[Y.Change]:
    """The edits that turn `current` into `values`; `text` (the file) tells whether list comments changed."""
    out = []
    for f in record.fields:
        if f.name not in values:
            continue
        new, old = values[f.name], current.get(f.name)
        if new is Y.DELETE:
            if old is not None:
                out.append(Y.Change(record.path(f), Y.DELETE))
            continue
        if Y.to_json(Y._strip_comments(new)) == Y.to_json(old):
            if not Y._has_comments(new):
                continue
            if text is not None and _marked(new) == _marked(Y.block_list_with_comments(text, record.path(f))):
                continue
        out.append(Y.Change(record.path(f), new))
    return out


def display_value(f: Field, value: Any, text: Optional[str] = None, record: Optional[Record] = None) -> Any:
    """What the form shows for a stored value."""
    if value is None:
        return "" if f.kind not in ("links", "buttons", "answer_buttons", "follow_ups", "placeholders") else []
    if f.kind == "lines":
        items = value
        if f.comments and text is not None and record is not None:
            items = Y.block_list_with_comments(text, record.path(f)) or value
        return "\n".join(("# " + str(x)) if isinstance(x, Y.Comment) else str(x) for x in items or [])
    if f.kind in ("condition", "mapping"):
        return Y.emit_flow(value)
    if f.kind == "date":
        return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)
    if f.kind in ("links", "buttons", "answer_buttons", "follow_ups", "placeholders"):
        return value if isinstance(value, list) else []
    return value if isinstance(value, str) else Y.to_json(value)


def from_json(f: Field, value: Any) -> Any:
    """A value stored in the audit log, back as the file's value (for a restore)."""
    if value is None:
        return Y.DELETE if f.optional else None
    if f.kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value
