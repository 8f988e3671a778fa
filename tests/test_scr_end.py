"""Serious case reviews end in 2019: safeguarding partners' arrangements had to start by 29
September 2019, and LSCBs and their SCRs ended when they did (REGIMES.md §1). A referral
after the end is refused and pointed to the child safeguarding practice review; an SCR begun
by then runs on to completion under its version."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pendulum
import pytest

from workflows.scr2013 import SCR_2013

ENDED = ("serious case reviews ended (28 Sep 2019, the last day safeguarding partners' "
         "arrangements could start [secondary source])")
INSTEAD = ("open a child safeguarding practice review instead: casework case open cspr "
           "--pseudonym NAME --aware DATE ... (casework workflow show cspr lists its options)")


@pytest.fixture(autouse=True)
def _in_2020(clock) -> None:
    clock.set(pendulum.datetime(2020, 1, 6, 9, tz="Europe/London"))  # Monday 6 January 2020


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "board.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_referral_the_day_after_the_end_is_refused_and_nothing_is_stored(run, agencies):
    for door in (("scr", "refer"), ("case", "open", "scr")):
        result = run(*door, "--pseudonym", "Child A", "--referred-by", "POLICE",
                     "--on", "2019-09-29", expect=2)
        assert result.stderr == (f"Error: a referral on 29 Sep 2019 is after {ENDED}: "
                                 f"{INSTEAD}\n")
        assert result.stdout == ""
    assert json.loads(run("case", "list", "--json").stdout)["cases"] == []


def test_a_referral_today_long_after_the_end_is_refused(run, agencies, clock):
    clock.set(pendulum.datetime(2026, 12, 2, 10, tz="Europe/London"))
    result = run("scr", "refer", "--pseudonym", "Child A", expect=2)
    assert result.stderr == f"Error: a referral on 2 Dec 2026 is after {ENDED}: {INSTEAD}\n"


def test_a_referral_on_the_last_day_opens_an_scr_that_runs_on_after_the_end(run, agencies):
    """Referred Saturday 28 September 2019: the decision is due a month later, Monday 28
    October 2019; the steps after the end are taken under WT2013/15 as before."""
    out = run("scr", "refer", "--pseudonym", "Child A", "--referred-by", "POLICE",
              "--on", "2019-09-28").stdout
    assert out == ("SCR-2019-001\nChild A: referred 28 Sep 2019; the decision whether to hold "
                   "a review is due by 28 Oct 2019 (WT2013/15).\n")
    ref = "SCR-2019-001"
    run("case", "advance", ref, "notify_ofsted", "--on", "2019-10-01")
    run("case", "advance", ref, "recommend", "--recommendation", "scr", "--criteria", "death",
        "--on", "2019-10-14")
    run("case", "advance", ref, "decide", "--outcome", "scr", "--criteria", "death",
        "--chair", "J Smith", "--rationale", "a child died", "--on", "2020-01-03")
    run("case", "advance", ref, "notify_inspectorate", "--on", "2020-01-06")
    shown = json.loads(run("case", "show", ref, "--json").stdout)
    assert (shown["stage"], shown["workflow_version"]) == ("panel_formation", "2013.1")
    deadlines = {d["key"]: (d["status"], d["due_on"], d["closed_late"])
                 for d in shown["deadlines"]}
    assert deadlines["decision"] == ("met", "2019-10-28", True)  # decided 3 Jan 2020: late
    assert deadlines["completion"] == ("open", "2020-07-03", False)  # 6 months on


def test_a_boards_own_last_date_ends_its_referrals_earlier(run, agencies, tmp_path):
    """This board's arrangements started on 1 July 2019: its last SCR referral is 30 June."""
    config = _config(tmp_path, "[regimes.scr]\nlast = 2019-06-30\n")
    refused = run("--config", config, "scr", "refer", "--pseudonym", "Child A", "--on",
                  "2019-07-01", expect=2)
    assert refused.stderr == (
        "Error: a referral on 1 Jul 2019 is after serious case reviews ended (30 Jun 2019, "
        f"this board's own last referral date: config file {config} [regimes.scr] last): "
        f"{INSTEAD}\n")
    assert run("--config", config, "scr", "refer", "--pseudonym", "Child A", "--on",
               "2019-06-30").stdout.startswith("SCR-2019-001\n")
    listed = json.loads(run("--config", config, "workflow", "list", "--json").stdout)
    assert [(v["version"], v["in_force_to"]) for v in listed if v["key"] == "scr"] == [
        ("2006.1", "2009-11-30"), ("2010.1", "2013-02-28"), ("2013.1", "2019-06-30")]
    shown = run("--config", config, "workflow", "show", "scr").stdout
    assert "scr 2013.1: cases whose referral is from 1 Mar 2013 to 30 Jun 2019 (the board's\n" \
           "own date)\n" in shown  # wrapped at a space: 80 columns
    assert ("Ended: no serious case review for a referral after 30 Jun 2019 (the board's own\n"
            "date); from then: casework workflow show cspr\n") in shown


