"""The figures paper, worked out by hand from the serious case review year of
tests.test_scr_figures: 2008/09 beside 2007/08, against the board's targets, and the
slippage of each review. (Deaths by category are drawn in tests.test_figures.)

Slippage of the SCRs under way in 2008/09 (the paper's day is 31 March 2009):
  SCR-2007-001  decided 1 Nov 2007, due 1 Mar 2008, completed 14 Apr 2008:
                121 days within the timescale, 44 days over-run
  SCR-2008-001  decided 30 Apr 2008, due 30 Aug, completed 28 Aug: 120 days, on time
  SCR-2008-002  decided 2 Jun 2008, due 2 Oct, extended (15 Sep) to 19 Dec, completed 10 Dec:
                122 days within the timescale, then 69 of the 78 days' extension
In 2007/08 only SCR-2007-001 was under way, still open on 31 Mar 2008, 30 days past 1 Mar.
2007/08 referred 1 (O, 1 Oct 2007) and decided 1 SCR (O, 1 Nov 2007); 2008/09 referred 4.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from tests.test_scr_figures import year  # noqa: F401  (the fixture)

NS = {"s": "http://www.w3.org/2000/svg"}
ARGS = ("report", "figures", "--to", "2009-03-31", "--format", "html")


def charts(html: str) -> dict[str, ET.Element]:
    """Every chart of a paper by its id, the inline SVG parsed as XML."""
    found = {}
    for text in re.findall(r"<svg .*?</svg>", html, re.S):
        chart = ET.fromstring(text)
        found[chart.get("id")] = chart
    return found


def cells(html: str, name: str) -> list[str]:
    """The cells of a figure's row (by its name), their text."""
    row = re.search(rf'<tr class="depth-\d" data-name="{re.escape(name)}">(.*?)</tr>', html)
    return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                row.group(1))]


def test_each_figure_beside_the_period_before(year, run):  # noqa: F811
    html = run(*ARGS).stdout
    assert "beside the period before (1 Apr 2007 to 31 Mar 2008)" in html
    assert cells(html, "scr.referred") == ["Referred", "4", "1"]
    assert cells(html, "scr.decided.scr")[1:] == ["1", "1"]  # P this year, O the year before
    assert cells(html, "scr.completed")[1:] == ["3", "0"]
    assert "Target met" not in html  # the board set no targets


def test_the_slippage_of_each_review(year, run):  # noqa: F811
    html = run(*ARGS).stdout
    found = charts(html)
    assert "cspr-slippage" not in found  # no CSPR under way: no chart
    chart = found["scr-slippage"]
    spans = chart.findall("s:g[@class='span']", NS)
    assert [g.get("data-reference") for g in spans] == [
        "SCR-2007-001", "SCR-2008-001", "SCR-2008-002"]
    parts = [[(r.get("data-part"), int(r.get("data-days"))) for r in g.findall("s:rect", NS)]
             for g in spans]
    assert parts == [[("timescale", 121), ("overrun", 44)], [("timescale", 120)],
                     [("timescale", 122), ("extension", 69)]]
    fills = {r.get("data-part"): r.get("fill") for g in spans for r in g.findall("s:rect", NS)}
    assert len(set(fills.values())) == 3  # told apart by pattern, not colour
    assert [p.get("data-date") for g in spans for p in g.findall("s:path", NS)] == [
        "2008-03-01", "2008-08-30", "2008-10-02"]  # each original due date marked
    assert chart.find("s:title", NS).text == "Serious case reviews: slippage of each review"
    assert chart.find("s:desc", NS).text.endswith(
        "SCR-2008-002: decided 2 Jun 2008, originally due 2 Oct 2008, due 19 Dec 2008 after "
        "78 days agreed as extensions and 0 paused, completed 10 Dec 2008, not over-run.")
    # The table beside it says the same in words.
    rows = re.findall(r'<tr data-case="(SCR-[\d-]+)">(.*?)</tr>', html)
    table = [[ref, *re.findall(r"<td[^>]*>(.*?)</td>", row)[1:]] for ref, row in rows]
    assert table == [
        ["SCR-2007-001", "1 Nov 2007", "1 Mar 2008", "1 Mar 2008", "14 Apr 2008", "0", "0",
         "44"],
        ["SCR-2008-001", "30 Apr 2008", "30 Aug 2008", "30 Aug 2008", "28 Aug 2008", "0", "0",
         "0"],
        ["SCR-2008-002", "2 Jun 2008", "2 Oct 2008", "19 Dec 2008", "10 Dec 2008", "78", "0",
         "0"]]
    # The year before: SCR-2007-001 still open at its end, 30 days over.
    before = charts(run("report", "figures", "--to", "2008-03-31", "--format", "html").stdout)
    [open_one] = before["scr-slippage"].findall("s:g[@class='span']", NS)
    assert open_one.get("data-open") == "yes"
    assert [(r.get("data-part"), int(r.get("data-days")))
            for r in open_one.findall("s:rect", NS)] == [("timescale", 121), ("overrun", 30)]


