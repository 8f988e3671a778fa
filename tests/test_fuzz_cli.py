"""Every command, thousands of generated invocations, on a database with real cases: no
traceback, only `Error:` and a documented exit code, and the database intact (issue 20).

The generator is seeded (FUZZ_SEED, FUZZ_CALLS to widen it), so a failure reproduces."""

from __future__ import annotations

import os
import random
import sqlite3
import traceback
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from casework.identity import KEY_VARIABLE
from cli.app import App
from cli.main import cli

SEED = int(os.environ.get("FUZZ_SEED", "20"))
CALLS = int(os.environ.get("FUZZ_CALLS", "3000"))
SKIP = {("scheduler", "run")}  # a service: it never returns

HOSTILE = ["\udcff", "a\udcffb", "", " ", "\x00", "x\r\nBcc: evil@x.org", "\x1b[31m", "５",
           "٢٠٠٨-٠١-٠١", "２００８-０１-０１", "99999999999999999999999", "-1", "0", "1e9",
           "x" * 5000, "💥", "'; DROP TABLE case_record;--", "{{ 7*7 }}", "%s%n", "NaN",
           "2008-02-30", "31/12/9999", "0001-01-01", "2008-13-01", "9999-12-31 23:59",
           "--help", "-", "a(b@x.org", 'a"b@x.org', "a@b@c", "Jo\u202eeb", "\u2028",
           "Hartley", "seen by Olivia-Mae's GP"]
DATES = ["2008-04-01", "2008-05-20", "1/4/2008", "2008-04-01 10:00", "2007-12-31", "today"]
STEPS = ["recommend", "decide", "notify_ofsted", "inform_panel", "triage", "home_visit",
         "form_panel", "withdraw", "correct", "void"]


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple]:
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        elif (*path, name) not in SKIP:
            yield (*path, name), command


def _value(rng: random.Random, name: str, kind: click.ParamType, known: dict) -> str:
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(HOSTILE)
    if roll < 0.45:
        return "".join(chr(rng.randrange(0x1, 0x11000)) for _ in range(rng.randrange(1, 12)))
    if isinstance(kind, click.Choice):
        return rng.choice(list(kind.choices))
    if isinstance(kind, click.types.IntParamType):
        return str(rng.choice([1, 2, 5, 40, 2**31, 2**63, -(2**63), 10**30]))
    if name in ("reference",):
        return rng.choice(known["references"])
    if name in ("agency", "referred_by", "code", "notifier_agency"):
        return rng.choice(known["agencies"])
    if name in ("on", "as_of", "died", "since", "first", "held_on", "to", "period_from",
                "period_to"):
        return rng.choice(DATES)
    if name in ("step",):
        return rng.choice(STEPS)
    if name in ("email", "escalation_email"):
        return rng.choice(["x@csc.example.org", "a@b.example.org,c@d.example.org"])
    if name == "output":
        return rng.choice(["out.txt", "report.html", "sub/none.csv"])
    return rng.choice(["Child Z", "note", "chair", "a reason", "3 weeks", "home", "1-4y"])


def invocations(known: dict, seed: int = SEED,
                count: int = CALLS) -> Iterator[tuple[tuple[str, ...], list[str]]]:
    """(the command's path, its arguments) of `count` generated invocations."""
    rng = random.Random(seed)
    commands = list(_commands(cli))
    for _ in range(count):
        path, command = rng.choice(commands)
        args: list[str] = []
        if rng.random() < 0.03:
            args += [rng.choice(["--db", "--config"]),
                     rng.choice(["x" * 5000, "\udcff", "", "/nonexistent/dir/c.db"])]
        args += list(path)
        for param in command.params:
            if isinstance(param, click.Argument):
                if param.nargs == -1:
                    for _ in range(rng.randrange(0, 4)):
                        args += [rng.choice(["--recommendation", "--outcome", "--criteria",
                                             "--rationale", "--aware", "--due", "x"]),
                                 _value(rng, "", click.STRING, known)]
                elif rng.random() < 0.95:
                    args.append(_value(rng, param.name or "", param.type, known))
            elif rng.random() < 0.5:
                flag = rng.choice(param.opts + param.secondary_opts)
                if param.is_flag:
                    args.append(flag)
                else:
                    args += [flag, _value(rng, param.name or "", param.type, known)]
        yield path, args


@pytest.fixture
def keyed(monkeypatch) -> None:
    """The identity key set, so that a case can hold the child's names as keyed hashes."""
    monkeypatch.setenv(KEY_VARIABLE, "a board secret of some length")


@pytest.fixture
def known(keyed, run, agencies, clock) -> dict:
    refs = [run("scr", "refer", "--pseudonym", f"Child {n}", "--referred-by", "CSC",
                "--on", f"2008-03-2{n}", *(("--child-name", "Olivia-Mae Hartley") if n == 1
                                           else ())).stdout.split()[0] for n in range(1, 4)]
    run("case", "advance", refs[0], "recommend", "--recommendation", "scr", "--criteria",
        "death", "--on", "2008-03-25")
    refs.append(run("death", "notify", "--pseudonym", "Child D", "--died", "2008-04-01 03:20",
                    "--age-band", "1-4y", "--place", "home", "--notifier", "Dr Jones",
                    "--agency", "HEALTH", "--residence", "Kent", "--death", "unexpected")
                .stdout.split()[0])
    return {"references": [*refs, "SCR-2008-999", "scr-2008-001"], "agencies": agencies}


