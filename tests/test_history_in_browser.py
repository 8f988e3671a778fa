"""The panel's chronology as a reader gets it (`casework case history --format html`): opened
in real Chromium at three window widths (no header's text outside its cell, no two headers
overlapping, nothing wider than the window), then printed to PDF and read back: the page
count, and on every page its title, the board's marking and "Page n of m". The story is
tests.test_history_paper's, with the IMR extended week by week a dozen times more, so the
chronology runs over pages."""

from __future__ import annotations

# ruff: noqa: F401, F811
from correction_story import clock, scr

from tests.test_board_paper import chromium
from tests.test_history_paper import corrected
from tests.test_papers_in_browser import every_page_carries, laid_out, printed


def test_the_chronology_in_a_browser_and_printed(run, corrected, tmp_path):
    for week in range(1, 13):
        run("case", "extend", corrected, "imr:POLICE", "--by", "1 week", "--reason",
            f"the author's leave, week {week} of the review's delay")
    browser = chromium()
    paper = tmp_path / "chronology.html"
    run("case", "history", corrected, "--format", "html", "--emails", "--output", str(paper))
    for layout in laid_out(browser, paper, tmp_path):
        assert [h["text"] for h in layout["headers"]] == [
            "Date", "Time", "What happened", "Recorded by", "Recorded on", "Voided on"]
        assert layout["charts"] == {}
    texts = printed(browser, paper, tmp_path)
    every_page_carries(texts, "Chronology of SCR-2008-001")
    # A4 landscape: the steps to the correction; the dozen extensions and their emails
    # over three more pages, the table's head repeated on each
    assert len(texts) == 4, [t[:120] for t in texts]
    assert all("Date Time What happened Recorded by Recorded on Voided on" in text
               for text in texts)
    whole = " ".join(texts)
    assert "Child A -> Child B" in whole  # the correction, as recorded
    assert "week 12 of the review's delay" in whole  # nothing lost at a page's end
    assert "Child A " not in whole.replace("Child A -> Child B", "")  # the pseudonym now