def test_a_pause_and_an_extension_apart_from_the_over_run():
    """Decided 1 Jan 2020, due 1 Jul (182 days); paused 15 days and extended 30, so due
    15 Aug; completed 1 Sep: 30 days extension, 15 paused, 17 over-run (244 days in all)."""
    from notifications.svg_slippage import course
    from workflows.figures import Span

    D = dt.date
    done = course(Span("X", D(2020, 1, 1), D(2020, 7, 1), D(2020, 8, 15), 15, D(2020, 9, 1)),
                  D(2020, 12, 1))
    assert (done.timescale, done.extension, done.pause, done.overrun) == (182, 30, 15, 17)
    assert (done.extended, done.paused) == (30, 15)
    # Completed within the moved date: the extension is used first, and no over-run.
    early = course(Span("X", D(2020, 1, 1), D(2020, 7, 1), D(2020, 8, 15), 15, D(2020, 7, 21)),
                   D(2020, 12, 1))
    assert (early.timescale, early.extension, early.pause, early.overrun) == (182, 20, 0, 0)
    # Still open: drawn to the paper's day.
    still = course(Span("X", D(2020, 1, 1), D(2020, 7, 1), D(2020, 7, 1), 0, None),
                   D(2020, 7, 11))
    assert (still.open, still.end, still.overrun) == (True, D(2020, 7, 11), 10)


def test_targets_met_and_not_in_words_and_a_glyph(year, run, tmp_path):  # noqa: F811
    config = tmp_path / "casework.toml"
    config.write_text('[targets]\n"scr.referred" = 5\n'
                      '"scr.longest_slippage_days" = { at_most = 70 }\n'
                      '[targets.scr.decided]\nscr = { at_least = 1, at_most = 2 }\n',
                      encoding="utf-8")
    html = run("--config", str(config), *ARGS).stdout
    assert "<th>Board's target</th><th>Target met</th>" in html
    assert cells(html, "scr.referred") == ["Referred", "4", "1", "at least 5", "✗ not met"]
    assert cells(html, "scr.longest_slippage_days")[1:] == [
        "69 (SCR-2008-002)", "0", "at most 70", "✓ met"]
    assert cells(html, "scr.decided.scr")[3:] == ["1 to 2", "✓ met"]
    assert cells(html, "scr.completed")[3:] == ["", ""]  # no target: nothing said
    assert '<span class="not-met">✗ not met</span>' in html


def test_a_target_for_a_figure_that_does_not_exist_is_refused(year, run, tmp_path):  # noqa: F811
    config = tmp_path / "casework.toml"
    config.write_text('[targets]\n"scr.refered" = 5\n', encoding="utf-8")
    bad = run("--config", str(config), *ARGS, expect=2)
    assert bad.stderr == (f"Error: config file {config}: [targets]: no figure 'scr.refered' "
                          "(did you mean 'scr.referred'?); the figures are named as in "
                          "`casework report figures --json`\n")
    config.write_text('[targets]\n"scr.referred" = "five"\n', encoding="utf-8")
    bad = run("--config", str(config), *ARGS, expect=2)
    assert bad.stderr.startswith(f"Error: config file {config}: [targets]: scr.referred "
                                 "must be a number")
    config.write_text('[targets]\n"scr.referred" = { at_least = "x" }\n', encoding="utf-8")
    assert "scr.referred.at_least must be a number" in run(
        "--config", str(config), *ARGS, expect=2).stderr


def test_a_paused_and_extended_review_from_the_database(service, clock, run):
    """tests.test_pause_extend's case: decided Thu 10 Apr 2008, completion due 10 Aug
    (122 days); extended to 30 Sep (51 days), paused 15 Apr to 14 Jun (60 days): due
    29 Nov 2008. Still open on the paper's day, 5 Jan 2009: 37 days over."""
    import pendulum

    from tests.test_pause_extend import _decided

    clock.set(pendulum.datetime(2009, 1, 5, 9, tz="Europe/London"))
    ref = _decided(service)
    service.extend(ref, "completion", to="2008-09-30", reason="before the pause", actor="c")
    service.pause(ref, "criminal proceedings", actor="c", on="2008-04-15")
    service.resume(ref, actor="c", on="2008-06-14")
    html = run("report", "figures", "--to", "2009-03-31", "--format", "html").stdout
    [span] = charts(html)["scr-slippage"].findall("s:g[@class='span']", NS)
    assert (span.get("data-reference"), span.get("data-open")) == (ref, "yes")
    assert [(r.get("data-part"), int(r.get("data-days"))) for r in span.findall("s:rect", NS)] \
        == [("timescale", 122), ("extension", 51), ("pause", 60), ("overrun", 37)]
    assert f'<tr data-case="{ref}"><td class="ref">{ref}</td><td class="date">10 Apr 2008' \
           '</td><td class="date">10 Aug 2008</td><td class="date">29 Nov 2008</td><td ' \
           'class="date">still open</td><td class="number">51</td><td class="number">60</td>' \
           '<td class="number">37</td></tr>' in html


