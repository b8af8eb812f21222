"""The content check: `validate_dir(content_dir, data_dir) -> Report`.

Loads every content file with line numbers, checks it and returns a
`Report` whose problems name file, line and field. Used by `make check`
(scripts/check_content.py), by scripts/preview.py and by the content store
on every live reload (assistant/content/store.py), so it must stay fast and
must never raise: a failing check becomes a problem instead.

Modules, one concern each:
    report.py      Problem, Report; how values are named in messages
    yamldoc.py     YAML with a line for every dotted path
    context.py     one run: settings, loaded files, recording problems
    schema.py      structure of clinic.yml, faq.yml, messages.yml (JSON Schema)
    wording.py     placeholders, links, length, reading grade (textstat)
    buttons.py     reply buttons and what they point to
    clinic.py, faq.py, messages.py   one checker per content file
    owned.py       prescreen.yml / safety.yml: their owners' validate_spec, then text checks
    crosscheck.py  topics against NLU intents, domain.yml and the rules

No Rasa import here, and nothing slow at import time: jsonschema, textstat
(which imports nltk) and the owners' validators are imported on first use.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path

from assistant.content.check import clinic, crosscheck, faq, messages, owned
from assistant.content.check.context import CONTENT_FILES, Context
from assistant.content.check.report import Problem, Report
from assistant.content.check.wording import GRADE_MAX_DEFAULT

__all__ = ["CONTENT_FILES", "Problem", "Report", "max_grade_from_env", "validate_dir"]


def max_grade_from_env(env: Mapping[str, str] = os.environ) -> float:
    """The reading-grade error limit: env CONTENT_MAX_GRADE, else 10."""
    try:
        return float(env.get("CONTENT_MAX_GRADE", "") or GRADE_MAX_DEFAULT)
    except ValueError:
        return GRADE_MAX_DEFAULT


def validate_dir(
    content_dir: Path,
    data_dir: Path | None = None,
    production: bool = False,
    *,
    max_grade: float | None = None,
    today: dt.date | None = None,
    env: Mapping[str, str] | None = None,
) -> Report:
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
    ctx = Context(
        Path(content_dir),
        Path(data_dir) if data_dir is not None else None,
        production,
        max_grade if max_grade is not None else max_grade_from_env(env),
        today or dt.date.today(),
        env,
    )
    try:
        _run(ctx)
    except Exception as exc:  # last line of defence
        ctx.add_raw(ctx.content_label, None, "", f"content check failed ({type(exc).__name__})")
    order = {ctx.file_label(s): i for i, s in enumerate(CONTENT_FILES)}
    problems = sorted(ctx.problems, key=lambda p: (p.severity != "error", order.get(p.file, 99), p.file, p.line or 0))
    data = {stem: doc.data for stem, doc in ctx.docs.items()}
    if ctx.translations:
        data["translations"] = ctx.translations  # {"es": {stem: data}}: Content.in_language lays them over
    return Report(problems=problems, data=data)


def _run(ctx: Context) -> None:
    for stem in CONTENT_FILES:
        ctx.guarded(stem, ctx.load, stem)
    ctx.guarded("clinic", clinic.check_clinic, ctx)
    ctx.guarded("faq", faq.check_shape, ctx)
    ctx.guarded("faq", _report_duplicate_keys, ctx)
    try:
        crosscheck.load_nlu(ctx)
    except Exception as exc:
        ctx.add_raw(str(ctx.data_dir), None, "", f"NLU data could not be read ({type(exc).__name__})")
        ctx.nlu = None
    ctx.guarded("faq", faq.check_topics, ctx)
    ctx.guarded("faq", crosscheck.check_nlu_links, ctx)
    ctx.guarded("faq", crosscheck.check_dialogue_links, ctx)
    ctx.guarded("messages", messages.check_messages, ctx)
    for stem in owned.OWNED_FILES:
        ctx.guarded(stem, owned.check_owned_file, ctx, stem)
    ctx.translations = {}
    try:
        from assistant.content.translation import check_translation

        english = {stem: doc.data for stem, doc in ctx.docs.items()}
        spanish = check_translation(ctx, english)
        if spanish is not None:
            ctx.translations["es"] = spanish
    except Exception as exc:
        ctx.add_raw(f"{ctx.content_label}/es", None, "", f"Spanish content could not be checked ({type(exc).__name__})")
    if ctx.graded_unavailable:
        ctx.add_raw(ctx.content_label, None, "", "reading grade not checked: textstat is not usable here", "warning")


def _report_duplicate_keys(ctx: Context) -> None:
    for stem, doc in ctx.docs.items():
        for dup_path, line, first in doc.duplicate_keys:
            key = dup_path.rsplit(".", 1)[-1]
            ctx.add(
                stem,
                dup_path,
                f"key '{key}' appears twice (first on line {first}); only the last one is used",
                line=line,
            )
