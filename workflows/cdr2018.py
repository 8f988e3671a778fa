"""Child death review under the 2018 Statutory and Operational Guidance (REGIMES.md §5).

    notification opens the case at triage (or transfer_pending: the child lived elsewhere)
    triage ─triage --jar yes→ jar | --jar no→ information ; ─transfer→ transferred
    jar: record_jar_planning, record_jar_visit, receive_initial_post_mortem ; ─hold_jar_meeting→
    information: reporting forms and supplementary forms per agency, receive_post_mortem,
        plan_cdrm (not before the post-mortem report), replan_cdrm, give_cdrm_notice ;
        ─hold_cdrm→ cdrm_held
    cdrm_held ─ready_for_panel→ awaiting_panel ─review (analysis form)→ reviewed
    reviewed ─submit_ncmd→ (still reviewed) ─close→ closed
    refer_for_cspr (triage to reviewed): opens the linked serious incident notification
    The notification's --nhs-number is kept only as a keyed hash, to find a death notified
    twice; the export of what the NCMD collects is `cdr_export`.

Deadlines (day 0 = the anchor's own day; a board changes them in [timescales.cdr]):
    notification     24 hours after the death              local [L]; national figure NOT FOUND
    triage           1 working day after notification      default
    jar_planning     48 hours after the death              local [L]
    jar_visit        1 working day after the death         local [L]/[S]
    reporting_form   15 working days after each request    default (Form B's)
    supplementary_form  as the reporting form              default
    cdrm_notice      1 month before the planned CDRM       expectation [P] NCMD
    cdrm             the date the CDRM is planned for
    panel_review     the date of the CDOP meeting it is listed for
    ncmd             the 31 March after the review         expectation [P] NCMD

In force for deaths from October 2018 [S]; the day (1 October) is assumed, and a board whose
arrangements began later (many by 29 September 2019) moves it: [regimes.cdr] "2018.1".

The NCMD's start on 1 April 2019 is a dated rule (in `cdr_kit`, for both versions), not a third
version: the NCMD takes every death still open on that day, whenever the child died, and a
version is chosen once, by the date of death. So a review completed on or after 1 April 2019
owes the NCMD its forms; one completed before does not. The date is national, so no board
moves it.
"""

from __future__ import annotations

import datetime as dt

from workflows import cdr_figures
from workflows.cdr_kit import (
    CATEGORIES,
    INTAKE_OPTIONS,
    NCMD,
    NCMD_EXPORT,
    NOTE,
    PANEL_REVIEW,
    SUBMIT_NCMD,
    YES_NO,
    agency_steps,
    all_reports_in,
    at_the_meeting,
    died_before_notification,
    findings_or_none,
    ncmd_submitted,
    notification,
    notified_twice,
    owe_ncmd,
    panel_steps,
    post_mortem,
    same_nhs_number,
    transfer,
)
from workflows.children import nhs_number_problem
from workflows.definition import (
    Branch,
    CaseLike,
    Deadline,
    Intake,
    Option,
    Options,
    Stage,
    Step,
    Workflow,
    open_deadlines,
)
from workflows.formats import short

NHS_NUMBER = Option("nhs_number", "the child's NHS number, to find a death notified twice (kept "
                    "only as a keyed hash)", kind="identity", check=nhs_number_problem)
JAR_CRITERIA = {  # [S] Nottinghamshire CDR procedures
    "external_causes": "the death is or could be due to external causes",
    "sudden_unexplained": "sudden, with no immediately apparent cause (incl. SUDI/SUDC)",
    "custody": "in custody, or detained under the Mental Health Act",
    "suspicious": "the circumstances raise suspicion",
    "unattended_stillbirth": "a stillbirth with no healthcare professional present",
}
DOMAINS = {  # the analysis form's domains [S]; the fourth's name is [M]
    "intrinsic": "factors intrinsic to the child",
    "social": "family and social environment",
    "physical": "wider and physical environment",
    "services": "service provision",
}
GRADES = (0, 1, 2)  # each contributory factor graded 0-2 [P] NCMD
JAR = ("jar_planning", "jar_visit")
GATHERING = ("jar", "information", "cdrm_held")
REPORTS = ("reporting_form", "supplementary_form")


