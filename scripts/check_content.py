#!/usr/bin/env python3
"""Check the staff-editable content (`make check`).

    python scripts/check_content.py [--content DIR] [--data DIR] [--production] [--max-grade N]

Prints every problem, one per line (errors first), then a one-line summary.
Exit status 1 when there is an error, 0 otherwise (warnings do not fail).
A production check (--production or CONTENT_ENV=production) also fails while
clinic.yml still lists placeholders.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # for actions.* (content_check and the semantic validators)

from actions.content_check import max_grade_from_env, validate_dir  # noqa: E402


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
    args = parser.parse_args(argv)

    production = args.production or os.environ.get("CONTENT_ENV", "").strip().lower() == "production"
    max_grade = args.max_grade if args.max_grade is not None else max_grade_from_env()
    if not args.content.is_dir():
        print(f"content check: folder not found: {args.content}", file=sys.stderr)
        return 2
    report = validate_dir(args.content, None if args.no_data else args.data, production, max_grade=max_grade)
    for problem in report.errors:
        print(f"ERROR   {problem}")
    for problem in report.warnings:
        print(f"warning {problem}")
    n_err, n_warn = len(report.errors), len(report.warnings)
    mode = " (production)" if production else ""
    print(f"content check{mode}: {n_err} error{'s' if n_err != 1 else ''}, "
          f"{n_warn} warning{'s' if n_warn != 1 else ''}")
    return 1 if n_err else 0


if __name__ == "__main__":
    sys.exit(main())
