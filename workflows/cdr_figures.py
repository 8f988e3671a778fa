"""The child death review's figures: deaths notified, reviewed, by category, with preventable
or modifiable factors, and how promptly. Each counts by the date it happened."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

import pendulum

from workflows.figures import Bars, CaseRow, Figures, Row, Tally


@dataclass
class DeathFigures(Tally):
    notified: int = 0
    expected: int = 0
    unexpected: int = 0
    not_yet_triaged: int = 0
    notified_late: int = 0
    transferred: int = 0
    reviewed: int = 0
    reviewed_within_12_months: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    preventable: dict[str, int] = field(default_factory=lambda: {"yes": 0, "no": 0})
    modifiable: dict[str, int] = field(default_factory=lambda: {"yes": 0, "no": 0})
    referred_for_scr: int = 0

    def rows(self) -> Sequence[Row]:
        return [
            (0, "Deaths notified", "notified"),
            (1, "expected", "expected"),
            (1, "unexpected", "unexpected"),
            (1, "not yet triaged", "not_yet_triaged"),
            (1, "transferred to another area's panel", "transferred"),
            (1, "notified more than 24 hours after the death", "notified_late"),
            *review_rows(self, "Deaths reviewed by the panel"),
            (1, "preventable (reviews before 1 Apr 2010): yes / no", "preventable",
             f"{self.preventable['yes']} / {self.preventable['no']}"),
            (1, "modifiable factors (from 1 Apr 2010): yes / no", "modifiable",
             f"{self.modifiable['yes']} / {self.modifiable['no']}"),
            (0, "Referred for a serious case review", "referred_for_scr"),
        ]

    def charts(self) -> Sequence[Bars]:
        return [by_category(self.by_category)]


def review_rows(figures: DeathFigures | DeathFigures2018, title: str) -> list[Row]:
    """The reviews' rows, as every version of the review counts them: how many, how many
    within 12 months of the death (and what share), and by category."""
    share = (f" ({100 * figures.reviewed_within_12_months / figures.reviewed:.0f}%)"
             if figures.reviewed else "")
    return [(0, title, "reviewed"),
            (1, "within 12 months of the death", "reviewed_within_12_months",
             f"{figures.reviewed_within_12_months}{share}"),
            (1, "by category:", "", None),
            *((2, name.replace("_", " "), f"by_category.{name}", n)
              for name, n in figures.by_category.items())]


def count_review(figures: DeathFigures | DeathFigures2018, case: CaseRow,
                 reviewed_on: dt.date) -> None:
    """One review in the period: counted, by its category, and whether it came within 12
    months of the death."""
    figures.reviewed += 1
    figures.count("reviewed", case.reference)
    figures.by_category[case.data["category"]] += 1
    died = case.on("death")
    if died and reviewed_on <= pendulum.Date(died.year, died.month, died.day).add(months=12):
        figures.reviewed_within_12_months += 1
        figures.count("reviewed_within_12_months", case.reference)


def by_category(counts: dict[str, int]) -> Bars:
    """The deaths reviewed by category, a bar each, in the definition's order."""
    return Bars("deaths-by-category", "Deaths reviewed, by category",
                [(name.replace("_", " "), f"by_category.{name}") for name in counts])


def figures(categories: Sequence[str], modifiable_from: dt.date) -> Figures:
    """The figures over the definition's categories of death, and the day modifiable factors
    replaced preventability in the panel's findings."""
    return Figures("child_deaths", "Child deaths", partial(
        count, categories=tuple(categories), modifiable_from=modifiable_from))


def count(period_from: dt.date, period_to: dt.date, cases: Sequence[CaseRow], *,
          categories: tuple[str, ...], modifiable_from: dt.date) -> DeathFigures:
    figures = DeathFigures(period_from, period_to, by_category=dict.fromkeys(categories, 0))
    within = figures.within

    def tally(name: str, case: CaseRow) -> None:
        figures.count(name, case.reference)

    for case in cases:
        data = case.data
        if within(case.opened_on):
            figures.notified += 1
            tally("notified", case)
            # As triage classified it; until then (or while a transfer is pending) it is
            # neither expected nor unexpected.
            if case.state == "transferred":
                figures.transferred += 1
                tally("transferred", case)
            elif data.get("classified") == "expected":
                figures.expected += 1
            elif data.get("classified") == "unexpected":
                figures.unexpected += 1
            else:
                figures.not_yet_triaged += 1
                tally("not_yet_triaged", case)
            if data.get("notified_late"):
                figures.notified_late += 1
                tally("notified_late", case)
        reviewed_on = case.on("review")
        if reviewed_on is not None and within(reviewed_on):
            count_review(figures, case, reviewed_on)
            if reviewed_on < modifiable_from:
                figures.preventable[data["preventable"]] += 1
            else:
                figures.modifiable[data["modifiable"]] += 1
        if within(case.on("scr_referral")):
            figures.referred_for_scr += 1
            tally("referred_for_scr", case)
    return figures


@dataclass
class DeathFigures2018(Tally):
    """The 2018 guidance's figures: JARs and CDRMs, and the analysis form's findings."""

    notified: int = 0
    jars: int = 0
    cdrms_held: int = 0
    reviewed: int = 0
    reviewed_within_12_months: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    modifiable: dict[str, int] = field(default_factory=lambda: {"yes": 0, "no": 0})
    submitted_to_ncmd: int = 0

    def rows(self) -> Sequence[Row]:
        return [
            (0, "Deaths notified", "notified"),
            (1, "with a Joint Agency Response", "jars"),
            (0, "Child Death Review Meetings held", "cdrms_held"),
            *review_rows(self, "Deaths reviewed by the CDOP"),
            (1, "modifiable factors: yes / no", "modifiable",
             f"{self.modifiable['yes']} / {self.modifiable['no']}"),
            (0, "Analysis forms submitted to the NCMD", "submitted_to_ncmd"),
        ]

    def charts(self) -> Sequence[Bars]:
        return [by_category(self.by_category)]


def figures_2018(categories: Sequence[str]) -> Figures:
    return Figures("child_deaths_2018", "Child deaths (2018 guidance)",
                   partial(count_2018, categories=tuple(categories)))


def count_2018(period_from: dt.date, period_to: dt.date, cases: Sequence[CaseRow], *,
               categories: tuple[str, ...]) -> DeathFigures2018:
    figures = DeathFigures2018(period_from, period_to, by_category=dict.fromkeys(categories, 0))
    within = figures.within

    def tally(name: str, case: CaseRow) -> None:
        figures.count(name, case.reference)

    for case in cases:
        data = case.data
        if within(case.opened_on):
            figures.notified += 1
            tally("notified", case)
        if within(case.on("triage")) and data.get("jar"):
            figures.jars += 1
            tally("jars", case)
        if within(case.on("cdrm_held")):
            figures.cdrms_held += 1
            tally("cdrms_held", case)
        reviewed_on = case.on("review")
        if reviewed_on is not None and within(reviewed_on):
            count_review(figures, case, reviewed_on)
            figures.modifiable[data["modifiable"]] += 1
        if within(case.on("ncmd")):
            figures.submitted_to_ncmd += 1
            tally("submitted_to_ncmd", case)
    return figures