# Guards: each returns the board's reason for refusing, or None.

def jar_criteria_given(case: CaseLike, opts: Options) -> str | None:
    if opts["jar"] == "yes" and not opts["criterion"]:
        return "a JAR needs the criteria it meets (--criterion, repeatable)"
    if opts["jar"] == "no" and opts["criterion"]:
        return "--criterion is for a death that gets a JAR (--jar yes)"
    return None


def jar_recorded(case: CaseLike, opts: Options) -> str | None:
    missing = [text for done, text in (
        (not open_deadlines(case, "jar_planning"),
         "the information sharing and planning (record_jar_planning)"),
        (not open_deadlines(case, "jar_visit"), "the home or scene visit (record_jar_visit)"),
        ("initial_post_mortem" in case.data,
         "the initial post-mortem results (receive_initial_post_mortem)"),
    ) if not done]
    return "the JAR has not recorded " + "; ".join(missing) if missing else None


def post_mortem_received(case: CaseLike, opts: Options) -> str | None:
    if "post_mortem" not in case.data:
        return ("the post-mortem report has not been received (receive_post_mortem): "
                "a CDRM is not held before it")
    return None


def cdrm_planned(case: CaseLike, opts: Options) -> str | None:
    return None if "cdrm_on" in case.data else "no CDRM is planned (plan_cdrm --date)"


def cdrm_not_yet_planned(case: CaseLike, opts: Options) -> str | None:
    planned = case.data.get("cdrm_on")
    return f"the CDRM is already planned for {planned}" if planned else None


def not_in_the_past(case: CaseLike, opts: Options) -> str | None:
    if opts["date"] < case.effective_on:
        return f"--date {short(opts['date'])} is in the past"
    return None


def factors_well_formed(case: CaseLike, opts: Options) -> str | None:
    for line in opts["factor"]:
        try:
            _factor(line)
        except ValueError as problem:
            return str(problem)
    return None


def not_yet_notified_as_cspr(case: CaseLike, opts: Options) -> str | None:
    if case.data.get("cspr_referral"):
        return f"already notified as a serious incident: {case.data['cspr_referral']}"
    return None


def _factor(line: str) -> dict[str, object]:
    """`DOMAIN:GRADE:what` -> one contributory factor, or ValueError saying why not."""
    domain, _, rest = line.partition(":")
    grade, _, text = rest.partition(":")
    domain = domain.strip().lower()
    if domain not in DOMAINS:
        raise ValueError(f"--factor {line!r}: the domain must be one of "
                         f"{', '.join(DOMAINS)} (written DOMAIN:GRADE:factor)")
    if grade.strip() not in {str(g) for g in GRADES}:
        raise ValueError(f"--factor {line!r}: the grade must be 0, 1 or 2")
    if not text.strip():
        raise ValueError(f"--factor {line!r}: say what the factor was (DOMAIN:GRADE:factor)")
    return {"domain": domain, "grade": int(grade), "factor": text.strip()}


# Effects.

def triage(case: CaseLike, opts: Options) -> None:
    case.record(classified=opts["death"], transfer_to_area=None, jar=opts["jar"] == "yes",
                **({"jar_criteria": opts["criterion"]} if opts["criterion"] else {}))


def initial_post_mortem(case: CaseLike, opts: Options) -> None:
    case.record(initial_post_mortem=opts.get("findings") or "none held")


def request_supplementary(case: CaseLike, opts: Options) -> None:
    for code, due in opts["agency"]:
        case.open_deadline("supplementary_form", agency=code, due=due,
                           title=f"Supplementary reporting form ({opts['form']})")
    forms = dict(case.data.get("supplementary_forms", {}))
    forms.update({code: opts["form"] for code, _ in opts["agency"]})
    case.record(supplementary_forms=forms)


