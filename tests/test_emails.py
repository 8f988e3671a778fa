"""Agencies' emails: queued in the step's transaction, from templates a board can override.

Dates are worked out by hand in the comments. The clock stands at Tuesday 1 April 2008.
"""

from __future__ import annotations

import datetime as dt
import json
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
from sqlmodel import select

from casework.config import Settings, load_settings
from casework.errors import InvalidInput, StepRefused
from casework.models import Case, Deadline, History, OutboxEmail
from casework.service import CaseService
from notifications.notifier import Notifier
from notifications.render import TemplateProblem
from tests.conftest import CHILD_DETAILS


def step(service: CaseService, ref: str, name: str, on: str, **options):
    return service.advance(ref, name, options, actor="coordinator", on=on)


def outbox(service: CaseService) -> list[OutboxEmail]:
    service.session.expire_all()
    return list(service.session.exec(select(OutboxEmail).order_by(OutboxEmail.id)))


def to_terms_of_reference(service: CaseService) -> str:
    """Referred 3 Dec 2007, decided 20 Dec, panel formed Thursday 10 January 2008."""
    service.set_board_contact("mailbox", "lscb@kent.example.org", name="LSCB business unit",
                              actor="test")
    ref = service.refer_scr("Child A", actor="coordinator", on="2007-12-03").reference
    step(service, ref, "recommend", "2007-12-10", recommendation="scr", criteria="death")
    step(service, ref, "decide", "2007-12-20", outcome="scr", criteria=["death"],
         rationale="a child died", chair="J Smith")
    step(service, ref, "notify_inspectorate", "2007-12-21")
    step(service, ref, "form_panel", "2008-01-10", chair="Independent chair",
         member="DI Jones, POLICE", conflicts="none")
    return ref


def commissioned(service: CaseService) -> str:
    """IMRs commissioned on Friday 18 January 2008 from POLICE and CSC (6 weeks: Friday
    29 February 2008, a leap day) and from HEALTH by Friday 14 March 2008."""
    ref = to_terms_of_reference(service)
    step(service, ref, "commission_imrs", "2008-01-18", terms="ToR v1",
         agency=["POLICE", "CSC", "HEALTH=2008-03-14"])
    return ref


def test_commissioning_imrs_emails_each_agency_its_request(service, agencies):
    service.update_agency("POLICE", actor="test",
                          contact_email=["pp@police.example.org", "duty@police.example.org"])
    ref = commissioned(service)
    assert ref == "SCR-2007-001"
    rows = outbox(service)
    assert [(r.key, r.kind, r.recipients, r.status) for r in rows] == [
        ("SCR-2007-001/imr:POLICE/request", "request",
         "pp@police.example.org, duty@police.example.org", "pending"),
        ("SCR-2007-001/imr:CSC/request", "request", "duty@csc.example.org", "pending"),
        ("SCR-2007-001/imr:HEALTH/request", "request", "nurse@pct.example.org", "pending"),
    ]
    police, _, health = rows
    assert police.subject == ("IMR requested: SCR-2007-001 (Child A), due Friday 29 February "
                              "2008")
    assert health.subject == "IMR requested: SCR-2007-001 (Child A), due Friday 14 March 2008"
    assert police.reply_to == "lscb@kent.example.org"
    assert police.sender == "Local Safeguarding Children Board <lscb@kent.example.org>"
    assert "To the safeguarding lead, Kent Police" in police.text_body
    assert "  Due:       Friday 29 February 2008\n" in police.text_body
    assert "Please reply to LSCB business unit <lscb@kent.example.org>." in police.text_body
    assert "<strong>Friday 29 February 2008</strong>" in (police.html_body or "")
    # Each email has its history row, in the step's transaction.
    case = service.case(ref)
    history = service.session.exec(select(History).where(History.case_id == case.id)
                                   .order_by(History.id)).all()
    assert [h.step for h in history][-4:] == ["commission_imrs", "email_queued",
                                              "email_queued", "email_queued"]
    assert history[-1].data["key"] == "SCR-2007-001/imr:HEALTH/request"
    deadline_ids = {d.key: d.id for d in service.deadlines_of(case)}
    assert police.deadline_id == deadline_ids["imr:POLICE"]


