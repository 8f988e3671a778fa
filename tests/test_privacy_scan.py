"""The privacy scan (issue 20): on a database seeded with a known child's name (--child-name,
and another added later by `case correct REF child-name`), NHS number (--nhs-number) and,
typed where a person might type them, the same name, date of birth, NHS number and postcode,
every template under templates/ (emails and board papers) is rendered and every export
written (death export, figures, the overdue listing, calendar feeds, timelines, history in
each format, case pages, the outbox), and none of the child's details is in any of them.

The scan fails when a template is added that no part of it renders, or a listing or format
(`cli.formats`) that it does not write: extend the story."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import jinja2
import pendulum
import pytest
from sqlmodel import Session, create_engine, select

from casework.clock import FixedClock
from casework.identity import KEY_VARIABLE
from casework.models import Case, OutboxEmail
from tests.conftest import Cli

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
NAME = "Olivia-Mae Hartley"
NHS = "943 476 5919"
DETAILS = {  # what a person might type, and what must never come out in any form
    "name": ["Olivia-Mae Hartley", "Hartley"],
    "date of birth": ["DOB 14/02/2005", "born 14 February 2005"],
    "NHS number": [NHS],
    "postcode": ["lives at ME14 2QT"],
}
LATER = "Ellie-Rae Kemp"  # a name the child is known by, added later by a correction
NEEDLES = ["ellie", "kemp", "olivia", "hartley", "14/02/2005", "14 february 2005",
           "2005-02-14", "9434765919", "943 476 5919", "me14 2qt", "me142qt"]


def every_template() -> set[str]:
    return {p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*")
            if p.is_file() and p.suffix in (".txt", ".html")}


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> tuple[set[tuple[str, str]], set]:
    """(every listing and format a command can write, those written): each registered
    renderer of the --format seam wrapped to say it ran."""
    import cli.renderers  # noqa: F401  (registers every format)
    from cli import formats

    done: set[tuple[str, str]] = set()
    for key, render in list(formats._RENDERERS.items()):
        def spy(data, service, key=key, render=render):
            done.add(key)
            return render(data, service)
        monkeypatch.setitem(formats._RENDERERS, key, spy)
    return set(formats._RENDERERS), done


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The names of the templates loaded (a process keeps one renderer, whose first load of a
    template reads its source: the test starts with none, so nothing is loaded unseen)."""
    import notifications.render

    monkeypatch.setattr(notifications.render, "_RENDERERS", {})
    seen: set[str] = set()
    source = jinja2.FileSystemLoader.get_source

    def spy(self, environment, template):
        found = source(self, environment, template)
        seen.add(template)
        return found

    monkeypatch.setattr(jinja2.FileSystemLoader, "get_source", spy)
    return seen


def refused_everywhere(run: Cli, *args: str) -> int:
    """Each detail typed into the note of `args` is refused, naming the note."""
    count = 0
    for typed in (t for texts in DETAILS.values() for t in texts):
        result = run(*args, "--note", f"seen: {typed}", expect=2)
        assert result.stderr.startswith("Error: --note holds what looks like "), result.stderr
        count += 1
    return count


