"""The records: agencies, cases, deadlines and the append-only history.

Instants are stored as aware UTC datetimes; dates a board reasons in (due dates, the day a step
happened) are stored as plain local dates. Every request with a due date is a `Deadline` row,
so the truth survives anything that only holds it in memory.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Index, Integer, LargeBinary, UniqueConstraint, event, text
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Field, SQLModel
from sqlmodel.main import SQLModelConfig

# The case's version column: SQLAlchemy checks it on every UPDATE, so a coordinator working
# from a stale copy gets a conflict instead of overwriting someone else's step.
_case_version = Column("version", Integer, nullable=False)

# An open deadline whose due date is not YYYY-MM-DD, which only a hand edit of an SQLite file
# can write (PostgreSQL's date column cannot hold one): the listings compare due dates in SQL
# and would leave it out silently. The partial index holds just those rows, so asking whether
# there are any is one probe of an empty index, at any size (casework.quarantine.looks_damaged).
MISSHAPEN_DUE = ("status = 'open' AND due_on NOT GLOB "
                 "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'")
SQLITE_ONLY_INDEXES = frozenset({"ix_deadline_due_misshapen"})


class Record(SQLModel):
    """The base of every table. Rows are built without validation (SQLModel's table models
    never validate), so pydantic's schema is built only if something validates or dumps a
    record: every command would otherwise pay about 10 ms to build eight schemas it never uses.
    """

    model_config = SQLModelConfig(defer_build=True)


class Agency(Record, table=True):
    __tablename__ = "agency"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=20)
    name: str = Field(max_length=200)
    contact_email: str = Field(max_length=320)
    escalation_email: str | None = Field(default=None, max_length=320)
    active: bool = True
    created_at: dt.datetime


class Case(Record, table=True):
    __tablename__ = "case_record"
    __table_args__ = (
        UniqueConstraint("kind", "year", "number", name="uq_case_kind_year_number"),
        Index("ix_case_kind_state", "kind", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, max_length=30)
    kind: str = Field(max_length=10)
    year: int
    number: int
    workflow_key: str = Field(max_length=30)
    workflow_version: str = Field(max_length=20)
    pseudonym: str = Field(max_length=80)
    state: str = Field(max_length=40)
    opened_on: dt.date
    opened_at: dt.datetime
    last_step_on: dt.date
    updated_at: dt.datetime
    closed_on: dt.date | None = None
    paused_on: dt.date | None = None
    pause_reason: str | None = None
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    timescales: dict[str, Any] = Field(default_factory=dict,
                                       sa_column=Column(JSON, nullable=False))
    version: int | None = Field(default=None, sa_column=_case_version)

    __mapper_args__ = {"version_id_col": _case_version}


class ReferenceCounter(Record, table=True):
    """The last number given out per kind and year: updating it serialises allocation."""

    __tablename__ = "reference_counter"

    kind: str = Field(primary_key=True, max_length=10)
    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int


class Deadline(Record, table=True):
    __tablename__ = "deadline"
    __table_args__ = (
        UniqueConstraint("case_id", "key", name="uq_deadline_case_key"),
        Index("ix_deadline_status_due", "status", "due_on"),
        Index("ix_deadline_agency_status", "agency_code", "status"),
        # "outstanding on a past date" includes what was closed after it
        Index("ix_deadline_closed_on", "closed_on"),
        Index("ix_deadline_due_misshapen", "status", "due_on",
              sqlite_where=text(MISSHAPEN_DUE)).ddl_if(dialect="sqlite"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_record.id", index=True)
    key: str = Field(max_length=60)  # unique in the case: "decision", "imr:POLICE", "action:3"
    kind: str = Field(max_length=30)
    number: int | None = None  # actions are numbered A1, A2, ... within their plan
    title: str = Field(max_length=500)
    detail: str | None = None
    agency_code: str | None = Field(default=None, foreign_key="agency.code", max_length=20)
    rule: str = Field(max_length=100)
    # what it is counted in: hours | days | working_days | weeks | months | date (set by hand)
    unit: str = Field(default="date", max_length=20)
    anchor_on: dt.date
    original_due_on: dt.date
    due_on: dt.date
    due_at: dt.datetime
    status: str = Field(default="open", max_length=20)  # open|met|waived|carried_forward|lapsed
    closed_on: dt.date | None = None
    closed_at: dt.datetime | None = None
    progress: str | None = Field(default=None, max_length=20)
    note: str | None = None
    extensions: int = 0
    paused_days: int = 0
    created_at: dt.datetime
    # The scheduler's pointer: when the next reminder or escalation falls due (None: none
    # will, or the case is paused), and the last level issued for the current due date.
    next_level_at: dt.datetime | None = Field(default=None, index=True)
    level_reached: str | None = Field(default=None, max_length=40)


class CdopMeeting(Record, table=True):
    """A Child Death Overview Panel meeting: cases ready for review are listed for the next."""

    __tablename__ = "cdop_meeting"

    id: int | None = Field(default=None, primary_key=True)
    held_on: dt.date = Field(unique=True)
    note: str | None = None
    created_at: dt.datetime


class BoardContact(Record, table=True):
    """Who the board is, by role: its chair, the SCR panel chair, the CDOP chair, its mailbox."""

    __tablename__ = "board_contact"

    role: str = Field(primary_key=True, max_length=30)
    name: str | None = Field(default=None, max_length=200)
    email: str = Field(max_length=320)
    updated_at: dt.datetime


class OutboxEmail(Record, table=True):
    """An email is a row before it is a message: written in the transaction of the change
    that caused it, delivered later, and never twice for the same key."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=200)  # what caused it: "SCR-2008-001/imr:CSC/request"
    kind: str = Field(max_length=30)  # request | due_changed | withdrawn | reminder | ...
    case_id: int | None = Field(default=None, foreign_key="case_record.id", index=True)
    deadline_id: int | None = Field(default=None, foreign_key="deadline.id")
    sender: str = Field(max_length=320)
    recipients: str  # addresses, comma separated
    cc: str | None = None
    reply_to: str | None = Field(default=None, max_length=320)
    subject: str = Field(max_length=500)
    text_body: str
    html_body: str | None = None
    attachments: list[dict[str, Any]] = Field(default_factory=list,
                                              sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=20)  # pending|sending|sent|failed
    attempts: int = 0
    next_attempt_at: dt.datetime
    first_attempt_at: dt.datetime | None = None
    claimed_until: dt.datetime | None = None  # a sender that dies mid-send lets go then
    last_error: str | None = None
    created_at: dt.datetime
    sent_at: dt.datetime | None = None
    # The message as it goes over the wire, built when queued (`notifications.message`);
    # None: built from the columns above when sent (rows queued before 0006, or corrected).
    message: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