def _unreadable_text(db: str) -> list[str]:
    """Stored text that could not be printed back: not UTF-8, or a lone surrogate."""
    bad = []
    with sqlite3.connect(db) as raw:
        raw.text_factory = bytes
        tables = [r[0].decode() for r in raw.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in raw.execute(f'SELECT * FROM "{table}"'):
                for cell in row:
                    if isinstance(cell, bytes):
                        try:
                            cell.decode("utf-8")
                        except UnicodeDecodeError:
                            bad.append(f"{table}: {cell[:60]!r}")
    return bad


def test_thousands_of_generated_invocations_give_no_traceback(known, db_url, db_path, clock,
                                                              tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    tracebacks: list[str] = []
    codes: dict[int, int] = {}
    commands: set[tuple[str, ...]] = set()
    for path, args in invocations(known):
        commands.add(path)
        result = runner.invoke(cli, args, obj=App(db=db_url, clock=clock),
                               env={"CASEWORK_ACTOR": "fuzz"})
        codes[result.exit_code] = codes.get(result.exit_code, 0) + 1
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            where = "".join(traceback.format_exception(result.exception)[-3:])
            tracebacks.append(f"{args!r}: {where}")
        elif result.exit_code not in range(11):  # 0-9, and 10: a sweep overdue
            tracebacks.append(f"{args!r}: exit {result.exit_code}")
    assert tracebacks == [], f"{len(tracebacks)} of {CALLS}:\n" + "\n".join(tracebacks[:10])
    assert sum(codes.values()) == CALLS and codes.get(2, 0) > CALLS // 4
    assert commands == {path for path, _ in _commands(cli)}  # every command, each many times
    print(f"\nfuzz: {CALLS} calls over {len(commands)} commands (seed {SEED}), 0 tracebacks; "
          f"exit codes {dict(sorted(codes.items()))}")
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert _unreadable_text(str(db_path)) == []
    doctor = runner.invoke(cli, ["doctor"], obj=App(db=db_url, clock=clock))
    assert (doctor.exit_code, doctor.stdout) == (
        0, "No damaged cases: every case and deadline can be read.\n")
    for reference in known["references"][:4]:
        shown = runner.invoke(cli, ["case", "show", reference], obj=App(db=db_url, clock=clock))
        assert shown.exit_code == 0 and reference in shown.stdout


@pytest.mark.parametrize("args", [
    ["case", "show", "\udcff"], ["report", "overdue", "--agency", "\udcff"],
    ["case", "list", "--kind", "\udcff"],
    ["case", "pause", "SCR-2008-001", "--reason", "r", "--actor", "\udcff"],
    ["scr", "refer", "--pseudonym", "\udcff", "--referred-by", "CSC"],
    ["death", "notify", "--pseudonym", "Child Q", "--died", "2008-04-01 03:20", "--age-band",
     "1-4y", "--place", "home", "--notifier", "\udcff", "--agency", "HEALTH", "--residence",
     "Kent", "--death", "unexpected"],
    ["--db", "/tmp/" + "x" * 5000, "case", "list"], ["--config", "/tmp/" + "y" * 5000, "init"],
    ["outbox", "show", "99999999999999999999999"], ["case", "list", "--limit", "9" * 25],
    ["case", "list", "--limit", "５"], ["deadlines", "--as-of", "٢٠٠٨-٠١-٠١"],
    ["deadlines", "--agency", ""], ["deadlines", "--as-of", ""], ["case", "list", "--as-of", " "],
])
def test_what_the_drill_found_is_refused_with_an_error_and_nothing_stored(known, db_url, clock,
                                                                          db_path, args):
    before = _counts(db_path)
    result = CliRunner().invoke(cli, args, obj=App(db=db_url, clock=clock),
                                env={"CASEWORK_ACTOR": "fuzz"})
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 2 and "Error: " in result.stderr, result.output
    assert "Traceback" not in result.output
    assert _counts(db_path) == before


def test_the_actor_from_the_environment_passes_the_same_gate(known, db_url, clock, db_path):
    before = _counts(db_path)
    result = CliRunner().invoke(cli, ["case", "pause", known["references"][1], "--reason", "r"],
                                obj=App(db=db_url, clock=clock),
                                env={"CASEWORK_ACTOR": "bad\udcffname"})
    assert result.exit_code == 2 and "not valid text" in result.stderr
    assert _counts(db_path) == before


@pytest.mark.parametrize("args", [
    ("case", "correct", "{ref}", "child-name", "Olivia\udcffHartley", "--reason", "learnt"),
    ("case", "correct", "{ref}", "pseudonym", "Olivia Hartley\x07", "--reason", "typo"),
    ("case", "pause", "{ref}", "--reason", "Olivia Hartley's trial\x00"),
])
def test_a_value_refused_at_the_gate_is_not_repeated(known, db_url, clock, db_path, args):
    """What the gate refuses may be a child's name typed in the wrong place: the error names
    the option and the position, never the text (stderr may be a service's log)."""
    before = _counts(db_path)
    args = [a.replace("{ref}", known["references"][1]) for a in args]
    result = CliRunner().invoke(cli, args, obj=App(db=db_url, clock=clock))
    assert result.exit_code == 2 and "Error: Invalid value for" in result.stderr
    assert "the value " in result.stderr and " at character " in result.stderr
    assert "Olivia" not in result.output and "Hartley" not in result.output
    assert _counts(db_path) == before


def test_emailing_the_listing_twice_in_one_second_queues_it_once(run, agencies):
    run("board", "set-contact", "mailbox", "--email", "lscb@board.example.org")
    assert "Queued the overdue listing" in run("report", "overdue", "--email-board").stdout
    again = run("report", "overdue", "--email-board").stdout
    assert "already queued this second" in again


def _counts(db_path) -> dict[str, int]:
    with sqlite3.connect(db_path) as raw:
        return {t: raw.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for (t,) in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
