"""The story the correction tests share: an SCR at terms of reference on 1 Sep 2008, and
the steps that take it to an action plan. Imported by the test modules for its fixtures."""

from __future__ import annotations

import json

import pendulum
import pytest


@pytest.fixture
def clock(clock):
    clock.set(pendulum.datetime(2008, 9, 1, 9, tz="Europe/London"))
    return clock


@pytest.fixture
def scr(run, agencies):
    """An SCR at terms of reference: referred 20 Mar, decided 10 Apr, panel formed 6 May."""
    ref = run("scr", "refer", "--pseudonym", "Child A", "--referred-by", "POLICE",
              "--on", "2008-03-20").stdout.split()[0]
    steps = [
        ("recommend", "--recommendation", "scr", "--criteria", "death", "--on", "2008-04-03"),
        ("decide", "--outcome", "scr", "--criteria", "death", "--rationale", "neglect",
         "--chair", "J Smith", "--on", "2008-04-10"),
        ("notify_inspectorate", "--to", "Ofsted", "--on", "2008-04-14"),
        ("form_panel", "--chair", "Independent chair", "--member", "DI Jones",
         "--member", "Head of Service", "--conflicts", "none", "--on", "2008-05-06"),
    ]
    for step in steps:
        run("case", "advance", ref, *step)
    return ref


def advance(run, ref: str, *args: str) -> str:
    return run("case", "advance", ref, *args).stdout


def to_plan(run, ref: str) -> None:
    """Commission IMRs, receive them, commission the overview; then two actions, the second
    entered twice by mistake."""
    advance(run, ref, "commission_imrs", "--terms", "ToR", "--agency", "POLICE",
            "--on", "2008-06-02")
    advance(run, ref, "receive_imr", "--agency", "POLICE", "--on", "2008-07-10")
    advance(run, ref, "commission_overview", "--author", "A Writer", "--on", "2008-07-11")
    for _ in range(2):
        advance(run, ref, "add_action", "--recommendation", "R1", "--action", "Training",
                "--agency", "EDU", "--due", "2008-08-15", "--on", "2008-07-20")


def figures(run, period_to: str = "2009-03-31") -> dict:
    out = run("report", "figures", "--from", "2008-04-01", "--to", period_to, "--json").stdout
    return json.loads(out)["scr"]
