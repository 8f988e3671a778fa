"""Every address a person enters is checked by email-validator (syntax only, offline) when it
is entered: the error names the option, the address and the library's reason (issue 20)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from casework.config import load_settings
from casework.errors import InvalidInput

PAREN = "The email address contains invalid characters before the @-sign: '('"
QUOTE = "a quotation mark ('\"') is not allowed in an address here"


@pytest.mark.parametrize(("command", "flag"), [
    (("agency", "add", "YOT", "--name", "Youth Offending", "--email"), "--email"),
    (("agency", "add", "YOT", "--name", "Youth Offending", "--email", "yot@kent.example.org",
      "--escalation-email"), "--escalation-email"),
    (("agency", "update", "CSC", "--email"), "--email"),
    (("agency", "update", "CSC", "--escalation-email"), "--escalation-email"),
    (("board", "set-contact", "chair", "--email"), "--email"),
])
@pytest.mark.parametrize(("address", "reason"), [("a(b@x.org", PAREN), ('a"b@x.org', QUOTE)])
def test_every_address_option_refuses_a_comment_or_a_quote_naming_option_and_reason(
        run, agencies, command, flag, address, reason):
    before = run("agency", "list", "--json").stdout, run("board", "contacts", "--json").stdout
    result = run(*command, address, expect=2)
    assert result.stderr == f"Error: {flag} {address!r} is not an email address: {reason}\n"
    assert (run("agency", "list", "--json").stdout,
            run("board", "contacts", "--json").stdout) == before


@pytest.mark.parametrize(("address", "reason"), [
    ("a..b@x.org", "An email address cannot have two periods in a row"),
    ("jo@localhost", "The part after the @-sign is not valid. It should have a period"),
    ("a@b@c.org", "The part after the @-sign contains invalid characters: '@'"),
    ("é@x.org", "Internationalized characters before the @-sign are not supported: 'é'"),
])
def test_the_librarys_reasons_reach_the_person(run, agencies, address, reason):
    result = run("agency", "update", "CSC", "--email", address, expect=2)
    assert result.stderr == f"Error: --email {address!r} is not an email address: {reason}\n"


def test_ordinary_addresses_still_go_in_as_typed(run, agencies):
    run("agency", "update", "CSC", "--email", "Jo.O'Neil+scr@csc.example.org", "--email",
        "duty@social-care.kent.sch.uk")
    shown = run("agency", "show", "CSC").stdout
    assert "Jo.O'Neil+scr@csc.example.org, duty@social-care.kent.sch.uk" in shown


@pytest.mark.parametrize(("value", "message"), [
    ('"a(b@x.org"', "from: 'a(b@x.org' is not an email address: " + PAREN),
    ('"Kent LSCB <a\\"b@x.org>"', "from: 'a\"b@x.org' is not an email address: " + QUOTE),
    ('"Kent <lscb@x.org> extra"', "from: 'Kent <lscb@x.org> extra' is not an email address "
                                  "(write \"Board name <mailbox@board.example.org>\""),
])
def test_the_config_files_sender_is_checked_by_the_same_library(tmp_path, value, message):
    config = tmp_path / "casework.toml"
    config.write_text(f"[email]\nfrom = {value}\n")
    with pytest.raises(InvalidInput, match=re.escape(message)):
        load_settings(f"sqlite:///{tmp_path / 'c.db'}", str(config))


def test_a_domain_in_another_script_is_kept_in_its_ascii_form(run, agencies, tmp_path):
    run("agency", "update", "CSC", "--email", "duty@bücher.example")
    assert "duty@xn--bcher-kva.example" in run("agency", "show", "CSC").stdout
    config = tmp_path / "casework.toml"
    config.write_text('[email]\nfrom = "Board <lscb@bücher.example>"\n')
    settings = load_settings(f"sqlite:///{tmp_path / 'c.db'}", str(config))
    assert settings.email.sender == "Board <lscb@xn--bcher-kva.example>"


def test_a_named_sender_is_taken(tmp_path):
    config = tmp_path / "casework.toml"
    config.write_text('[email]\nfrom = "Kent LSCB business unit <lscb@kent.example.org>"\n')
    settings = load_settings(f"sqlite:///{tmp_path / 'c.db'}", str(config))
    assert settings.email.sender == "Kent LSCB business unit <lscb@kent.example.org>"


def test_help_does_not_load_the_validator():
    shown = subprocess.run([sys.executable, "-X", "importtime", "-m", "casework", "agency",
                            "add", "--help"], capture_output=True, text=True, check=True)
    assert "Add an agency" in shown.stdout
    assert " cli.agency" in shown.stderr and "email_validator" not in shown.stderr
