"""When each template's steps fall (monthly CDOP meetings, a decade before T), and which
templates the SQL copies are made of so the database holds exactly the rows asked for."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass

import pendulum
from shared import Unplannable

from national.stories import FINAL, CdrPlanner, Item, NationalScrPlanner

YEARS = 10  # of history before T (`--years`)
LATEST = 3  # the templates' last step is at least this many days before T
CDR_SHARE = 0.6
OVERRUN_SHARE = 0.15  # of open cases: stuck well past their stage's timescale
MEETING_DAY = 12  # CDOP meetings monthly, on the 12th
SCR_TARGETS = {  # where a template stops, by weight: a decade is mostly finished reviews
    "closed": 58, "no_review": 35, "screening": 1, "decision": 1, "notification": 0.5,
    "panel_formation": 1, "terms_of_reference": 0.5, "imrs": 3, "overview": 1,
    "endorsement": 0.5, "publication": 0.5, "publication_held": 0.5, "implementation": 3,
}
CDR_TARGETS = {
    "closed": 93, "transferred": 3, "triage": 0.3, "rapid_response": 0.3, "post_mortem": 1.5,
    "final_discussion": 0.5, "agency_reports": 2, "awaiting_panel": 1, "reviewed": 0.4,
}


def meeting_days(first: dt.date, last: dt.date) -> list[dt.date]:
    day = pendulum.date(first.year, first.month, MEETING_DAY)
    days = []
    while day <= last:
        days.append(dt.date(day.year, day.month, day.day))
        day = day.add(months=1)
    return days


def _next_meeting(meetings: list[dt.date], day: dt.date) -> dt.date:
    return meetings[bisect.bisect_left(meetings, day)]


def place(items: list[Item], start: dt.date, meetings: list[dt.date]) -> list[dt.date]:
    days: list[dt.date] = []
    day, listed = start, start
    for item in items:
        day += dt.timedelta(days=item.gap)
        if item.after is not None:
            index, lo = item.after
            day = max(day, days[index] + dt.timedelta(days=lo))
        if item.rule == "ready":
            listed = _next_meeting(meetings, day)
        elif item.rule == "defer":
            day = max(day, listed)
            listed = _next_meeting(meetings, listed + dt.timedelta(days=1))
        elif item.rule == "review":
            day = max(day, listed)
        days.append(day)
    return days


def fit(items: list[Item], finished: bool, rng: random.Random, today: dt.date,
        meetings: list[dt.date], span_days: int) -> list[dt.date]:
    """The day of each item: a finished case any time in the years it could have run its
    course; an open one as old as its steps plus a few weeks, or stuck for months."""
    earliest = today - dt.timedelta(days=span_days)
    latest = today - dt.timedelta(days=LATEST)
    probe = place(items, earliest, meetings)
    length = (probe[-1] - probe[0]).days
    if finished:
        room = max(0, (latest - earliest).days - length - 40)
        start = earliest + dt.timedelta(days=rng.randint(0, room))
    else:
        extra = rng.randint(60, 365) if rng.random() < OVERRUN_SHARE else rng.randint(0, 45)
        start = latest - dt.timedelta(days=length + extra)
    days = place(items, start, meetings)
    while days[-1] > latest:  # a meeting took it later than planned: start earlier
        start -= days[-1] - latest
        days = place(items, start, meetings)
    return days


@dataclass
class Template:
    index: int
    kind: str  # scr | cdr
    target: str
    items: list[Item]
    days: list[dt.date]
    copyable: bool = True
    reference: str = ""
    case_id: int = 0
    linked: str = ""  # the SCR a CDR referred for
    rows: int = 0
    finished: bool = False


def plan_templates(count: int, today: dt.date, rng: random.Random,
                   meetings: list[dt.date], span_days: int) -> list[Template]:
    templates = []
    for index in range(count):
        if rng.random() < CDR_SHARE:
            target = rng.choices(list(CDR_TARGETS), weights=list(CDR_TARGETS.values()))[0]
            items, linked = CdrPlanner(rng).plan(target)
            kind = "cdr"
        else:
            target = rng.choices(list(SCR_TARGETS), weights=list(SCR_TARGETS.values()))[0]
            items, linked = NationalScrPlanner(rng).plan(target), False
            kind = "scr"
        days = fit(items, target in FINAL, rng, today, meetings, span_days)
        templates.append(Template(index, kind, target, items, days, copyable=not linked))
    return templates



def plan_copies(pool: list[Template], cases: int, rows: int, rng: random.Random,
                notes: list[str]) -> list[Template]:
    """`cases` copies of the templates in `pool` holding `rows` deadline rows in all: round
    robin (the templates' mix), then finished copies swapped for finished templates with
    more (or fewer) rows until the sum is exact; shuffled."""
    if cases <= 0:
        if rows or cases < 0:
            raise Unplannable(f"the templates and due groups alone are more than --cases, or "
                              f"no copies are left to hold {rows:,} more deadline rows")
        notes.append("no copies needed")
        return []
    copies = [pool[i % len(pool)] for i in range(cases)]
    diff = rows - sum(t.rows for t in copies)
    natural, swaps = rows - diff, 0
    finished = sorted((t for t in pool if t.finished), key=lambda t: t.rows)
    sizes = [t.rows for t in finished]
    if not finished:
        raise Unplannable("no finished template to adjust the copies with")
    swappable = sorted((i for i, t in enumerate(copies) if t.finished),
                       key=lambda i: copies[i].rows, reverse=diff < 0)
    heavy = finished[len(finished) * 3 // 4:]
    for index in swappable:
        if diff == 0:
            break
        have = copies[index].rows
        want = have + diff
        if diff > 0:
            if want > sizes[-1]:
                pick = rng.choice(heavy)
            else:
                pick = finished[bisect.bisect_right(sizes, want) - 1]
            if pick.rows <= have:
                continue
        else:
            pick = finished[min(bisect.bisect_left(sizes, max(want, 0)), len(finished) - 1)]
            if pick.rows >= have:
                continue
        copies[index] = pick
        diff -= pick.rows - have
        swaps += 1
    if diff:
        raise Unplannable(f"cannot make {cases:,} copies hold exactly {rows:,} deadline rows "
                          f"from these templates ({diff:+,} rows left): ask for another "
                          "--cases/--deadlines ratio")
    rng.shuffle(copies)
    notes.append(f"{cases:,} copies to hold {rows:,} deadline rows: round robin over the "
                 f"{len(pool)} copyable templates gives {natural:,} ({natural / cases:.1f} a "
                 f"case); {swaps:,} finished copies swapped for finished templates with "
                 f"{'more' if rows > natural else 'fewer'} rows to make it exact")
    return copies


def take(plan: list[Template], need: int) -> tuple[list[Template], list[Template]]:
    """Copies from the front of `plan` holding exactly `need` rows (skipping any that would
    go over), and the rest in order."""
    taken, rest, total = [], [], 0
    for t in plan:
        if total < need and total + t.rows <= need:
            taken.append(t)
            total += t.rows
        else:
            rest.append(t)
    if total != need:
        raise Unplannable(f"the copies cannot make exactly {need:,} more deadline rows")
    return taken, rest

