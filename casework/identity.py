"""Identifiers of a person (an NHS number) kept only as a keyed hash, so two notifications
of one child can be matched without the identifier being stored, logged or printed.

The key never lives in the database: a copy of the database alone cannot be tested against
the billion possible numbers. It comes from the environment, as the key itself or as the
path of a file holding it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from casework.errors import InvalidInput

KEY_VARIABLE = "CASEWORK_IDENTITY_KEY"
KEY_FILE_VARIABLE = "CASEWORK_IDENTITY_KEY_FILE"
MIN_KEY_LENGTH = 16
PREFIX = "hmac-sha256:"


def identity_key() -> bytes:
    """The board's identity key, or a clear error saying how to configure one."""
    key = os.environ.get(KEY_VARIABLE, "")
    where = KEY_VARIABLE
    path = os.environ.get(KEY_FILE_VARIABLE, "")
    if not key and path:
        where = f"{KEY_FILE_VARIABLE} ({path})"
        try:
            key = Path(path).expanduser().read_text(encoding="utf-8").strip()
        except OSError as problem:
            raise InvalidInput(f"cannot read the identity key file {path}: "
                               f"{problem.strerror}") from None
    if not key:
        raise InvalidInput(
            f"no identity key is configured, so an identifier cannot be kept: set "
            f"{KEY_VARIABLE}, or {KEY_FILE_VARIABLE} to a file outside the database, to a "
            f"secret of at least {MIN_KEY_LENGTH} characters")
    if len(key) < MIN_KEY_LENGTH:
        raise InvalidInput(f"the identity key in {where} is shorter than {MIN_KEY_LENGTH} "
                           "characters")
    return key.encode("utf-8")


def keyed_hash(value: str, key: bytes | None = None) -> str:
    """`hmac-sha256:<hex>` of the identifier under the board's key (`key`: read once by a
    caller hashing many values)."""
    digest = hmac.new(key or identity_key(), value.encode("utf-8"), hashlib.sha256).hexdigest()
    return PREFIX + digest