def test_a_refused_step_queues_no_email(service, agencies):
    ref = to_terms_of_reference(service)
    # POLICE's request is rendered before CSC's date is found wrong: it goes with the step.
    with pytest.raises(InvalidInput, match="due date 1 Jan 2008 is before 18 Jan 2008"):
        step(service, ref, "commission_imrs", "2008-01-18", terms="ToR",
             agency=["POLICE", "CSC=2008-01-01"])
    service.update_agency("EDU", actor="test", active=False)
    with pytest.raises(InvalidInput, match="agency EDU is no longer active"):
        step(service, ref, "commission_imrs", "2008-01-18", terms="ToR",
             agency=["POLICE", "EDU"])
    assert outbox(service) == []
    assert service.case(ref).state == "terms_of_reference"
    step(service, ref, "commission_imrs", "2008-01-18", terms="ToR", agency=["POLICE"])
    with pytest.raises(StepRefused, match="already been commissioned from POLICE"):
        step(service, ref, "commission_imr", "2008-01-21", agency="POLICE")
    assert [row.key for row in outbox(service)] == ["SCR-2007-001/imr:POLICE/request"]


def board_template(service: CaseService, tmp_path: Path, text: str) -> None:
    """The board's own email/request_imr.txt, in its template folder."""
    folder = tmp_path / "board-templates" / "email"
    folder.mkdir(parents=True)
    (folder / "request_imr.txt").write_text(text)
    service.settings.mail.templates = folder.parent
    service.listeners = [Notifier(service.settings)]


def test_a_board_template_that_does_not_render_refuses_the_step(service, agencies, tmp_path):
    board_template(service, tmp_path, "{% set subject %}IMR for {{ case.reference }}"
                   "{% endset %}\nDear {{ agency.contact_person }}\n")
    ref = to_terms_of_reference(service)
    with pytest.raises(TemplateProblem, match=r"email template .*/board-templates/email/"
                                              r"request_imr.txt line 2 does not render: "
                                              r"'dict object' has no attribute 'contact_person'"):
        step(service, ref, "commission_imrs", "2008-01-18", terms="ToR", agency=["POLICE"])
    assert service.case(ref).state == "terms_of_reference"
    assert service.deadlines_of(service.case(ref))[-1].kind != "imr"
    assert outbox(service) == []


def test_a_board_overrides_one_template_and_keeps_the_others(service, agencies, tmp_path):
    board_template(service, tmp_path, "{% set subject %}[Kent LSCB] IMR {{ case.reference }} "
                   "by {{ request.due }}{% endset %}\nKent's own wording for {{ agency.name }}.\n")
    ref = commissioned(service)
    step(service, ref, "waive_imr", "2008-01-25", agency="CSC", reason="no involvement")
    police, _, _, withdrawn = outbox(service)
    assert police.subject == "[Kent LSCB] IMR SCR-2007-001 by Friday 29 February 2008"
    assert police.text_body == "Kent's own wording for Kent Police.\n"
    assert "<strong>Friday 29 February 2008</strong>" in (police.html_body or "")  # built in
    assert withdrawn.subject == ("No longer needed: Individual management review, "
                                 "SCR-2007-001 (Child A)")


def test_html_is_escaped_and_the_text_is_not(service, agencies):
    ref = service.refer_scr('Child "A" <B> & C', actor="coordinator", on="2007-12-03").reference
    step(service, ref, "recommend", "2007-12-10", recommendation="scr", criteria="death")
    step(service, ref, "decide", "2007-12-20", outcome="non_statutory",
         criteria=["inter_agency_concerns"], rationale="r", chair="J Smith")
    step(service, ref, "form_panel", "2008-01-10", chair="c", member="m", conflicts="none")
    step(service, ref, "commission_imrs", "2008-01-18", terms="ToR", agency=["POLICE"])
    (row,) = outbox(service)
    assert 'SCR-2007-001 ("Child "A" <B> & C")' in row.text_body
    assert "Child &#34;A&#34; &lt;B&gt; &amp; C" in (row.html_body or "")
    assert "<B>" not in (row.html_body or "")


