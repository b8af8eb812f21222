"""Charts as plain SVG, drawn on the server (no script, no CDN, nothing to download).

Every chart has a title and a description for screen readers (role="img"),
and every page that shows one also shows its numbers in a table. Colours
reach 4.5:1 against their background for text, 3:1 for bars.
"""
from __future__ import annotations

from html import escape
from typing import List, Optional, Sequence, Tuple

from django.utils.safestring import SafeString, mark_safe

INK = "#1b1f23"
MUTED = "#4a545e"
BAR = "#0b5f7a"  # the widget's primary colour
BAR_2 = "#7a3e00"
GRID = "#d3d9de"
HEAT = ["#f6f8f9", "#cfe3ea", "#a9cdd9", "#1f6f87", "#0b5f7a", "#084a5f"]
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"'


def _t(text: object) -> str:
    return escape(str(text), quote=True)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _svg(chart_id: str, title: str, desc: str, width: int, height: int, body: List[str]) -> SafeString:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{_t(chart_id)}" role="img" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'aria-labelledby="{_t(chart_id)}-title {_t(chart_id)}-desc" {FONT}>'
            f'<title id="{_t(chart_id)}-title">{_t(title)}</title><desc id="{_t(chart_id)}-desc">{_t(desc)}</desc>')
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text above is escaped


def bar_chart(chart_id: str, title: str, items: Sequence[Tuple[str, int]], *, desc: str = "",
              color: str = BAR, label_width: int = 260, width: int = 720, total: Optional[int] = None
              ) -> SafeString:
    """Horizontal bars, one per item, with the value (and its share of `total`) at the end."""
    row = 30
    height = max(1, len(items)) * row + 16
    top = max([v for _, v in items] + [1])
    plot = width - label_width - 90
    body = []
    if not items:
        body.append(f'<text x="0" y="20" fill="{MUTED}" font-size="14">No data for this period.</text>')
    for i, (label, value) in enumerate(items):
        y = 8 + i * row
        w = 0 if not value else max(2, round(plot * value / top))
        share = f" ({100 * value / total:.0f}%)" if total else ""
        body.append(f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end" fill="{INK}" font-size="14">'
                    f'{_t(_clip(label, 38))}</text>')
        body.append(f'<rect x="{label_width}" y="{y + 4}" width="{w}" height="{row - 10}" rx="3" fill="{color}"/>')
        body.append(f'<text x="{label_width + w + 6}" y="{y + 18}" fill="{INK}" font-size="14">'
                    f'{_t(value)}{_t(share)}</text>')
    desc = desc or "; ".join(f"{label}: {value}" for label, value in items) or "No data."
    return _svg(chart_id, title, desc, width, height, body)


def heatmap(chart_id: str, title: str, rows: Sequence[Tuple[str, Sequence[int]]], columns: Sequence[str], *,
            desc: str = "") -> SafeString:
    """Rows (topics) by columns (weeks); darker cells mean more questions, the count is written in each."""
    label_width, cell_w, cell_h, head = 250, 58, 28, 44
    cols = list(columns)
    width = label_width + max(1, len(cols)) * cell_w + 10
    height = head + max(1, len(rows)) * cell_h + 10
    top = max([v for _, vals in rows for v in vals] + [1])
    body = []
    if not rows or not cols:
        body.append(f'<text x="0" y="20" fill="{MUTED}" font-size="14">No questions in this period.</text>')
    for j, col in enumerate(cols):
        x = label_width + j * cell_w + cell_w / 2
        body.append(f'<text x="{x}" y="16" text-anchor="middle" fill="{MUTED}" font-size="12">week of</text>')
        body.append(f'<text x="{x}" y="34" text-anchor="middle" fill="{INK}" font-size="13">{_t(col)}</text>')
    for i, (label, values) in enumerate(rows):
        y = head + i * cell_h
        body.append(f'<text x="{label_width - 8}" y="{y + 19}" text-anchor="end" fill="{INK}" font-size="14">'
                    f'{_t(_clip(label, 34))}</text>')
        for j, value in enumerate(values):
            x = label_width + j * cell_w
            # six steps from light (few) to dark (most); each step's text colour reaches 4.5:1
            step = 0 if not value else min(5, 1 + int(4 * value / top)) if top else 0
            fill = HEAT[step]
            ink = "#ffffff" if step >= 3 else INK
            body.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" rx="3" '
                        f'fill="{fill}" stroke="{GRID}"/>')
            body.append(f'<text x="{x + cell_w / 2}" y="{y + 19}" text-anchor="middle" fill="{ink}" '
                        f'font-size="13">{_t(value)}</text>')
    desc = desc or f"Questions per topic per week for {len(rows)} topics over {len(cols)} weeks."
    return _svg(chart_id, title, desc, width, height, body)


def split_bar(chart_id: str, title: str, parts: Sequence[Tuple[str, int]], *, desc: str = "") -> SafeString:
    """One bar split into parts (e.g. the language split), with a legend under it."""
    width, height = 720, 96
    total = sum(v for _, v in parts)
    colors = [BAR, BAR_2, "#4a545e", "#5b2a86"]
    body = []
    x = 0.0
    if not total:
        body.append(f'<text x="0" y="20" fill="{MUTED}" font-size="14">No messages in this period.</text>')
    else:
        for i, (label, value) in enumerate(parts):
            w = width * value / total
            if w > 0:
                body.append(f'<rect x="{x:.1f}" y="8" width="{w:.1f}" height="32" fill="{colors[i % 4]}"/>')
            x += w
    lx = 0
    for i, (label, value) in enumerate(parts):
        share = f"{100 * value / total:.0f}%" if total else "0%"
        body.append(f'<rect x="{lx}" y="60" width="16" height="16" fill="{colors[i % 4]}"/>')
        text = f"{label}: {value} ({share})"
        body.append(f'<text x="{lx + 22}" y="73" fill="{INK}" font-size="14">{_t(text)}</text>')
        lx += 30 + 8 * len(text)
    desc = desc or "; ".join(f"{label}: {value}" for label, value in parts)
    return _svg(chart_id, title, desc, width, height, body)
