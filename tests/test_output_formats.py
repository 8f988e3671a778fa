"""The `--format/--output` seam (cli/formats.py): each listing offers exactly the formats
registered for it, in one order, and a new format is one registration."""

from __future__ import annotations

from cli import formats


def test_each_listing_offers_what_is_registered_for_it():
    assert formats.formats("deadlines") == ["table", "json", "ics"]
    assert formats.formats("overdue") == ["table", "csv", "html", "json", "svg"]
    assert formats.formats("figures") == ["table", "csv", "html", "json"]
    assert formats.formats("timeline") == ["html", "svg"]
    assert formats.formats("history") == ["table", "csv", "html", "json"]


def test_a_new_format_is_one_registration(monkeypatch):
    monkeypatch.setattr(formats, "_RENDERERS", dict(formats._RENDERERS))

    @formats.register_output_renderer("timeline", "markdown")
    def markdown(data, service) -> str:
        return f"# {data}\n"

    assert formats.formats("timeline") == ["html", "svg", "markdown"]
    assert formats.render("timeline", "markdown", "SCR-2008-001", None) == "# SCR-2008-001\n"


def test_the_commands_offer_them(run):
    for args, shown in ((("report", "overdue"), "[table|csv|html|json|svg]"),
                        (("report", "figures"), "[table|csv|html|json]"),
                        (("case", "timeline"), "[html|svg]"),
                        (("case", "history"), "[table|csv|html|json]"),
                        (("deadlines",), "[table|json|ics]")):
        assert shown in run(*args, "--help").stdout, args
