"""What the National Child Mortality Database collects of a death, shaped like its three
forms (notification, reporting, analysis), and the annual return for a year to 31 March
(REGIMES.md §5.2). Declared by both versions of the child death review: the NCMD took every
death not yet reviewed on 1 April 2019, whenever the child died (a WT2006 case gives its Form
B requests as reporting forms and its Form C scores), and rejects one reviewed before.

A death reviewed by the day the export is taken to gives all three forms; one still open gives
the notification only, as the NCMD asks. The child is named by the case's reference and
pseudonym only: no NHS number (not even its hash), no notifier's name, no post-mortem findings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import pendulum

from workflows.exports import Export
from workflows.figures import CaseRow, DeadlineRow

FORMS = {"reporting_form": "reporting", "supplementary_form": "supplementary",
         "form_b": "reporting (Form B)"}


def export(categories: Mapping[str, str], since: dt.date) -> Export:
    """The NCMD's export over the categories of death (code -> wording), from its first day."""
    return Export("NCMD", partial(records, categories=dict(categories), since=since),
                  partial(annual_return, categories=dict(categories), since=since), since)


def records(cases: Sequence[CaseRow], period_from: dt.date, period_to: dt.date, *,
            categories: Mapping[str, str], since: dt.date) -> list[dict[str, Any]]:
    """Each death in the period (by date of death) that the NCMD takes, as at `period_to`."""
    return [record(case, period_to, categories) for case in cases
            if _taken(case, since) and period_from <= _died(case) <= period_to]


def record(case: CaseRow, as_at: dt.date, categories: Mapping[str, str]) -> dict[str, Any]:
    data = case.data
    found: dict[str, Any] = {
        "case": case.reference, "pseudonym": case.pseudonym, "version": case.version,
        "status": "reviewed" if _reviewed(case, as_at) else "open",
        "notification": {
            "date_of_death": data["died_on"],
            "time_of_death_known": data.get("time_of_death_known", True),
            "age_band": data["age_band"], "place_of_death": data["place"],
            "expected_as_notified": data["notified_as"],
            "area_of_residence": data["residence"],
            "notifying_agency": data["notifier_agency"],
            "notified_on": case.opened_on.isoformat(),
            "hours_to_notify": data.get("hours_to_notify"),
        },
    }
    if found["status"] == "open":
        return found
    found["reporting"] = {
        "expected_at_triage": data.get("classified"),
        "joint_agency_response": bool(data.get("jar")),
        "rapid_response": "rapid_response_team" in data,
        "jar_criteria": list(data.get("jar_criteria", [])),
        "post_mortem_received_on": _day(case.on("post_mortem")),
        "cdrm_held_on": _day(case.on("cdrm_held")),
        "forms": [_form(row, data) for row in case.deadlines if row.kind in FORMS],
    }
    factors = data.get("factors", [])
    form_c = isinstance(factors, dict)  # a WT2006 review: Form C's domains scored 0-3
    found["analysis"] = {
        "reviewed_on": _day(case.on("review")),
        "category": data["category"], "category_text": categories[data["category"]],
        "contributory_factors": [] if form_c else [dict(f) for f in factors],
        "form_c_scores": dict(factors) if form_c else None,
        "modifiable_factors": data.get("modifiable"),
        "learning_points": list(data.get("learning", [])),
        "recommendations": list(data.get("recommendations", [])),
        "referred_as_serious_incident": bool(data.get("cspr_referral")),
        "submitted_on": _day(case.on("ncmd")) if _within(case.on("ncmd"), as_at) else None,
    }
    return found


def annual_return(cases: Sequence[CaseRow], year_from: dt.date, year_to: dt.date, *,
                  categories: Mapping[str, str], since: dt.date) -> dict[str, Any]:
    """The year's return: every death reviewed in it (all forms) and every one still open at
    its end (the notification only); a death reviewed in an earlier year is not sent again."""
    sent = [case for case in cases if _taken(case, since) and case.opened_on <= year_to
            and (not _reviewed(case, year_to) or year_from <= case.on("review"))]
    deaths = [record(case, year_to, categories) for case in sent]
    reviewed = [d for d in deaths if d["status"] == "reviewed"]
    within = sum(_reviewed(case, year_to) and case.on("review") <= _year_after(_died(case))
                 for case in sent)
    by_category = dict.fromkeys(categories, 0)
    modifiable = {"yes": 0, "no": 0}
    for death in reviewed:
        by_category[death["analysis"]["category"]] += 1
        if death["analysis"]["modifiable_factors"] in modifiable:
            modifiable[death["analysis"]["modifiable_factors"]] += 1
    return {
        "year": f"{year_from.year}/{str(year_to.year)[2:]}",
        "period_from": year_from.isoformat(), "period_to": year_to.isoformat(),
        "deaths_notified": sum(year_from <= c.opened_on <= year_to for c in sent),
        "reviews_completed": len(reviewed),
        "reviewed_within_12_months": within,
        "open_at_year_end": len(deaths) - len(reviewed),
        "by_category": by_category, "modifiable_factors": modifiable,
        "deaths": deaths,
    }


def _form(row: DeadlineRow, data: Mapping[str, Any]) -> dict[str, Any]:
    agency = row.key.partition(":")[2]
    form = FORMS[row.kind]
    if row.kind == "supplementary_form":
        form = f"supplementary ({data.get('supplementary_forms', {}).get(agency, '')})"
    status = {"met": "received"}.get(row.status, row.status)
    return {"agency": agency, "form": form, "requested_on": row.anchor_on.isoformat(),
            "status": status,
            "received_on": row.closed_on.isoformat() if row.closed_on and status == "received"
            else None}


def _taken(case: CaseRow, since: dt.date) -> bool:
    """Not a death transferred to another area's panel (that panel sends it), nor one
    reviewed before the NCMD began (it rejects those)."""
    reviewed = case.on("review")
    return case.state != "transferred" and (reviewed is None or reviewed >= since)


def _died(case: CaseRow) -> dt.date:
    return dt.date.fromisoformat(case.data["died_on"])


def _year_after(day: dt.date) -> dt.date:
    return pendulum.Date(day.year, day.month, day.day).add(months=12)


def _reviewed(case: CaseRow, as_at: dt.date) -> bool:
    return _within(case.on("review"), as_at)


def _within(day: dt.date | None, as_at: dt.date) -> bool:
    return day is not None and day <= as_at


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
