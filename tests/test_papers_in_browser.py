"""The figures paper and a case's timeline as a reader gets them: opened in real Chromium at
three window widths (no header's text outside its cell, no two headers or headings
overlapping, nothing wider than the window, the charts there with the right number of
bars), then printed to PDF and read back: the page count, and on every page the paper's
title, the board's marking and "Page n of m". The stories are the hand-built ones of
tests.test_scr_figures and tests.test_overdue_listing. (The overdue paper's are in
tests.test_board_paper, deaths by category in tests.test_figures.)"""

from __future__ import annotations

import re
from pathlib import Path

from tests.pdf_text import page_texts
from tests.test_board_paper import browse, chromium, inside, measured, overlap
from tests.test_overdue_listing import story  # noqa: F401  (fixtures)
from tests.test_scr_figures import year  # noqa: F401

WIDTHS = (700, 1000, 1400)


def laid_out(browser: str, paper: Path, tmp_path: Path) -> list[dict]:
    """The paper's layout at each width, checked for what a reader would trip over."""
    layouts = []
    for width in WIDTHS:
        layout = measured(browser, paper, width, tmp_path)
        headers = layout["headers"]
        for header in headers:
            for line in header["lines"]:
                assert inside(line, header["cell"]), (width, header["text"], line)
        boxes = [(h["text"], line) for h in headers for line in h["lines"]]
        boxes += [(f"heading {n}", box) for n, box in enumerate(layout["headings"])]
        for number, (name, box) in enumerate(boxes):
            for other, other_box in boxes[number + 1:]:
                assert not overlap(box, other_box), (width, name, other)
        assert layout["scroll"] <= layout["width"], width  # nothing wider than the window
        assert all(chart["width"] <= layout["width"] for chart in layout["charts"].values())
        [page] = layout["page"]
        assert "counter(page)" in page and "OFFICIAL-SENSITIVE" in page
        layouts.append(layout)
    return layouts


def printed(browser: str, paper: Path, tmp_path: Path) -> list[str]:
    """Each printed page's text, spaces run together."""
    pdf = tmp_path / "paper.pdf"
    browse(browser, tmp_path / "profile", "--no-pdf-header-footer",
           f"--print-to-pdf={pdf}", paper.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    texts = [" ".join(text.split()) for text in page_texts(data)]
    assert len(texts) == len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    return texts


def every_page_carries(texts: list[str], title: str) -> None:
    for number, text in enumerate(texts, start=1):
        assert text.startswith(f"{title} OFFICIAL-SENSITIVE Page {number} of {len(texts)} "
                               "Produced "), text[:200]


def test_the_figures_paper_in_a_browser_and_printed(year, run, tmp_path):  # noqa: F811
    browser = chromium()
    paper = tmp_path / "figures.html"
    run("report", "figures", "--to", "2009-03-31", "--format", "html", "--output", str(paper))
    for layout in laid_out(browser, paper, tmp_path):
        # The three SCRs under way in 2008/09; no CSPR, no death reviewed either year.
        assert {name: chart["spans"] for name, chart in layout["charts"].items()} == {
            "scr-slippage": 3}
        # four sections (SCR, child deaths under each guidance, CSPR), three columns each, and
        # the slippage table's eight
        assert len(layout["headers"]) == 4 * 3 + 8
    texts = printed(browser, paper, tmp_path)
    title = "Figures for 1 Apr 2008 to 31 Mar 2009"
    every_page_carries(texts, title)
    # A4 landscape: the SCR table; its end, the slippage chart and table and the deaths'
    # start; the deaths; the 2018 guidance's; the CSPR's (its head repeated on each page).
    assert len(texts) == 6, [t[:120] for t in texts]
    assert all("Figure This period The period before" in text for text in texts[1:])
    whole = " ".join(texts)
    assert "Slippage of each review" in whole and "SCR-2008-002 2 Jun 2008" in whole
    assert "Child O" not in whole and "Child P" not in whole  # references, not pseudonyms


def test_the_case_timeline_in_a_browser_and_printed(story, run, tmp_path):  # noqa: F811
    browser = chromium()
    paper = tmp_path / "timeline.html"
    run("case", "timeline", "SCR-2007-001", "--output", str(paper))
    for layout in laid_out(browser, paper, tmp_path):
        assert layout["charts"]["timeline-SCR-2007-001"]["requests"] == 3  # CSC, HEALTH, POLICE
        assert layout["charts"]["timeline-SCR-2007-001"]["bands"] == 6  # six stages
        assert layout["charts"]["timeline-SCR-2007-001"]["bars"] == 3
        assert len(layout["headers"]) == 3 + 7  # the stages' table, the requests'
    texts = printed(browser, paper, tmp_path)
    every_page_carries(texts, "Timeline of SCR-2007-001 as of 1 Apr 2008")
    assert len(texts) == 2, [t[:120] for t in texts]  # the chart and stages, the requests
    assert "Child A" not in " ".join(texts)