def test_an_extension_a_pause_and_a_waiver_tell_the_agency(service, agencies):
    ref = commissioned(service)
    # Paused Friday 1 February, resumed Monday 11 February: 10 days. POLICE's IMR (6 weeks,
    # calendar) moves from Friday 29 February to Monday 10 March 2008.
    service.pause(ref, "criminal proceedings", actor="coordinator", on="2008-02-01")
    service.resume(ref, actor="coordinator", on="2008-02-11")
    service.extend(ref, "imr:CSC", to="2008-03-20", reason="staff sickness", actor="c")
    step(service, ref, "waive_imr", "2008-02-12", agency="HEALTH", reason="not involved")
    rows = {r.key: r for r in outbox(service)}
    moved = rows["SCR-2007-001/imr:POLICE/due:2008-03-10/0.10"]
    assert moved.kind == "due_changed"
    assert moved.subject == ("New due date: Individual management review, SCR-2007-001 "
                             "(Child A), now Monday 10 March 2008")
    assert "  Was due:   Friday 29 February 2008\n" in moved.text_body
    assert "  Now due:   Monday 10 March 2008\n" in moved.text_body
    # CSC was moved by the pause (29 Feb -> 10 Mar), then extended to Thursday 20 March.
    extended = rows["SCR-2007-001/imr:CSC/due:2008-03-20/1.10"]
    assert "  Was due:   Monday 10 March 2008\n" in extended.text_body
    assert "  Now due:   Thursday 20 March 2008\n" in extended.text_body
    withdrawn = rows["SCR-2007-001/imr:HEALTH/withdrawn"]
    assert withdrawn.recipients == "nurse@pct.example.org"
    assert "(was due Monday 24 March 2008)" in withdrawn.text_body  # 14 Mar + 10 days
    # The reasons typed for the pause, the extension and the waiver stay in the history.
    for row in rows.values():
        for reason in ("criminal proceedings", "staff sickness", "not involved"):
            assert reason not in row.text_body
    assert len(rows) == 3 + 3 + 1 + 1


def test_an_action_names_its_number_recommendation_and_date(service, agencies):
    ref = commissioned(service)
    step(service, ref, "receive_imr", "2008-02-20", agency="POLICE")
    step(service, ref, "receive_imr", "2008-02-21", agency="CSC")
    step(service, ref, "receive_imr", "2008-02-22", agency="HEALTH")
    step(service, ref, "commission_overview", "2008-02-25", author="A Writer")
    step(service, ref, "add_action", "2008-03-10", recommendation="Health visitors to share "
         "concerns with GPs", action="Audit information sharing", agency="HEALTH",
         due="2008-12-31")
    row = outbox(service)[-1]
    assert row.key == "SCR-2007-001/action:1/request"
    assert row.subject == ("Action A1 for Primary Care Trust: SCR-2007-001 (Child A), due "
                           "Wednesday 31 December 2008")
    assert "  Action A1: Audit information sharing\n" in row.text_body
    assert "  Recommendation: Health visitors to share concerns with GPs\n" in row.text_body


def test_a_form_b_request_counts_working_days_over_easter(service, agencies):
    from casework.deaths import notify_death

    # A pilot area's panel, reviewing deaths before the statutory start (1 April 2008).
    service.settings.switches[("cdr", "2008.1")] = dt.date(2008, 3, 1)
    ref = notify_death(service, pseudonym="Child B", died="2008-03-14 08:00", age_band="1-4y",
                       place="hospital", notifier="Dr Jones", notifier_agency="HEALTH",
                       residence="Kent", death="expected", actor="coordinator",
                       on="2008-03-14 12:00").reference
    step(service, ref, "triage", "2008-03-14 13:00", death="expected")
    step(service, ref, "request_reports", "2008-03-17", agency=["POLICE", "EDU"])
    # 15 working days from Monday 17 March 2008: Good Friday (21st) and Easter Monday (24th)
    # are not counted: 18-20 (3), 25-28 (7), 31 (8), 1-4 April (12), 7-9 (15).
    police, edu = outbox(service)
    assert police.subject == ("Form B requested: CDR-2008-001 (Child B), due Wednesday "
                              "9 April 2008")
    assert "Child Death Overview Panel" in police.text_body
    assert edu.recipients == "cp@edu.example.org"


def test_the_child_details_typed_in_free_text_stay_out_of_every_email(service, agencies):
    """Notes, reasons and rationales are for the record; emails carry what is asked, the
    reference and the pseudonym. (Every test's emails are also scanned after it runs.)"""
    name, address = CHILD_DETAILS[0], CHILD_DETAILS[2]  # a date of birth is refused: below
    about = f"{name} of {address}"
    ref = service.refer_scr("Child A", actor="coordinator", on="2007-12-03",
                            note=about).reference
    step(service, ref, "recommend", "2007-12-10", recommendation="scr", criteria="death",
         note=about)
    step(service, ref, "decide", "2007-12-20", outcome="scr", criteria=["death"],
         rationale=about, chair="J Smith")
    step(service, ref, "notify_inspectorate", "2007-12-21", to=about)
    step(service, ref, "form_panel", "2008-01-10", chair="c", member=about, conflicts=about)
    step(service, ref, "commission_imrs", "2008-01-18", terms=about,
         agency=["POLICE", "CSC", "HEALTH"])
    service.pause(ref, about, actor="coordinator", on="2008-02-01")
    service.resume(ref, actor="coordinator", on="2008-02-04", note=about)
    service.extend(ref, "imr:POLICE", by="1 week", reason=about, actor="coordinator")
    step(service, ref, "waive_imr", "2008-02-05", agency="HEALTH", reason=about)
    rows = outbox(service)
    assert len(rows) == 3 + 3 + 1 + 1  # requests, the pause's moves, the extension, a waiver
    for row in rows:
        text = " ".join((row.subject, row.text_body, row.html_body or ""))
        for detail in CHILD_DETAILS:
            assert detail not in text
    assert any(about in (h.note or "") for h in service.history(ref))  # kept where it belongs


