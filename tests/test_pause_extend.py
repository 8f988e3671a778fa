"""Pausing stops a case's clock; extending moves one deadline and keeps the original."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from casework.errors import InvalidInput, StepRefused, UnknownDeadline
from casework.queries import caseload, deadlines_due

D = dt.date


@pytest.fixture
def clock(clock):
    clock.set(pendulum.datetime(2009, 1, 5, 9, tz="Europe/London"))
    return clock


def _decided(service, referred: str = "2008-03-20", decided: str = "2008-04-10") -> str:
    ref = service.refer_scr("Child A", actor="c", on=referred).reference
    service.advance(ref, "recommend", {"recommendation": "scr", "criteria": "death"},
                    actor="c", on=decided)
    service.advance(ref, "decide", {"outcome": "scr", "criteria": "death", "rationale": "r",
                                    "chair": "c"}, actor="c", on=decided)
    return ref


def _due(service, ref: str) -> dict[str, dt.date]:
    return {d.key: d.due_on for d in service.deadlines_of(service.case(ref))
            if d.status == "open"}


def test_resuming_moves_deadlines_on_by_the_paused_time(service):
    ref = _decided(service)
    # Decided Thu 10 Apr 2008: notification Thu 17 Apr, panel Fri 9 May, completion Sun 10 Aug.
    assert _due(service, ref) == {"notification": D(2008, 4, 17), "panel": D(2008, 5, 9),
                                  "completion": D(2008, 8, 10)}
    service.pause(ref, "awaiting police advice", actor="c", on="2008-04-15")
    with pytest.raises(StepRefused, match=r"paused since 15 Apr 2008 \(awaiting police "
                                          r"advice\): resume it first"):
        service.advance(ref, "notify_inspectorate", {}, actor="c", on="2008-04-16")
    with pytest.raises(StepRefused, match="resume it first"):
        service.advance(ref, "", {}, actor="c")
    service.resume(ref, actor="c", on="2008-04-30")
    # Paused 15 days. notification 17 Apr + 15 = Fri 2 May (a working day).
    # panel 9 May + 15 = Sat 24 May; a working-day deadline rolls on past the weekend and
    # Spring Bank Holiday (Mon 26 May 2008) to Tue 27 May.
    # completion is in calendar months: 10 Aug + 15 = Mon 25 Aug, kept as it is.
    assert _due(service, ref) == {"notification": D(2008, 5, 2), "panel": D(2008, 5, 27),
                                  "completion": D(2008, 8, 25)}
    deadlines = {d.key: d for d in service.deadlines_of(service.case(ref))}
    assert deadlines["panel"].original_due_on == D(2008, 5, 9)
    assert deadlines["panel"].paused_days == 18
    assert deadlines["panel"].extensions == 0
    resume = service.history(ref)[-1]
    assert resume.step == "resume"
    assert resume.data["days"] == 15
    assert {m["deadline"]: (m["from"], m["to"]) for m in resume.data["moved"]}["panel"] == (
        "2008-05-09", "2008-05-27")
    case = service.case(ref)
    assert case.paused_on is None and case.pause_reason is None


def test_a_deadline_already_late_when_the_pause_began_does_not_move(service):
    ref = service.refer_scr("Child B", actor="c", on="2008-03-01").reference
    # Decision due 1 April; paused on 10 April, already 9 days late.
    service.pause(ref, "criminal proceedings", actor="c", on="2008-04-10")
    service.resume(ref, actor="c", on="2008-04-20")
    assert _due(service, ref) == {"decision": D(2008, 4, 1)}
    assert service.history(ref)[-1].data["moved"] == []


def test_while_paused_only_what_was_already_late_counts_as_late(service):
    late_ref = service.refer_scr("Child B", actor="c", on="2008-03-01").reference
    service.pause(late_ref, "criminal proceedings", actor="c", on="2008-04-10")
    ref = _decided(service)
    service.pause(ref, "awaiting police advice", actor="c", on="2008-04-15")
    as_of = D(2008, 6, 1)  # everything of `ref` would be late by now were it running
    rows = {r.reference: r for r in caseload(service, as_of)}
    assert rows[late_ref].overdue == 1
    assert rows[ref].overdue == 0
    listed = deadlines_due(service, as_of, overdue_only=True)
    assert [(v.case, v.key, v.days_late) for v in listed] == [(late_ref, "decision", 61)]
    paused = [v for v in deadlines_due(service, as_of) if v.case == ref]
    assert paused and all(v.case_paused and v.days_late == 0 for v in paused)


def test_pause_and_resume_refuse_what_makes_no_sense(service):
    ref = _decided(service)
    with pytest.raises(StepRefused, match="is not paused"):
        service.resume(ref, actor="c")
    with pytest.raises(InvalidInput, match="--reason must not be empty"):
        service.pause(ref, "  ", actor="c")
    service.pause(ref, "reason", actor="c", on="2008-04-15")
    with pytest.raises(StepRefused, match="is paused since"):
        service.pause(ref, "again", actor="c")
    with pytest.raises(InvalidInput, match="before the case's last recorded step"):
        service.resume(ref, actor="c", on="2008-04-14")


def test_an_extension_moves_one_deadline_and_keeps_the_original(service, clock):
    ref = _decided(service)
    extended = service.extend(ref, "panel", to="2008-05-30", reason="chair unavailable",
                              actor="c")
    assert (extended.due_on, extended.original_due_on, extended.extensions) == (
        D(2008, 5, 30), D(2008, 5, 9), 1)
    # By 10 working days from Fri 30 May 2008: 2-6 June (5), 9-13 June (10) -> Fri 13 June.
    again = service.extend(ref, "PANEL", by="10 working days", reason="more members",
                           actor="c")
    assert (again.due_on, again.original_due_on, again.extensions) == (
        D(2008, 6, 13), D(2008, 5, 9), 2)
    assert again.due_at == dt.datetime(2008, 6, 13, 22, 59, 59, tzinfo=dt.UTC)
    rows = [r for r in service.history(ref) if r.step == "extend"]
    assert [(r.note, r.data["from"], r.data["to"], r.data["original"]) for r in rows] == [
        ("chair unavailable", "2008-05-09", "2008-05-30", "2008-05-09"),
        ("more members", "2008-05-30", "2008-06-13", "2008-05-09"),
    ]
    assert _due(service, ref)["notification"] == D(2008, 4, 17)  # the others stay


def test_extensions_must_move_an_open_deadline_later(service):
    ref = _decided(service)
    with pytest.raises(InvalidInput, match="later than 9 May 2008"):
        service.extend(ref, "panel", to="2008-05-09", reason="r", actor="c")
    with pytest.raises(InvalidInput, match="either --to DATE or --by DURATION"):
        service.extend(ref, "panel", reason="r", actor="c")
    with pytest.raises(InvalidInput, match="malformed duration 'a while'"):
        service.extend(ref, "panel", by="a while", reason="r", actor="c")
    with pytest.raises(InvalidInput, match="decision is already met"):
        service.extend(ref, "decision", to="2008-06-01", reason="r", actor="c")
    with pytest.raises(UnknownDeadline, match=r"no deadline 'imr:POLICE' \(open: "
                                              r"notification, panel, completion\)"):
        service.extend(ref, "imr:POLICE", to="2008-06-01", reason="r", actor="c")


def test_a_runaway_extension_is_refused_and_the_case_can_still_resume(service):
    ref = _decided(service)
    with pytest.raises(InvalidInput, match="out of range: casework takes dates from 1950"):
        service.extend(ref, "completion", to="9999-12-31", reason="r", actor="c")
    service.extend(ref, "completion", to="2150-12-01", reason="r", actor="c")
    with pytest.raises(InvalidInput, match=r"completion extended by 999 months would fall on "
                                           r"1 Mar 2234"):
        service.extend(ref, "completion", by="999 months", reason="r", actor="c")
    service.pause(ref, "r", actor="c", on="2008-04-15")
    service.resume(ref, actor="c", on="2008-04-30")
    assert _due(service, ref)["completion"] == D(2150, 12, 16)


def test_a_date_agreed_during_a_pause_is_not_moved_again_on_resume(service):
    ref = _decided(service)  # panel due Fri 9 May, completion Sun 10 Aug 2008
    service.extend(ref, "completion", to="2008-09-30", reason="before the pause", actor="c")
    service.pause(ref, "criminal proceedings", actor="c", on="2008-04-15")
    service.extend(ref, "panel", to="2008-07-31", reason="agreed with the police", actor="c")
    service.resume(ref, actor="c", on="2008-06-14")
    due = _due(service, ref)
    assert due["panel"] == D(2008, 7, 31)  # set while paused: already allows for it
    # Extended before the pause: moved on by the 60 days paused, 30 Sep -> 29 Nov 2008.
    assert due["completion"] == D(2008, 11, 29)


def test_the_caseload_on_a_past_day_shows_the_pause_it_was_in_then(service):
    ref = _decided(service)  # notification due Thu 17 Apr 2008
    service.pause(ref, "criminal proceedings", actor="c", on="2008-05-03")
    service.resume(ref, actor="c", on="2008-06-02")
    # On 1 May the notification (due 17 April) was late; nothing else was due yet.
    before = {r.reference: r for r in caseload(service, D(2008, 5, 1))}[ref]
    assert (before.paused_on, before.stage, before.overdue) == (None, "notification", 1)
    # On 20 May the case was paused; the notification, late before the pause, still counts.
    during = {r.reference: r for r in caseload(service, D(2008, 5, 20))}[ref]
    assert (during.paused_on, during.overdue) == (D(2008, 5, 3), 1)
    now = {r.reference: r for r in caseload(service, D(2009, 1, 5))}[ref]
    assert now.paused_on is None
