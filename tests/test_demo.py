"""The demo the README's first command runs: example cases, some of them late."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cli.main import cli


def test_the_demo_opens_cases_at_mixed_stages_and_shows_what_is_late(tmp_path):
    db = tmp_path / "demo.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "demo"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Opened 6 example cases" in out
    assert "Caseload as of" in out and "Deadlines late as of" in out
    listing = json.loads(CliRunner().invoke(cli, ["--db", str(db), "case", "list",
                                                  "--json"]).stdout)["cases"]
    stages = {c["pseudonym"]: c["stage"] for c in listing}
    assert stages == {"Child B": "decision", "Child C": "no_review",
                      "Child D": "panel_formation", "Adam": "imrs",
                      "Bethany and Cameron": "notification", "Child E": "implementation"}
    late = {c["pseudonym"]: c["overdue"] for c in listing}
    assert late["Child B"] == 1 and late["Adam"] == 4 and late["Child E"] == 2
    assert late["Child D"] == 0 and late["Bethany and Cameron"] == 0
    # A second run starts afresh rather than doubling the caseload.
    again = CliRunner().invoke(cli, ["--db", str(db), "demo"])
    assert again.exit_code == 0
    listing = json.loads(CliRunner().invoke(cli, ["--db", str(db), "case", "list",
                                                  "--json"]).stdout)["cases"]
    assert len(listing) == 6
