"""Emails and the board's reports from jinja2 templates.

An email is a text body, an HTML alternative, and a subject; a report is one HTML page.

A board overrides any template by putting a file of the same name in its own folder
(`[board] templates` in the config file); the built-in ones in `templates/` are used for the
rest. Each email is two files, `email/<name>.txt` and `email/<name>.html`; the text one sets
the subject with `{% set subject %}...{% endset %}`. A report is `report/<name>.html`. HTML
is autoescaped, text is not.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

import templates as builtin_templates
from casework.errors import InvalidInput
from workflows.formats import in_words, short

BUILTIN = Path(builtin_templates.__file__).parent


class TemplateProblem(InvalidInput):
    """A template that does not render: the change that needed it is not recorded."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str | None


class Renderer:
    def __init__(self, board_folder: Path | None = None) -> None:
        folders = [str(board_folder)] if board_folder else []
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader([*folders, str(BUILTIN)]),
            autoescape=jinja2.select_autoescape(enabled_extensions=("html",),
                                                default_for_string=False),
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.environment.filters.update(day=short, day_words=in_words, css_string=css_string)

    def render(self, names: list[str], context: dict[str, Any]) -> Rendered:
        """The first of `names` that exists (e.g. request_imr, then request)."""
        with _problems("email template", names[0]):
            text_template = self.environment.select_template(
                [f"email/{name}.txt" for name in names])
            name = Path(text_template.name or "").stem
            try:
                module = text_template.make_module(context)
            except Exception:
                self.environment.handle_exception()  # the template's own lines in the trace
            subject = " ".join(str(getattr(module, "subject", "")).split())
            if not subject:
                raise TemplateProblem(f"template {text_template.filename} sets no subject "
                                      "({% set subject %}...{% endset %})")
            text = _tidy(str(module))
            try:
                html_template = self.environment.get_template(f"email/{name}.html")
            except jinja2.TemplateNotFound:
                html = None
            else:
                html = html_template.render(context, subject=subject,
                                            signature=lambda: self._signature(context))
        return Rendered(subject[:500], text, html)

    def _signature(self, context: dict[str, Any]) -> Markup:
        """The board's signature (`email/_signature.txt`, its own if it has one) for the HTML
        part, escaped: one paragraph a block of lines, addresses as mailto links."""
        text = self.environment.get_template("email/_signature.txt").render(context)
        blocks = [b.strip() for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
        return Markup("\n").join(
            Markup("<p>{}</p>").format(Markup("<br>\n").join(_linked(line.strip())
                                                             for line in block.splitlines()))
            for block in blocks)

    def page(self, name: str, context: dict[str, Any]) -> str:
        """A report for the board, `report/<name>.html` (or the board's own version)."""
        with _problems("report template", f"report/{name}.html"):
            html = self.environment.get_template(f"report/{name}.html").render(context)
        return html


_RENDERERS: dict[Path | None, Renderer] = {}


def renderer_for(board_folder: Path | None = None) -> Renderer:
    """One renderer per templates folder for the life of the process: compiling the
    templates is most of the cost of a first email. A template changed on disk is still
    seen (jinja2 checks each file's time when it is used)."""
    if board_folder not in _RENDERERS:
        _RENDERERS[board_folder] = Renderer(board_folder)
    return _RENDERERS[board_folder]


@contextmanager
def _problems(what: str, fallback: str) -> Iterator[None]:
    """A template that is missing or does not render, as the board's reason: file and line."""
    try:
        yield
    except jinja2.TemplateNotFound as exc:
        raise TemplateProblem(f"no {what} {exc.name}") from None
    except jinja2.TemplateError as exc:
        where, line = _where(exc, fallback)
        raise TemplateProblem(f"{what} {where}" + (f" line {line}" if line else "")
                              + f" does not render: {exc.message or exc}") from None


def _where(exc: jinja2.TemplateError, fallback: str) -> tuple[str, int | None]:
    """The template file and line at fault: a syntax error says; an error while rendering
    shows in the traceback, where jinja2 puts the template's own file and line."""
    filename = getattr(exc, "filename", None)
    if filename:
        return filename, getattr(exc, "lineno", None)
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".txt", ".html")):
            return frame.filename, frame.lineno
    return fallback, None


def css_string(value: Any) -> Markup:
    """A quoted CSS string (for a printed page's margin boxes): nothing in it can end the
    string or the <style> element."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,:;-()/'" else f"\\{ord(ch):x} "
                      for ch in str(value))
    return Markup(f'"{escaped}"')


EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


def _linked(line: str) -> Markup:
    """A line of text, escaped, with each email address a mailto link."""
    parts, end = [], 0
    for match in EMAIL.finditer(line):
        parts += [escape(line[end:match.start()]),
                  Markup('<a href="mailto:{0}">{0}</a>').format(match.group())]
        end = match.end()
    return Markup("").join([*parts, escape(line[end:])])


def _tidy(text: str) -> str:
    """No runs of blank lines where optional parts were left out."""
    return re.sub(r"\n{3,}", "\n\n", text.strip()) + "\n"
