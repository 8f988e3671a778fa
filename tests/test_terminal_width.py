"""Tables drawn to the terminal's width (80 columns when not a terminal, $COLUMNS when set,
`--wide` for no limit), giving up the least useful column first; and `workflow show`
wrapped at spaces only. Exact output at 60, 80 and 160 columns, through the real CLI."""

from __future__ import annotations

import datetime as dt

import pytest

# The shared story's fixtures (clock, scr) are imported, so the tests' arguments shadow them.
# ruff: noqa: F401, F811
from correction_story import clock, scr, to_plan


def at(run, monkeypatch, columns: int | None, *args: str) -> str:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", str(columns))
    return run(*args).stdout


AGENCIES_160 = """\
Code    Name                    Contact                Escalation
------  ----------------------  ---------------------  ------------------------
CSC     Children's Social Care  duty@csc.example.org   director@csc.example.org
EDU     Education               cp@edu.example.org     -
HEALTH  Primary Care Trust      nurse@pct.example.org  -
POLICE  Kent Police             pp@police.example.org  chief@police.example.org
"""


def test_agency_list_leaves_out_the_escalation_address_before_the_contact(run, agencies,
                                                                        monkeypatch):
    assert at(run, monkeypatch, 160, "agency", "list") == AGENCIES_160
    assert at(run, monkeypatch, 80, "agency", "list") == AGENCIES_160  # 79 columns: fits
    assert at(run, monkeypatch, None, "agency", "list") == AGENCIES_160  # not a terminal: 80
    # 60: the name is shortened first; the escalation address is then left out whole (half
    # an address is no use), which gives the name its full width back.
    assert at(run, monkeypatch, 60, "agency", "list") == """\
Code    Name                    Contact
------  ----------------------  ---------------------
CSC     Children's Social Care  duty@csc.example.org
EDU     Education               cp@edu.example.org
HEALTH  Primary Care Trust      nurse@pct.example.org
POLICE  Kent Police             pp@police.example.org
"""
    # 40: the name is shortened, leaving out the escalation address gives some of it back;
    # the contact address is never cut.
    assert at(run, monkeypatch, 40, "agency", "list") == """\
Code    Name       Contact
------  ---------  ---------------------
CSC     Children…  duty@csc.example.org
EDU     Education  cp@edu.example.org
HEALTH  Primary …  nurse@pct.example.org
POLICE  Kent Pol…  pp@police.example.org
"""
    assert at(run, monkeypatch, 40, "--wide", "agency", "list") == AGENCIES_160
    assert at(run, monkeypatch, 40, "agency", "list", "--wide") == AGENCIES_160


def test_outbox_list_keeps_each_emails_case_due_date_and_address(run, scr, monkeypatch):
    to_plan(run, scr)
    subjects = ["Action A2 for Education: SCR-2008-001 (Child A), due Friday 15 August 2008",
                "Action A1 for Education: SCR-2008-001 (Child A), due Friday 15 August 2008",
                "IMR requested: SCR-2008-001 (Child A), due Monday 14 July 2008"]
    whole = [
        "#  Status   Case          Due          To                     Subject",
        "-  -------  ------------  -----------  ---------------------  " + "-" * 74,
        f"3  pending  SCR-2008-001  15 Aug 2008  cp@edu.example.org     {subjects[0]}",
        f"2  pending  SCR-2008-001  15 Aug 2008  cp@edu.example.org     {subjects[1]}",
        f"1  pending  SCR-2008-001  14 Jul 2008  pp@police.example.org  {subjects[2]}",
    ]
    assert at(run, monkeypatch, 160, "outbox", "list").splitlines() == whole
    assert at(run, monkeypatch, 60, "--wide", "outbox", "list").splitlines() == whole
    assert at(run, monkeypatch, 80, "outbox", "list") == """\
#  Status   Case          Due          To                     Subject
-  -------  ------------  -----------  ---------------------  ------------------
3  pending  SCR-2008-001  15 Aug 2008  cp@edu.example.org     Action A2 for Edu…
2  pending  SCR-2008-001  15 Aug 2008  cp@edu.example.org     Action A1 for Edu…
1  pending  SCR-2008-001  14 Jul 2008  pp@police.example.org  IMR requested: SC…
"""
    # 60: the subject goes before any address is shortened.
    assert at(run, monkeypatch, 60, "outbox", "list") == """\
#  Status   Case          Due          To
-  -------  ------------  -----------  ---------------------
3  pending  SCR-2008-001  15 Aug 2008  cp@edu.example.org
2  pending  SCR-2008-001  15 Aug 2008  cp@edu.example.org
1  pending  SCR-2008-001  14 Jul 2008  pp@police.example.org
"""


