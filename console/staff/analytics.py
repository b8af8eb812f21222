"""What visitors ask: the figures of scripts/report.py (the same code as `make report`), as charts.

Only counts and masked texts leave scripts/report.py: crisis and emergency
messages are counted, never shown; unanswered questions are masked before
they are grouped; test and benchmark conversations are left out.
"""
from __future__ import annotations

import datetime as dt
import importlib
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

from django.conf import settings


def report_module() -> Any:
    root = str(settings.ROOT)
    if root not in sys.path:
        sys.path.insert(0, root)
    os.environ.setdefault("CONTENT_DIR", str(settings.CONTENT_DIR))
    return importlib.import_module("scripts.report")


def parse_date(value: Optional[str]) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def load(since: Optional[dt.date], until: Optional[dt.date]) -> Dict[str, Any]:
    """Figures for a period, or {"missing": reason} when there is no conversation store yet."""
    report = report_module()
    db = Path(settings.TRACKER_DB)
    if not db.is_file():
        return {"missing": f"No conversations yet: the conversation store {db} does not exist."}
    scan = report.scan_events(db, since, until)
    groups = report.group_messages(scan.unanswered)
    titles = report.topic_titles()
    figs = report.figures(scan, titles)
    figs["groups"] = [{"example": g.example, "count": g.count, "visitors": len(g.senders),
                       "why": report._reasons(g.reasons), "others": [t for t, _ in g.variants.most_common()
                                                                    if t != g.example][:3],
                       "first": report._when(g.first), "last": report._when(g.last)} for g in groups]
    figs["scan"] = scan
    figs["group_objects"] = groups
    figs["titles"] = titles
    return figs


def csv_rows(since: Optional[dt.date], until: Optional[dt.date]) -> List[List[Any]]:
    report = report_module()
    db = Path(settings.TRACKER_DB)
    if not db.is_file():
        return [report.CSV_HEADER]
    scan = report.scan_events(db, since, until)
    groups = report.group_messages(scan.unanswered)
    return [report.CSV_HEADER] + report.csv_rows(scan, groups, report.topic_titles())
