"""Inline SVG charts for the report: no script, no external resource, every text escaped.

Each chart is one ``<svg role="img">`` with a ``<title>`` and ``<desc>`` (what screen
readers announce) and a fixed ``viewBox`` that scales to the page width. Colour is
never the only signal: a missed bar is also hatched and labelled with ✘, the two
trend lines differ in dash and marker shape, and values are written next to bars.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from slactl.sanitize import html_text

GOOD, BAD, NEUTRAL, TARGET, INK, GRID = "#2e7d32", "#c62828", "#9e9e9e", "#1a237e", "#222", "#ddd"
FONT = "font-family=\"Segoe UI,Arial,sans-serif\""


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float | None  # percent, 0..100
    target: float | None
    ok: bool | None  # None: no data
    shown: str  # the value as written next to the bar ("84.6 % ✘")


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
            f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px;height:auto;display:block" '
            f'{FONT} font-size="12">',
            f'<title id="{chart_id}-t">{html_text(title)}</title><desc id="{chart_id}-d">{html_text(desc)}</desc>',
            f'<defs><pattern id="{chart_id}-h" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{BAD}"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern></defs>']


def _plain_pct(value: float) -> str:
    return f"{value:g} %"


def compliance_bars(chart_id: str, title: str, desc: str, bars: list[Bar], target_label: str,
                    pct: Callable[[float], str] = _plain_pct) -> str:
    """Horizontal bars of compliance (0-100 %), a target tick on each, the value written after it;
    ``pct`` writes the axis' percentages in the page's language."""
    label_w, plot_w, row_h, top = 190, 330, 22, 8
    width, height = label_w + plot_w + 110, top + row_h * len(bars) + 28
    out = _open(chart_id, title, desc, width, height)
    for tick in (0, 25, 50, 75, 100):
        x = label_w + plot_w * tick / 100
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - 22}" stroke="{GRID}"/>'
                   f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" fill="#555">{html_text(pct(tick))}</text>')
    for i, bar in enumerate(bars):
        y = top + i * row_h
        out.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" fill="{INK}">{html_text(bar.label)}</text>')
        if bar.value is not None:
            w = plot_w * max(0.0, min(bar.value, 100.0)) / 100
            fill = GOOD if bar.ok else f"url(#{chart_id}-h)" if bar.ok is False else NEUTRAL
            out.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{fill}"/>')
        if bar.target is not None:
            x = label_w + plot_w * bar.target / 100
            out.append(f'<line x1="{x:.1f}" y1="{y + 1}" x2="{x:.1f}" y2="{y + row_h - 1}" stroke="{TARGET}" '
                       f'stroke-width="2.5"><title>{html_text(target_label)}</title></line>')
        colour = GOOD if bar.ok else BAD if bar.ok is False else "#555"
        out.append(f'<text x="{label_w + plot_w + 8}" y="{y + 15}" fill="{colour}">{html_text(bar.shown)}</text>')
    out.append("</svg>")
    return "".join(out)


def trend_lines(chart_id: str, title: str, desc: str, months: list[str],
                series: list[tuple[str, list[float | None]]], target: float | None, target_label: str,
                pct: Callable[[float], str] = _plain_pct) -> str:
    """Compliance per month: one line per series (solid circles, dashed squares), the target dashed."""
    left, plot_w, plot_h, top = 44, 480, 170, 10
    width, height = left + plot_w + 20, top + plot_h + 62
    low = 0.0
    values = [v for _, vs in series for v in vs if v is not None] + ([target] if target is not None else [])
    if values and min(values) >= 50:
        low = 50.0  # zoom in when everything is high; the axis says so
    out = _open(chart_id, title, desc, width, height)

    def y_of(v: float) -> float:
        return top + plot_h * (1 - (v - low) / (100 - low))

    def x_of(i: int) -> float:
        return left + (plot_w * (i + 0.5) / len(months) if months else 0)

    for tick in range(int(low), 101, 10 if low else 25):
        y = y_of(tick)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}"/>'
                   f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{tick}</text>')
    for i, month in enumerate(months):
        out.append(f'<text x="{x_of(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="#555">'
                   f'{html_text(month)}</text>')
    if target is not None:
        y = y_of(target)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{TARGET}" '
                   f'stroke-width="1.5" stroke-dasharray="2 3"/>')
    styles = [(GOOD, "", "circle"), ("#6a1b9a", "6 4", "square")]
    for k, (name, vals) in enumerate(series):
        colour, dash, marker = styles[k % len(styles)]
        points = [(x_of(i), y_of(v), v) for i, v in enumerate(vals) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"'
                       + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        for x, y, v in points:
            shape = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">' if marker == "circle" else
                     f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}">')
            out.append(shape + f"<title>{html_text(name)}: {html_text(pct(v))}</title>"
                       + ("</circle>" if marker == "circle" else "</rect>"))
        lx = left + k * 190
        ly = top + plot_h + 38
        sample = (f'<circle cx="{lx + 14}" cy="{ly - 4}" r="4" fill="{colour}"/>' if marker == "circle" else
                  f'<rect x="{lx + 10}" y="{ly - 8}" width="8" height="8" fill="{colour}"/>')
        out.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 28}" y2="{ly - 4}" stroke="{colour}" stroke-width="2"'
                   + (f' stroke-dasharray="{dash}"' if dash else "") + f"/>{sample}"
                   f'<text x="{lx + 34}" y="{ly}" fill="{INK}">{html_text(name)}</text>')
    if target is not None:
        lx, ly = left + len(series) * 190, top + plot_h + 38
        out.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 28}" y2="{ly - 4}" stroke="{TARGET}" '
                   f'stroke-width="1.5" stroke-dasharray="2 3"/><text x="{lx + 34}" y="{ly}" fill="{INK}">'
                   f'{html_text(target_label)}</text>')
    out.append("</svg>")
    return "".join(out)


def histogram(chart_id: str, title: str, desc: str, buckets: list[tuple[str, int, bool]],
              within_label: str, beyond_label: str) -> str:
    """Tickets per bucket: within-target bars solid, beyond-target bars hatched, counts on top."""
    left, plot_w, plot_h, top = 36, 480, 130, 18
    width, height = left + plot_w + 20, top + plot_h + 58
    most = max([n for _, n, _ in buckets] + [1])
    step = plot_w / max(len(buckets), 1)
    out = _open(chart_id, title, desc, width, height)
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#555"/>')
    boundary = None
    for i, (label, n, within) in enumerate(buckets):
        h = plot_h * n / most
        x = left + i * step
        fill = GOOD if within else f"url(#{chart_id}-h)"
        out.append(f'<rect x="{x + 4:.1f}" y="{top + plot_h - h:.1f}" width="{step - 8:.1f}" height="{h:.1f}" '
                   f'fill="{fill}"><title>{html_text(label)}: {n}</title></rect>'
                   f'<text x="{x + step / 2:.1f}" y="{top + plot_h - h - 4:.1f}" text-anchor="middle" '
                   f'fill="{INK}">{n}</text>'
                   f'<text x="{x + step / 2:.1f}" y="{top + plot_h + 15}" text-anchor="middle" fill="#555" '
                   f'font-size="11">{html_text(label)}</text>')
        if not within and boundary is None:
            boundary = x
    if boundary is not None:
        out.append(f'<line x1="{boundary:.1f}" y1="{top - 8}" x2="{boundary:.1f}" y2="{top + plot_h}" '
                   f'stroke="{TARGET}" stroke-width="2" stroke-dasharray="4 3"/>')
    ly = top + plot_h + 40
    out.append(f'<rect x="{left}" y="{ly - 10}" width="12" height="12" fill="{GOOD}"/>'
               f'<text x="{left + 18}" y="{ly}" fill="{INK}">{html_text(within_label)}</text>'
               f'<rect x="{left + 200}" y="{ly - 10}" width="12" height="12" fill="url(#{chart_id}-h)"/>'
               f'<text x="{left + 218}" y="{ly}" fill="{INK}">{html_text(beyond_label)}</text>')
    out.append("</svg>")
    return "".join(out)
