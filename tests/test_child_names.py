"""A child's real names kept only as keyed hashes of each part (issue 20): given with
--child-name when a case is opened, never stored, logged, emailed or exported in clear, and
any free text about the case that holds one of them refused at entry, naming the option and
where the name is, without repeating it."""

from __future__ import annotations

import logging

import pendulum
import pytest
from sqlmodel import select

from casework import child_names
from casework.deaths import notify_death
from casework.errors import InvalidInput
from casework.identity import KEY_VARIABLE
from casework.models import Case, History, OutboxEmail

NAME = "Olivia-Mae Hartley"
PARTS = ("olivia", "mae", "hartley")
KEY = "a board secret of some length"
WARNING = ("This text can leave the board in emails, reports and exports, where a child is "
           "known only by case reference and pseudonym")


def refused(flag: str, start: int, end: int, masked: str) -> str:
    return (f"Error: {flag} holds what looks like one of the child's names (characters "
            f"{start}-{end}: {masked!r}): remove it. {WARNING}\n")


@pytest.fixture
def keyed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_VARIABLE, KEY)


@pytest.fixture
def panel(run, agencies, keyed) -> str:
    """An SCR referred on Monday 3 December 2007 with the child's names, taken to the panel
    (the steps of tests.test_emails.to_terms_of_reference) and its IMRs commissioned."""
    run("board", "set-contact", "mailbox", "--email", "lscb@kent.example.org")
    ref = run("scr", "refer", "--pseudonym", "Child A", "--referred-by", "CSC", "--on",
              "2007-12-03", "--child-name", NAME, "--child-name", "Livvy Brown").stdout.split()[0]
    for args in (("recommend", "--recommendation", "scr", "--criteria", "death", "--on",
                  "2007-12-10"),
                 ("decide", "--outcome", "scr", "--criteria", "death", "--rationale",
                  "a child died", "--chair", "J Smith", "--on", "2007-12-20"),
                 ("notify_inspectorate", "--on", "2007-12-21"),
                 ("form_panel", "--chair", "Independent chair", "--member", "DI Jones, POLICE",
                  "--conflicts", "none", "--on", "2008-01-10"),
                 ("commission_imrs", "--terms", "ToR v1", "--agency", "POLICE", "--agency",
                  "CSC", "--on", "2008-01-18")):
        run("case", "advance", ref, *args)
    return ref


@pytest.fixture
def overview(run, panel) -> str:
    """The same case with its IMRs in and the overview report commissioned: actions next."""
    for agency, day in (("POLICE", "2008-02-20"), ("CSC", "2008-02-21")):
        run("case", "advance", panel, "receive_imr", "--agency", agency, "--on", day)
    run("case", "advance", panel, "commission_overview", "--author", "A Writer", "--on",
        "2008-02-25")
    return panel


def test_without_the_key_a_name_is_refused_naming_the_variable(run, agencies):
    result = run("scr", "refer", "--pseudonym", "Child A", "--referred-by", "CSC",
                 "--child-name", NAME, expect=2)
    assert result.stderr.startswith(
        f"Error: --child-name is kept only as keyed hashes, and no identity key is "
        f"configured, so an identifier cannot be kept: set {KEY_VARIABLE}, or ")
    assert "Olivia" not in result.stderr
    assert run("case", "list").stdout.startswith("No cases")


def test_each_part_is_kept_as_a_keyed_hash_and_never_in_clear(panel, service, db_path):
    case = service.case(panel)
    kept = case.data[child_names.STORED_AS]
    assert len(kept) == 5  # olivia, mae, hartley, livvy, brown
    assert all(h.startswith("hmac-sha256:") and len(h) == 12 + 64 for h in kept)
    assert kept == child_names.hashes(["hartley olivia MAE", "Brown, Livvy"])
    raw = db_path.read_bytes().lower()
    for part in (*PARTS, b"livvy".decode(), "brown"):
        assert part.encode() not in raw


@pytest.mark.parametrize(("text", "start", "end", "masked"), [
    ("Review Hartley family contact", 8, 14, "xxxxxxx"),
    ("OLIVIA was seen", 1, 6, "xxxxxx"),
    ("Seen by Mae's teacher", 9, 13, "xxx'x"),
    ("Call with Hártley's GP", 11, 19, "xxxxxxx'x"),  # accents and case do not hide it
])
def test_a_recommendation_naming_the_child_is_refused_and_nothing_is_queued(
        run, overview, service, text, start, end, masked):
    emails = len(service.session.exec(select(OutboxEmail)).all())
    result = run("case", "advance", overview, "add_action", "--recommendation", text,
                 "--action", "Audit information sharing", "--agency", "HEALTH",
                 "--due", "2008-12-31", "--on", "2008-03-10", expect=2)
    assert result.stderr == refused("--recommendation", start, end, masked)
    service.session.expire_all()
    assert len(service.session.exec(select(OutboxEmail)).all()) == emails


