"""The figures come from the registry: a process added there brings its own section, keyed
and titled as its definition says, with no change to casework, the notifier or the CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from workflows import registry
from workflows.cdr import CDR
from workflows.figures import CaseRow, Figures, Row, Tally


@dataclass
class Visits(Tally):
    opened: int = 0

    def rows(self) -> Sequence[Row]:
        return [(0, "Home visits opened", "opened")]


def _count(period_from: dt.date, period_to: dt.date, cases: Sequence[CaseRow]) -> Visits:
    figures = Visits(period_from, period_to)
    figures.opened = sum(1 for case in cases if figures.within(case.opened_on))
    return figures


def test_a_new_process_brings_its_own_section(run, monkeypatch):
    visits = dataclasses.replace(CDR, key="visits", kind="vis",
                                 figures=Figures("visits", "Home visits", _count))
    monkeypatch.setattr(registry, "ALL", (*registry.ALL, visits))
    data = json.loads(run("report", "figures", "--to", "2009-03-31", "--json").stdout)
    assert list(data) == ["period_from", "period_to", "scr", "child_deaths",
                          "child_deaths_2018", "cspr", "visits"]
    assert data["visits"] == {"period_from": "2008-04-01", "period_to": "2009-03-31",
                              "opened": 0, "references": {}}
    lines = run("report", "figures", "--to", "2009-03-31").stdout.splitlines()
    assert lines[-2:] == ["Home visits", f"{'Home visits opened':<58}{0:>20}"]
    csv = run("report", "figures", "--to", "2009-03-31", "--format", "csv").stdout
    assert csv.endswith("Home visits,Home visits opened,0,visits.opened,2008-04-01,"
                        "2009-03-31\n")
    # The paper too, beside the year before, with no chart (its figures draw none).
    html = run("report", "figures", "--to", "2009-03-31", "--format", "html").stdout
    assert ('<tr class="depth-0" data-name="visits.opened"><td style="padding-left: 1.6mm">'
            'Home visits opened</td><td class="number">0</td><td class="number previous">0'
            '</td></tr>') in html
    assert "visits-" not in html