@pytest.mark.parametrize(("table", "said"), [
    ("[regimes.scr]\nlast = 2019-09-29\n",
     "scr last = 2019-09-29 is after scr ended nationally (28 Sep 2019, the last day "
     "safeguarding partners' arrangements could start [secondary source])"),
    ("[regimes.scr]\nlast = 2013-02-28\n",
     "scr last = 2013-02-28 is before its last version (WT2013/15) began (1 Mar 2013)"),
    ('[regimes.scr]\n"2013.1" = 2013-04-01\nlast = 2013-03-31\n',
     "scr last = 2013-03-31 is before its last version (WT2013/15) began (1 Apr 2013)"),
    ("[regimes.cdr]\nlast = 2019-01-01\n",
     'cdr has not ended: "last" is only for a process that was replaced'),
])
def test_a_last_date_that_cannot_be_is_refused(run, tmp_path, table, said):
    config = _config(tmp_path, table)
    result = run("--config", config, "workflow", "list", expect=2)
    assert result.stderr == f"Error: config file {config}: [regimes]: {said}\n"


def test_workflow_show_after_the_end_says_no_version_applies_and_why(run):
    result = run("workflow", "show", "scr", "--on", "2020-01-01", expect=2)
    assert result.stderr == (
        f"Error: a referral on 1 Jan 2020 is after {ENDED}: see the child safeguarding "
        "practice review instead: casework workflow show cspr --on 2020-01-01\n")
    assert run("workflow", "show", "scr", "--on", "2019-09-28").stdout.startswith(
        "Serious case review (Working Together 2013 and 2015)\n")


def test_workflow_show_today_gives_the_last_version_with_its_end(run, clock):
    clock.set(pendulum.datetime(2026, 12, 2, 10, tz="Europe/London"))
    out = run("workflow", "show", "scr").stdout
    assert out.startswith(
        "Serious case review (Working Together 2013 and 2015)\n"
        "scr 2013.1: cases whose referral is from 1 Mar 2013 to 28 Sep 2019\n"
        "Source: WT2013 published March 2013 [P panel first annual report]; the day (1\n"
        "March) is assumed\n"
        "Ended: no serious case review for a referral after 28 Sep 2019 (the last day\n"
        "safeguarding partners' arrangements could start [secondary source]); from then:\n"
        "casework workflow show cspr\n"
        "Source of the end: safeguarding partners' arrangements implemented by\n"
        "29 Sep 2019; LSCBs and SCRs end locally when they start [S] Solihull 8.1;\n")
    ended = json.loads(run("workflow", "show", "scr", "--json").stdout)["ended"]
    assert ended == {"last_key_date": "2019-09-28", "moved_by_board": False,
                     "why": "the last day safeguarding partners' arrangements could start",
                     "strength": "secondary source", "source": SCR_2013.ends.source,
                     "succeeded_by": "cspr"}
    assert run("workflow", "diagram", "scr").stdout.startswith("---\n")
    # WT2006 has no end of its own: the next version's start ends it.
    assert "Ended" not in run("workflow", "show", "scr", "--on", "2008-01-01").stdout


def test_an_end_before_the_version_began_is_a_definition_error():
    ending = dataclasses.replace(SCR_2013.ends, last_key_date=dt.date(2013, 2, 28))
    with pytest.raises(ValueError, match=r"scr 2013\.1: it ends before it starts"):
        dataclasses.replace(SCR_2013, ends=ending).check()


def test_a_child_death_review_cannot_refer_for_an_scr_after_the_end(service, clock):
    """A death in 2008 (WT2006, whose child death review refers for an SCR in a step): a
    referral made in October 2019 is refused, and neither case is changed."""
    from sqlmodel import select

    from casework.deaths import notify_death
    from casework.errors import InvalidInput
    from casework.models import Case

    for code in ("ACUTE", "POLICE"):
        service.add_agency(code, f"{code} name", f"x@{code.lower()}.example.org", None,
                           actor="test")
    ref = notify_death(service, pseudonym="Child B", died="2008-04-05 03:20", age_band="1-4y",
                       place="home", notifier="Dr Jones", notifier_agency="ACUTE",
                       residence="Kent", death="unexpected", actor="coordinator",
                       on="2008-04-06 09:00").reference
    service.commit()
    before = (service.case(ref).state, len(service.history(ref)))
    with pytest.raises(InvalidInput) as refused:
        service.advance(ref, "refer_for_scr", {"reason": "neglect may have contributed"},
                        actor="coordinator", on="2019-10-01")
    assert str(refused.value) == f"a referral on 1 Oct 2019 is after {ENDED}: {INSTEAD}"
    service.rollback()
    assert (service.case(ref).state, len(service.history(ref))) == before
    assert "scr_referral" not in service.case(ref).data
    assert [c.reference for c in service.session.exec(select(Case)).all()] == [ref]
