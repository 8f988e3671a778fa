"""`casework templates list | copy`, and a board's own signature in both parts of an email,
as a real SMTP server (aiosmtpd on 127.0.0.1) receives it."""

from __future__ import annotations

import json
from pathlib import Path

# The correction story's fixtures (clock, scr) are imported, so the tests' arguments shadow them.
# ruff: noqa: F401, F811
from correction_story import clock, scr

BUILTIN = Path(__file__).parent.parent / "templates"


def board(tmp_path: Path, extra: str = "") -> tuple[Path, Path]:
    folder = tmp_path / "board-templates"
    folder.mkdir()
    config = tmp_path / "board.toml"
    config.write_text(f'[board]\ntemplates = "{folder}"\n{extra}', encoding="utf-8")
    return config, folder


def test_every_built_in_template_is_listed_with_what_it_is_for(run, tmp_path):
    config, folder = board(tmp_path)
    (folder / "email").mkdir()
    (folder / "email" / "request_imr.html").write_text("mine", encoding="utf-8")
    (folder / "email" / "_signature.txt").write_text("Kent LSCB", encoding="utf-8")
    listed = json.loads(run("--config", config, "templates", "list", "--json").stdout)
    on_disk = {f"{p.parent.name}/{p.stem}" for p in BUILTIN.glob("*/*.*")
               if p.suffix in (".txt", ".html")}
    assert {t["name"] for t in listed} == on_disk
    assert all(t["purpose"] for t in listed)
    by_name = {t["name"]: t for t in listed}
    assert by_name["email/request_imr"] == {
        "name": "email/request_imr", "files": ["email/request_imr.txt", "email/request_imr.html"],
        "purpose": "asks an agency for an individual management review (IMR)",
        "board_files": [str(folder / "email" / "request_imr.html")]}
    assert by_name["report/figures"]["board_files"] == []
    out = run("--config", config, "templates", "list").stdout.splitlines()
    assert out[:2] == ["TEMPLATE                          BOARD'S OWN  FOR",
                       "--------------------------------  -----------  "
                       "---------------------------------"]
    assert out[4:6] == [
        "email/_signature                  yes          the signature closing every",
        "                                               email, text and HTML parts"]
    assert "email/request_imr                 .html        asks an agency for an individual" \
        in out
    assert "email/withdrawn                   -            tells an agency a request is no" \
        in out
    assert out[-2:] == ["", f"The board's folder: {folder}"]


def test_copy_puts_a_template_in_the_boards_folder_and_never_overwrites(run, tmp_path):
    config, folder = board(tmp_path)
    done = run("--config", config, "templates", "copy", "email/request_imr")
    assert done.stdout == (f"Copied {folder / 'email' / 'request_imr.txt'}\n"
                           f"Copied {folder / 'email' / 'request_imr.html'}\n")
    assert (folder / "email" / "request_imr.txt").read_bytes() == \
        (BUILTIN / "email" / "request_imr.txt").read_bytes()
    (folder / "email" / "request_imr.html").write_text("edited", encoding="utf-8")
    again = run("--config", config, "templates", "copy", "request_imr.html", expect=2)
    assert again.stderr == (f"Error: {folder / 'email' / 'request_imr.html'} exists already: "
                            "nothing copied (--force replaces it)\n")
    assert (folder / "email" / "request_imr.html").read_text(encoding="utf-8") == "edited"
    run("--config", config, "templates", "copy", "request_imr.html", "--force")
    assert (folder / "email" / "request_imr.html").read_bytes() == \
        (BUILTIN / "email" / "request_imr.html").read_bytes()
    paper = run("--config", config, "templates", "copy", "figures").stdout
    assert paper == f"Copied {folder / 'report' / 'figures.html'}\n"
    elsewhere = tmp_path / "drafts"
    elsewhere.mkdir()
    assert run("templates", "copy", "_signature", "--to", elsewhere).stdout == \
        f"Copied {elsewhere / 'email' / '_signature.txt'}\n"


def test_copy_refuses_an_unknown_name_or_no_folder(run, tmp_path):
    config, folder = board(tmp_path)
    typo = run("--config", config, "templates", "copy", "requst_imr", expect=2)
    assert typo.stderr == "Error: no built-in template 'requst_imr'; did you mean request_imr?\n"
    nothing = run("--config", config, "templates", "copy", "letter", expect=2)
    assert nothing.stderr == ("Error: no built-in template 'letter' (`casework templates list` "
                              "names them)\n")
    unset = run("templates", "copy", "request_imr", expect=2)
    assert unset.stderr == ("Error: no templates folder: set [board] templates in the config "
                            "file (`casework config show` says which file), or give --to DIR\n")
    assert list(folder.iterdir()) == []


def test_the_boards_signature_reaches_the_html_part_escaped(run, scr, smtp_sink, tmp_path):
    config, folder = board(tmp_path, '[email.smtp]\nhost = "127.0.0.1"\n'
                                     f'port = {smtp_sink.port}\nsecurity = "none"\n')
    (folder / "email").mkdir()
    (folder / "email" / "_signature.txt").write_text(
        "Reply to the business unit: lscb@kent.example.org\n\n"
        "Kent & Medway <Safeguarding> Board\nTel 01622 000000\n", encoding="utf-8")
    run("--config", config, "case", "advance", scr, "commission_imrs", "--terms", "ToR",
        "--agency", "POLICE", "--on", "2008-06-02")
    run("--config", config, "outbox", "send")
    [message] = smtp_sink.messages
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(("html",)).get_content().replace("\r\n", "\n")
    assert text.endswith("Reply to the business unit: lscb@kent.example.org\n\n"
                         "Kent & Medway <Safeguarding> Board\nTel 01622 000000\n")
    assert ('<div class="signature" style="color: #555;">\n'
            '<p>Reply to the business unit: <a href="mailto:lscb@kent.example.org">'
            "lscb@kent.example.org</a></p>\n"
            "<p>Kent &amp; Medway &lt;Safeguarding&gt; Board<br>\nTel 01622 000000</p>\n"
            "</div>") in html
    assert "sent by casework" not in html  # the built-in signature is replaced in both parts


def test_the_built_in_signature_is_in_both_parts(run, scr, tmp_path):
    run("board", "set-contact", "mailbox", "--email", "lscb@kent.example.org", "--name",
        "Kent & Medway LSCB")
    run("case", "advance", scr, "commission_imrs", "--terms", "ToR", "--agency", "POLICE",
        "--on", "2008-06-02")
    run("outbox", "send")  # no relay: written to the outbox folder as .eml files
    from email import message_from_bytes
    from email.policy import default

    from casework.config import default_outbox_folder

    [eml] = default_outbox_folder(run.db_url).rglob("*.eml")  # beside an SQLite file
    message = message_from_bytes(eml.read_bytes(), policy=default)
    html = message.get_body(("html",)).get_content().replace("\r\n", "\n")
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert 'Please reply to Kent & Medway LSCB <lscb@kent.example.org>.\nIn all' in text
    assert ('<div class="signature" style="color: #555;">\n'
            "<p>Please reply to Kent &amp; Medway LSCB &lt;<a href=\"mailto:lscb@kent.example.org"
            '">lscb@kent.example.org</a>&gt;.<br>\n'
            "In all correspondence, refer to the child only as &#34;Child A&#34; and to the "
            "case as SCR-2008-001.</p>\n"
            "<p>Local Safeguarding Children Board<br>\n(sent by casework)</p>\n</div>") in html
