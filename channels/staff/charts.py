"""Horizontal bar charts as inline SVG, drawn on the server (no CDN, no JavaScript).

Accessible: role="img" with <title> and <desc> (the page also has the data table).
A suppressed cell (「5未満」, 「非表示」) gets a fixed-size hatched placeholder, never a bar
whose length would give the number away. Only presentation attributes are used (the
CSP forbids inline style). Every value is put in with Markup.format, which escapes it.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from channels.staff.trends import Cell

WIDTH = 640
LABEL_W = 300
BAR_X = LABEL_W + 8
BAR_MAX_W = WIDTH - BAR_X - 72
ROW_H = 30
BAR_H = 18
TOP = 8
PLACEHOLDER_W = 28
BAR_FILL = "#0b57a4"
HATCH = "#57606a"
TEXT = "#1a1a1a"


def bar_chart(chart_id: str, title: str, cells: Sequence[Cell]) -> Markup:
    """One chart: a row per cell with its label, a bar (or placeholder) and the shown value."""
    height = TOP * 2 + ROW_H * max(1, len(cells))
    biggest = max((c.count for c in cells if not c.suppressed), default=0)
    rows = Markup("").join(_row(chart_id, i, cell, biggest) for i, cell in enumerate(cells))
    desc = "、".join(f"{c.label} {c.shown}件" if c.shown.isdigit() else f"{c.label} {c.shown}" for c in cells)
    return Markup(
        '<svg class="chart" role="img" aria-labelledby="{id}-t {id}-d" viewBox="0 0 {w} {h}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>{hatch}{rows}</svg>'
    ).format(id=chart_id, w=WIDTH, h=height, title=title, desc=desc, hatch=_hatch(chart_id), rows=rows)


def _hatch(chart_id: str) -> Markup:
    return Markup(
        '<defs><pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="{hatch}" stroke-width="3"/></pattern></defs>'
    ).format(id=chart_id, hatch=HATCH)


def _row(chart_id: str, index: int, cell: Cell, biggest: int) -> Markup:
    y = TOP + index * ROW_H
    text_y = y + ROW_H / 2 + 5
    bar_y = y + (ROW_H - BAR_H) / 2
    label = Markup(
        '<text x="{x}" y="{y}" text-anchor="end" font-size="14" fill="{fill}">{label}</text>'
    ).format(x=LABEL_W, y=text_y, fill=TEXT, label=cell.label)
    bar = Markup("")
    if cell.suppressed:
        bar = Markup(
            '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="url(#{id}-hatch)" '
            'stroke="{s}" stroke-width="1"/>'
        ).format(x=BAR_X, y=bar_y, w=PLACEHOLDER_W, h=BAR_H, id=chart_id, s=HATCH)
        value_x = BAR_X + PLACEHOLDER_W + 6
    else:
        width = round(BAR_MAX_W * cell.count / biggest) if biggest else 0
        if width:
            bar = Markup('<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}"/>').format(
                x=BAR_X, y=bar_y, w=width, h=BAR_H, fill=BAR_FILL
            )
        value_x = BAR_X + width + 6
    value = Markup('<text x="{x}" y="{y}" font-size="14" fill="{fill}">{shown}</text>').format(
        x=value_x, y=text_y, fill=TEXT, shown=cell.shown
    )
    return Markup('<g aria-hidden="true">{}{}{}</g>').format(label, bar, value)