def plan_cdrm(case: CaseLike, opts: Options) -> None:
    case.record(cdrm_on=opts["date"].isoformat())
    case.open_deadline("cdrm", due=opts["date"])


def replan_cdrm(case: CaseLike, opts: Options) -> None:
    """The CDRM moved: its date, and (by the engine, the option being the cdrm event's) the
    notice counted back from it if not yet given."""
    case.record(cdrm_on=opts["date"].isoformat())
    case.move_deadline("cdrm", opts["date"], opts["reason"])


def a_new_date(case: CaseLike, opts: Options) -> str | None:
    if opts["date"].isoformat() == case.data.get("cdrm_on"):
        return f"the CDRM is already planned for {short(opts['date'])}"
    return None


def review(case: CaseLike, opts: Options) -> None:
    case.record(category=opts["category"], factors=[_factor(f) for f in opts["factor"]],
                modifiable=opts["modifiable"], learning=opts["learning"],
                recommendations=opts["recommendation"])
    owe_ncmd(case)


def refer_for_cspr(case: CaseLike, opts: Options) -> None:
    """A serious incident notification opened from this death (abuse or neglect found or
    suspected): the step's options named as the CSPR's intake names them."""
    intake = {name: opts.get(name) for name in CSPR_INTAKE}
    intake.update(aware=opts.get("aware") or case.effective_on, nature="death",
                  age_band=case.data["age_band"])
    reference = case.open_linked("cspr", note=opts["reason"], options=intake,
                                 referral_reason=opts["reason"])
    case.record(cspr_referral=reference)


CSPR_INTAKE = ("incident_area", "home_area", "looked_after", "known_to_agency")
CSPR_REFERRAL = Step(
    "refer_for_cspr", "Notified as a serious incident (for a child safeguarding practice "
    "review)", ("triage", "jar", "information", "cdrm_held", "awaiting_panel", "reviewed"),
    options=(Option("reason", "the abuse or neglect known or suspected", required=True),
             Option("aware", "when the local authority became aware (default: this day)",
                    kind="date"),
             Option("incident_area", "the area where the incident happened", required=True),
             Option("home_area", "the area the child lived in (default: the incident's)"),
             Option("looked_after", "the child was looked after", kind="flag"),
             Option("known_to_agency", "the child was known to any agency", kind="flag")),
    guards=(not_yet_notified_as_cspr,), records="cspr_referral", effect=refer_for_cspr,
    needs="--reason, --incident-area")
FINDINGS = (Option("findings", "what the post-mortem found"),
            Option("none_held", "the coroner held no post-mortem", kind="flag"))
SUPPLEMENTARY = agency_steps("supplementary_form", "supplementary form", GATHERING,
                             suffix="supplementary", single="supplementary")