def test_no_template_or_export_carries_the_childs_details(db_url, monkeypatch, rendered,
                                                          written, tmp_path):
    monkeypatch.setenv(KEY_VARIABLE, "a board secret of some length")
    today = Cli(db_url, None)  # the demo's cases are dated from today
    today("demo")
    in_2008 = Cli(db_url, FixedClock(pendulum.datetime(2008, 6, 2, 10, tz="Europe/London")))
    in_2020 = Cli(db_url, FixedClock(pendulum.datetime(2020, 6, 1, 10, tz="Europe/London")))
    tried = 0
    # A death in 2008 (Working Together 2006): Form B requested (request_form_b).
    death = in_2008("death", "notify", "--pseudonym", "Child P", "--died", "2008-05-30 03:20",
                    "--age-band", "1-4y", "--place", "home", "--notifier", "Dr Jones",
                    "--agency", "HEALTH", "--residence", "Kent", "--death", "expected",
                    "--child-name", NAME).stdout.split()[0]
    tried += refused_everywhere(in_2008, "case", "advance", death, "triage", "--death",
                                "expected")
    in_2008("case", "advance", death, "triage", "--death", "expected")
    in_2008("case", "advance", death, "request_reports", "--agency", "POLICE")
    # A death in 2020 (2018 arrangements) with the NHS number: reporting and supplementary
    # forms requested (request_reporting_form, request_supplementary_form).
    later = in_2020("death", "notify", "--pseudonym", "Child Q", "--died", "2020-05-30 03:20",
                    "--age-band", "1-4y", "--place", "home", "--notifier", "Dr Jones",
                    "--agency", "HEALTH", "--residence", "Kent", "--death", "unexpected",
                    "--nhs-number", NHS, "--child-name", NAME).stdout.split()[0]
    in_2020("case", "advance", later, "triage", "--death", "unexpected", "--jar", "no")
    in_2020("case", "advance", later, "request_reports", "--agency", "POLICE")
    in_2020("case", "advance", later, "request_supplementary", "--agency", "HEALTH",
            "--form", "cardiac")
    tried += refused_everywhere(in_2020, "case", "advance", later, "receive_report",
                                "--agency", "POLICE")
    # An SCR referred in 2008 with the name, its IMRs asked for and one extended
    # (request_imr, due_changed), an IMR waived (withdrawn).
    scr = in_2008("scr", "refer", "--pseudonym", "Child R", "--referred-by", "CSC",
                  "--on", "2008-01-07", "--child-name", NAME).stdout.split()[0]
    for args in (("recommend", "--recommendation", "scr", "--criteria", "death"),
                 ("decide", "--outcome", "scr", "--criteria", "death", "--rationale",
                  "a child died", "--chair", "J Smith"),
                 ("notify_inspectorate",), ("form_panel", "--chair", "Independent chair",
                                            "--member", "DI Jones", "--conflicts", "none"),
                 ("commission_imrs", "--terms", "ToR v1", "--agency", "POLICE", "--agency",
                  "CSC", "--agency", "HEALTH")):
        in_2008("case", "advance", scr, *args, "--on", "2008-01-14")
    for typed in (t for texts in DETAILS.values() for t in texts):
        assert in_2008("case", "extend", scr, "imr:POLICE", "--by", "1 week", "--reason",
                       typed, expect=2).stderr.startswith("Error: --reason holds")
        tried += 1
    in_2008("case", "extend", scr, "imr:POLICE", "--by", "1 week", "--reason", "agreed")
    in_2008("case", "correct", scr, "child-name", LATER, "--reason", "learnt from school")
    for typed in ("Ellie-Rae seen", "the KEMP home"):
        assert in_2008("case", "extend", scr, "imr:CSC", "--by", "1 week", "--reason",
                       typed, expect=2).stderr.startswith("Error: --reason holds")
    in_2008("case", "advance", scr, "waive_imr", "--agency", "HEALTH", "--reason",
            "no contact")
    assert tried >= 3 * sum(len(t) for t in DETAILS.values())
    # The scheduler's reminders, escalations and the weekly listing.
    today("scheduler", "run-once", "--no-send")
    outputs: dict[str, str] = {}
    from cli.formats import formats

    for form in formats("overdue"):
        outputs[f"overdue {form}"] = today("report", "overdue", "--format", form).stdout
    for form in formats("figures"):
        outputs[f"figures {form}"] = today("report", "figures", "--format", form).stdout
        outputs[f"figures 2008 {form}"] = today(
            "report", "figures", "--from", "2008-04-01", "--to", "2009-03-31", "--format",
            form).stdout
    for form in ("json", "csv"):
        outputs[f"death export {form}"] = today("death", "export", "--format", form).stdout
    outputs["ics"] = today("deadlines", "--format", "ics").stdout
    outputs["ics POLICE"] = today("deadlines", "--format", "ics", "--agency", "POLICE").stdout
    outputs["deadlines"] = today("deadlines", "--json").stdout
    outputs["cases"] = today("case", "list", "--json").stdout
    outputs["outbox"] = today("outbox", "list").stdout
    today("report", "overdue", "--format", "html", "-o", str(tmp_path / "paper.html"))
    outputs["board paper file"] = (tmp_path / "paper.html").read_text()
    engine = create_engine(db_url)
    with Session(engine) as session:
        references = [c.reference for c in session.exec(select(Case))]
        emails = session.exec(select(OutboxEmail)).all()
        for row in emails:
            outputs[f"email {row.key}"] = " ".join((row.subject, row.text_body,
                                                    row.html_body or "", row.recipients))
            for item in row.attachments:
                outputs[f"attachment {row.key}"] = item.get("text") or base64.b64decode(
                    item["data"]).decode("utf-8", "replace")
        kinds = {row.kind for row in emails}
    engine.dispose()
    for reference in references:
        outputs[f"history {reference}"] = today("case", "history", reference, "--json").stdout
        outputs[f"history text {reference}"] = today("case", "history", reference,
                                                     "--emails").stdout
        outputs[f"show {reference}"] = today("case", "show", reference).stdout
        outputs[f"show json {reference}"] = today("case", "show", reference, "--json").stdout
        for form in formats("history"):
            outputs[f"history {form} {reference}"] = today(
                "case", "history", reference, "--format", form).stdout
        outputs[f"history html emails {reference}"] = today(
            "case", "history", reference, "--format", "html", "--emails").stdout
        for form in formats("timeline"):
            outputs[f"timeline {form} {reference}"] = today(
                "case", "timeline", reference, "--format", form).stdout
    json.loads(outputs["death export json"])  # each export is whole, not an error page
    assert {"request", "due_changed", "withdrawn", "reminder", "escalation",
            "overdue_listing"} <= kinds
    missing = every_template() - rendered
    assert not missing, f"templates no part of the scan renders: {sorted(missing)}"
    registered, done = written
    assert registered - done == set(), "listings and formats the scan does not write"
    leaks = [(where, needle) for where, text in outputs.items() for needle in NEEDLES
             if needle in text.lower()]
    assert leaks == []
    assert len(outputs) > 60
    assert "hmac-sha256" not in outputs[f"show {scr}"]