# -- through the command line ---------------------------------------------------------------


@pytest.fixture
def at_terms(run, agencies, service) -> str:
    return to_terms_of_reference(service)


def test_preview_shows_a_steps_emails_and_records_nothing(run, at_terms):
    before = run("case", "history", at_terms, "--json").stdout
    result = run("outbox", "preview", at_terms, "commission_imrs", "--terms", "ToR",
                 "--agency", "POLICE", "--agency", "CSC=2008-03-14", "--on", "2008-01-18")
    assert result.stdout.startswith(
        "SCR-2007-001: commission_imrs would send 2 emails (nothing has been recorded or "
        "sent):\n")
    assert "Subject:  IMR requested: SCR-2007-001 (Child A), due Friday 29 February 2008\n" \
        in result.stdout
    assert "To:       duty@csc.example.org\n" in result.stdout
    assert "Subject:  IMR requested: SCR-2007-001 (Child A), due Friday 14 March 2008\n" \
        in result.stdout
    assert run("case", "history", at_terms, "--json").stdout == before
    assert json.loads(run("case", "show", at_terms, "--json").stdout)["stage"] == \
        "terms_of_reference"
    assert run("outbox", "list").stdout == "The outbox is empty.\n"
    nothing = run("outbox", "preview", at_terms, "notify_inspectorate", expect=4)
    assert "allowed: commission_imrs" in nothing.stderr


