"""Emails from jinja2 templates: a text body, an HTML alternative, and a subject.

A board overrides any template by putting a file of the same name in its own folder
(`[email] templates` in the config file); the built-in ones in `templates/` are used for the
rest. Each email is two files, `email/<name>.txt` and `email/<name>.html`; the text one sets
the subject with `{% set subject %}...{% endset %}`. HTML is autoescaped, text is not.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

import templates as builtin_templates
from casework.errors import InvalidInput

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

    def render(self, names: list[str], context: dict[str, Any]) -> Rendered:
        """The first of `names` that exists (e.g. request_imr, then request)."""
        try:
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
                html = html_template.render(context, subject=subject)
        except jinja2.TemplateNotFound as exc:
            raise TemplateProblem(f"no email template {exc.name}") from None
        except jinja2.TemplateError as exc:
            where, line = _where(exc, names[0])
            raise TemplateProblem(f"email template {where}"
                                  + (f" line {line}" if line else "")
                                  + f" does not render: {exc.message or exc}") from None
        return Rendered(subject[:500], text, html)


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


def _tidy(text: str) -> str:
    """No runs of blank lines where optional parts were left out."""
    return re.sub(r"\n{3,}", "\n\n", text.strip()) + "\n"
