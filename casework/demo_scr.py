"""The demo's serious case reviews: history, not live work.

SCRs ended when safeguarding partners' arrangements started (by 29 September 2019); a board
refers no more, but those begun by then run to completion under the rules they started
under. So the demo's SCRs are dated from 2018: one closed with no review, one reviewed,
published and closed (its last action finished after the end), and one decided in 2019 that
over-ran, as many did, and was published late in 2020 (its plan closed in 2021). None is open:
an SCR still late years after the last ones finished would look like a broken demo, not like
a board's backlog.
"""

from __future__ import annotations

from casework.service import CaseService


def serious_case_reviews(service: CaseService, actor: str) -> list[str]:
    """Open the three; returns their references, the fullest last."""

    def step(ref: str, name: str, on: str, **options: object) -> None:
        service.advance(ref, name, options, actor=actor, on=on)

    none = service.refer_scr("Child C", actor=actor, on="2019-02-04", referred_by="HEALTH",
                             aware="2019-02-01").reference
    step(none, "notify_ofsted", "2019-02-05")
    step(none, "recommend", "2019-02-18", recommendation="no_review")
    step(none, "decide", "2019-02-25", outcome="no_review", chair="Board chair",
         rationale="single-agency learning; no inter-agency concerns")
    step(none, "inform_panel", "2019-03-04")

    # Decided in July 2019, complete due 15 Jan 2020. The IMRs came in; the overview author
    # was given until 13 Mar 2020 to meet the family, then the police asked the review to
    # wait for the trial (paused 2 Mar to 1 Jun 2020, 91 days: due 12 Jun 2020). The report
    # was endorsed on 19 Oct 2020, 129 days over that, and published on 1 Dec 2020.
    overrun = service.refer_scr("Adam", actor=actor, on="2019-07-01",
                                referred_by="POLICE").reference
    step(overrun, "notify_ofsted", "2019-07-02")
    step(overrun, "recommend", "2019-07-10", recommendation="scr", criteria=["death"])
    step(overrun, "decide", "2019-07-15", outcome="scr", criteria=["death"],
         chair="Board chair", rationale="a child died; neglect is suspected")
    step(overrun, "notify_inspectorate", "2019-07-17")
    step(overrun, "form_panel", "2019-08-05", chair="Independent chair",
         conflicts="none declared", member=["Detective Inspector, POLICE",
                                            "Head of Safeguarding, CSC",
                                            "Designated Nurse, HEALTH"])
    step(overrun, "commission_imrs", "2019-08-19", terms="ToR v1 agreed by the panel",
         agency=["POLICE", "CSC", "HEALTH"], records_secured=True)
    for agency in ("POLICE", "CSC", "HEALTH"):
        step(overrun, "receive_imr", "2019-09-27", agency=agency)
    step(overrun, "commission_overview", "2019-10-14", author="Independent overview author")
    service.extend(overrun, "completion", to="2020-03-13", actor=actor, on="2019-12-09",
                   reason="the overview author needs time to meet the family")
    service.pause(overrun, "criminal proceedings: the police asked the review to wait for "
                  "the trial", actor=actor, on="2020-03-02")
    service.resume(overrun, actor=actor, on="2020-06-01", note="the trial has ended")
    step(overrun, "add_action", "2020-09-07", recommendation="R1 Strategy discussions",
         agency="POLICE", action="Police attend every strategy discussion on neglect",
         due="2021-01-29")
    step(overrun, "add_action", "2020-09-07", recommendation="R2 Neglect assessment",
         agency="CSC", action="Use the graded care profile in every neglect assessment",
         due="2021-03-31")
    step(overrun, "add_action", "2020-09-07", recommendation="R3 Missed appointments",
         agency="HEALTH", action="Follow up every missed health appointment of a child "
                                 "on a plan", due="2021-06-30")
    step(overrun, "submit_overview", "2020-09-07")
    step(overrun, "endorse", "2020-10-19")
    step(overrun, "publish", "2020-12-01")
    step(overrun, "complete_action", "2021-01-22", action=1)
    step(overrun, "complete_action", "2021-03-26", action=2)
    step(overrun, "record_audit", "2021-04-12", outcome="two actions done, one on track")
    step(overrun, "complete_action", "2021-06-25", action=3)
    step(overrun, "close", "2021-07-05")

    full = service.refer_scr("Child E", actor=actor, on="2018-03-05", referred_by="ACUTE",
                             aware="2018-03-02").reference
    step(full, "notify_ofsted", "2018-03-07")
    step(full, "recommend", "2018-03-19", recommendation="scr",
         criteria=["permanent_impairment"])
    step(full, "decide", "2018-03-26", outcome="scr", criteria=["permanent_impairment"],
         chair="Board chair", rationale="serious and permanent impairment through neglect")
    step(full, "notify_inspectorate", "2018-03-28")
    step(full, "form_panel", "2018-04-16", chair="Independent chair",
         conflicts="none declared", member=["Detective Inspector, POLICE",
                                            "Service Manager, CSC"])
    step(full, "commission_imrs", "2018-04-30", terms="ToR agreed",
         agency=["POLICE", "CSC", "ACUTE"])
    for agency in ("POLICE", "CSC"):
        step(full, "receive_imr", "2018-06-08", agency=agency)
    step(full, "waive_imr", "2018-06-11", agency="ACUTE",
         reason="no contact with the family in the period under review")
    step(full, "commission_overview", "2018-06-18", author="Independent overview author")
    step(full, "add_action", "2018-08-20", recommendation="R1 Health visiting",
         agency="HEALTH", action="Audit health visitor caseloads for missed contacts",
         due="2019-01-31")
    step(full, "add_action", "2018-08-20", recommendation="R2 Information sharing",
         agency="CSC", action="Joint protocol with police on referrals", due="2019-03-29")
    step(full, "add_action", "2018-08-20", recommendation="R3 Training", agency="EDU",
         action="Neglect training for designated teachers", due="2019-12-20")
    step(full, "submit_overview", "2018-09-03")
    step(full, "endorse", "2018-09-17")
    step(full, "publish", "2018-10-01")
    step(full, "complete_action", "2019-01-25", action=1)
    step(full, "record_audit", "2019-03-18", outcome="one action done, two on track")
    step(full, "complete_action", "2019-03-22", action=2)
    step(full, "complete_action", "2019-11-29", action=3)
    step(full, "close", "2019-12-06")
    return [none, overrun, full]
