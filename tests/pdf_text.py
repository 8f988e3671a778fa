"""The text of a PDF's pages as a reader sees it, read back from the file Chromium prints
(no PDF library in the test environment): each page's content stream, its fonts' glyphs
mapped to characters by their /ToUnicode maps. Enough for Chromium's own PDFs - uncompressed
object dictionaries, FlateDecode streams, Type0 fonts with hex-string text - not a general
PDF reader."""

from __future__ import annotations

import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page, in page order."""
    objects = {int(n): body for n, body in _OBJECT.findall(pdf)}
    pages = re.search(rb"/Type /Pages.*?/Kids \[([^\]]*)\]", pdf, re.S)
    assert pages is not None, "no page tree"
    texts = []
    for ref in re.findall(rb"(\d+) 0 R", pages.group(1)):
        page = objects[int(ref)]
        fonts = {name.decode(): _cmap(objects, int(font))
                 for name, font in re.findall(rb"/(F\d+) (\d+) 0 R", page)}
        contents = re.search(rb"/Contents (\d+) 0 R", page)
        assert contents is not None
        texts.append(_text(_stream(objects[int(contents.group(1))]), fonts))
    return texts


def _stream(body: bytes) -> bytes:
    data = body.split(b"stream", 1)[1].lstrip(b"\r\n").rsplit(b"endstream", 1)[0]
    return zlib.decompress(data) if b"/FlateDecode" in body.split(b"stream", 1)[0] else data


def _cmap(objects: dict[int, bytes], font: int) -> dict[int, str]:
    found = re.search(rb"/ToUnicode (\d+) 0 R", objects[font])
    if found is None:
        return {}
    text = _stream(objects[int(found.group(1))]).decode("latin-1")
    glyphs: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for glyph, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            glyphs[int(glyph, 16)] = bytes.fromhex(uni).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, uni in re.findall(
                r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(uni, 16)
            for offset, glyph in enumerate(range(int(low, 16), int(high, 16) + 1)):
                glyphs[glyph] = chr(start + offset)
    return glyphs


def _text(content: bytes, fonts: dict[str, dict[int, str]]) -> str:
    """Each text object's glyphs in order (Chromium shows a glyph a Tj, spaces as glyphs),
    a space between text objects."""
    out, glyphs = [], {}
    for block in re.findall(rb"BT(.*?)ET", content, re.S):
        run = []
        for token in re.finditer(rb"/(F\d+) [\d.]+ Tf|\[(.*?)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj",
                                 block, re.S):
            if token.group(1):
                glyphs = fonts.get(token.group(1).decode(), {})
                continue
            hexes = re.findall(rb"<([0-9A-Fa-f]*)>", token.group(2)) if token.group(2) \
                else [token.group(3)]
            run += [glyphs.get(int(h[i:i + 4], 16), "?") for h in hexes
                    for i in range(0, len(h), 4)]
        out.append("".join(run))
    return " ".join(out)
