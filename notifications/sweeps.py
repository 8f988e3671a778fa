"""Each scheduler run, recorded in the board's history, and `casework scheduler status`.

A run is a row of the append-only history with no case (step `sweep`), so a monitoring check
can ask when the last one ran without a migration, and the record survives a restart or a
move to another machine with the database itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from casework.models import History
from workflows.formats import utc_stamp

if TYPE_CHECKING:
    from casework.service import CaseService
    from notifications.scheduler import SweepReport

STEP = "sweep"


def record_sweep(service: CaseService, report: SweepReport, delivery: Any, *, actor: str,
                 seconds: float, stopped: bool = False) -> None:
    """Add the run's row to the history and commit it (a run that failed records nothing,
    so the status turns overdue)."""
    data: dict[str, Any] = {
        "as_of": report.as_of.isoformat(), "seconds": round(seconds, 3),
        "deadlines": report.deadlines, "reminders": report.reminders,
        "escalations": report.escalations, "overtaken": report.overtaken,
        "unaddressed": len(report.unaddressed), "damaged": len(report.damaged),
        "listing": report.listing, "stopped": stopped,
        "delivery": None if delivery is None else {
            "via": delivery.via, "sent": delivery.sent, "retrying": delivery.retrying,
            "failed": delivery.failed, "unavailable": delivery.unavailable or None},
    }
    service.record_board_event(STEP, actor, data=data)
    service.session.commit()


@dataclass
class Status:
    """The last run against now and the interval: what a monitoring check needs."""

    now: dt.datetime
    minutes: int  # the configured sweep interval
    at: dt.datetime | None = None  # when the last run finished
    data: dict[str, Any] | None = None

    @property
    def overdue(self) -> bool:
        """No run within twice the interval (one late run is not yet an alarm)."""
        return self.at is None or self.now - self.at > dt.timedelta(minutes=2 * self.minutes)

    def to_dict(self) -> dict[str, Any]:
        return {"now": self.now.isoformat(), "sweep_minutes": self.minutes,
                "overdue": self.overdue,
                "last": None if self.at is None else {"at": self.at.isoformat(),
                                                      **(self.data or {})}}

    def lines(self) -> list[str]:
        limit = 2 * self.minutes
        if self.at is None or self.data is None:
            return ["No sweep has run on this database (`casework scheduler run`, or "
                    "`run-once` from cron).", f"OVERDUE: no sweep within {limit} minutes."]
        data, ago = self.data, int((self.now - self.at).total_seconds() // 60)
        out = [f"Last sweep: {utc_stamp(self.at)} ({ago} minutes ago), as of "
               f"{utc_stamp(dt.datetime.fromisoformat(data['as_of']))}, took "
               f"{data['seconds']:.2f} s.",
               f"Queued: {data['reminders']} reminders, {data['escalations']} escalations "
               f"({data['deadlines']} deadlines looked at).",
               "Emails sent: " + _delivery(data.get("delivery")) + "."]
        if data.get("listing"):
            out.append(f"Weekly listing: {data['listing']}.")
        for name, what in (("unaddressed", "with no address"), ("damaged", "damaged cases "
                                                                  "skipped")):
            if data.get(name):
                out.append(f"Warning: {data[name]} {what}.")
        out.append(f"OVERDUE: no sweep within {limit} minutes (twice the sweep interval)."
                   if self.overdue else
                   f"OK: a sweep every {self.minutes} minutes, overdue after {limit}.")
        return out


def _delivery(delivery: dict[str, Any] | None) -> str:
    if delivery is None:
        return "none (run without delivery)"
    text = f"{delivery['sent']} via {delivery['via']}"
    if delivery["retrying"] or delivery["failed"]:
        text += f", {delivery['retrying']} to retry, {delivery['failed']} failed"
    return text + (f" ({delivery['unavailable']})" if delivery.get("unavailable") else "")


def status(session: Session, now: dt.datetime, minutes: int) -> Status:
    """The latest run's row: read from the newest end of the history's case index."""
    row = session.exec(select(History).where(col(History.case_id).is_(None),
                                             History.step == STEP)
                       .order_by(col(History.id).desc()).limit(1)).first()
    if row is None:
        return Status(now, minutes)
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.UTC)
    return Status(now, minutes, at, dict(row.data))
