"""A review completed late while the board had relaxed its timescale is counted apart.

The board declares Covid-19 (30 Mar 2020 to 31 Jul 2020) relaxing `scr.completion`. Two
WT2013/15 reviews are endorsed in 2020/21, both late:

  SCR-2019-001 "Child B"  decided 3 Jun 2019, complete by 3 Dec 2019; endorsed 15 Apr 2020.
      Its timescale ended before the relaxation began: an ordinary late completion.
  SCR-2020-001 "Child A"  decided 3 Feb 2020, complete by 3 Aug 2020 (a span the relaxation
      covers); endorsed 15 Sep 2020: completed late under a relaxation.

Without the overlay, neither is.
"""

from __future__ import annotations

import csv
import io
import json

import pendulum
import pytest

from casework.clock import FixedClock
from casework.config import Settings
from casework.overlays import Overlay
from casework.reports import board_figures
from casework.service import CaseService

D = pendulum.Date
COVID = Overlay("Covid-19", D(2020, 3, 30), D(2020, 7, 31), ("scr.completion",),
                source="Panel letter")
CONFIG = ('[[overlays]]\nname = "Covid-19"\nfrom = 2020-03-30\nto = 2020-07-31\n'
          'timescales = ["scr.completion"]\nsource = "Panel letter"\n')


def _endorsed(service: CaseService, child: str, days: list[str]) -> str:
    """Refer a review and take it to endorsement, one step on each day given."""
    ref = service.refer_scr(child, actor="c", on=days.pop(0)).reference
    for name, options in (
        ("notify_ofsted", {}),
        ("recommend", {"recommendation": "scr", "criteria": ["death"]}),
        ("decide", {"outcome": "scr", "criteria": ["death"], "rationale": "a child died",
                    "chair": "J Smith"}),
        ("notify_inspectorate", {}),
        ("form_panel", {"chair": "Independent", "member": "DI Jones, POLICE",
                        "conflicts": "none"}),
        ("commission_imrs", {"terms": "ToR", "agency": ["POLICE"]}),
        ("receive_imr", {"agency": "POLICE"}),
        ("commission_overview", {"author": "Author"}),
        ("add_action", {"recommendation": "R", "action": "Audit referrals",
                        "agency": "HEALTH", "due": "2021-06-30"}),
        ("submit_overview", {}),
        ("endorse", {}),
    ):
        service.advance(ref, name, options, actor="c", on=days.pop(0))
    return ref


@pytest.fixture
def year(service: CaseService, agencies, clock: FixedClock) -> CaseService:
    clock.set(pendulum.datetime(2021, 1, 4, 9, tz="Europe/London"))
    b = _endorsed(service, "Child B", [
        "2019-05-01", "2019-05-02", "2019-05-20", "2019-06-03", "2019-06-05", "2019-06-20",
        "2019-06-24", "2019-08-01", "2019-08-02", "2019-08-05", "2020-03-20", "2020-04-15"])
    a = _endorsed(service, "Child A", [
        "2019-09-23", "2019-09-24", "2019-10-07", "2019-10-21", "2019-10-23", "2019-11-07",
        "2019-11-25", "2020-01-02", "2020-01-07", "2020-01-08", "2020-05-20", "2020-06-15"])
    assert (b, a) == ("SCR-2019-001", "SCR-2019-002")  # referred before SCRs ended
    service.commit()
    return service


def _relaxed(service: CaseService, overlays: list[Overlay]) -> CaseService:
    settings = Settings(service.settings.database_url, "test", overlays=overlays)
    return CaseService(service.session, settings, service.clock)


def test_a_late_completion_under_a_relaxation_is_counted_apart(year):
    f = board_figures(_relaxed(year, [COVID]), D(2020, 4, 1), D(2021, 3, 31))["scr"].figures
    assert (f.completed, f.completed_within_timescale, f.completed_within_extension,
            f.completed_late_under_relaxation) == (2, 0, 0, 1)
    assert f.references["completed_late_under_relaxation"] == ["SCR-2019-002"]
    plain = board_figures(_relaxed(year, []), D(2020, 4, 1), D(2021, 3, 31))["scr"].figures
    assert (plain.completed, plain.completed_late_under_relaxation) == (2, 0)
    assert "completed_late_under_relaxation" not in plain.references


def test_the_relaxed_line_in_every_format(year, run, tmp_path):
    config = tmp_path / "board.toml"
    config.write_text(CONFIG)
    args = ("--config", config, "report", "figures", "--to", "2021-03-31")
    label = "  completed late under a relaxation"
    lines = run(*args).stdout.splitlines()
    assert [line.split()[-1] for line in lines if line.startswith(label)] == ["1"]
    assert json.loads(run(*args, "--json").stdout)["scr"][
        "completed_late_under_relaxation"] == 1
    rows = list(csv.DictReader(io.StringIO(run(*args, "--format", "csv").stdout)))
    assert {r["Name"]: r["Value"] for r in rows}["scr.completed_late_under_relaxation"] == "1"
    assert 'data-name="scr.completed_late_under_relaxation"' in run(
        *args, "--format", "html").stdout
    # Without the board's overlay, the line is still there: 0.
    plain = run("report", "figures", "--to", "2021-03-31").stdout.splitlines()
    assert [line.split()[-1] for line in plain if line.startswith(label)] == ["0"]
