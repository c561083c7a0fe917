"""HTML: a page decoded, then read as its article (``webpage``) or, failing that, as its whole
readable text; and its title."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from factcheck.analysis.loaders.base import Loaded, LoadError, short_reason
from factcheck.analysis.loaders.text import decode
from factcheck.analysis.loaders.webpage import BLOCK_TAGS as _BLOCK_TAGS
from factcheck.analysis.loaders.webpage import read_page

# Elements whose content is never shown as text.
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe"})
# What may appear inside <head>; any other start tag closes it, as in browsers.
_HEAD_TAGS = frozenset({"meta", "link", "base", "title"})
# HTML white space; \s would also swallow no-break spaces, which are the writer's.
_HTML_SPACE_RUN = re.compile(r"[ \t\n\r\f]+")
_HTML_SPACE = " \t\n\r\f"


def _collapse(text: str) -> str:
    return _HTML_SPACE_RUN.sub(" ", text).strip(" ")


class _HTMLTextExtractor(HTMLParser):
    """Collects the readable text of an HTML document as a list of paragraphs.

    Inline white space collapses to one space; each block element ends a paragraph; ``<pre>``
    keeps its lines. The first ``<title>`` and the first ``<h1>`` are kept as title candidates.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.title = ""
        self.first_h1 = ""
        self._inline: list[str] = []
        self._pre: list[str] = []
        self._pre_depth = 0
        self._skip_depth: dict[str, int] = {}
        self._in_head = False
        self._title_parts: list[str] | None = None
        self._h1_parts: list[str] | None = None
        self._h1_depth = 0

    # -- parser callbacks (tag names arrive lower-cased) --

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth[tag] = self._skip_depth.get(tag, 0) + 1
            return
        if self._skipping:
            return
        if tag == "head":
            self._in_head = True
            return
        if tag == "title":
            self._title_parts = []
            return
        if self._in_head:
            if tag in _HEAD_TAGS:
                return
            self._in_head = False
        if self._title_parts is not None and tag in _BLOCK_TAGS:
            # An unclosed <title> must not swallow the article.
            self._end_title()
        if tag == "h1":
            self._h1_depth += 1
            if self._h1_depth == 1 and not self.first_h1:
                self._h1_parts = []
        if tag == "pre":
            if self._pre_depth == 0:
                self._end_paragraph()
            self._pre_depth += 1
        elif self._pre_depth:
            if tag == "br":
                self._pre.append("\n")
        elif tag in _BLOCK_TAGS:
            self._end_paragraph()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            if self._skip_depth.get(tag):
                self._skip_depth[tag] -= 1
            return
        if self._skipping:
            return
        if tag == "head":
            self._in_head = False
            return
        if tag == "title":
            self._end_title()
            return
        if tag == "h1" and self._h1_depth:
            self._h1_depth -= 1
            if self._h1_depth == 0 and self._h1_parts is not None:
                self.first_h1 = _collapse("".join(self._h1_parts))
                self._h1_parts = None
        if tag == "pre":
            if self._pre_depth:
                self._pre_depth -= 1
                if self._pre_depth == 0:
                    self._end_pre()
        elif not self._pre_depth and tag in _BLOCK_TAGS:
            self._end_paragraph()

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._title_parts is not None:
            self._title_parts.append(data)
            return
        if self._in_head:
            if not data.strip(_HTML_SPACE):
                return
            # Text in <head> makes browsers start the body; it is the writer's text.
            self._in_head = False
        if self._h1_parts is not None:
            self._h1_parts.append(data)
        (self._pre if self._pre_depth else self._inline).append(data)

    # -- helpers --

    @property
    def _skipping(self) -> bool:
        return any(self._skip_depth.values())

    def _end_title(self) -> None:
        if self._title_parts is not None and not self.title:
            self.title = _collapse("".join(self._title_parts))
        self._title_parts = None

    def _end_paragraph(self) -> None:
        if not self._inline:
            return
        text = _collapse("".join(self._inline))
        self._inline = []
        if text.strip():  # a paragraph of no-break spaces (<p>&nbsp;</p>) is empty too
            self.paragraphs.append(text)

    def _end_pre(self) -> None:
        text = "".join(self._pre)
        self._pre = []
        # As in browsers, a newline straight after <pre> is not content.
        text = text.removeprefix("\n")
        lines = [line.rstrip() for line in text.split("\n")]
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        if lines:
            self.paragraphs.append("\n".join(lines))

    def finish(self) -> str:
        """Flush everything still open and return the paragraphs joined by blank lines."""
        self.close()
        if self._pre:
            self._end_pre()
        self._end_paragraph()
        self._end_title()
        if self._h1_parts is not None:
            self.first_h1 = _collapse("".join(self._h1_parts))
        return "\n\n".join(self.paragraphs)


def load_html(display: str, data: bytes, *, charset: str = "") -> Loaded:
    """The text of the page ``data``; ``charset`` is the one its server declared, if any (the
    encoding: a BOM, the server's charset, a <meta>, UTF-8 or detection, :mod:`.charset`)."""
    text = decode(data, display, is_file=True, charset=charset, html=True)
    # The HTML parsing rules turn CR LF and lone CR into LF before anything else.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # A news page imports as its article; anything else (a fragment, a plain document, a page
    # the article reader cannot parse) as its whole text, as before.
    page = read_page(display, text)
    if page.article is not None:
        return page.article
    extractor = _HTMLTextExtractor()
    try:
        extractor.feed(text)
        body = extractor.finish()
    except Exception as exc:
        raise LoadError(f"{display} could not be read as HTML ({short_reason(exc)}).") from exc
    if not body.strip():
        raise LoadError(f"{display} is empty: it has no readable text.")
    title = page.title or extractor.title or extractor.first_h1
    return Loaded(text=body, title_hint=title, kind="html", byline=page.byline)
