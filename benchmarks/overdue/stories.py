"""The template cases' stories: ten profiles of a serious case review, each with its deadline
rows and its items late on T and on the past day P known by design."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shared import REGIME_STEPS

from casework.demo import AGENCIES as DEMO_AGENCIES

AGENCIES = (*DEMO_AGENCIES,
            ("YOT", "Youth Offending Team", "yot@council.example.org"),
            ("CAFCASS", "Cafcass", "safeguarding@cafcass.example.org"))
CODES = tuple(code for code, _, _ in AGENCIES)
CRITERIA = ("death", "life_threatening_injury", "permanent_impairment", "sexual_abuse")
SHIFTS = 6  # templates of a profile are spread over 6 days (all dates 0-5 days earlier)


@dataclass
class Plan:
    """One template case's story, as (day, action, options), days counted from T and moved
    `shift` days earlier; `codes` are the 8 agencies in this template's order."""

    today: dt.date
    shift: int
    codes: tuple[str, ...]
    index: int
    events: list[tuple[dt.date, str, dict[str, Any]]] = field(default_factory=list)

    def day(self, offset: int) -> dt.date:
        return self.today + dt.timedelta(days=offset - self.shift)

    def iso(self, offset: int) -> str:
        return self.day(offset).isoformat()

    def at(self, offset: int, action: str, **options: Any) -> None:
        self.events.append((self.day(offset), action, options))

    def step(self, offset: int, name: str, **options: Any) -> None:
        self.at(offset, "advance", step=name, options=options)

    def refer(self, offset: int) -> None:
        self.at(offset, "refer", by=self.codes[0])
        if "notify_ofsted" in REGIME_STEPS:  # notified the same day: a row, never late
            self.step(offset, "notify_ofsted")

    def to_panel(self, refer: int, recommend: int, decide: int, notify: int, panel: int) -> None:
        """Referred, recommended, decided (an SCR), inspectorate notified, panel formed."""
        criteria = [CRITERIA[self.index % len(CRITERIA)]]
        self.refer(refer)
        self.step(recommend, "recommend", recommendation="scr", criteria=criteria)
        self.step(decide, "decide", outcome="scr", criteria=criteria, chair="Board chair",
                  rationale="serious harm; inter-agency working in question")
        self.step(notify, "notify_inspectorate")
        self.step(panel, "form_panel", chair="Independent chair", conflicts="none declared",
                  member=["Detective Inspector, POLICE", "Head of Safeguarding, CSC",
                          "Designated Nurse, HEALTH"])

    def commission(self, offset: int, dues: dict[str, int] | None = None) -> None:
        """IMRs from all 8 agencies: default 6 weeks, or the T-relative day in `dues`."""
        dues = dues or {}
        agencies = [f"{c}={self.iso(dues[c])}" if c in dues else c for c in self.codes]
        self.step(offset, "commission_imrs", terms="ToR v1 agreed by the panel",
                  agency=agencies, records_secured=True)


def imr_late(p: Plan) -> None:
    """At IMRs, 5 late on T (4 IMRs, one extended but still late, and the completion
    deadline), 6 on P (one since received, one since extended beyond T)."""
    a = p.codes
    p.to_panel(-215, -210, -200, -196, -183)  # completion due 6 months after -200: ~T-17
    p.commission(-110)  # due T-68
    p.step(-80, "receive_imr", agency=a[0])
    p.at(-70, "extend", key=f"imr:{a[3]}", to=p.iso(-40))
    p.step(-50, "receive_imr", agency=a[1], note="arrived late")
    p.step(-14, "receive_imr", agency=a[2])
    p.at(-10, "extend", key=f"imr:{a[4]}", to=p.iso(21))


def paused(p: Plan) -> None:
    """Paused for criminal proceedings after 3 IMRs ran out (they stay listed); 4 more fall
    due while it is paused (not listed)."""
    a = p.codes
    p.to_panel(-150, -145, -135, -131, -118)
    p.commission(-110, {code: -20 for code in a[4:]})  # a[:4] due T-68
    p.step(-90, "receive_imr", agency=a[0])
    p.at(-50, "pause", reason="criminal proceedings: the police asked the panel to wait")


def resumed(p: Plan) -> None:
    """Paused for 30 days soon after the decision, resumed; IMRs due T-20, 4 still out."""
    a = p.codes
    p.refer(-120)
    p.step(-116, "recommend", recommendation="scr", criteria=["death"])
    p.step(-112, "decide", outcome="scr", criteria=["death"], chair="Board chair",
           rationale="a child died; neglect is suspected")
    p.at(-110, "pause", reason="family court hearing")
    p.at(-80, "resume")
    p.step(-76, "notify_inspectorate")
    p.step(-70, "form_panel", chair="Independent chair", conflicts="none declared",
           member=["Detective Inspector, POLICE"])
    p.commission(-62)  # due T-20
    p.step(-40, "receive_imr", agency=a[0])
    p.step(-38, "receive_imr", agency=a[1])
    p.step(-35, "waive_imr", agency=a[2], reason="no contact with the family in the period")
    p.step(-30, "receive_imr", agency=a[3])


