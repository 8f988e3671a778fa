"""Email addresses checked when entered, by a maintained library (email-validator) instead of
a hand regex: a relay refuses what the library refuses, and its reasons say what is wrong.

Syntax only: no DNS look-up (casework may run with no network, and a board's relay knows
its own domains). No internationalised local parts: not every relay speaks SMTPUTF8. The
library is imported when an address is checked, so `--help` does not load it.
"""

from __future__ import annotations

import re

from casework.errors import InvalidInput

_NAMED = re.compile(r"[^<>]*<([^<>]*)>\s*")  # Board name <address>


def checked(address: str, flag: str) -> str:
    """`address` as typed (a domain in another script in its ASCII form, which every relay
    takes), or InvalidInput naming the option and the reason."""
    from email_validator import EmailNotValidError, validate_email

    if '"' in address:  # the library reads it as opening a quoted part and misplaces the blame
        why = "a quotation mark ('\"') is not allowed in an address here"
    else:
        try:
            valid = validate_email(address, check_deliverability=False, allow_smtputf8=False,
                                   allow_quoted_local=False, allow_domain_literal=False)
        except EmailNotValidError as exc:
            why = str(exc).rstrip(".")
        else:
            return address if address.isascii() else valid.ascii_email or address
    raise InvalidInput(f"{flag} {address!r} is not an email address: {why}")


def checked_sender(value: str, flag: str) -> str:
    """A `From` value, "Name <address>" or a bare address, whose address is checked (and
    written in ASCII, as `checked` does)."""
    if "<" not in value and ">" not in value:
        return checked(value.strip(), flag)
    named = _NAMED.fullmatch(value)
    if named is None:
        raise InvalidInput(f"{flag} {value!r} is not an email address (write "
                           "\"Board name <mailbox@board.example.org>\" or the address alone)")
    address = checked(named.group(1), flag)
    return value[:named.start(1)] + address + value[named.end(1):]
