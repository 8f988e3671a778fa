"""The figures paper: every figure of the period beside the period before (the same length),
against the board's target where it sets one (`[targets]`), met or not in words and a glyph;
the charts each process's figures declare (e.g. deaths by category) and the slippage of its
reviews. What is counted and drawn is the definitions' (`Tally.charts`, `Tally.spans`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from casework.clock import today
from casework.reports import Period, previous_period
from casework.targets import value_of
from workflows.formats import short

if TYPE_CHECKING:
    from casework.service import CaseService


@dataclass(frozen=True)
class Compared:
    """A figure's line beside the period before, and the board's target for it."""

    previous: Any
    target: str | None = None  # in words: "at least 10"
    met: bool | None = None


def figures_context(service: CaseService, period: Period) -> dict[str, Any]:
    """What `report/figures.html` draws beyond the lines: `compare` by figure name, `charts`
    and `slippage` by section title, and the period before."""
    from notifications.svg import Row, stacked_bars
    from notifications.svg_slippage import course, slippage_chart

    before_from, before_to = previous_period(period.period_from, period.period_to)
    before = Period.counted(service, before_from, before_to)
    earlier = {line.key: line.value for line in before.lines if line.key}
    targets = service.settings.targets
    compare: dict[str, Compared] = {}
    for name, section in period.sections.items():
        data = section.as_dict()
        for line in section.lines():
            if not line.key:
                continue
            target = targets.get(line.key)
            value = value_of(data, line.key.removeprefix(f"{name}."))
            met = target.met(value) if target and value is not None else None
            compare[line.key] = Compared(earlier.get(line.key, ""),
                                         target.words if target else None, met)
    was = f"{short(before_from)} to {short(before_to)}"
    charts: dict[str, list[Any]] = {}
    slippage: dict[str, dict[str, Any]] = {}
    day = min(period.period_to, today(service.clock))
    for name, section in period.sections.items():
        data, old = section.as_dict(), before.sections[name].as_dict()
        title = section.declared.title
        for chart in section.figures.charts():
            rows = [Row(label, [int(value_of(data, path) or 0)], int(value_of(old, path) or 0))
                    for label, path in chart.bars]
            if not any(r.parts[0] or r.previous for r in rows):
                continue  # nothing to draw, this period or the one before
            said = "; ".join(f"{r.label} {r.parts[0]} ({r.previous} in {was})" for r in rows)
            charts.setdefault(title, []).append(stacked_bars(
                f"{name}-{chart.ident}", chart.title, f"{chart.title}: {said}.",
                ["this period"], rows, previous_label=f"in {was}"))
        spans = section.figures.spans()
        if spans:
            slippage[title] = {
                "chart": slippage_chart(f"{name}-slippage",
                                        f"{title}: slippage of each review", spans, day),
                "courses": [course(span, day) for span in spans], "day": day}
    return {"compare": compare, "charts": charts, "slippage": slippage,
            "previous_from": before_from, "previous_to": before_to,
            "targets": bool(targets)}