def test_deadlines_and_the_caseload_give_up_the_pseudonym_and_opening_date(run, scr,
                                                                         monkeypatch,
                                                                         tmp_path):
    to_plan(run, scr)
    listed = ["deadlines", "--within", "400"]
    title = "Deadlines late or due within 400 days as of 1 Sep 2008: 3 (3 late)\n"
    whole = title + """\
Case          Pseudonym  Deadline    Agency  Due          Late
------------  ---------  ----------  ------  -----------  ----------
SCR-2008-001  Child A    completion          10 Aug 2008  22d (15wd)
SCR-2008-001  Child A    A1          EDU     15 Aug 2008  17d (10wd)
SCR-2008-001  Child A    A2          EDU     15 Aug 2008  17d (10wd)
"""
    assert at(run, monkeypatch, 160, *listed) == whole
    assert at(run, monkeypatch, 80, *listed) == whole
    assert at(run, monkeypatch, 60, *listed) == title + """\
Case          Deadline    Agency  Due          Late
------------  ----------  ------  -----------  ----------
SCR-2008-001  completion          10 Aug 2008  22d (15wd)
SCR-2008-001  A1          EDU     15 Aug 2008  17d (10wd)
SCR-2008-001  A2          EDU     15 Aug 2008  17d (10wd)
"""
    assert at(run, monkeypatch, 60, "--wide", *listed) == whole
    written = tmp_path / "deadlines.txt"
    at(run, monkeypatch, 60, *listed, "--output", str(written))  # a file is 80 columns wide
    assert written.read_text(encoding="utf-8") == whole
    assert at(run, monkeypatch, 60, *listed, "--wide") == whole
    caseload = "Caseload as of 1 Sep 2008\n" + """\
Reference     Pseudonym  Stage     Opened       Next due     Late
------------  ---------  --------  -----------  -----------  ----
SCR-2008-001  Child A    overview  20 Mar 2008  10 Aug 2008  3
"""
    assert at(run, monkeypatch, 160, "case", "list") == caseload
    assert at(run, monkeypatch, 80, "case", "list") == caseload
    assert at(run, monkeypatch, 60, "case", "list") == "Caseload as of 1 Sep 2008\n" + """\
Reference     Pseudonym  Stage     Next due     Late
------------  ---------  --------  -----------  ----
SCR-2008-001  Child A    overview  10 Aug 2008  3
"""


def _definition_texts(flow) -> list[str]:
    """Every text `workflow show` prints from a process's definition."""
    texts = [flow.title]
    texts += [s.title for s in flow.stages]
    for step in flow.steps:
        texts += [o.help for o in step.options] + [c for o in step.options for c in o.choices]
    texts += [o.help for o in flow.intake.options]
    texts += [flow.deadline(d.key).title for d in flow.deadlines]
    texts += [flow.deadline(d.key).strength_text for d in flow.deadlines]
    return [t for t in texts if t]


@pytest.mark.parametrize("on", ["2008-01-01", "2019-01-01"])
def test_workflow_show_never_breaks_a_word_at_60_columns(run, monkeypatch, on):
    from casework.config import load_settings
    from casework.regimes import in_force

    out = at(run, monkeypatch, 60, "workflow", "show", "scr", "--on", on)
    assert [line for line in out.splitlines() if len(line) > 60] == []
    flow = in_force(load_settings(run.db_url, None), "scr", dt.date.fromisoformat(on))
    flowing = " ".join(out.split())  # a word cut across lines would come back in two pieces
    texts = _definition_texts(flow)
    assert len(texts) > 40
    assert [t for t in texts if " ".join(t.split()) not in flowing] == []
    # 160 columns: each step's line whole, the timescales a table
    wide = at(run, monkeypatch, 160, "workflow", "show", "scr", "--on", on)
    assert "\nKey " in wide and max(map(len, wide.splitlines())) <= 160


def test_case_show_wraps_its_text_to_the_width(run, scr, monkeypatch):
    regime = "Serious case review (Working Together 2006, chapter 8) (scr 2006.1)"
    wide = at(run, monkeypatch, 160, "case", "show", scr)
    assert f"Regime                {regime}\n" in wide
    assert f"Regime                {regime}\n" in at(run, monkeypatch, 60, "--wide", "case",
                                                     "show", scr)
    assert ("Regime                Serious case review (Working Together 2006, chapter 8)\n"
            "                      (scr 2006.1)\n") in at(run, monkeypatch, 80,
                                                                     "case", "show", scr)
    narrow = at(run, monkeypatch, 60, "case", "show", scr)
    assert ("Regime                Serious case review (Working Together\n"
            "                      2006, chapter 8) (scr 2006.1)\n") in narrow
    assert max(map(len, narrow.splitlines())) <= 60


def test_a_wrapped_column_breaks_only_between_references():
    from cli.output import table

    listed = table(["Meeting", "Cases"],
                   [["12 Jun 2008", "CDR-2008-001, CDR-2008-002, CDR-2008-010"]],
                   cuts=(1,), wrap=(1,), width=30)
    assert listed.splitlines() == [
        "Meeting      Cases",
        "-----------  -----------------",
        "12 Jun 2008  CDR-2008-001,",
        "             CDR-2008-002,",
        "             CDR-2008-010",
    ]
