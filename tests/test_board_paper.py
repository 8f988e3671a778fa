"""The board's paper as a reader gets it: opened in real Chromium, its layout measured by the
browser (every header's text inside its own cell, no two headers' text overlapping, at a
narrow and a wide window), printed to PDF (its page count), and its chart's bars counted
against the story of tests.test_overdue_listing, worked out by hand there."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_overdue_listing import story  # noqa: F401  (the fixture)

# Put into a copy of the paper (the paper itself has no script): the browser's own layout of
# every table header - its cell's box and its text's boxes - written into the page.
MEASURE = """<script>
const found = [];
for (const th of document.querySelectorAll("th")) {
  const range = document.createRange();
  range.selectNodeContents(th);
  const text = [...range.getClientRects()].map(r => [r.left, r.top, r.right, r.bottom]);
  const box = th.getBoundingClientRect();
  found.push({text: th.textContent, cell: [box.left, box.top, box.right, box.bottom],
              lines: text});
}
const bars = document.querySelectorAll("svg.chart rect.bar").length;
const charts = {};
for (const svg of document.querySelectorAll("svg.chart")) {
  const count = selector => svg.querySelectorAll(selector).length;
  charts[svg.id] = {bars: count("rect.bar"), spans: count("g.span"),
                    requests: count("g.request"), bands: count("g.band"),
                    width: svg.getBoundingClientRect().width};
}
const headings = [...document.querySelectorAll("h1, h2, h3, header.paper > *, caption")]
  .map(h => { const b = h.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; });
const pageRules = [...document.styleSheets].flatMap(s => [...s.cssRules])
  .filter(r => r.constructor.name === "CSSPageRule").map(r => r.cssText);
const out = document.createElement("pre");
out.id = "measured";
out.textContent = JSON.stringify({headers: found, bars: bars, page: pageRules,
  charts: charts, headings: headings,
  width: document.documentElement.clientWidth,
  scroll: document.documentElement.scrollWidth});