def test_a_past_periods_pauses_are_those_made_by_its_end(service, clock, run):
    """Decided Thu 10 Apr 2008, completion due 10 Aug; extended on 20 May to 30 Sep (51
    days). Paused 1 Sep to 1 Oct, after the period (1 Apr to 31 Aug 2008) ended: the due date
    moved 30 days more, to 30 Oct. The period's paper, printed on 5 Jan 2009, shows the
    review as it stood on 31 Aug: 51 days agreed as extensions, none paused, not over-run
    (today's count would say 21 extended and 30 paused)."""
    import pendulum

    from tests.test_pause_extend import _decided

    clock.set(pendulum.datetime(2009, 1, 5, 9, tz="Europe/London"))
    ref = _decided(service)
    service.extend(ref, "completion", to="2008-09-30", reason="more time", actor="c",
                   on="2008-05-20")
    service.pause(ref, "criminal proceedings", actor="c", on="2008-09-01")
    service.resume(ref, actor="c", on="2008-10-01")
    html = run("report", "figures", "--from", "2008-04-01", "--to", "2008-08-31",
               "--format", "html").stdout
    assert f'<tr data-case="{ref}"><td class="ref">{ref}</td><td class="date">10 Apr 2008' \
           '</td><td class="date">10 Aug 2008</td><td class="date">30 Sep 2008</td><td ' \
           'class="date">still open</td><td class="number">51</td><td class="number">0</td>' \
           '<td class="number">0</td></tr>' in html
    [span] = charts(html)["scr-slippage"].findall("s:g[@class='span']", NS)
    assert [(r.get("data-part"), int(r.get("data-days"))) for r in span.findall("s:rect", NS)] \
        == [("timescale", 122), ("extension", 21)]


def test_each_chart_fills_with_its_own_patterns(clock, run):
    """A paper's inline charts share one page, where an id must be unique: each chart's
    hatched and dotted fills are patterns it defines itself. The demo's year has several
    charts (deaths by category, the reviews' slippage)."""
    import pendulum

    clock.set(pendulum.datetime(2026, 12, 2, 9, tz="Europe/London"))
    run("demo")
    html = run("report", "figures", "--format", "html").stdout
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(svgs) >= 2
    patterned = 0
    for svg in svgs:
        ident = re.match(r'<svg [^>]*\bid="([^"]+)"', svg).group(1)
        used = set(re.findall(r"url\(#([^)]+)\)", svg))
        assert used <= {f"{ident}-hatch", f"{ident}-dots"}, (ident, used)
        assert used <= set(re.findall(r'<pattern id="([^"]+)"', svg))
        patterned += bool(used)
    assert patterned >= 1  # the slippage's legend at least


def _paused(service, clock, run, on: str) -> tuple[ET.Element, str]:
    """tests.test_pause_extend's review (decided Thu 10 Apr 2008, completion due 10 Aug),
    paused on `on` and not resumed; the paper for 2008/09 printed on 5 Jan 2009: its span on
    the slippage chart, and the paper."""
    import pendulum

    from tests.test_pause_extend import _decided

    clock.set(pendulum.datetime(2009, 1, 5, 9, tz="Europe/London"))
    ref = _decided(service)
    service.pause(ref, "criminal proceedings", actor="c", on=on)
    html = run("report", "figures", "--to", "2009-03-31", "--format", "html").stdout
    [span] = charts(html)["scr-slippage"].findall("s:g[@class='span']", NS)
    return span, html


def parts(span: ET.Element) -> list[tuple[str, int]]:
    return [(r.get("data-part"), int(r.get("data-days"))) for r in span.findall("s:rect", NS)]


def test_a_review_paused_before_its_due_date_is_not_over_run_while_paused(
        service, clock, run):
    """Paused on 1 Aug, before it fell due. Resuming will move the date on by the pause, so
    the 148 days past 10 Aug (21 + 30 + 31 + 30 + 31 + 5) are drawn as paused, none as
    over-run."""
    span, html = _paused(service, clock, run, "2008-08-01")
    assert parts(span) == [("timescale", 122), ("pause", 148)]
    assert span.findall("s:text", NS)[-1].text == "paused"
    assert "still open on 5 Jan 2009, paused since 1 Aug 2008, not over-run." in html
    assert '<td class="date">paused since 1 Aug 2008</td><td class="number">0</td>' \
           '<td class="number">0</td><td class="number">0</td>' in html


def test_a_review_paused_after_its_due_date_stays_over_run(service, clock, run):
    """Paused on Wed 20 Aug, ten days after it fell due: a pause moves only what was not yet
    due, so it stays 148 days over on 5 Jan 2009."""
    span, html = _paused(service, clock, run, "2008-08-20")
    assert parts(span) == [("timescale", 122), ("overrun", 148)]
    assert "still open on 5 Jan 2009, paused since 20 Aug 2008, 148 days over." in html