def test_advance_says_what_it_queued_and_send_writes_eml_files_once(run, at_terms, settings):
    advanced = run("case", "advance", at_terms, "commission_imrs", "--terms", "ToR",
                   "--agency", "POLICE", "--agency", "CSC", "--on", "2008-01-18")
    assert advanced.stdout.endswith(
        "2 emails queued for the agencies (`casework outbox list`; `casework outbox send` "
        "delivers them)\n")
    listing = run("outbox", "list").stdout.splitlines()
    assert listing[0].split() == ["#", "Status", "Case", "Due", "To", "Subject"]
    assert listing[2].split()[:7] == ["2", "pending", "SCR-2007-001", "29", "Feb", "2008",
                                      "duty@csc.example.org"]
    sent = run("outbox", "send")
    folder = settings.mail.folder  # beside an SQLite file, else in the user's data folder
    assert sent.stdout == f"Delivery through the folder {folder}: 2 sent.\n"
    files = sorted(folder.glob("*.eml"))
    assert [f.name for f in files] == ["000001-SCR-2007-001_imr_POLICE_request.eml",
                                       "000002-SCR-2007-001_imr_CSC_request.eml"]
    message = message_from_bytes(files[1].read_bytes(), policy=default_policy)
    assert message["To"] == "duty@csc.example.org"
    assert message["Reply-To"] == "lscb@kent.example.org"
    assert message["Subject"] == ("IMR requested: SCR-2007-001 (Child A), due Friday "
                                  "29 February 2008")
    assert message["Date"] == "Tue, 01 Apr 2008 09:00:00 +0000"  # queued at 10:00 BST
    assert message["Message-ID"].endswith(".casework@kent.example.org>")
    # Text and HTML alternatives, with the deadline for the agency's calendar attached.
    assert message.get_content_type() == "multipart/mixed"
    assert [p.get_filename() for p in message.iter_attachments()] == [
        "SCR-2007-001-imr-CSC.ics"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Due:       Friday 29 February 2008" in text
    assert "<strong>Friday 29 February 2008</strong>" in html
    assert run("outbox", "send").stdout == f"Delivery through the folder {folder}: 0 sent.\n"
    assert len(list(folder.glob("*.eml"))) == 2
    shown = run("outbox", "show", "2").stdout
    assert "Status    sent 1 Apr 2008 10:00\n" in shown
    assert "Key       SCR-2007-001/imr:CSC/request\n" in shown
    steps = [h["step"] for h in json.loads(run("case", "history", at_terms, "--json").stdout)]
    assert steps[-5:] == ["commission_imrs", "email_queued", "email_queued", "email_sent",
                          "email_sent"]


def test_board_contacts_and_agency_addresses_are_checked_when_entered(run, agencies):
    bad = run("board", "set-contact", "chair", "--email", "chair at kent", expect=2)
    assert bad.stderr == ("Error: --email 'chair at kent' is not an email address: An email "
                          "address must have an @-sign\n")
    two = run("board", "set-contact", "mailbox", "--email", "a@kent.example.org, "
              "b@kent.example.org", expect=2)
    assert two.stderr == "Error: --email takes one address\n"
    run("board", "set-contact", "scr-panel-chair", "--email", "scr.chair@kent.example.org",
        "--name", "Pat Chair")
    contacts = json.loads(run("board", "contacts", "--json").stdout)
    assert contacts["scr_panel_chair"] == {"name": "Pat Chair",
                                           "email": "scr.chair@kent.example.org"}
    assert contacts["chair"] is None
    shown = run("board", "contacts").stdout
    assert ("  Board chair                   not set: casework board set-contact chair\n"
            "                                --email ...\n") in shown
    run("agency", "add", "YOS", "--name", "Youth Offending Service", "--email",
        "yos@kent.example.org", "--email", "yos.manager@kent.example.org;x@kent.example.org")
    yos = json.loads(run("agency", "show", "YOS", "--json").stdout)
    assert yos["contact_email"] == ("yos@kent.example.org, yos.manager@kent.example.org, "
                                    "x@kent.example.org")
    refused = run("agency", "update", "YOS", "--email", "ok@kent.example.org", "--email",
                  "not-an-address", expect=2)
    assert refused.stderr == ("Error: --email 'not-an-address' is not an email address: An "
                              "email address must have an @-sign\n")
    assert json.loads(run("agency", "show", "YOS", "--json").stdout) == yos


# -- the config file's [email] ------------------------------------------------------------


def write_config(tmp_path: Path, text: str) -> str:
    path = tmp_path / "casework.toml"
    path.write_text(text)
    return str(path)


def test_email_settings_from_the_config_file(tmp_path):
    (tmp_path / "mine").mkdir()
    settings = load_settings(db=str(tmp_path / "c.db"), config=write_config(tmp_path, f"""
[email]
from = "Kent LSCB <lscb@kent.example.org>"
templates = "{tmp_path / 'mine'}"
[email.smtp]
host = "relay.kent.example.org"
security = "tls"
username = "casework"
"""), env={})
    mail = settings.mail
    assert (mail.sender, mail.templates, mail.folder) == (
        "Kent LSCB <lscb@kent.example.org>", tmp_path / "mine", tmp_path / "outbox")
    assert mail.smtp is not None
    assert (mail.smtp.host, mail.smtp.port, mail.smtp.security, mail.smtp.username,
            mail.smtp.password_env) == ("relay.kent.example.org", 465, "tls", "casework",
                                        "CASEWORK_SMTP_PASSWORD")
    default = Settings(database_url=f"sqlite:///{tmp_path}/x/c.db", database_source="t")
    assert default.mail.folder == tmp_path / "x" / "outbox"
    assert default.mail.smtp is None


@pytest.mark.parametrize(("text", "message"), [
    ('[email.smtp]\nhost = "h"\npassword = "hunter2"',
     "never put the SMTP password in a file"),
    ('[email.smtp]\nport = 25', r"\[email.smtp\]: host is needed"),
    ('[email.smtp]\nhost = "h"\nsecurity = "ssl"', "security must be one of starttls, tls"),
    ('[email.smtp]\nhost = "h"\nport = 0', "port must be a number from 1 to 65535"),
    ('[email]\nfrom = "nobody"', r"\[email\] from: 'nobody' is not an email address"),
    ('[email]\nsender = "a@b.org"', "unknown setting 'sender'"),
    ('[email]\ntemplates = "/no/such/folder"', "is not a folder"),
])
def test_email_settings_that_cannot_work_are_refused(tmp_path, text, message):
    with pytest.raises(InvalidInput, match=message):
        load_settings(db=str(tmp_path / "c.db"), config=write_config(tmp_path, text), env={})


def test_rows_refer_to_their_case_and_deadline(service, agencies):
    ref = commissioned(service)
    case = service.case(ref)
    row = outbox(service)[0]
    assert row.case_id == case.id
    assert service.session.get(Deadline, row.deadline_id).key == "imr:POLICE"
    assert service.session.get(Case, row.case_id).reference == ref
