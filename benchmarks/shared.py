"""What the benchmarks share: big databases made quickly (a few hundred cases through the
service, copied with SQL to the size wanted) and their tables of figures."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from casework.models import Case, Deadline, History


def pseudonym(number: int) -> str:
    """Child A, Child B, ... Child Z, Child AA, ..."""
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"Child {letters}"


def child_env(scratch: Path) -> dict[str, str]:
    """The environment for the timed `casework` processes: no developer's casework settings
    (only --db and --config count), and Python's bytecode cache on, as on a coordinator's
    machine, but written under `scratch` rather than into the source tree: without it every
    run would compile casework's own modules afresh (PYTHONDONTWRITEBYTECODE is set in some
    shells and sandboxes)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CASEWORK_") and k != "PYTHONDONTWRITEBYTECODE"}
    env["XDG_CONFIG_HOME"] = str(scratch / "config")
    env["XDG_DATA_HOME"] = str(scratch / "data")
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    env["CASEWORK_ACTOR"] = "benchmark"
    return env


def _columns(table: Any, *skip: str) -> list[str]:
    return [c.name for c in table.columns if c.name not in skip]


def copy_cases(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Copy cases with their deadline and history rows, in three INSERT..SELECTs. Each row
    gives `new_id`, `template_id`, `reference`, `number` and `pseudonym`; the reference
    counter is rebuilt after."""
    connection.execute(text(
        "CREATE TEMP TABLE clone_map (new_id INTEGER PRIMARY KEY, template_id INTEGER, "
        "reference TEXT, number INTEGER, pseudonym TEXT)"))
    connection.execute(text(
        "INSERT INTO clone_map VALUES (:new_id, :template_id, :reference, :number, "
        ":pseudonym)"), rows)
    case_columns = _columns(Case.__table__, "id", "reference", "number", "pseudonym")
    connection.execute(text(
        f"INSERT INTO case_record (id, reference, number, pseudonym, "
        f"{', '.join(case_columns)}) "
        f"SELECT m.new_id, m.reference, m.number, m.pseudonym, "
        f"{', '.join('c.' + name for name in case_columns)} "
        "FROM clone_map m JOIN case_record c ON c.id = m.template_id ORDER BY m.new_id"))
    deadline_columns = _columns(Deadline.__table__, "id", "case_id")
    connection.execute(text(
        f"INSERT INTO deadline (case_id, {', '.join(deadline_columns)}) "
        f"SELECT m.new_id, {', '.join('d.' + name for name in deadline_columns)} "
        "FROM clone_map m JOIN deadline d ON d.case_id = m.template_id "
        "ORDER BY m.new_id, d.id"))
    history_columns = _columns(History.__table__, "id", "case_id", "data")
    connection.execute(text(
        f"INSERT INTO history (case_id, data, {', '.join(history_columns)}) "
        "SELECT m.new_id, CASE WHEN json_type(h.data, '$.pseudonym') IS NULL THEN h.data "
        "ELSE json_set(h.data, '$.pseudonym', m.pseudonym) END, "
        f"{', '.join('h.' + name for name in history_columns)} "
        "FROM clone_map m JOIN history h ON h.case_id = m.template_id "
        "ORDER BY m.new_id, h.id"))
    connection.execute(text("DROP TABLE clone_map"))
    connection.execute(text("DELETE FROM reference_counter"))
    connection.execute(text(
        "INSERT INTO reference_counter (kind, year, last) "
        "SELECT kind, year, MAX(number) FROM case_record GROUP BY kind, year"))


def copy_numbered(connection: Connection, template_ids: Sequence[int],
                  first_pseudonym: int) -> int:
    """One copy of each case in `template_ids` (in order; an id may repeat), each with the
    next free number of its template's year, hence its own reference (`SCR-YYYY-NNN`), and
    its own pseudonym from `first_pseudonym` on. Returns how many were made."""
    if not template_ids:
        return 0
    years = dict(connection.execute(text("SELECT id, year FROM case_record")).all())
    numbers = dict(connection.execute(
        text("SELECT year, MAX(number) FROM case_record GROUP BY year")).all())
    next_id = max(years) + 1
    rows = []
    for offset, template_id in enumerate(template_ids):
        year = years[template_id]
        numbers[year] += 1
        rows.append({"new_id": next_id + offset, "template_id": template_id,
                     "reference": f"SCR-{year}-{numbers[year]:03d}", "number": numbers[year],
                     "pseudonym": pseudonym(first_pseudonym + offset)})
    copy_cases(connection, rows)
    return len(rows)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], aligns: str) -> None:
    """Print columns two spaces apart, aligned by `aligns` ("<" or ">" per column)."""
    widths = [max(len(str(r[i])) for r in (headers, *rows)) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(f"{v:{a}{w}}" for v, a, w in zip(values, aligns, widths, strict=True))

    print(line(headers).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row).rstrip())
