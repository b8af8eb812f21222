#!/usr/bin/env python3
"""Check the staff-editable content (`make check`).

    python scripts/check_content.py [--content DIR] [--data DIR] [--production] [--max-grade N] [--json]
    python scripts/check_content.py --serve

Prints every problem, one per line (errors first), then a one-line summary.
Exit status 1 when there is an error, 0 otherwise (warnings do not fail).
A production check (--production or CONTENT_ENV=production) also fails while
clinic.yml still lists placeholders.

--json prints one JSON object instead (same exit status):
    {"ok": bool, "errors": n, "warnings": n, "production": bool,
     "problems": [{"file", "basename", "line", "field", "message", "severity", "where", "text"}]}
`field` is the dotted path inside the file ("topics[3].answer"), `basename` the
file's name ("faq.yml"), `text` the line `make check` prints.

--serve is for the staff console (console/): it reads one JSON request per line
on stdin and answers one JSON line on stdout, so the checks stay loaded and an
edit can be checked as it is typed (~0.1 s instead of ~2.5 s per start):
    {"id": 1, "op": "check", "content": DIR, "data": DIR|null, "production": bool,
     "max_grade": N|null, "grades": ["text", ...], "preview": {"kind": "topic"|"message"|"text", ...}}
      -> the --json object plus "id", "grades" (US grade or null per text, as
         `make check` measures it: placeholders filled, short texts not graded),
         "lengths" and "preview" (the reply as the assistant would send it:
         {"text", "buttons": [{"title", "payload"|"url"}]}).
    {"id": 2, "op": "ping"} -> {"id": 2, "ok": true}
A request that cannot be answered gets {"id": ..., "error": "..."}; the
worker never exits on a bad request. It prints no message text to stderr.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # for assistant.* (the content check and the semantic validators)

from assistant.content.check import max_grade_from_env, validate_dir  # noqa: E402


def problem_dict(problem: Any) -> Dict[str, Any]:
    return {
        "file": problem.file,
        "basename": Path(str(problem.file)).name,
        "line": problem.line,
        "field": problem.field,
        "message": problem.message,
        "severity": problem.severity,
        "where": problem.where,
        "text": str(problem),
    }


def report_dict(report: Any, production: bool) -> Dict[str, Any]:
    return {
        "ok": report.ok,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "production": production,
        "problems": [problem_dict(p) for p in report.problems],
    }


# --------------------------------------------------------------------------
# --serve: measurements and previews for the console


def _clinic(data: Dict[str, Any]) -> Dict[str, str]:
    from assistant.content import placeholders as content_check

    return content_check.clinic_values(data.get("clinic"))


def grades(texts: List[Any], data: Dict[str, Any]) -> Dict[str, List[Any]]:
    """Reading grade and shown length of each text, measured like `make check` does."""
    from assistant.content.check import wording as content_check

    clinic = {**getattr(content_check, "_STAND_INS", {}), **_clinic(data)}
    out_grades: List[Optional[float]] = []
    out_lengths: List[int] = []
    for text in texts:
        rendered = content_check.render(text if isinstance(text, str) else "", clinic)
        out_lengths.append(len(rendered))
        if content_check.word_count(rendered) < content_check.GRADE_MIN_WORDS:
            out_grades.append(None)
        else:
            out_grades.append(content_check.reading_grade(rendered))
    return {"grades": out_grades, "lengths": out_lengths}


def preview(spec: Dict[str, Any], data: Dict[str, Any]) -> Dict[str, Any]:
    """The reply as the assistant sends it (actions/content.py renders it)."""
    from assistant.content.store import Content, clinic_from

    content = Content(data=data, clinic=clinic_from(data), loaded_at=0.0)
    kind = spec.get("kind")
    if kind == "topic":
        topic = content.topic(str(spec.get("id")))
        if topic is None:
            return {"text": "", "buttons": []}
        buttons = content.buttons(topic.get("links")) + content.topic_buttons((topic.get("follow_ups") or [])[:3])
        return {"text": content.render(topic.get("answer")), "buttons": buttons}
    if kind == "message":
        msg = content.message(str(spec.get("id")))
        return {"text": content.render(msg.get("text")), "buttons": content.buttons(msg.get("buttons"))}
    # any other wording: a text and optional buttons given in the request
    return {"text": content.render(spec.get("text") or ""), "buttons": content.buttons(spec.get("buttons") or [])}


def answer(request: Dict[str, Any]) -> Dict[str, Any]:
    op = request.get("op", "check")
    if op == "ping":
        return {"ok": True}
    if op != "check":
        return {"error": f"unknown op {op!r}"}
    content_dir = Path(str(request.get("content") or ROOT / "content"))
    if not content_dir.is_dir():
        return {"error": f"content folder not found: {content_dir}"}
    data_dir = request.get("data", str(ROOT / "data"))
    production = bool(request.get("production"))
    max_grade = request.get("max_grade")
    report = validate_dir(content_dir, Path(data_dir) if data_dir else None, production,
                          max_grade=float(max_grade) if max_grade is not None else max_grade_from_env())
    out = report_dict(report, production)
    texts = request.get("grades") or []
    if texts:
        out.update(grades(texts, report.data))
    if request.get("preview"):
        try:
            out["preview"] = preview(request["preview"], report.data)
        except Exception as exc:  # noqa: BLE001 - a preview must not break the check
            out["preview"] = {"text": "", "buttons": [], "error": type(exc).__name__}
    return out


def serve(stdin: Any = None, stdout: Any = None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    for line in stdin:
        line = line.strip()
        if not line:
            continue
        request_id = None
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise ValueError("a request is a JSON object")
            request_id = request.get("id")
            out = answer(request)
        except Exception as exc:  # noqa: BLE001 - the worker answers every line
            out = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
        out["id"] = request_id
        stdout.write(json.dumps(out, default=str) + "\n")
        stdout.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check content/*.yml for mistakes.")
    parser.add_argument("--content", type=Path, default=ROOT / "content", help="content folder (default: content/)")
    parser.add_argument("--data", type=Path, default=ROOT / "data",
                        help="Rasa training data folder with nlu/ (default: data/)")
    parser.add_argument("--no-data", action="store_true", help="skip the checks against the training data")
    parser.add_argument("--production", action="store_true",
                        help="fail on clinic placeholders (also when CONTENT_ENV=production)")
    parser.add_argument("--max-grade", type=float, default=None,
                        help="reading grade above which a text is an error (default: CONTENT_MAX_GRADE or 10)")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.add_argument("--serve", action="store_true",
                        help="answer JSON check requests, one per line on stdin (used by the staff console)")
    args = parser.parse_args(argv)

    if args.serve:
        return serve()
    production = args.production or os.environ.get("CONTENT_ENV", "").strip().lower() == "production"
    max_grade = args.max_grade if args.max_grade is not None else max_grade_from_env()
    if not args.content.is_dir():
        if args.json:
            print(json.dumps({"ok": False, "error": f"folder not found: {args.content}"}))
        else:
            print(f"content check: folder not found: {args.content}", file=sys.stderr)
        return 2
    report = validate_dir(args.content, None if args.no_data else args.data, production, max_grade=max_grade)
    n_err, n_warn = len(report.errors), len(report.warnings)
    if args.json:
        print(json.dumps(report_dict(report, production)))
        return 1 if n_err else 0
    for problem in report.errors:
        print(f"ERROR   {problem}")
    for problem in report.warnings:
        print(f"warning {problem}")
    mode = " (production)" if production else ""
    print(f"content check{mode}: {n_err} error{'s' if n_err != 1 else ''}, "
          f"{n_warn} warning{'s' if n_warn != 1 else ''}")
    return 1 if n_err else 0


if __name__ == "__main__":
    sys.exit(main())