document.body.appendChild(out);
</script>"""


def chromium() -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if os.environ.get("CASEWORK_REQUIRE_BROWSER"):
            pytest.fail("CASEWORK_REQUIRE_BROWSER is set but no chromium is installed")
        pytest.skip("no chromium here: the board paper was not opened in a browser")
    return browser


def browse(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


def measured(browser: str, paper: Path, width: int, tmp_path: Path) -> dict:
    probe = tmp_path / f"probe-{width}.html"
    probe.write_text(paper.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"),
                     encoding="utf-8")
    dom = browse(browser, tmp_path / "profile", "--dump-dom", f"--window-size={width},900",
                 probe.as_uri()).stdout
    text = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S).group(1)
    return json.loads(text.replace("&quot;", '"').replace("&amp;", "&")
                      .replace("&lt;", "<").replace("&gt;", ">"))


def overlap(a: list[float], b: list[float]) -> bool:
    """Two boxes share some area (a hair's touching does not count)."""
    return min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5


def inside(inner: list[float], outer: list[float]) -> bool:
    return (inner[0] >= outer[0] - 0.5 and inner[2] <= outer[2] + 0.5
            and inner[1] >= outer[1] - 0.5 and inner[3] <= outer[3] + 0.5)


def test_no_header_runs_into_the_next_at_any_width(story, run, tmp_path):  # noqa: F811
    browser = chromium()
    paper = tmp_path / "paper.html"
    run("report", "overdue", "--format", "html", "--output", str(paper))
    for width in (700, 1000, 1400):
        layout = measured(browser, paper, width, tmp_path)
        headers = layout["headers"]
        assert len(headers) == 4 + 3 * 7  # the summary's, then each agency table's
        for header in headers:
            for line in header["lines"]:
                assert inside(line, header["cell"]), (width, header["text"], line)
        lines = [(h["text"], line) for h in headers for line in h["lines"]]
        for number, (name, box) in enumerate(lines):
            for other, other_box in lines[number + 1:]:
                assert not overlap(box, other_box), (width, name, other)
        assert layout["scroll"] <= layout["width"]  # nothing wider than the window
        # 1 April: CSC 1 reminded, EDU 1 to the chair, the board's 1 not yet reminded.
        assert layout["bars"] == 3
        assert layout["charts"]["overdue-chart"]["bars"] == 3
        [page] = layout["page"]
        assert 'counter(page)' in page and "OFFICIAL-SENSITIVE" in page


def test_printed_it_has_pages_the_marking_and_page_numbers(story, run, tmp_path):  # noqa: F811
    browser = chromium()
    paper = tmp_path / "paper.html"
    run("report", "overdue", "--format", "html", "--output", str(paper))
    pdf = tmp_path / "paper.pdf"
    browse(browser, tmp_path / "profile", "--no-pdf-header-footer",
           f"--print-to-pdf={pdf}", paper.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    assert pages == 2, pages  # A4 landscape: the summary and chart, then the agencies'
    from tests.pdf_text import page_texts

    title = "Overdue actions and requests as of Tuesday 1 April 2008"
    for number, text in enumerate(page_texts(data), start=1):  # read back from the PDF
        assert " ".join(text.split()).startswith(
            f"{title} OFFICIAL-SENSITIVE Page {number} of 2 Produced 1 Apr 2008 at 10:00")


def test_the_chart_counts_what_the_listing_lists(story):  # noqa: F811
    """1 April: CSC's extended IMR reminded on the day, EDU's Form B with the chair, the
    board's paused decision never swept; a week before (25 March) CSC's IMR was not yet due
    again (extended on 6 March), so only EDU's and the board's were late."""
    import xml.etree.ElementTree as ET

    from casework.overdue import overdue_listing
    from notifications.reports import overdue_chart
    from tests.test_overdue_listing import D

    svg = ET.fromstring(str(overdue_chart(story, overdue_listing(story, D(2008, 4, 1)))))
    ns = {"s": "http://www.w3.org/2000/svg"}
    bars = [(r.get("data-series"), int(r.get("data-value")))
            for r in svg.iterfind("s:rect[@class='bar']", ns)]
    assert bars == [("reminded", 1), ("escalated to the board chair", 1),
                    ("not yet reminded", 1)]
    earlier = [int(r.get("data-value")) for r in svg.iterfind("s:rect[@class='previous']", ns)]
    assert earlier == [0, 1, 1]
    assert svg.find("s:desc", ns).text == (
        "As of 1 Apr 2008: Children's Social Care 1 (1 reminded), 0 on 25 Mar 2008; "
        "Education 1 (1 escalated to the board chair), 1 on 25 Mar 2008; The board 1 "
        "(1 not yet reminded), 1 on 25 Mar 2008.")


def test_the_board_sets_its_marking_and_logo(story, run, tmp_path):  # noqa: F811
    config = tmp_path / "casework.toml"
    config.write_text('[board]\nmarking = "OFFICIAL \\"SENSITIVE\\" </style>"\n'
                      'logo = "logo.png"\n', encoding="utf-8")
    html = run("--config", str(config), "report", "overdue", "--format", "html").stdout
    assert '<p class="marking">OFFICIAL &#34;SENSITIVE&#34; &lt;/style&gt;</p>' in html
    assert '@top-right { content: "OFFICIAL \\22 SENSITIVE\\22  \\3c /style\\3e "' in html
    assert '<img class="logo" src="logo.png" alt="The board\'s logo">' in html
    figures = run("report", "figures", "--format", "html").stdout
    assert '<p class="marking">OFFICIAL-SENSITIVE</p>' in figures
    assert 'content: "Page " counter(page) " of " counter(pages)' in figures


def test_the_chart_alone_as_an_svg_file(story, run, tmp_path):  # noqa: F811
    """`--format svg` is the paper's chart as a file of its own, the same bars."""
    import xml.etree.ElementTree as ET

    chart = tmp_path / "overdue.svg"
    run("report", "overdue", "--format", "svg", "--output", str(chart))
    svg = ET.parse(chart).getroot()
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert [int(r.get("data-value")) for r in svg.iterfind("s:rect[@class='bar']", ns)] \
        == [1, 1, 1]
    assert svg.find("s:title", ns).text == "Overdue items by agency and level reached"
    text = chart.read_text(encoding="utf-8")
    assert not any(f"Child {x}" in text for x in "ABD")  # no pseudonym in a chart