def action_plan(p: Plan) -> None:
    """Endorsed and published; 6 actions: A1 met on time, A2 late, A3 met after P, A4 late on
    T only, A5 not yet due, A6 extended to T-15; the six-month audit late on T."""
    a = p.codes
    p.to_panel(-330, -325, -320, -316, -300)
    p.step(-290, "commission_imrs", terms="ToR agreed", agency=list(a[:3]))
    for offset, code in zip((-265, -262, -260), a[:3], strict=True):
        p.step(offset, "receive_imr", agency=code)
    p.step(-255, "commission_overview", author="Independent overview author")
    actions = (("R1 Health visiting", "Audit health visitor caseloads for missed contacts",
                -100),
               ("R2 Information sharing", "Joint protocol with police & CSC on referrals <48h",
                -60),
               ("R3 Training", "Neglect training for designated teachers", -40),
               ("R4 Supervision", "Supervision audit of the duty team", -10),
               ("R5 Escalation", "Escalation policy re-issued to every agency", 30),
               ("R6 Records", "Records kept of every strategy discussion", -50))
    for number, (recommendation, action, due) in enumerate(actions):
        p.step(-240, "add_action", recommendation=recommendation, action=action,
               agency=a[3 + number % 5], due=p.iso(due))
    p.step(-200, "submit_overview")
    p.step(-190, "endorse")  # the audit due 6 months on: ~T-8
    p.step(-180, "publish")
    p.step(-110, "complete_action", action=1)
    p.at(-45, "extend", key="A6", to=p.iso(-15))
    p.step(-30, "update_action", action=2, progress="at_risk")
    p.step(-20, "complete_action", action=3, note="delivered late")


def decision_late(p: Plan) -> None:
    """Referred, recommended, the chair's month run out: late on T only (due ~T-17)."""
    p.refer(-45)
    p.step(-40, "recommend", recommendation="scr", criteria=["sexual_abuse"])


def decision_long_late(p: Plan) -> None:
    """A decision late since ~T-60, extended to T-35 and late again: on T and on P."""
    p.refer(-90)
    p.step(-85, "recommend", recommendation="non_statutory",
           criteria=["inter_agency_concerns"])
    p.at(-55, "extend", key="decision", to=p.iso(-35))


def imr_on_time(p: Plan) -> None:
    """IMRs commissioned with the panel's own dates, T+10 and T+25: nothing late."""
    a = p.codes
    p.to_panel(-80, -77, -75, -72, -60)
    p.commission(-50, {code: 10 if n < 4 else 25 for n, code in enumerate(a)})
    p.step(-20, "receive_imr", agency=a[0])
    p.step(-5, "receive_imr", agency=a[1])


def imr_caught_up(p: Plan) -> None:
    """IMRs due T-48: 4 received late before P, 4 after (late on P, none on T); the overview
    commissioned."""
    a = p.codes
    p.to_panel(-112, -109, -105, -101, -95)  # completion ~T+16
    p.commission(-90)
    for offset, code in zip((-40, -38, -35, -32, -20, -15, -10, -5), a, strict=True):
        p.step(offset, "receive_imr", agency=code)
    p.step(-3, "commission_overview", author="Independent overview author")


def no_review(p: Plan) -> None:
    p.refer(-100)
    p.step(-95, "recommend", recommendation="no_review")
    p.step(-90, "decide", outcome="no_review", chair="Board chair",
           rationale="single-agency learning; no inter-agency concerns")
    if "inform_panel" in REGIME_STEPS:  # the national panel told why, the same week
        p.step(-88, "inform_panel")


def screening(p: Plan) -> None:
    p.refer(-10)  # decision due ~T+18


@dataclass(frozen=True)
class Profile:
    name: str
    group: str  # overdue | later
    own_rows: int  # deadline rows of the story itself
    late_now: int  # items late on T
    late_past: int  # items late on P
    plan: Callable[[Plan], None]

    @property
    def rows(self) -> int:
        """Its deadline rows, with those the regime in force adds, each met on time: the
        incident's notification to Ofsted, and for "no review" the national panel told."""
        extra = int("notify_ofsted" in REGIME_STEPS)
        return extra + self.own_rows + int(self.name == "no_review"
                                           and "inform_panel" in REGIME_STEPS)


PROFILES = {p.name: p for p in (
    Profile("imr_late", "overdue", 12, 5, 6, imr_late),
    Profile("paused", "overdue", 12, 3, 3, paused),
    Profile("resumed", "overdue", 12, 4, 0, resumed),
    Profile("action_plan", "overdue", 14, 4, 2, action_plan),
    Profile("decision_late", "overdue", 1, 1, 0, decision_late),
    Profile("decision_long_late", "overdue", 1, 1, 1, decision_long_late),
    Profile("imr_on_time", "later", 12, 0, 0, imr_on_time),
    Profile("imr_caught_up", "later", 12, 0, 4, imr_caught_up),
    Profile("no_review", "later", 1, 0, 0, no_review),
    Profile("screening", "later", 1, 0, 0, screening),
)}
OVERDUE_CYCLE = ("imr_late", "paused", "resumed", "action_plan", "decision_late",
                 "decision_long_late")
LATER_CYCLE = ("imr_on_time", "screening", "imr_on_time", "no_review", "imr_on_time",
               "imr_caught_up", "imr_on_time", "screening", "imr_on_time", "imr_on_time")


@dataclass
class Template:
    index: int
    profile: Profile
    plan: Plan
    case_id: int = 0
    reference: str = ""


def templates_for(count: int, today: dt.date) -> list[Template]:
    """`count` templates in each group, the profiles in turn; each template's dates shifted
    0-5 days earlier and its agencies in a rotated order."""
    names = [OVERDUE_CYCLE[i % len(OVERDUE_CYCLE)] for i in range(count)]
    names += [LATER_CYCLE[i % len(LATER_CYCLE)] for i in range(count)]
    templates = []
    for index, name in enumerate(names):
        rotation = index % len(CODES)
        codes = CODES[rotation:] + CODES[:rotation]
        plan = Plan(today, (index // len(OVERDUE_CYCLE)) % SHIFTS, codes, index)
        profile = PROFILES[name]
        profile.plan(plan)
        days = [day for day, _, _ in plan.events]
        assert days == sorted(days), f"{name}: events out of order"
        templates.append(Template(index, profile, plan))
    return templates

