"""The built-in templates a board may override, and copying one into its folder to edit.

A template is named by its folder and stem (`email/request_imr`): an email is a `.txt` and
an `.html` file, a report or a partial one file. Emails are looked up in the board's email
folder (`[email] templates`, else `[board] templates`), reports in `[board] templates`.
"""

from __future__ import annotations

import difflib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from casework.config import Settings
from casework.errors import InvalidInput
from notifications.render import BUILTIN
from templates import PURPOSES


@dataclass(frozen=True)
class Template:
    name: str  # "email/request_imr"
    files: tuple[str, ...]  # relative to a templates folder: "email/request_imr.txt", ...
    purpose: str


def builtin() -> list[Template]:
    """Every built-in template, emails then reports, each in name order."""
    found: dict[str, list[str]] = {}
    for path in sorted(BUILTIN.glob("*/*")):
        if path.suffix in (".txt", ".html"):
            found.setdefault(f"{path.parent.name}/{path.stem}", []).append(
                f"{path.parent.name}/{path.name}")
    return [Template(name, tuple(sorted(files, key=lambda f: not f.endswith(".txt"))),
                     PURPOSES.get(name) or _comment(BUILTIN / files[0]))
            for name, files in sorted(found.items())]


def _comment(path: Path) -> str:
    """The first sentence of a template's leading `{#- ... -#}` comment, if any."""
    match = re.match(r"\s*\{#-?(.*?)-?#\}", path.read_text(encoding="utf-8"), re.S)
    text = " ".join(match.group(1).split()) if match else ""
    return text.split(". ")[0].rstrip(".")


def board_folder(settings: Settings, template: Template) -> Path | None:
    """Where the board's own version of `template` would be found."""
    if template.name.startswith("email/"):
        return settings.mail.templates
    return settings.report_templates


def overridden(settings: Settings, template: Template) -> list[str]:
    """The template's files the board's folder has its own version of."""
    folder = board_folder(settings, template)
    return [f for f in template.files if folder is not None and (folder / f).is_file()]


def find(name: str) -> tuple[Template, tuple[str, ...]]:
    """A template by name (`email/request_imr`, `request_imr`, or one file of it,
    `email/request_imr.html`), and the files meant; an unknown name says the closest."""
    wanted = name.strip().replace("\\", "/")
    templates = builtin()
    for template in templates:
        if wanted in (template.name, template.name.split("/")[-1]):
            return template, template.files
        for file in template.files:
            if wanted in (file, file.split("/")[-1]):
                return template, (file,)
    names = [t.name for t in templates] + [t.name.split("/")[-1] for t in templates]
    close = difflib.get_close_matches(wanted, names, 1)
    hint = f"; did you mean {close[0]}?" if close else " (`casework templates list` names them)"
    raise InvalidInput(f"no built-in template {name!r}{hint}")


def copy(settings: Settings, name: str, to: Path | None = None,
         force: bool = False) -> list[Path]:
    """Copy a built-in template into the board's folder (or `to`), to be edited there.
    Refused, with nothing copied, when a file is there already (unless `force`)."""
    template, files = find(name)
    folder = to or board_folder(settings, template)
    if folder is None:
        raise InvalidInput("no templates folder: set [board] templates in the config file "
                           "(`casework config show` says which file), or give --to DIR")
    if not folder.is_dir():
        raise InvalidInput(f"templates folder {folder} is not a folder")
    targets = [folder / f for f in files]
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        raise InvalidInput(f"{existing[0]} exists already: nothing copied (--force replaces "
                           "it)")
    for file, target in zip(files, targets, strict=True):
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(BUILTIN / file, target)
    return targets
