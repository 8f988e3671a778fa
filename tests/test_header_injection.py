"""A line break in anything that reaches a mail header is refused when it is entered, and a
row that holds one anyway fails alone: delivery goes on for the others (issue 20)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from casework.config import load_settings
from casework.errors import InvalidInput
from casework.models import OutboxEmail
from notifications.outbox import deliver
from tests.test_outbox_delivery import queued, rows, smtp  # noqa: F401 (fixture)

BREAKS = ["x\r\nBcc: everyone@evil.example.org", "x\nSubject: hi", "x\rX", "x\u2028y",
          "x\x85y"]


@pytest.mark.parametrize("value", BREAKS)
def test_names_and_pseudonyms_with_a_line_break_are_refused_at_entry(run, agencies, value):
    commands = [
        ("board", "set-contact", "mailbox", "--email", "lscb@board.example.org", "--name", value),
        ("agency", "add", "YOT", "--name", value, "--email", "yot@yot.example.org"),
        ("agency", "update", "CSC", "--name", value),
        ("scr", "refer", "--pseudonym", value, "--referred-by", "CSC"),
        ("case", "open", "scr", "--pseudonym", value, "--referred-by", "CSC"),
    ]
    for command in commands:
        result = run(*command, expect=2)
        assert "must be one line" in result.stderr or "control character" in result.stderr
    assert "x" not in {c.split()[0] for c in run("case", "list").stdout.splitlines()[1:]}


@pytest.mark.parametrize("address", ["a(b@x.org", 'a"b@x.org', "a@b@c.org", "a b@x.org",
                                     "a@x", "a@-x.org", "a..b@x.org"])
def test_addresses_that_are_not_plain_addresses_are_refused(run, agencies, address):
    run("agency", "add", "YOT", "--name", "Youth Offending", "--email", address, expect=2)


@pytest.mark.parametrize(("table", "value"), [("board", 'name = "Kent\\r\\nBcc: x@y.org"'),
                                              ("email", 'from = "lscb@x.org\\r\\nBcc: x@y.org"')])
def test_the_config_file_refuses_a_line_break_in_the_board_name_or_sender(tmp_path, table,
                                                                          value):
    config = tmp_path / "casework.toml"
    config.write_text(f"[{table}]\n{value}\n")
    with pytest.raises(InvalidInput, match="must be one line"):
        load_settings(f"sqlite:///{tmp_path / 'c.db'}", str(config))


def test_a_stored_row_with_a_broken_header_fails_alone_and_the_others_go(
        service, queued, smtp_sink):  # noqa: F811
    first = service.session.exec(select(OutboxEmail).order_by(OutboxEmail.id)).first()
    first.sender = "Board\r\nBcc: everyone@evil.example.org <lscb@x.org>"
    service.session.add(first)
    service.session.commit()
    report = deliver(service, smtp(smtp_sink.port))
    assert (report.sent, report.failed) == (2, 1)
    statuses = [(r.status, r.last_error or "") for r in rows(service)]
    assert statuses[0][0] == "failed" and "cannot be made into an email" in statuses[0][1]
    assert [s for s, _ in statuses[1:]] == ["sent", "sent"]
    assert all("evil" not in str(m) for m in smtp_sink.messages)
