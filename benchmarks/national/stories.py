"""The templates' stories: what happens to each template case, as items a planner writes
(a national SCR's, a child death review's), before their days are known."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shared import Planner, ScrPlanner

AGENCIES = (
    ("POLICE", "Police", "public-protection@police.example.org"),
    ("CSC", "Children's Social Care", "safeguarding@csc.example.org"),
    ("HEALTH", "Community Health", "named-nurse@health.example.org"),
    ("ACUTE", "Acute Hospitals Trust", "safeguarding@acute.example.org"),
    ("EDU", "Education", "child-protection@education.example.org"),
    ("PROB", "Probation", "public-protection@probation.example.org"),
    ("YOT", "Youth Offending Team", "yot@council.example.org"),
    ("CAFCASS", "Cafcass", "safeguarding@cafcass.example.org"),
    ("AMBULANCE", "Ambulance Service", "safeguarding@ambulance.example.org"),
    ("GP", "General Practice", "safeguarding-gp@icb.example.org"),
    ("CAMHS", "Child and Adolescent Mental Health", "camhs@mentalhealth.example.org"),
    ("HOUSING", "Housing", "housing-safeguarding@council.example.org"),
)
CODES = tuple(code for code, _, _ in AGENCIES)
PAUSED_SHARE = 0.1  # of open SCRs: paused at the end (a third of them resumed again)
FINAL = ("closed", "no_review", "transferred")
CATEGORIES = ("deliberately_inflicted", "suicide", "trauma", "malignancy", "acute_medical",
              "chronic_medical", "congenital", "perinatal", "infection", "sudden_unexplained")
AGE_BANDS = ("0-27d", "28-364d", "1-4y", "5-9y", "10-14y", "15-17y")
PLACES = ("home", "hospital", "hospice", "public_place", "other")


@dataclass
class Item:
    """One thing done to a template case: `gap` days after the item before; `rule` ready |
    defer | review for the CDOP meeting the case is listed for; `after` (index, days): at
    least that many days after an earlier item."""

    action: str  # refer | notify | advance | ncmd | linked | extend | pause | resume
    step: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    gap: int = 0
    rule: str = ""
    after: tuple[int, int] | None = None


class NationalScrPlanner(ScrPlanner[Item]):
    """National SCRs (`shared.ScrPlanner`, as benchmarks/cli_speed.py's): the referrer
    recorded, IMRs from 4-10 of twelve agencies, the long action plans of national reviews, and
    a review at "publication" perhaps held and released on the way."""

    make_item = Item
    codes = CODES
    paused_share = PAUSED_SHARE
    imr_agencies = (4, 10)
    imr_gap = 12
    action_gap = 2
    actions_per_recommendation = 4
    action_due = (90, 540)
    hold_before_publication = True

    def _referral(self) -> Item:
        return Item("refer", options={"by": self.rng.choice(CODES)})

    def _action_count(self, target: str) -> int:
        rng = self.rng
        return {"overview": rng.randint(0, 3), "endorsement": rng.randint(5, 30),
                "publication": rng.randint(10, 40), "publication_held": rng.randint(10, 40),
                "implementation": rng.randint(10, 50)}.get(target, rng.randint(15, 130))

    def _audit(self, endorse: int, outcome: str) -> None:
        """The six-month audit, five to eight months after the endorsement (it cannot be
        recorded earlier than a month before it is due)."""
        self.items.append(Item("advance", "record_audit", {"outcome": outcome},
                               gap=self.rng.randint(0, 5),
                               after=(endorse, self.rng.randint(155, 240))))

    def _implementation(self, target: str, actions: int, endorse: int) -> None:
        rng = self.rng
        if target == "closed":
            for number in range(1, actions + 1):
                lo, hi = (20, 150) if number == 1 else (0, 4)
                if rng.random() < 0.9:
                    self.add(lo, hi, "complete_action", action=number)
                else:
                    self.add(lo, hi, "carry_forward", action=number,
                             reason="needs the new protocol first",
                             decision="board meeting of the following quarter")
            self._audit(endorse, "progress satisfactory")
            self.add(10, 60, "close")
            return
        first = True
        for number in range(1, actions + 1):
            roll = rng.random()
            lo, hi = (20, 120) if first else (0, 6)
            if roll < 0.8:
                self.add(lo, hi, "complete_action", action=number)
                first = False
            elif roll < 0.9:
                self.add(lo, hi, "update_action", action=number,
                         progress=rng.choice(("on_track", "at_risk", "not_started")))
                first = False
        if rng.random() < 0.5:
            self._audit(endorse, "some actions delayed")


class CdrPlanner(Planner[Item]):
    """The review of one child's death up to a target stage."""

    make_item = Item

    def plan(self, target: str) -> tuple[list[Item], bool]:
        """The items, and whether the case refers for an SCR (it is then not copied)."""
        rng = self.rng
        unexpected = target in ("rapid_response", "post_mortem", "final_discussion") or (
            target not in ("triage", "transferred") and rng.random() < 0.6)
        self.items = [Item("notify", options={
            "death": "unexpected" if unexpected else "expected",
            "died_gap": rng.choice((0, 0, 0, 1)), "age_band": rng.choice(AGE_BANDS),
            "place": rng.choice(PLACES), "by": rng.choice(("ACUTE", "POLICE", "AMBULANCE",
                                                           "HEALTH"))})]
        if target == "triage":
            return self.items, False
        if target == "transferred":
            self.add(0, 2, "transfer", to_panel=rng.choice(("Medway CDOP", "Surrey CDOP")))
            return self.items, False
        self.add(0, 1, "triage", death="unexpected" if unexpected else "expected")
        agencies = rng.sample(CODES, rng.randint(3, 10))
        if unexpected:
            self.add(0, 0, "convene_team", paediatrician="Designated paediatrician",
                     police="Detective Sergeant, child abuse investigation",
                     social_care="Team manager")
            if target == "rapid_response":
                return self.items, False
            self.add(0, 1, "record_home_visit")
            self.add(0, 2, "record_information_sharing")
            self.add(0, 3, "await_post_mortem")
            self.add(2, 15, "request_reports", agency=agencies)
            early = (agencies[: len(agencies) - rng.choice((0, 0, 1))]
                     if target == "post_mortem" else agencies[: rng.randint(0, len(agencies) - 1)])
            self._receipts(early)
            if target == "post_mortem":
                return self.items, False
            self.add(10 if early else 20, 90, "receive_post_mortem",
                     findings=rng.choice(("natural causes", "injuries consistent with the "
                                                            "account", "not established")))
            if target == "final_discussion":
                return self.items, False
            self.add(5, 40, "hold_final_discussion")
            later = agencies[len(early):]
        else:
            self.add(1, 10, "request_reports", agency=agencies)
            later = agencies
        if target == "agency_reports":  # one or two still awaited
            self._receipts(later[: max(len(later) - rng.choice((1, 1, 2)), 0)])
            return self.items, False
        self._receipts(later)
        self.items.append(Item("advance", "ready_for_panel", gap=rng.randint(1, 10),
                               rule="ready"))
        if rng.random() < 0.1:
            self.items.append(Item("advance", "defer", {"reason": "awaiting a report to the "
                                                        "coroner"}, rule="defer"))
        if target == "awaiting_panel":
            return self.items, False
        category = rng.choice(CATEGORIES)
        review = len(self.items)
        self.items.append(Item("advance", "review", {
            "category": category, "intrinsic": str(rng.randint(0, 3)),
            "parenting": str(rng.randint(0, 3)), "environment": str(rng.randint(0, 3)),
            "services": str(rng.randint(0, 3)), "modifiable": rng.choice(("yes", "no")),
            "recommendation": ["Share the learning with the agencies"]}, rule="review"))
        linked = category == "deliberately_inflicted" and rng.random() < 0.3
        if linked:
            self.add(0, 0, "refer_for_scr", reason="abuse may have caused the death")
            self.items.append(Item("linked", "recommend", {"recommendation": "no_review"},
                                   gap=rng.randint(5, 20)))
            self.items.append(Item("linked", "decide", {
                "outcome": "no_review", "chair": "Board chair",
                "rationale": "the learning is taken forward by the CDOP"},
                gap=rng.randint(3, 20)))
        if target == "reviewed":
            return self.items, linked
        # A review completed from 1 April 2019 owes the NCMD its data before it closes (done
        # only when owed: the items' days are fitted after the plan is written).
        self.items.append(Item("ncmd", "submit_ncmd", gap=rng.randint(0, 20),
                               after=(review, 0)))
        self.add(0, 30, "close")
        return self.items, linked

    def _receipts(self, agencies: Sequence[str]) -> None:
        rng = self.rng
        for number, code in enumerate(agencies):
            lo, hi = (10, 40) if number == 0 else (0, 10)
            if rng.random() < 0.07:
                self.add(lo, hi, "waive_report", agency=code,
                         reason="no contact with the child or family")
            else:
                self.add(lo, hi, "receive_report", agency=code)