MESSAGE_COLUMNS = ("sender", "recipients", "cc", "reply_to", "subject", "text_body",
                   "html_body", "attachments")


def _unstamp(target: OutboxEmail, value: Any, old: Any, _initiator: Any) -> None:
    """A waiting email whose content changes no longer matches its kept bytes: they go,
    so it is never sent as it was before the change."""
    if value is not old and old is not None:
        target.message = None


for _column in MESSAGE_COLUMNS:
    event.listen(getattr(OutboxEmail, _column), "set", _unstamp)


class History(Record, table=True):
    """Who did what, when, and why. Rows are only ever added."""

    __tablename__ = "history"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="case_record.id", index=True)
    at: dt.datetime  # when it was recorded
    effective_at: dt.datetime  # when it happened (`--on`)
    actor: str = Field(max_length=100)
    step: str = Field(max_length=60)
    from_state: str | None = Field(default=None, max_length=40)
    to_state: str | None = Field(default=None, max_length=40)
    note: str | None = None
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class HistoryIsAppendOnly(Exception):
    pass


@event.listens_for(OrmSession, "before_flush")
def _refuse_history_rewrites(session: OrmSession, *_: Any) -> None:
    for row in (*session.dirty, *session.deleted):
        if isinstance(row, History):
            raise HistoryIsAppendOnly("history rows are never updated or deleted")
