"""The disclosure check: free text that can leave the board is refused at entry when it holds
a date of birth, an NHS number, a postcode or a phone number (issue 20)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, create_engine, select

from casework import disclosure
from casework.errors import InvalidInput
from casework.models import Case, History, OutboxEmail
from casework.options import parse_options
from casework.service import CaseService
from tests.conftest import Cli
from tests.test_emails import commissioned, step
from workflows import registry

ISSUE_EXAMPLE = "Olivia-Mae Hartley (DOB 14/02/2005)"
IDENTIFYING = {
    "a date of birth": ["DOB 14/02/2005", "born 14 February 2005", "d.o.b. 2005-02-14",
                        "date of birth: 14.02.05", "14/02/2005 (DOB)", "b. 3rd March 2006"],
    "an NHS number": ["NHS no 943 476 5919", "9434765919", "943-476-5919"],
    "a postcode": ["lives at ME14 2QT", "sw1a 1aa", "EC1A1BB"],
    "a phone number": ["mum on 01632 960123", "+44 7700 900123", "(01632) 960 123",
                       "07700900123", "+44 (0)20 7946 0018"],
}
PLAIN = ["Train staff in information sharing", "meeting on 2025-03-01 at 10:00",
         "decided 14/02/2005 at the board", "CSC, POLICE and HEALTH", "ToR v1.2",
         "Form B2 1st draft", "R1 Information sharing", "agreed 10 working days",
         "not an NHS number 9434765918", "IMR received 2008-02-20; 3 of 4 agencies",
         "born at 32 weeks", "Kent, Medway", "see minutes 12/2019 item 4"]
SEEDED = [v for values in IDENTIFYING.values() for v in values] + [ISSUE_EXAMPLE]


@pytest.mark.parametrize(("what", "text"),
                         [(w, t) for w, texts in IDENTIFYING.items() for t in texts])
def test_each_pattern_is_refused_naming_what_and_where_without_echoing_it(what, text):
    with pytest.raises(InvalidInput) as refused:
        disclosure.check(f"Note: {text}.", "--note")
    message = str(refused.value)
    assert message.startswith("--note holds what looks like " + what)
    assert "characters " in message
    assert not any(ch.isdigit() for ch in message.split("(characters")[1].split("'")[1])


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_passes(text):
    assert disclosure.check(text, "--note") == text


def _text_options():
    for key in registry.processes():
        for workflow in registry.versions(key):
            for st in workflow.steps:
                for option in st.options:
                    if option.kind == "text" and option.disclosure:
                        yield pytest.param(st, option, id=f"{workflow.key}-{st.name}-"
                                                          f"{option.name}")


@pytest.mark.parametrize(("st", "option"), list(_text_options()))
def test_every_free_text_option_of_every_step_is_checked(st, option):
    """One generic place: every text option a step takes, in every version of every process."""
    value = [ISSUE_EXAMPLE] if option.multiple else ISSUE_EXAMPLE
    with pytest.raises(InvalidInput) as refused:
        parse_options(st, {option.name: value}, str.upper)
    assert option.flag in str(refused.value) and "date of birth" in str(refused.value)
    assert "Olivia" not in str(refused.value) and "14/02" not in str(refused.value)


def test_the_issues_example_is_refused_and_no_email_is_queued(service: CaseService, agencies,
                                                               run):
    ref = commissioned(service)
    for agency, day in (("POLICE", "2008-02-20"), ("CSC", "2008-02-21"),
                        ("HEALTH", "2008-02-22")):
        step(service, ref, "receive_imr", day, agency=agency)
    step(service, ref, "commission_overview", "2008-02-25", author="A Writer")
    service.commit()
    emails = len(service.session.exec(select(OutboxEmail)).all())
    history = len(service.session.exec(select(History)).all())
    result = run("case", "advance", ref, "add_action", "--recommendation", ISSUE_EXAMPLE,
                 "--action", "Audit information sharing", "--agency", "HEALTH",
                 "--due", "2008-12-31", "--on", "2008-03-10", expect=2)
    assert result.stderr.startswith("Error: --recommendation holds what looks like a date of "
                                    "birth (characters 21-34")
    assert "Olivia" not in result.stderr and "2005" not in result.stderr
    service.session.commit()
    assert len(service.session.exec(select(OutboxEmail)).all()) == emails
    assert len(service.session.exec(select(History)).all()) == history
    run("case", "advance", ref, "add_action", "--recommendation", "R1 Information sharing",
        "--action", "Audit information sharing", "--agency", "HEALTH", "--due", "2008-12-31",
        "--on", "2008-03-10")
    service.session.commit()
    assert len(service.session.exec(select(OutboxEmail)).all()) == emails + 1


def test_notes_and_reasons_outside_a_steps_options_are_checked(service: CaseService,
                                                              agencies):
    with pytest.raises(InvalidInput, match="--note holds what looks like a postcode"):
        service.refer_scr("Child A", actor="c", on="2007-12-03", note="of ME14 2QT")
    ref = service.refer_scr("Child A", actor="c", on="2007-12-03").reference
    with pytest.raises(InvalidInput, match="--note holds what looks like a phone"):
        step(service, ref, "recommend", "2007-12-10", recommendation="scr", criteria="death",
             note="call 01632 960123")
    ref = commissioned(service)
    with pytest.raises(InvalidInput, match="--reason holds what looks like a date of birth"):
        service.pause(ref, ISSUE_EXAMPLE, actor="c", on="2008-02-01")
    service.pause(ref, "criminal proceedings", actor="c", on="2008-02-01")
    with pytest.raises(InvalidInput, match="--note holds what looks like an NHS number"):
        service.resume(ref, actor="c", on="2008-02-04", note="943 476 5919")
    with pytest.raises(InvalidInput, match="--reason holds what looks like a postcode"):
        service.extend(ref, "imr:POLICE", by="1 week", reason="moved to ME14 2QT", actor="c")


def test_privacy_scan_of_every_template_report_and_export(db_url, service: CaseService):
    """On the demo's cases: every text option of every step allowed now refuses each seeded
    identifier; then no email (every template rendered so far), report, export, calendar or
    history carries any of them."""
    run = Cli(db_url, None)  # the demo's cases are dated from today
    run("demo")
    tried = 0
    engine = create_engine(db_url)
    with Session(engine) as session:
        cases = [(c.reference, c.state, service.workflow_of(c))
                 for c in session.exec(select(Case)).all() if not c.paused_on]
    engine.dispose()
    assert len(cases) >= 8
    for reference, state, workflow in cases:
        for st in workflow.steps_from(state):
            for option in st.options:
                if option.kind != "text" or not option.disclosure:
                    continue
                for seeded in SEEDED:
                    result = run("case", "advance", reference, st.name, option.flag,
                                 seeded, expect=2)
                    assert result.stderr.startswith(f"Error: {option.flag} holds"), \
                        result.stderr
                    tried += 1
    assert tried >= 50, tried
    outputs = [run("report", "overdue", "--format", form).stdout
               for form in ("table", "csv", "html", "json")]
    outputs += [run("report", "figures", "--format", form).stdout
                for form in ("table", "csv", "html", "json")]
    outputs += [run("death", "export", "--format", form).stdout for form in ("json", "csv")]
    outputs += [run("deadlines", "--format", "ics").stdout, run("outbox", "list").stdout]
    engine = create_engine(db_url)
    with Session(engine) as session:
        rows = session.exec(select(OutboxEmail)).all()
    engine.dispose()
    outputs += [" ".join((r.subject, r.text_body, r.html_body or "")) for r in rows]
    for reference, _, _ in cases:
        outputs.append(run("case", "history", reference, "--json").stdout)
        outputs.append(run("case", "show", reference).stdout)
    kinds = {row.kind for row in rows}
    assert len(kinds) >= 3  # several templates rendered
    for text in outputs:
        for seeded in SEEDED:
            assert seeded.lower() not in text.lower()