CDR_2018 = Workflow(
    key="cdr", version="2018.1", kind="cdr", kind_name="child death review",
    title="Child death review (Statutory and Operational Guidance 2018)", short_title="CDR2018",
    key_date="death", in_force_from=dt.date(2018, 10, 1),
    in_force_source="CDR Statutory and Operational Guidance, October 2018 [S] Sussex, "
                    "Shropshire; the day (1 October) is assumed",
    escalation_role="cdop_chair", roles={"cdop_chair": "CDOP chair"},
    intake=Intake(options=(*INTAKE_OPTIONS, NHS_NUMBER), prepare=notification(()),
                  guards=(died_before_notification,), duplicate_on=("died_on", "age_band"),
                  duplicate_message=notified_twice, identity_message=same_nhs_number),
    figures=cdr_figures.figures_2018(tuple(CATEGORIES)), export=NCMD_EXPORT,
    labels={"hours_to_notify": "Hours to notify", "died_on": "Died on",
            "jar": "Joint Agency Response", "jar_criteria": "JAR criteria",
            "cdrm_on": "CDRM on", "nhs_number_hash": "NHS number (keyed hash)",
            "cspr_referral": "Notified as a serious incident as"},
    stages=(
        Stage("triage", "Triage: expected or unexpected; a JAR or not"),
        Stage("transfer_pending", "Resident elsewhere: to transfer to that area's panel"),
        Stage("jar", "Joint Agency Response"),
        Stage("information", "Information gathering (reporting forms); the CDRM planned"),
        Stage("cdrm_held", "Child Death Review Meeting held"),
        Stage("awaiting_panel", "Listed for the CDOP meeting"),
        Stage("reviewed", "Reviewed by the CDOP (analysis form)"),
        Stage("closed", "Closed", final=True),
        Stage("transferred", "Transferred to another panel", final=True),
    ),
    deadlines=(
        Deadline("notification", "Death notified (notification form)", "24 hours", "death",
                 strength="local", source="local forms: 'within 24 hours' [L]; national "
                                          "figure NOT FOUND"),
        Deadline("triage", "Triage: expected or unexpected; a JAR or not", "1 working day",
                 "notification"),
        Deadline("jar_planning", "JAR: initial information sharing and planning", "48 hours",
                 "death", strength="local",
                 source="Bracknell Forest [L]; RCEM [S]: 'within the first 48 hours'"),
        Deadline("jar_visit", "JAR: joint home or scene visit", "1 working day", "death",
                 strength="local", source="RCEM [S], Bracknell Forest [L]: within 24 hours "
                                          "Mon-Fri, or the next working day"),
        Deadline("reporting_form", "Reporting form", "15 working days", "request",
                 per_agency=True, source="NOT FOUND nationally; Form B's 15 working days"),
        Deadline("supplementary_form", "Supplementary reporting form", "15 working days",
                 "request", per_agency=True,
                 source="NOT FOUND nationally; Form B's 15 working days"),
        Deadline("cdrm_notice", "CDRM: notice to attendees", "1 month", "cdrm", before=True,
                 strength="expected", source="NCMD CDRM guidance [P]: at least a month's "
                                             "notice"),
        Deadline("cdrm", "Child Death Review Meeting", "", "",
                 set_by="the date the CDRM is planned for",
                 fixed="it is the date planned for the meeting"),
        PANEL_REVIEW,
        NCMD,
    ),
    initial_records="notification",
    initial_opens=("notification", "triage"),
    events=("death", "notification", "triage", "initial_post_mortem", "jar_meeting",
            "request", "post_mortem", "cdrm", "cdrm_held", "listed", "review", "ncmd",
            "cspr_referral", "closure"),
    steps=(
        Step("triage", "Triaged", ("triage", "transfer_pending"), branch_on="jar",
             branches=(Branch("yes", "jar", opens=JAR), Branch("no", "information")),
             options=(Option("death", "how the death is classified", kind="choice",
                             choices=("expected", "unexpected"), required=True),
                      Option("jar", "whether the death meets the JAR criteria",
                             kind="choice", choices=YES_NO, required=True),
                      Option("criterion", "a JAR criterion it meets (repeatable)",
                             kind="choice", choices=tuple(JAR_CRITERIA), multiple=True),
                      NOTE),
             guards=(jar_criteria_given,), records="triage", meets=("triage",),
             effect=triage, needs="--death expected|unexpected, --jar yes|no [--criterion]"),
        Step("transfer", "Transferred to the panel of the child's home area",
             ("triage", "transfer_pending"), "transferred",
             options=(Option("to_panel", "the panel it went to", required=True), NOTE),
             effect=transfer(JAR), needs="--to-panel"),
        Step("record_jar_planning", "JAR: initial information sharing and planning held",
             ("jar",), options=(NOTE,), meets=("jar_planning",)),
        Step("record_jar_visit", "JAR: joint home or scene visit made", ("jar",),
             options=(NOTE,), meets=("jar_visit",)),
        Step("receive_initial_post_mortem", "Initial post-mortem results received", ("jar",),
             options=FINDINGS, guards=(findings_or_none,), records="initial_post_mortem",
             effect=initial_post_mortem, needs="--findings, or --none-held"),
        Step("hold_jar_meeting", "JAR meeting held", ("jar",), "information",
             options=(NOTE,), preconditions=(jar_recorded,), records="jar_meeting",
             needs="planning, visit and initial post-mortem results recorded"),
        *agency_steps("reporting_form", "reporting form", GATHERING),
        Step(SUPPLEMENTARY[0].name, SUPPLEMENTARY[0].title, GATHERING,
             options=(*SUPPLEMENTARY[0].options,
                      Option("form", "which supplementary form, by cause (e.g. cardiac)",
                             required=True)),
             guards=SUPPLEMENTARY[0].guards, effect=request_supplementary,
             needs="--agency CODE[=DATE] (repeat), --form"),
        *SUPPLEMENTARY[1:],
        Step("receive_post_mortem", "Post-mortem report received", ("jar", "information"),
             options=FINDINGS, guards=(findings_or_none,), records="post_mortem",
             effect=post_mortem, needs="--findings, or --none-held"),
        Step("plan_cdrm", "CDRM planned", ("information",),
             options=(Option("date", "the day of the CDRM", kind="date", required=True,
                             event="cdrm"), NOTE),
             preconditions=(post_mortem_received, cdrm_not_yet_planned),
             guards=(not_in_the_past,), opens=("cdrm_notice",), effect=plan_cdrm,
             needs="the post-mortem report; --date"),
        Step("replan_cdrm", "CDRM moved to another date", ("information",),
             options=(Option("date", "the CDRM's new day", kind="date", required=True,
                             event="cdrm"),
                      Option("reason", "why it moved", required=True)),
             preconditions=(cdrm_planned,), guards=(not_in_the_past, a_new_date),
             moves=("cdrm",), effect=replan_cdrm, needs="a CDRM planned; --date, --reason"),
        Step("give_cdrm_notice", "CDRM: notice sent to attendees", ("information",),
             options=(NOTE,), preconditions=(cdrm_planned,), meets=("cdrm_notice",)),
        Step("hold_cdrm", "Child Death Review Meeting held", ("information",), "cdrm_held",
             options=(NOTE,), preconditions=(post_mortem_received, cdrm_planned),
             records="cdrm_held", meets=("cdrm",), needs="the post-mortem report; a CDRM "
                                                          "planned"),
        *panel_steps("cdrm_held", "reporting_form", "reporting form", "request_reports",
                     also=(all_reports_in("supplementary_form", "supplementary form"),)),
        Step("review", "Reviewed by the CDOP (analysis form)", ("awaiting_panel",), "reviewed",
             options=(
                 Option("category", "category of death (the highest that applies)",
                        kind="choice", choices=tuple(CATEGORIES), required=True),
                 Option("factor", "a contributory factor, DOMAIN:GRADE:factor, graded 0-2 "
                                  f"(domains: {', '.join(DOMAINS)}; repeatable)",
                        multiple=True),
                 Option("modifiable", "modifiable factors found", kind="choice",
                        choices=YES_NO, required=True),
                 Option("learning", "a learning point (repeatable)", multiple=True),
                 Option("recommendation", "a recommendation (repeatable)", multiple=True)),
             guards=(at_the_meeting, factors_well_formed), records="review",
             meets=("panel_review",), effect=review,
             needs="--category, --factor DOMAIN:GRADE:factor (repeat), --modifiable"),
        SUBMIT_NCMD,
        CSPR_REFERRAL,
        Step("close", "Review closed", ("reviewed",), "closed", options=(NOTE,),
             preconditions=(ncmd_submitted,), records="closure"),
    ),
)
CDR_2018.check()
