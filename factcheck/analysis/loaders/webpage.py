"""Web pages: the article a reader sees, found by trafilatura, with exact offsets.

``read_page(display, html)`` takes a page already decoded to ``str`` (decoding is
``loaders.html``'s business) and returns its title, its byline and, when the page holds a
credible article, the article as a :class:`~factcheck.analysis.loaders.base.Loaded` whose
``regions`` mark its headings and the site furniture kept greyed. ``article`` is ``None`` for
what is not an article page (a fragment, a plain document): the caller then imports the whole
text, as before.

How a page becomes an article:

1. The page is parsed once with lxml (comments, scripts, styles, forms' widgets and hidden
   elements removed) and read into **blocks**, one per paragraph a browser would show, each
   knowing its heading level, its share of link text, its place in the page's template (the tag
   and classes of its nearest ancestors) and the **furniture containers** around it: ``<nav>``,
   ``<footer>``, a site ``<header>``, ``<form>``, ARIA roles, and classes and ids such as
   ``share``, ``comments``, ``newsletter``, ``related``, ``cookie``.
2. trafilatura reads a copy of the same tree and says which text is the article. Its text is
   only used to *recognise* blocks (matched by their words, in order: the longest chain of
   matches in reading order wins), never stored: the stored text is the page's own, so markup
   written as text (``&lt;script&gt;``) stays literal and offsets are exact.
3. The article is those blocks, plus blocks of the same template as the article's paragraphs
   that trafilatura skipped (a body cut in several chunks), plus the headline (the ``<h1>`` the
   page's title names) and the standfirst (a paragraph between headline and body that the page's
   description repeats).
4. Every other block is either **dropped**, when it is clearly furniture (inside a strong
   furniture container, a label in a sidebar, anything above the headline, a line that is not
   prose after the article), or **kept greyed** (``REGION_FURNITURE``) when it could be the
   writer's text: bylines, captions, asides and unrecognised paragraphs between the headline
   and the article's last paragraph, and prose after it inside the article's own element (an
   author's note, a correction). An article block inside a furniture container, mostly links,
   a caption, or a heading the boilerplate cues call furniture is kept greyed too.

The page's own structure decides headlines: ``<h1>``–``<h6>`` of the article become
``REGION_HEADLINE``. The returned text is normalised (``normalise_text(text) == text``).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from factcheck.analysis import boilerplate
from factcheck.analysis.loaders.base import (
    REGION_FURNITURE,
    REGION_HEADLINE,
    Loaded,
    LoadError,
    Region,
)
from factcheck.analysis.normalise import normalise_text

# trafilatura logs every page it finds no article in as a warning: that is an answer here.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

# ---------------------------------------------------------------------------------------------
# What the page's markup says

# Never shown as text (as in loaders.html), plus the widgets of forms and drawings.
_SKIP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
        "canvas", "select", "option", "button", "textarea", "input", "head",
    }
)  # fmt: skip
# Elements that end a paragraph, on their start and on their end (loaders.html's too).
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd",
        "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend",
        "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
        "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}

# Containers that hold site furniture. *Strong*: what is in them is dropped unless trafilatura
# takes it for the article. *Weak*: a sidebar or an aside may hold a fact box, so its prose is
# kept greyed.
_STRONG_TAGS = frozenset({"nav", "footer", "form", "menu", "dialog"})
_WEAK_TAGS = frozenset({"aside"})
_STRONG_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "search", "menu", "menubar", "dialog", "alertdialog"}
)
_WEAK_ROLES = frozenset({"complementary"})
# Words of class and id attributes ("social-share__item" → social, share, item).
_STRONG_WORDS = frozenset(
    """
    nav navbar navigation menu submenu breadcrumb breadcrumbs footer share sharing sharebar
    social comment comments disqus cookie cookies consent gdpr newsletter subscribe subscription
    signup related recommended recommendations recirc recirculation trending popular latest outbrain
    taboola promo promotion ad ads advert adverts advertisement advertising sponsor sponsored
    pagination pager tags tagcloud toolbar modal popup
    """.split()
)
_WEAK_WORDS = frozenset({"sidebar", "widget", "widgets", "rail"})
# The whole page's classes are flags of the site, not a part of the page: Gizmodo's <body>
# carries "f_caption_muted_videos_on" and "f_share_tools_on" around its article.
_PAGE_TAGS = frozenset({"html", "body"})
_CAPTION_WORDS = frozenset({"caption", "credit", "credits"})
# A <blockquote> of these classes is a social post the article quotes, as the platforms' embed
# codes write it (Twitter's "twitter-tweet", Instagram's "instagram-media", TikTok's
# "tiktok-embed"): shown in the story, so its words are the story's.
_EMBED_WORDS = frozenset({"tweet", "instagram", "tiktok"})
_CLASS_WORD = re.compile(r"[a-z]+")
_DIGITS = re.compile(r"\d+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

_HTML_SPACE_RUN = re.compile(r"[ \t\n\r\f]+")
_HTML_SPACE = " \t\n\r\f"
_WORD = re.compile(r"\w+")
# How a line of links to other stories starts (or is laid out: "Design Week | …").
_TEASER_CUE = re.compile(
    r"""^(?:related|see\s+more|read\s+more|more|also\s+on|also\s+read|read\s+also|watch|video
        |photos?|gallery|listen|sign\s+up|get\s+the|write\s+to|reach\s+the)\b
        | \s\|\s | ^\(?leggi\s+anche""",
    re.IGNORECASE | re.VERBOSE,
)
# The end of a sentence: its mark, then closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")

# Past these, a page is not read as an article. More elements than any news page has (the
# corpus' largest has 1,580; trafilatura slows down quickly past tens of thousands): the page
# goes to the whole-text reader. More attributes on one element (libxml2 compares them pair by
# pair), or deeper nesting (libxml2 stops reading there): the page is refused.
MAX_ELEMENTS = 30_000
MAX_ATTRIBUTES = 1_000
MAX_DEPTH = 256
# An article must be at least this long (characters of recognised article text) to be trusted;
# anything shorter is a fragment or a page with no article, imported whole.
_MIN_ARTICLE_CHARS = 400
# A block is "mostly links" from this share of its characters on; "a link" from the second
# (a teaser: "Who will make the Rock Hall in 2020?").
_LINK_DENSE = 0.5
_ALL_LINK = 0.9
# At most this many words in a subhead.
_SUBHEAD_WORDS = 20
# How many words make a line prose rather than a menu entry or a label.
_PROSE_WORDS = 6
# Words from which a block is matched anywhere in the article's text; shorter ones must equal a
# whole line of it.
_LONG_KEY_WORDS = 4


@dataclass(frozen=True, slots=True)
class WebPage:
    """What a page says about itself, and its article when it has a credible one."""

    title: str
    byline: str
    article: Loaded | None


@dataclass(slots=True)
class _Block:
    text: str
    heading: int  # 1–6 for <h1>–<h6>, else 0
    link_share: float
    signature: str  # tag and classes of the block element and its nearest ancestors
    containers: tuple[tuple[int, bool], ...]  # furniture containers around it: (number, strong)
    ancestors: tuple[int, ...]  # the numbers of the elements it is in, outermost first
    caption: bool  # inside <figure>, <figcaption> or an element classed as a caption
    embed: bool = False  # inside a social post the article embeds (a quoted tweet)
    key: str = ""
    words: int = 0


@dataclass
class _Walk:
    blocks: list[_Block] = field(default_factory=list)
    main: list[bool] = field(default_factory=list)  # per element number: <article>, <main>


# ---------------------------------------------------------------------------------------------
# Entry point


def read_page(display: str, html: str) -> WebPage:
    """Read the decoded page ``html``; ``display`` names the file in messages.

    Raises :class:`LoadError` for a page built to hurt a parser (an element with thousands of
    attributes, nesting past libxml2's limit). A page too large for the article reader to be
    quick (``MAX_ELEMENTS``), or that it cannot read, comes back without an article: the caller
    imports its whole text.
    """
    _refuse_hostile(display, html)
    root = _parse(display, html)
    if root is None:
        return WebPage("", "", None)
    meta = _meta(root)
    if sum(1 for _ in root.iter()) > MAX_ELEMENTS:
        title = meta.get("og:title") or meta.get("title", "")
        return WebPage(_strip_site(title, _site_names(meta)), meta.get("author", ""), None)
    _drop_unseen(root)
    try:
        found = _trafilatura(root)
    except Exception:  # any failure of the extractor means "import it whole"
        found = _Extracted()
    walk = _blocks(root)
    headline_texts = [meta.get(name, "") for name in ("og:title", "twitter:title", "title")]
    sites = (_site_names(meta) | {_key(found.sitename).replace(" ", "")}) - {""}
    h1_text = next((b.text for b in walk.blocks if b.heading == 1), "")
    # trafilatura's title only when the page names none: it may be any heading.
    title = _title([t for t in headline_texts if t] or [found.title], sites, walk.blocks)
    byline = _clean_byline(found.author) or meta.get("author", "")
    if not found.lines or not any(block.containers for block in walk.blocks):
        # No article, or a page with no site around its text (no menu, header, footer, share
        # bar...): a document someone wrote, imported whole.
        return WebPage(title or h1_text, byline, None)
    article = _article(walk, found.lines, found.heads, title, meta)
    if article is None:
        return WebPage(title or h1_text, byline, None)
    text, regions = article
    return WebPage(
        title or h1_text,
        byline,
        Loaded(text=text, title_hint=title or h1_text, kind="html", byline=byline, regions=regions),
    )


def _parse(display: str, html: str) -> Any:
    """The page's lxml tree, or None when libxml2 cannot read it."""
    parser = lxml_html.HTMLParser(
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
    )
    try:
        root = lxml_html.document_fromstring(html.encode("utf-8", "surrogatepass"), parser=parser)
    except (etree.ParserError, ValueError, UnicodeError):
        return None
    for error in parser.error_log:
        if error.level_name != "FATAL":
            continue
        # libxml2 stops at its resource limits and returns what it read so far: a page cut
        # short without a word said. Only a page built to hurt a parser gets there.
        if "depth" in error.message:
            raise LoadError(
                f"{display} could not be read as a web page: its elements are nested more than "
                f"{MAX_DEPTH} deep. Paste the article's text instead."
            )
        if error.type_name == "ERR_RESOURCE_LIMIT":
            raise LoadError(
                f"{display} could not be read as a web page: it holds a single run of text or an "
                f"attribute over 10 MB. Paste the article's text instead."
            )
        return None
    return root


def _drop_unseen(root: Any) -> None:
    """Take out of ``root`` what a reader never sees: scripts, styles, widgets, hidden
    elements."""
    for element in list(root.iter(etree.Element)):
        if _hidden(element) and element.getparent() is not None:
            element.drop_tree()


class _AttributeCounter(HTMLParser):
    """Finds the start tag with the most attributes (libxml2 checks an element's attributes
    for repeats pair by pair: 30,000 of them take it 6.5 s, and the time grows with the
    square)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.most = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.most = max(self.most, len(attrs))


# A start tag as a tokenizer delimits it, erring long: every quote opens a string, and an
# unclosed one runs to the end.
_START_TAG = re.compile(r"""<[A-Za-z](?:"[^"]*+"?|'[^']*+'?|[^"'>])*+>?""")
_SEPARATOR_RUNS = re.compile(r"""[\s/"']+""")


def _refuse_hostile(display: str, html: str) -> None:
    """Refuse an element with more than ``MAX_ATTRIBUTES`` attributes. Only start tags long
    enough to hold that many are counted, by the standard library's tokenizer."""
    for match in _START_TAG.finditer(html):
        tag = match.group()
        if len(tag) < 2 * MAX_ATTRIBUTES or len(_SEPARATOR_RUNS.findall(tag)) < MAX_ATTRIBUTES:
            continue
        counter = _AttributeCounter()
        counter.feed(tag if tag.endswith(">") else tag + ">")
        counter.close()
        if counter.most > MAX_ATTRIBUTES:
            raise LoadError(
                f"{display} could not be read as a web page: one of its elements has "
                f"{counter.most:,} attributes, and no page needs more than {MAX_ATTRIBUTES:,}."
            )


def _hidden(element: Any) -> bool:
    if element.tag in _SKIP_TAGS and element.tag != "head":
        return True
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = element.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


# ---------------------------------------------------------------------------------------------
# Metadata: title and byline


def _meta(root: Any) -> dict[str, str]:
    """The page's ``<title>`` and the meta fields we use, each collapsed, first one wins."""
    found: dict[str, str] = {}
    title = root.find(".//title")
    if title is not None:
        found["title"] = _collapse(title.text_content())
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            found.setdefault("canonical", link.get("href").strip())
    hosts = Counter(
        match.group(1).lower()
        for link in root.iter("a")
        if (match := _HOST.match((link.get("href") or "").strip()))
    )
    if hosts:
        # The host most links point to: the site's own, when the page has no address.
        host, count = hosts.most_common(1)[0]
        if count >= 5:
            found["links_host"] = f"http://{host}/"
    for element in root.iter("meta"):
        name = (element.get("property") or element.get("name") or "").strip().lower()
        content = _collapse(element.get("content") or "")
        if not content or name in found:
            continue
        if name in {
            "og:title", "twitter:title", "og:site_name", "og:url", "twitter:site", "description",
            "og:description",
        }:  # fmt: skip
            found[name] = content
        elif name in _AUTHOR_FIELDS and not content.lower().startswith(("http", "www.")):
            found.setdefault("author", _clean_byline(content))
    return found


_AUTHOR_FIELDS = frozenset({"author", "article:author", "byl", "sailthru.author", "parsely-author"})
_BY = re.compile(r"^\s*(?:by|from)\s+", re.I)
# What content systems put where an author's name belongs.
_NOT_AUTHORS = frozenset({"admin", "administrator", "editor", "staff", "webmaster", "unknown"})


def _clean_byline(text: str) -> str:
    text = _BY.sub("", _collapse(text)).strip()
    return "" if text.casefold() in _NOT_AUTHORS else text[:300]


_SEPARATORS = re.compile(r"\s+(?:[|·•«»~/]|::|[-–—])\s+")
_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://(?:www\d*\.|m\.|amp\.)?([^/:?#]+)", re.I)


def _site_names(meta: dict[str, str]) -> set[str]:
    """The site's names as word keys without spaces: ``og:site_name``, and the host of the
    page's address (``thehill.com`` → ``thehill``, ``thehillcom``)."""
    names = {_key(meta.get(name, "")).replace(" ", "") for name in ("og:site_name", "twitter:site")}
    for url in (meta.get("og:url", ""), meta.get("canonical", ""), meta.get("links_host", "")):
        match = _HOST.match(url)
        if match:
            host = match.group(1).lower()
            names.add(host.split(".")[0])
            names.add(_key(host).replace(" ", ""))
    names.discard("")
    return names


def _names_site(part: str, sites: set[str]) -> bool:
    squeezed = _key(part).replace(" ", "")
    return bool(squeezed) and any(squeezed == site or squeezed in site for site in sites)


def _title(candidates: Sequence[str], sites: set[str], blocks: Sequence[_Block]) -> str:
    """The headline: the page's ``<h1>`` when its title names it, else the first of
    ``candidates`` (``og:title``, ``twitter:title``, ``<title>``, trafilatura's) without the
    site's name ("Headline | The Paper"), in the words of the heading that shows it if any."""
    keys = [_key(c) for c in candidates if c]
    for block in blocks:
        if block.heading == 1 and block.words and any(_covers(block, k) for k in keys):
            return block.text
    title = next((_strip_site(c, sites) for c in candidates if c), "")
    title_key = _key(title)
    for block in blocks:
        if block.heading and block.key == title_key:
            return block.text
    return title


def _covers(block: _Block, title_key: str) -> bool:
    """Whether ``block`` is the headline a page title names: inside it, and at least half of it
    (not the site's name that an ``<h1>`` logo repeats)."""
    return f" {block.key} " in f" {title_key} " and block.words * 2 >= title_key.count(" ") + 1


def _strip_site(title: str, sites: set[str]) -> str:
    """``title`` without the site's name at either end ("Headline | The Paper", "Paper -
    Headline"); after a pipe, a last part of four words or fewer is taken for the name."""
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    while len(parts) > 1 and _names_site(parts[-1], sites):
        parts.pop()
    while len(parts) > 1 and _names_site(parts[0], sites):
        parts.pop(0)
    if len(parts) > 1 and _PIPE.search(title) and len(parts) == len(_SEPARATORS.split(title)):
        while len(parts) > 1 and len(_words(parts[-1])) <= 4:
            parts.pop()
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if 0 <= start < end else title


_PIPE = re.compile(r"\s[|·•]\s|\s::\s")


# ---------------------------------------------------------------------------------------------
# trafilatura


@dataclass(frozen=True, slots=True)
class _Extracted:
    """What trafilatura read: the article's lines and headings as word keys, and metadata."""

    lines: list[str] = field(default_factory=list)
    heads: set[str] = field(default_factory=set)
    title: str = ""
    author: str = ""
    sitename: str = ""


def _trafilatura(root: Any) -> _Extracted:
    """The article and metadata as trafilatura reads them; no lines when it finds no
    article."""
    from trafilatura import bare_extraction  # a heavy import, paid on the first page only
    from trafilatura.xml import xmltotxt

    document = bare_extraction(
        root,  # trafilatura copies the tree before it prunes it
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        with_metadata=True,
        # No date: htmldate's search is the slowest part and the desk has no use for it yet.
        date_extraction_params={"extensive_search": False, "original_date": False},
    )
    body = getattr(document, "body", None)
    if document is None or body is None:
        return _Extracted()
    keys = (_key(line) for line in xmltotxt(body, False).split("\n"))
    return _Extracted(
        lines=[key for key in keys if key],
        heads={_key("".join(head.itertext())) for head in body.iter("head")},
        title=_collapse(getattr(document, "title", None) or ""),
        author=_collapse(getattr(document, "author", None) or ""),
        sitename=_collapse(getattr(document, "sitename", None) or ""),
    )


# ---------------------------------------------------------------------------------------------
# Blocks


def _collapse(text: str) -> str:
    return _HTML_SPACE_RUN.sub(" ", text).strip(" ")


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _key(text: str) -> str:
    return " ".join(_words(text))


def _class_words(element: Any) -> set[str]:
    if element.tag in _PAGE_TAGS:
        return set()
    attributes = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return set(_CLASS_WORD.findall(attributes))


def _furniture(element: Any, ancestors: Sequence[Any]) -> bool | None:
    """Whether ``element`` is a strong (True) or weak (False) furniture container, or None."""
    tag = element.tag
    role = (element.get("role") or "").strip().lower()
    if tag in _STRONG_TAGS or role in _STRONG_ROLES:
        return True
    if tag == "header":
        # A site header; not an article's own (inside <article>/<main>, or holding the <h1>).
        inside = any(a.tag in {"article", "main"} for a in ancestors)
        return None if inside or element.find(".//h1") is not None else True
    words = _class_words(element)
    if words & _STRONG_WORDS:
        return True
    if tag in _WEAK_TAGS or role in _WEAK_ROLES or words & _WEAK_WORDS:
        return False
    return None


def _signature(chain: Sequence[Any]) -> str:
    parts = []
    for element in chain[-4:]:
        classes = " ".join(sorted(_DIGITS.sub("", c) for c in (element.get("class") or "").split()))
        parts.append(f"{element.tag}.{classes}")
    return ">".join(parts)


class _Reader:
    """Reads blocks in document order without recursion (a page may nest deeply)."""

    def __init__(self) -> None:
        self.walk = _Walk()
        self._inline: list[tuple[str, bool, bool]] = []  # (text, in a link, in a caption)
        self._pre: list[str] = []
        self._owner: list[Any] = []  # the chain of open elements
        self._numbers: list[int] = []  # their numbers, in the order they were opened
        self._containers: list[tuple[int, bool]] = []
        self._link_depth = 0
        self._pre_depth = 0
        self._captions: list[int] = []  # numbers of the open caption elements
        self._embeds: list[int] = []  # numbers of the open embedded social posts
        self._heading: list[int] = []
        self._data_tables: list[bool] = []  # per open <table>: are its rows read as lines?

    def read(self, root: Any) -> _Walk:
        body = root.find("body")
        start = body if body is not None else root
        stack: list[tuple[Any, bool]] = [(start, False)]
        while stack:
            element, closing = stack.pop()
            if closing:
                self._end(element)
                if element is not start and element.tail:
                    self._data(element.tail)
                continue
            if not isinstance(element.tag, str):
                if element.tail:
                    self._data(element.tail)
                continue
            self._start(element)
            if element.text:
                self._data(element.text)
            stack.append((element, True))
            stack.extend((child, False) for child in reversed(element))
        self._end_paragraph()
        return self.walk

    def _start(self, element: Any) -> None:
        tag = element.tag
        cell = tag in {"td", "th"} and bool(self._data_tables) and self._data_tables[-1]
        # A paragraph ends before a block starts, in the context it was written in.
        if not cell and (tag == "pre" or tag in BLOCK_TAGS) and not self._pre_depth:
            self._end_paragraph()
        furniture = _furniture(element, self._owner)
        number = len(self.walk.main)
        self.walk.main.append(
            tag in {"article", "main"} or (element.get("role") or "").strip().lower() == "main"
        )
        self._owner.append(element)
        self._numbers.append(number)
        if furniture is not None:
            self._containers.append((number, furniture))
        if tag == "a":
            self._link_depth += 1
        if tag in {"figure", "figcaption"} or _class_words(element) & _CAPTION_WORDS:
            self._captions.append(number)
        if tag == "blockquote" and _class_words(element) & _EMBED_WORDS:
            self._embeds.append(number)
        if tag in _HEADINGS:
            self._heading.append(_HEADINGS[tag])
        if tag == "table":
            self._data_tables.append(_data_table(element))
        if tag == "pre":
            self._pre_depth += 1
        elif self._pre_depth and tag == "br":
            self._pre.append("\n")
        elif cell and any(piece.strip(_HTML_SPACE) for piece, _, _ in self._inline):
            # A data table reads a row a line: "1 | Kyle Busch | 5040".
            self._inline.append((" | ", False, False))

    def _end(self, element: Any) -> None:
        tag = element.tag
        if tag in {"td", "th"} and self._data_tables and self._data_tables[-1]:
            self._close(element)
            return
        if tag == "table" and self._data_tables:
            self._data_tables.pop()
        if tag == "pre":
            self._pre_depth -= 1
            if self._pre_depth == 0:
                self._end_pre()
        elif not self._pre_depth and tag in BLOCK_TAGS:
            self._end_paragraph()
        if tag == "a":
            self._link_depth -= 1
        if tag in _HEADINGS:
            self._heading.pop()
        self._close(element)

    def _close(self, element: Any) -> None:
        del element
        if self._containers and self._containers[-1][0] == self._numbers[-1]:
            self._containers.pop()
        if self._captions and self._captions[-1] == self._numbers[-1]:
            self._captions.pop()
        if self._embeds and self._embeds[-1] == self._numbers[-1]:
            self._embeds.pop()
        self._owner.pop()
        self._numbers.pop()

    def _data(self, data: str) -> None:
        if self._pre_depth:
            self._pre.append(data)
        else:
            self._inline.append((data, self._link_depth > 0, bool(self._captions)))

    def _end_paragraph(self) -> None:
        if not self._inline:
            return
        pieces, self._inline = self._inline, []
        text = _collapse("".join(piece for piece, _, _ in pieces))
        if not text.strip():
            return
        linked = sum(len(_collapse(piece)) for piece, link, _ in pieces if link)
        captioned = sum(len(_collapse(piece)) for piece, _, caption in pieces if caption)
        self._add(text, min(1.0, linked / len(text)), captioned * 2 >= len(text))

    def _end_pre(self) -> None:
        text, self._pre = "".join(self._pre), []
        lines = [line.rstrip() for line in text.removeprefix("\n").split("\n")]
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        if lines:
            self._add("\n".join(lines), 0.0, False)

    def _add(self, text: str, link_share: float, caption: bool) -> None:
        text = _clean(text)
        if not text:
            return
        block = _Block(
            text=text,
            heading=self._heading[-1] if self._heading else 0,
            link_share=link_share,
            signature=_signature(self._owner),
            containers=tuple(self._containers),
            ancestors=tuple(self._numbers),
            caption=caption,
            embed=bool(self._embeds),
        )
        block.key = _key(text)
        block.words = block.key.count(" ") + 1 if block.key else 0
        self.walk.blocks.append(block)


_CELL_BLOCKS = ("p", "div", "ul", "ol", "dl", "table", "h1", "h2", "h3", "h4", "h5", "h6", "pre")


def _data_table(table: Any) -> bool:
    """Whether ``table`` holds data (short cells of plain text), not a page's layout."""
    for cell in table.iter("td", "th"):
        if len(cell.text_content()) > 300:
            return False
        if next(cell.iterdescendants(*_CELL_BLOCKS), None) is not None:
            return False
    return True


def _clean(text: str) -> str:
    """``text`` as stored: normalised (NFC, no line or paragraph separators, no BOM), with no
    blank line inside (a block is one paragraph of the stored text)."""
    text = normalise_text(text.replace("\ufeff", ""))
    text = re.sub(r"\n[ \t]*(?:\n[ \t]*)+", "\n", text)
    return text.strip()


def _blocks(root: Any) -> _Walk:
    return _Reader().read(root)


# ---------------------------------------------------------------------------------------------
# Which blocks are the article


def _matches(blocks: Sequence[_Block], lines: Sequence[str]) -> list[tuple[int, int]]:
    """Candidate ``(block, position)`` pairs: the block's words found at ``position`` of the
    article's words (long blocks anywhere, short ones only as a whole line)."""
    joined = " " + " ".join(lines) + " "
    line_starts: dict[str, list[int]] = {}
    position = 1
    for line in lines:
        line_starts.setdefault(line, []).append(position)
        position += len(line) + 1
    found: list[tuple[int, int]] = []
    for index, block in enumerate(blocks):
        if not block.words:
            continue
        if block.words < _LONG_KEY_WORDS:
            found.extend((index, at) for at in line_starts.get(block.key, ())[:8])
            continue
        needle = f" {block.key} "
        at = joined.find(needle)
        hits = 0
        while at >= 0 and hits < 8:
            found.append((index, at + 1))
            hits += 1
            at = joined.find(needle, at + 1)
    return found


def _best_chain(candidates: Sequence[tuple[int, int]], weights: Sequence[int]) -> set[int]:
    """The blocks of the heaviest chain of candidates increasing in both block and position:
    the article read in order (a teaser repeating its first paragraph above it loses)."""
    if not candidates:
        return set()
    positions = sorted({position for _, position in candidates})
    size = len(positions)
    tree = [(0, -1)] * (size + 1)  # Fenwick tree of (best weight, candidate index) by position

    def best_before(rank: int) -> tuple[int, int]:
        result = (0, -1)
        while rank > 0:
            result = max(result, tree[rank])
            rank -= rank & -rank
        return result

    def update(rank: int, value: tuple[int, int]) -> None:
        while rank <= size:
            tree[rank] = max(tree[rank], value)
            rank += rank & -rank

    previous = [-1] * len(candidates)
    score = [0] * len(candidates)
    pending: list[tuple[int, tuple[int, int]]] = []
    last_block = -1
    for number, (block, position) in enumerate(candidates):
        if block != last_block:
            # Candidates of one block must not chain to each other: publish the previous
            # block's results only now.
            for rank, value in pending:
                update(rank, value)
            pending = []
            last_block = block
        rank = bisect_left(positions, position) + 1
        before, link = best_before(rank - 1)
        score[number] = before + weights[block]
        previous[number] = link
        pending.append((rank, (score[number], number)))
    best = max(range(len(candidates)), key=score.__getitem__)
    chosen: set[int] = set()
    while best >= 0:
        chosen.add(candidates[best][0])
        best = previous[best]
    return chosen


def _article(
    walk: _Walk,
    lines: Sequence[str],
    heads: set[str],
    title: str,
    meta: dict[str, str],
) -> tuple[str, tuple[Region, ...]] | None:
    blocks = walk.blocks
    if not blocks:
        return None
    weights = [len(block.key) for block in blocks]
    matched = _best_chain(_matches(blocks, lines), weights)
    matched_chars = sum(weights[i] for i in matched)
    if matched_chars < _MIN_ARTICLE_CHARS:
        return None

    # A furniture container holding most of the article is the page's layout ("has-sidebar"),
    # not furniture.
    held: Counter[int] = Counter()
    for index in matched:
        for container, _strong in blocks[index].containers:
            held[container] += weights[index]
    layout = {container for container, chars in held.items() if chars * 2 >= matched_chars}
    furniture = [
        [strong for container, strong in block.containers if container not in layout]
        for block in blocks
    ]

    first, last = min(matched), max(matched)
    # Blocks of the article's template that trafilatura skipped, down to the next story.
    signatures = Counter(blocks[i].signature for i in matched if not blocks[i].heading)
    body_signatures = {signature for signature, count in signatures.items() if count >= 2}
    article = set(matched)
    for index in range(first, _next_h1(blocks, last)):
        block = blocks[index]
        if (
            block.signature in body_signatures
            and not furniture[index]
            and block.link_share < _LINK_DENSE
            and not block.caption
        ):
            article.add(index)
    last = max(article)
    container = _container(walk, [blocks[i] for i in article])
    # The elements that hold the article's paragraphs: a block of their own between two of
    # the article's is the article's too (a subhead trafilatura skipped, a pull quote).
    body_parents = {
        blocks[i].ancestors[-2]
        for i in article
        if not blocks[i].heading and len(blocks[i].ancestors) > 1
    }
    others = Counter(blocks[i].signature for i in range(first, last) if i not in article)
    subheads = {signature for signature, count in others.items() if count >= 2}

    headline = _headline(blocks, first, title)
    start = headline if headline is not None else first
    description = _key(meta.get("description", "") or meta.get("og:description", ""))
    kinds: list[str | None] = []  # per block: "" article, a REGION_* kind, None dropped
    for index, block in enumerate(blocks):
        if index == headline:
            kind: str | None = REGION_HEADLINE
        elif index in article:
            kind = _article_kind(block, furniture[index], heads)
        elif start <= index <= last:
            kind = _inside_kind(block, furniture[index])
            if kind and index < first and _standfirst(block, description):
                kind = ""
            elif kind and first < index and _subhead(block, body_parents, subheads):
                kind = REGION_HEADLINE
        elif headline is not None and index < headline:
            kind = None  # the page above the headline: mastheads, galleries, breadcrumbs
        else:
            kind = _outside_kind(block, furniture[index], container)
        kinds.append(kind)
    return _compose(blocks, kinds)


def _container(walk: _Walk, article: Sequence[_Block]) -> int:
    """The element holding the article: the innermost one around all its blocks, or the
    ``<article>`` / ``<main>`` around that."""
    common = list(article[0].ancestors)
    for block in article[1:]:
        size = 0
        for mine, theirs in zip(common, block.ancestors, strict=False):
            if mine != theirs:
                break
            size += 1
        del common[size:]
    if not common:
        return -1
    for number in reversed(common):
        if walk.main[number]:
            return number
    return common[-1]


def _article_kind(block: _Block, furniture: Sequence[bool], heads: set[str]) -> str:
    """A block trafilatura (or the template) says is the article: greyed when it sits in a
    furniture container or is mostly links ("Related: …"), a headline when it is a heading."""
    if furniture or block.caption or (block.link_share >= _LINK_DENSE and _teaser(block)):
        return REGION_FURNITURE
    if block.heading or block.key in heads:
        # A heading overrides the segmenter's own reading, so its furniture cues are read here.
        return REGION_FURNITURE if boilerplate.is_furniture_line(block.text) else REGION_HEADLINE
    return ""


def _inside_kind(block: _Block, furniture: Sequence[bool]) -> str | None:
    """A block between the headline and the article's end that is not the article: captions,
    bylines, asides, unrecognised paragraphs are kept greyed; share bars, menus, sign-up
    forms and the like are dropped, and so are labels inside a sidebar. A social post the
    article embeds (outside any strong container) is the article's."""
    if any(furniture):
        return None
    if block.embed:
        return ""
    if furniture and not _prose(block):
        return None
    return REGION_FURNITURE


def _outside_kind(block: _Block, furniture: Sequence[bool], container: int) -> str | None:
    """A block after the article (or before it, when it has no headline): prose inside the
    article's own element is kept greyed (an author's note, a correction); everything else is
    dropped."""
    if any(furniture) or not _prose(block) or container not in block.ancestors:
        return None
    return REGION_FURNITURE


def _teaser(block: _Block) -> bool:
    """Whether an article block that is mostly links points away from the article: a line of
    the site's recirculation ("Related: …", "SEE MORE: …", "Also on rt.com …", a headline in
    capitals, "A | B"). Other linked lines trafilatura took for the article stay its text: a
    deals list's "Get it on Amazon for $39.99", a review round-up's sources, a sentence the
    writer linked. (A teaser with no cue, "Who will make the Rock Hall in 2020?", cannot be told
    from a deal's line by its markup: it stays too. Measured on the corpus' dev pages, keeping
    such lines raised recall by 0.002 and junk by 0.004; docs/webpages.md.)"""
    if _linked_prose(block):
        return False
    text = block.text
    return bool(boilerplate.is_furniture_line(text) or text.isupper() or _TEASER_CUE.search(text))


def _subhead(block: _Block, body_parents: set[int], subheads: set[str]) -> bool:
    """Whether ``block`` (not the article's, between two of its blocks) is one of its subheads
    that trafilatura skipped ("Who pays the cost of a tariff?"): a short plain line in an
    element holding the article's paragraphs, in a style the page repeats there (a byline or a
    dateline stands once)."""
    return (
        block.signature in subheads
        and len(block.ancestors) > 1
        and block.ancestors[-2] in body_parents
        and block.words <= _SUBHEAD_WORDS
        and not block.caption
        and block.link_share < _LINK_DENSE
        and not boilerplate.is_furniture_line(block.text)
    )


def _linked_prose(block: _Block) -> bool:
    """A sentence of the article that the writer linked ("The Swedish investigation had been
    shelved in 2017 but was re-opened…", half of it a link): prose that ends as a sentence
    ends, not a list of links ("Related: …", "Profile: Julian Assange") nor a link alone."""
    return (
        not block.heading
        and block.words >= _PROSE_WORDS
        and block.link_share < _ALL_LINK
        and bool(_SENTENCE_END.search(block.text))
    )


def _prose(block: _Block) -> bool:
    return block.words >= _PROSE_WORDS and block.link_share < _LINK_DENSE


def _next_h1(blocks: Sequence[_Block], after: int) -> int:
    """Where the article's page ends: at the next ``<h1>`` (another story below it)."""
    for index in range(after + 1, len(blocks)):
        if blocks[index].heading == 1:
            return index
    return len(blocks)


def _headline(blocks: Sequence[_Block], first: int, title: str) -> int | None:
    """The block that is the article's headline: the ``<h1>`` (or the block) that reads as the
    title, nearest above the article; an ``<h1>`` right above it failing that."""
    title_key = _key(title)
    best = None
    for index in range(first, -1, -1):
        block = blocks[index]
        if title_key and block.key and block.key == title_key:
            return index
        if best is None and block.heading == 1 and first - index <= 12:
            best = index
    return best


def _standfirst(block: _Block, description: str) -> bool:
    """Whether ``block``, above the article, is its standfirst: the page's description says
    it (or it says the description)."""
    if block.words < _LONG_KEY_WORDS or block.link_share >= _LINK_DENSE or block.caption:
        return False
    return bool(description) and (
        f" {block.key} " in f" {description} " or f" {description} " in f" {block.key} "
    )


def _compose(
    blocks: Sequence[_Block], kinds: Sequence[str | None]
) -> tuple[str, tuple[Region, ...]] | None:
    parts: list[str] = []
    regions: list[Region] = []
    position = 0
    for block, kind in zip(blocks, kinds, strict=True):
        if kind is None:
            continue
        if parts:
            position += 2  # "\n\n"
        if kind:
            if regions and regions[-1].kind == kind and regions[-1].end == position - 2:
                regions[-1] = Region(regions[-1].start, position + len(block.text), kind)
            else:
                regions.append(Region(position, position + len(block.text), kind))
        parts.append(block.text)
        position += len(block.text)
    text = "\n\n".join(parts)
    if not text.strip():
        return None
    return text, tuple(regions)


EXP = 25
