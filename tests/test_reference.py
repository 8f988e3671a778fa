"""The README's command reference is what the commands' help says today (CI catches drift)."""

from __future__ import annotations

from pathlib import Path

from cli import reference


def test_the_readme_reference_is_the_commands_help():
    current = reference.section(reference.README.read_text(encoding="utf-8"))
    assert current is not None, "README.md lost its command reference markers"
    assert current == reference.render(), (
        "README.md's command reference is out of date: run `python3 run.py reference`")


def test_regenerating_rewrites_only_the_section(tmp_path: Path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# before\n\n{reference.BEGIN}\nstale\n{reference.END}\n\nafter\n",
                      encoding="utf-8")
    assert reference.update(readme) is True
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# before\n\n") and text.endswith(f"{reference.END}\n\nafter\n")
    assert "### `casework scheduler status`" in text and "stale" not in text
    assert reference.update(readme) is False  # a second run changes nothing