def test_other_words_and_other_cases_pass(run, overview, service, agencies):
    run("case", "advance", overview, "add_action", "--recommendation",
        "R1 Information sharing (Olive Hart, GP)", "--action", "Audit information sharing",
        "--agency", "HEALTH", "--due", "2008-12-31", "--on", "2008-03-10")
    other = run("scr", "refer", "--pseudonym", "Child B", "--referred-by", "CSC").stdout.split()[0]
    run("case", "pause", other, "--reason", "Hartley Road school closed")  # not this child's case


@pytest.mark.parametrize("args", [
    ("case", "advance", "{ref}", "receive_imr", "--agency", "POLICE", "--note",
     "Livvy seen at school", "--on", "2008-02-20"),
    ("case", "pause", "{ref}", "--reason", "brown family moved"),
    ("case", "extend", "{ref}", "imr:CSC", "--by", "1 week", "--reason", "livvy unwell"),
])
def test_notes_and_reasons_are_checked_too(run, panel, args):
    result = run(*[a.format(ref=panel) for a in args], expect=2)
    flag = "--note" if "--note" in args else "--reason"
    assert result.stderr.startswith(f"Error: {flag} holds what looks like one of the child's "
                                    "names (characters 1-")


def test_the_pseudonym_and_note_given_with_the_name_are_checked_against_it(run, agencies,
                                                                           keyed):
    result = run("death", "notify", "--pseudonym", "Baby Hartley", "--died",
                 "2008-04-01 03:20", "--age-band", "under-28d", "--place", "hospital",
                 "--notifier", "Dr Jones", "--agency", "HEALTH", "--residence", "Kent",
                 "--death", "unexpected", "--child-name", NAME, expect=2)
    assert result.stderr == refused("--pseudonym", 6, 12, "xxxxxxx")
    result = run("case", "open", "scr", "--pseudonym", "Child C", "--referred-by", "CSC",
                 "--child-name", NAME, "--note", "olivia-mae referred by school", expect=2)
    assert result.stderr == refused("--note", 1, 6, "xxxxxx")
    assert run("case", "list").stdout.startswith("No cases")


def test_text_about_a_named_case_is_refused_when_the_key_is_gone(run, panel, monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE)
    result = run("case", "pause", panel, "--reason", "criminal proceedings", expect=2)
    assert result.stderr.startswith(
        "Error: this case holds the child's names as keyed hashes, and text about it cannot "
        "be checked against them: no identity key is configured")


def shown_of(run, service, reference: str, emails: int) -> list[str]:
    """What a case shows anyone: its views, history, timeline, the listings and exports, and
    the text of every email queued (`emails` of them)."""
    outputs = [run("case", "show", reference).stdout,
               run("case", "show", reference, "--json").stdout,
               run("case", "history", reference).stdout,
               run("case", "history", reference, "--json").stdout,
               run("case", "history", reference, "--format", "csv").stdout,
               run("case", "timeline", reference).stdout,
               run("outbox", "list").stdout,
               run("report", "overdue", "--format", "csv").stdout,
               run("report", "figures", "--format", "json").stdout,
               run("deadlines", "--format", "ics").stdout]
    service.session.expire_all()
    rows = service.session.exec(select(OutboxEmail)).all()
    assert len(rows) == emails
    return outputs + [" ".join((r.subject, r.text_body, r.html_body or "")) for r in rows]


def test_the_name_is_in_no_output_log_email_or_export(run, panel, service, db_path, caplog):
    caplog.set_level(logging.DEBUG)
    run("case", "advance", panel, "receive_imr", "--agency", "POLICE", "--on", "2008-02-20")
    outputs = shown_of(run, service, panel, emails=2)
    outputs += [str(h.data) + (h.note or "") for h in service.session.exec(select(History))]
    outputs += [r.getMessage() for r in caplog.records]
    outputs.append(db_path.read_bytes().decode("utf-8", "replace"))
    for text in outputs:
        for part in (*PARTS, "livvy", "brown"):
            assert part not in text.lower()
    assert "hmac-sha256" not in run("case", "show", panel).stdout  # kept apart from facts
    assert service.session.exec(select(Case)).first().pseudonym == "Child A"


