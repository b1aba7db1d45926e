"""Small SVG charts drawn in Python: no JavaScript, no library, nothing fetched; they render inline in any browser."""
from __future__ import annotations

import math
from html import escape

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
WIDTH, HEIGHT = 760, 300
FONT = "font-family='system-ui, sans-serif' font-size='11'"


def _nice_max(value: float) -> tuple[float, float]:
    """An axis maximum at or above `value` and a tick step giving 2–5 ticks of round numbers."""
    if value <= 0:
        return 1.0, 1.0
    raw = value / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if step < 1 and float(value).is_integer():
        step = 1.0
    return step * math.ceil(value / step), step


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def empty(chart_id: str, message: str) -> str:
    """A placeholder where a chart has no rows yet (it has no bars, so a test can tell it apart)."""
    return (f"<svg class='chart empty' data-chart='{escape(chart_id)}' viewBox='0 0 {WIDTH} 60' width='{WIDTH}' "
            f"height='60' role='img' aria-label='{escape(message)}' xmlns='http://www.w3.org/2000/svg'>"
            f"<text x='10' y='35' {FONT} fill='#666'>{escape(message)}</text></svg>")


def columns(chart_id: str, categories: list[str], series: list[tuple[str, list[float]]], *, y_label: str,
            description: str) -> str:
    """Vertical columns, one per category, stacked by series (each series one colour, named in the legend)."""
    if not categories or not any(v for _, values in series for v in values):
        return empty(chart_id, "No rows yet.")
    left, right, top, bottom = 56, 16, 30, 70
    plot_w, plot_h = WIDTH - left - right, HEIGHT - top - bottom
    totals = [sum(values[i] or 0 for _, values in series) for i in range(len(categories))]
    y_max, step = _nice_max(max(totals))
    slot = plot_w / len(categories)
    bar_w = max(min(slot * 0.7, 60), 1.5)
    parts = [f"<svg class='chart' data-chart='{escape(chart_id)}' viewBox='0 0 {WIDTH} {HEIGHT}' width='{WIDTH}' "
             f"height='{HEIGHT}' role='img' aria-label='{escape(description)}' xmlns='http://www.w3.org/2000/svg'>",
             f"<title>{escape(description)}</title>"]
    tick = 0.0
    while tick <= y_max + 1e-9:
        y = top + plot_h - plot_h * tick / y_max
        parts.append(f"<line x1='{left}' x2='{WIDTH - right}' y1='{y:.1f}' y2='{y:.1f}' stroke='#e3e3e3'/>"
                     f"<text x='{left - 6}' y='{y + 4:.1f}' text-anchor='end' {FONT} fill='#444'>{_number(tick)}</text>")
        tick += step
    parts.append(f"<text x='12' y='{top + plot_h / 2:.0f}' transform='rotate(-90 12 {top + plot_h / 2:.0f})' "
                 f"text-anchor='middle' {FONT} fill='#444'>{escape(y_label)}</text>")
    label_every = max(1, math.ceil(len(categories) / 16))
    for i, category in enumerate(categories):
        x = left + slot * i + (slot - bar_w) / 2
        base = top + plot_h
        for s, (name, values) in enumerate(series):
            value = values[i] or 0
            if value <= 0:
                continue
            h = plot_h * value / y_max
            base -= h
            parts.append(f"<rect class='bar' x='{x:.1f}' y='{base:.1f}' width='{bar_w:.1f}' height='{h:.1f}' "
                         f"fill='{PALETTE[s % len(PALETTE)]}'><title>{escape(category)} · {escape(name)}: "
                         f"{_number(value)}</title></rect>")
        if i % label_every == 0:
            cx = left + slot * i + slot / 2
            parts.append(f"<text x='{cx:.1f}' y='{top + plot_h + 14}' text-anchor='end' "
                         f"transform='rotate(-35 {cx:.1f} {top + plot_h + 14})' {FONT} fill='#444'>"
                         f"{escape(category)}</text>")
    parts.append(f"<line x1='{left}' x2='{WIDTH - right}' y1='{top + plot_h}' y2='{top + plot_h}' stroke='#888'/>")
    parts.extend(_legend([name for name, _ in series], left, 16))
    parts.append("</svg>")
    return "".join(parts)


def bars(chart_id: str, labels: list[str], values: list[float], *, value_label: str, description: str,
         colours: list[str] | None = None) -> str:
    """Horizontal bars, one per label, longest first as given."""
    if not labels or not any(values):
        return empty(chart_id, "No rows yet.")
    row_h, left, right, top = 22, 230, 70, 24
    height = top + row_h * len(labels) + 10
    plot_w = WIDTH - left - right
    v_max = max(values) or 1
    parts = [f"<svg class='chart' data-chart='{escape(chart_id)}' viewBox='0 0 {WIDTH} {height}' width='{WIDTH}' "
             f"height='{height}' role='img' aria-label='{escape(description)}' xmlns='http://www.w3.org/2000/svg'>",
             f"<title>{escape(description)}</title>",
             f"<text x='{left}' y='14' {FONT} fill='#444'>{escape(value_label)}</text>"]
    for i, (label, value) in enumerate(zip(labels, values)):
        y = top + row_h * i
        w = max(plot_w * (value or 0) / v_max, 0)
        shown = label if len(label) <= 36 else label[:35] + "…"
        colour = (colours[i] if colours else PALETTE[0])
        parts.append(f"<text x='{left - 6}' y='{y + 15}' text-anchor='end' {FONT} fill='#222'>{escape(shown)}</text>")
        if w > 0:
            parts.append(f"<rect class='bar' x='{left}' y='{y + 3}' width='{max(w, 1.5):.1f}' height='{row_h - 6}' "
                         f"fill='{colour}'><title>{escape(label)}: {_number(value)}</title></rect>")
        parts.append(f"<text x='{left + w + 5:.1f}' y='{y + 15}' {FONT} fill='#222'>{_number(value or 0)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _legend(names: list[str], x: float, y: float) -> list[str]:
    if len(names) < 2 and names == [""]:
        return []
    parts, cx = [], x
    for s, name in enumerate(names):
        parts.append(f"<rect x='{cx:.0f}' y='{y - 9}' width='10' height='10' fill='{PALETTE[s % len(PALETTE)]}'/>"
                     f"<text x='{cx + 14:.0f}' y='{y}' {FONT} fill='#222'>{escape(name)}</text>")
        cx += 24 + 7 * len(name)
    return parts
