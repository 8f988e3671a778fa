"""Delivering the outbox to a real SMTP server on 127.0.0.1, and what happens when it fails.

Each fault ends with nothing lost, nothing sent twice and a clear status. The clock stands at
Tuesday 1 April 2008, 10:00 BST (09:00 UTC); the emails were queued then.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlmodel import select

from casework.config import SmtpSettings
from casework.models import History, OutboxEmail
from casework.service import CaseService
from notifications.outbox import LEASE, claim, deliver, message_id
from notifications.transports import ServerUnavailable, SmtpTransport
from tests.conftest import SmtpSink, free_port, server_tls
from tests.test_emails import commissioned


@pytest.fixture
def queued(service: CaseService, agencies) -> str:
    """Three IMR requests: POLICE (two addresses), CSC and HEALTH."""
    service.update_agency("POLICE", actor="test",
                          contact_email=["pp@police.example.org", "duty@police.example.org"])
    return commissioned(service)


def smtp(port: int, **given) -> SmtpTransport:
    env = {"CASEWORK_SMTP_PASSWORD": given.pop("password")} if "password" in given else {}
    return SmtpTransport(SmtpSettings(host="127.0.0.1", port=port,
                                      security=given.pop("security", "none"), **given), env)


def rows(service: CaseService) -> list[OutboxEmail]:
    service.session.expire_all()
    return list(service.session.exec(select(OutboxEmail).order_by(OutboxEmail.id)))


def statuses(service: CaseService) -> list[tuple[str, int]]:
    return [(row.status, row.attempts) for row in rows(service)]


def test_one_connection_delivers_every_email_with_its_headers_and_both_parts(
        service, queued, smtp_sink, caplog):
    report = deliver(service, smtp(smtp_sink.port))
    assert [r.getMessage() for r in caplog.records if r.name == "casework.outbox"] == [
        f"outbox via SMTP 127.0.0.1:{smtp_sink.port} (none): 3 sent, 0 to retry, 0 failed"]
    assert (report.sent, report.retrying, report.failed, report.unavailable) == (3, 0, 0, None)
    assert report.via == f"SMTP 127.0.0.1:{smtp_sink.port} (none)"
    assert smtp_sink.ehlos == 1  # one session for the batch
    assert smtp_sink.envelopes == [
        ("lscb@kent.example.org", ["pp@police.example.org", "duty@police.example.org"]),
        ("lscb@kent.example.org", ["duty@csc.example.org"]),
        ("lscb@kent.example.org", ["nurse@pct.example.org"])]
    police = smtp_sink.messages[0]
    assert police["From"] == "Local Safeguarding Children Board <lscb@kent.example.org>"
    assert police["To"] == "pp@police.example.org, duty@police.example.org"
    assert police["Reply-To"] == "lscb@kent.example.org"
    assert police["Subject"] == ("IMR requested: SCR-2007-001 (Child A), due Friday "
                                 "29 February 2008")
    assert police["Date"] == "Tue, 01 Apr 2008 09:00:00 +0000"
    assert police["Message-ID"] == message_id(rows(service)[0])
    text = police.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = police.get_body(("html",)).get_content()
    assert "  Due:       Friday 29 February 2008\n" in text
    assert "<strong>Friday 29 February 2008</strong>" in html
    health = smtp_sink.messages[2].get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "  Due:       Friday 14 March 2008\n" in health
    assert statuses(service) == [("sent", 1)] * 3
    assert all(row.sent_at is not None and row.last_error is None for row in rows(service))
    sent = service.session.exec(select(History).where(History.step == "email_sent")).all()
    assert [h.data["key"] for h in sent] == [row.key for row in rows(service)]
    again = deliver(service, smtp(smtp_sink.port))
    assert again.sent == 0 and len(smtp_sink.messages) == 3


def test_starttls_and_login_with_the_password_from_the_environment(service, queued,
                                                                   certificate):
    def authenticate(server, session, envelope, mechanism, auth_data):
        given = (auth_data.login, auth_data.password)
        ok = isinstance(auth_data, LoginPassword) and given in {("casework", "s3cret"),
                                                                (b"casework", b"s3cret")}
        return AuthResult(success=ok, handled=False)  # the server answers 235 or 535

    sink = SmtpSink(tls_context=server_tls(certificate), require_starttls=True,
                    authenticator=authenticate, auth_require_tls=True).start()
    try:
        secure = {"security": "starttls", "username": "casework", "ca_file": certificate[0]}
        wrong = deliver(service, smtp(sink.port, password="guess", **secure))
        assert wrong.unavailable == (f"127.0.0.1:{sink.port} refused the login as casework: "
                                     "535 5.7.8 Authentication credentials invalid")
        assert statuses(service) == [("pending", 1)] * 3 and sink.messages == []
        with pytest.raises(ServerUnavailable, match=r"SMTP login as casework needs a "
                                                    r"password: set \$CASEWORK_SMTP_PASSWORD"):
            smtp(sink.port, **secure)
        service.clock.advance(minutes=1)
        report = deliver(service, smtp(sink.port, password="s3cret", **secure))
        assert report.sent == 3 and len(sink.messages) == 3
    finally:
        sink.stop()


def test_implicit_tls(service, queued, certificate):
    sink = SmtpSink(ssl_context=server_tls(certificate)).start()
    try:
        report = deliver(service, smtp(sink.port, security="tls", ca_file=certificate[0]))
        assert report.sent == 3 and len(sink.messages) == 3
        untrusted = SmtpSink(ssl_context=server_tls(certificate)).start()
        try:
            service.clock.advance(minutes=1)
            extra = commissioned_more(service)
            refused = deliver(service, smtp(untrusted.port, security="tls"))
            assert refused.unavailable is not None
            assert "TLS failed: CERTIFICATE_VERIFY_FAILED" in refused.unavailable
            assert rows(service)[-1].key == extra and rows(service)[-1].status == "pending"
        finally:
            untrusted.stop()
    finally:
        sink.stop()


def commissioned_more(service: CaseService) -> str:
    service.advance("SCR-2007-001", "commission_imr", {"agency": "EDU"}, actor="c",
                    on="2008-01-21")
    return "SCR-2007-001/imr:EDU/request"


def test_the_server_down_loses_nothing_and_the_next_run_sends_once(service, queued):
    port = free_port()  # nothing listens here
    report = deliver(service, smtp(port))
    assert report.sent == 0
    assert report.unavailable == f"could not reach 127.0.0.1:{port}: Connection refused"
    assert statuses(service) == [("pending", 1)] * 3
    first = rows(service)[0]
    assert first.last_error == report.unavailable
    # The first retry is a minute later: not before.
    assert first.next_attempt_at == dt.datetime(2008, 4, 1, 9, 1, tzinfo=dt.UTC)
    sink = SmtpSink()
    sink.port = port
    from aiosmtpd.controller import Controller

    sink.controller = Controller(sink, hostname="127.0.0.1", port=port)
    sink.start()
    try:
        assert deliver(service, smtp(port)).sent == 0
        service.clock.advance(minutes=1)
        assert deliver(service, smtp(port)).sent == 3
        assert deliver(service, smtp(port)).sent == 0
        assert len(sink.messages) == 3
        assert statuses(service) == [("sent", 2)] * 3
    finally:
        sink.stop()


def test_a_4xx_answer_is_retried_later_and_sent_once(service, queued, smtp_sink):
    smtp_sink.mode = "tempfail"
    report = deliver(service, smtp(smtp_sink.port))
    assert (report.sent, report.retrying, report.failed) == (0, 3, 0)
    assert statuses(service) == [("pending", 1)] * 3
    assert rows(service)[0].last_error == "451 4.3.0 Mail system busy, try again later"
    assert smtp_sink.ehlos == 1  # the session survives a 4xx: all three were tried on it
    smtp_sink.mode = "ok"
    service.clock.advance(minutes=1)
    assert deliver(service, smtp(smtp_sink.port)).sent == 3
    assert len(smtp_sink.messages) == 3
    assert statuses(service) == [("sent", 2)] * 3


def test_a_5xx_answer_fails_the_email_with_the_reply_until_retried(service, queued, smtp_sink,
                                                                    run):
    smtp_sink.mode = "reject"
    report = deliver(service, smtp(smtp_sink.port))
    assert (report.sent, report.retrying, report.failed) == (0, 0, 3)
    assert report.problems[0] == ("#1 SCR-2007-001/imr:POLICE/request: failed: 554 5.7.1 "
                                  "Message refused by policy")
    assert statuses(service) == [("failed", 1)] * 3
    failed = service.session.exec(select(History).where(History.step == "email_failed")).all()
    assert len(failed) == 3
    service.clock.advance(hours=2)
    assert deliver(service, smtp(smtp_sink.port)).failed == 0  # never tried again by itself
    listing = run("outbox", "list", "--status", "failed").stdout
    assert "3 failed: `casework outbox show N` says why" in listing
    assert "Last error  554 5.7.1 Message refused by policy\n" in run("outbox", "show",
                                                                      "1").stdout
    assert run("outbox", "retry", "--all-failed").stdout == "Queued again: #1, #2, #3.\n"
    smtp_sink.mode = "ok"
    assert deliver(service, smtp(smtp_sink.port)).sent == 3
    assert statuses(service) == [("sent", 2)] * 3 and len(smtp_sink.messages) == 3
    refused = run("outbox", "retry", "1", expect=2)
    assert refused.stderr == "Error: email #1 is sent: only failed emails are retried\n"


def test_recipients_refused_for_good_fail_the_email(service, queued, smtp_sink):
    smtp_sink.mode = "reject_rcpt"
    deliver(service, smtp(smtp_sink.port))
    police = rows(service)[0]
    assert police.status == "failed"
    assert police.last_error == ("recipients refused: pp@police.example.org: 550 5.1.1 No "
                                 "such mailbox here; duty@police.example.org: 550 5.1.1 No "
                                 "such mailbox here")


def test_a_connection_dropped_mid_message_loses_nothing_and_sends_once(service, queued,
                                                                        smtp_sink):
    smtp_sink.mode = "drop"
    report = deliver(service, smtp(smtp_sink.port))
    assert (report.sent, report.retrying) == (0, 3)
    assert rows(service)[0].last_error.startswith("the server dropped the connection")
    assert smtp_sink.messages == []
    smtp_sink.mode = "ok"
    service.clock.advance(minutes=1)
    assert deliver(service, smtp(smtp_sink.port)).sent == 3
    assert sorted(m["To"] for m in smtp_sink.messages) == [
        "duty@csc.example.org", "nurse@pct.example.org",
        "pp@police.example.org, duty@police.example.org"]


def test_temporary_failures_for_three_days_become_a_failure(service, queued, smtp_sink):
    smtp_sink.mode = "tempfail"
    for _ in range(72):  # tried every hour: at 0 h, 1 h, ... 71 h
        deliver(service, smtp(smtp_sink.port))
        service.clock.advance(hours=1)
    assert statuses(service) == [("pending", 72)] * 3
    deliver(service, smtp(smtp_sink.port))  # 72 h after the first attempt
    police = rows(service)[0]
    assert (police.status, police.attempts) == ("failed", 73)
    assert police.last_error == ("still failing 3 days after the first attempt (73 attempts): "
                                 "451 4.3.0 Mail system busy, try again later")


def test_rows_a_dead_sender_claimed_wait_for_its_lease_then_go_once(service, queued,
                                                                    smtp_sink):
    taken = claim(service, 10)  # a sender claims, then dies before sending
    assert [row.status for row in taken] == ["sending"] * 3
    assert deliver(service, smtp(smtp_sink.port)).sent == 0
    service.clock.advance(seconds=LEASE.total_seconds() - 1)
    assert deliver(service, smtp(smtp_sink.port)).sent == 0
    service.clock.advance(seconds=2)
    assert deliver(service, smtp(smtp_sink.port)).sent == 3
    assert len(smtp_sink.messages) == 3


def test_a_limit_sends_the_oldest_first(service, queued, smtp_sink):
    assert deliver(service, smtp(smtp_sink.port), limit=2).sent == 2
    assert statuses(service) == [("sent", 1), ("sent", 1), ("pending", 0)]
    assert deliver(service, smtp(smtp_sink.port), limit=2).sent == 1


def smtp_config(tmp_path, port: int) -> str:
    path = tmp_path / "board.toml"
    path.write_text(f'[email.smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n')
    return str(path)


def test_outbox_send_from_the_command_line(run, queued, smtp_sink, tmp_path):
    config = smtp_config(tmp_path, smtp_sink.port)
    result = run("--config", config, "outbox", "send")
    assert result.stdout == f"Delivery through SMTP 127.0.0.1:{smtp_sink.port} (none): 3 sent.\n"
    down = smtp_config(tmp_path, free_port())
    run("case", "advance", "SCR-2007-001", "commission_imr", "--agency", "EDU",
        "--on", "2008-01-21")
    failed = run("--config", down, "outbox", "send", expect=9)
    assert failed.stdout.endswith(": 0 sent, 1 to retry later.\n")
    warning, error = failed.stderr.splitlines()  # the log's warning, then the command's error
    assert " WARNING casework.outbox: outbox via SMTP 127.0.0.1:" in warning
    assert error.startswith("Error: could not reach 127.0.0.1:")
    assert error.endswith("Connection refused: the emails wait in the outbox for the next run")


def test_two_senders_at_once_send_each_email_once(service, queued, smtp_sink, tmp_path,
                                                  db_url):
    """Two `casework outbox send` processes on one SQLite file, 60 emails between them."""
    from notifications.notifier import queue_email

    for number in range(57):
        queue_email(service, service.listeners[0].renderer, key=f"bulk/{number}",
                    kind="request", names=["request"], to=f"a{number}@example.org",
                    case=service.case("SCR-2007-001"), actor="test",
                    context={"agency": {"code": "X", "name": "X"},
                             "request": {"title": "t", "detail": None, "label": None,
                                         "due": "Friday 29 February 2008", "due_time": None}})
    service.session.commit()
    config = smtp_config(tmp_path, smtp_sink.port)
    command = [sys.executable, "-m", "casework", "--db", db_url, "--config", config,
               "outbox", "send"]
    senders = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(2)]
    outputs = [sender.communicate(timeout=60) for sender in senders]
    assert [sender.returncode for sender in senders] == [0, 0], outputs
    counts = [int(out.split(": ")[1].split(" sent")[0]) for out, _ in outputs]
    assert sum(counts) == 60
    ids = [m["Message-ID"] for m in smtp_sink.messages]
    assert len(ids) == len(set(ids)) == 60
    assert statuses(service) == [("sent", 1)] * 60
