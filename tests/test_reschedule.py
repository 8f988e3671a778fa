"""`scheduler reschedule` in bulk: every open deadline pointed where the service's own
reckoning (`CaseService.schedule_levels`) points it, with a progress line on stderr."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import select

from casework.models import Case, Deadline
from tests.test_emails import to_terms_of_reference
from tests.test_scr_workflow import step


def reckoned_one_by_one(service) -> dict[int, object]:
    """What the per-object reckoning says, without writing it."""
    service.session.expire_all()
    found = {}
    for deadline, case in service.session.exec(
            select(Deadline, Case).join(Case).where(Deadline.status == "open")):
        service.schedule_levels(case, deadline)
        found[deadline.id] = deadline.next_level_at
    service.session.rollback()
    return found


def test_reschedule_points_every_open_deadline_as_the_service_would(service, agencies, run,
                                                                     engine):
    ref = to_terms_of_reference(service)
    step(service, ref, "commission_imrs", "2008-03-14", terms="ToR",
         agency=["POLICE", "HEALTH=2008-05-23"])
    paused = service.refer_scr("Child P", actor="c", on="2008-03-20").reference
    service.pause(paused, reason="criminal proceedings", actor="c")
    service.session.commit()
    wanted = reckoned_one_by_one(service)
    assert len(wanted) >= 4 and None in wanted.values()  # the paused case's: none
    with engine.begin() as connection:  # pointers lost, as after a change of policy
        connection.execute(text("UPDATE deadline SET next_level_at = '2001-01-01 00:00:00'"))
    result = run("scheduler", "reschedule")
    assert result.stdout == f"Rescheduled the reminders of {len(wanted)} open deadlines.\n"
    assert result.stderr == (f"Rescheduling reminders: {len(wanted)} of {len(wanted)} open "
                             "deadlines\n")
    service.session.expire_all()
    got = {d.id: d.next_level_at for d in service.session.exec(
        select(Deadline).where(Deadline.status == "open"))}
    assert got == wanted
    assert run("scheduler", "reschedule").stdout.startswith(
        f"Rescheduled the reminders of {len(wanted)}")  # again: nothing changes


def test_reschedule_never_points_back_at_a_level_skipped_when_the_deadline_opened(
        service, agencies, run):
    """Asked on Fri 14 Mar 2008 for Tue 18 Mar: the owner's reminder 5 working days before
    (Tue 11 Mar) had already fallen when the request was made, so the service skipped it and
    pointed at the next level, the due day itself. A reschedule with the same policy keeps
    that pointer; pointing back at 11 Mar would have the next sweep send a stale reminder."""
    ref = to_terms_of_reference(service)
    step(service, ref, "commission_imrs", "2008-03-14", terms="ToR",
         agency=["POLICE", "HEALTH=2008-03-18"])
    service.session.commit()
    health = service.session.exec(select(Deadline).where(Deadline.key == "imr:HEALTH")).one()
    before = health.next_level_at
    assert (before.year, before.month, before.day) == (2008, 3, 18)  # not 11 Mar
    everything = reckoned_one_by_one(service)
    run("scheduler", "reschedule")
    service.session.expire_all()
    after = {d.id: d.next_level_at for d in service.session.exec(
        select(Deadline).where(Deadline.status == "open"))}
    assert after[health.id] == before
    assert {k: v for k, v in after.items() if k != health.id} == {
        k: v for k, v in everything.items() if k != health.id}