@pytest.mark.parametrize(("name", "error"), [
    ("Olivia\nHartley", "holds a control character (character 7): a name is one line of letters"),
    ("Olivia Hartley 2", "holds a digit (character 16): a name is letters, with spaces, "
                         "hyphens, apostrophes and full stops between them"),
    ("O" * 101, "is at most 100 characters (this one has 101)"),
])
def test_a_name_not_written_as_names_are_is_refused_at_opening(run, agencies, keyed, name,
                                                               error):
    result = run("scr", "refer", "--pseudonym", "Child A", "--referred-by", "CSC",
                 "--child-name", "Livvy Brown", "--child-name", name, expect=2)
    assert result.stderr == f"Error: --child-name {error}\n"
    assert run("case", "list").stdout.startswith("No cases")


def test_a_name_is_written_with_letters_spaces_and_punctuation_between(keyed):
    assert child_names.hashes(["Zoé\u00a0O’Neil-Smith, Jr."]) == child_names.hashes(
        ["zoe oneil smith jr"])


def test_a_name_of_one_letter_is_refused(keyed):
    with pytest.raises(InvalidInput, match="--child-name needs a name of at least 2 letters"):
        child_names.hashes(["J"])


@pytest.mark.parametrize(("args", "expected"), [
    (("case", "correct", "{ref}", "A1.text", "Audit Hartley contact", "--reason", "typo"),
     refused("the corrected value", 7, 13, "xxxxxxx")),
    (("case", "correct", "{ref}", "pseudonym", "Child Olivia", "--reason", "typo"),
     refused("the corrected value", 7, 12, "xxxxxx")),
    (("case", "correct", "{ref}", "A1.text", "Audit records", "--reason", "Mae asked"),
     refused("--reason", 1, 3, "xxx")),
    (("case", "withdraw", "{ref}", "A1", "--reason", "entered for Livvy twice"),
     refused("--reason", 13, 17, "xxxxx")),
    (("case", "void", "{ref}", "--reason", "brown's case, not this one"),
     refused("--reason", 1, 7, "xxxxx'x")),
    (("case", "correct", "{ref}", "child_name_hashes", "x", "--reason", "r"), None),
])
def test_corrections_withdrawals_and_voids_are_checked(run, overview, service, args, expected):
    run("case", "advance", overview, "add_action", "--recommendation", "R1",
        "--action", "Audit information sharing", "--agency", "HEALTH", "--due", "2008-12-31",
        "--on", "2008-03-10")
    history = len(service.session.exec(select(History)).all())
    result = run(*[a.format(ref=overview) for a in args], expect=2)
    if expected is None:  # the hashes are not a fact a person can correct
        assert "has no fact 'child_name_hashes'" in result.stderr
        assert "child_name_hashes" not in result.stderr.split("(facts:")[1]
    else:
        assert result.stderr == expected
    service.session.expire_all()
    assert len(service.session.exec(select(History)).all()) == history


def test_an_emails_cancellation_reason_is_checked_against_its_cases_names(run, panel, service):
    number = service.session.exec(select(OutboxEmail.id)).first()
    result = run("outbox", "cancel", str(number), "--reason", "Olivia moved away", expect=2)
    assert result.stderr == refused("--reason", 1, 6, "xxxxxx")
    service.session.expire_all()
    assert service.session.get(OutboxEmail, number).status == "pending"


def test_a_cdop_meetings_note_gets_the_same_check(run):
    result = run("death", "meeting", "add", "2008-06-12", "--note", "re DOB 14/02/2005",
                 expect=2)
    assert result.stderr.startswith("Error: --note holds what looks like a date of birth")


def test_a_serious_incident_opened_from_a_death_keeps_the_childs_names(keyed, service,
                                                                       agencies, clock):
    clock.set(pendulum.datetime(2019, 5, 10, 10, tz="Europe/London"))
    ref = notify_death(
        service, pseudonym="Child D", died="2019-05-03 22:00", age_band="1-4y", place="home",
        notifier="Dr Jones", notifier_agency="HEALTH", residence="Kent", death="unexpected",
        actor="c", on="2019-05-04 09:00", child_names=[NAME]).reference
    service.advance(ref, "triage", {"death": "unexpected", "jar": "yes",
                                    "criterion": ["suspicious"]}, actor="c", on="2019-05-04")
    with pytest.raises(InvalidInput, match="--reason holds what looks like one of the child's"):
        service.advance(ref, "refer_for_cspr", {"reason": "Olivia's injuries",
                                                "incident_area": "Kent"}, actor="c",
                        on="2019-05-07")
    service.advance(ref, "refer_for_cspr", {"reason": "injuries suggest abuse",
                                            "incident_area": "Kent"}, actor="c",
                    on="2019-05-07")
    linked = service.case(ref).data["cspr_referral"]
    assert child_names.of(service.case(linked).data) == child_names.of(service.case(ref).data)
    with pytest.raises(InvalidInput, match="--reason holds what looks like one of the child's"):
        service.pause(linked, "Hartley family in court", actor="c", on="2019-05-08")
