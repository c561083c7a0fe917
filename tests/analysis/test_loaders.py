"""Tests for factcheck.analysis.loaders: every fixture is built here, in memory."""

from __future__ import annotations

import ast
import codecs
import dataclasses
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from factcheck.analysis import loaders
from factcheck.analysis.loaders import (
    REGION_HEADLINE,
    REGION_TEXT,
    SUPPORTED_EXTENSIONS,
    Loaded,
    LoadError,
    Region,
    decode_text,
    load_file,
)

MB = 1024 * 1024


# ---------------------------------------------------------------------------------------------
# Fixture builders


def make_docx(build: Callable[[docx.document.Document], object] | None = None) -> bytes:
    """A real .docx written by python-docx, after ``build`` has filled it in."""
    document = docx.Document()
    if build is not None:
        build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def simple_docx() -> bytes:
    return make_docx(lambda d: d.add_paragraph("Just one paragraph."))


def zip_entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def build_zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def rezip(
    data: bytes,
    *,
    replace: dict[str, bytes] | None = None,
    drop: tuple[str, ...] = (),
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """``data`` (a ZIP) with parts replaced, added or dropped."""
    entries = {name: body for name, body in zip_entries(data).items() if name not in drop}
    entries.update(replace or {})
    return build_zip(entries, compression)


def _central_header_offset(data: bytes, name: str) -> int:
    end = data.rfind(b"PK\x05\x06")
    position = struct.unpack_from("<L", data, end + 16)[0]
    while data[position : position + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, position + 28)
        if data[position + 46 : position + 46 + name_length] == name.encode():
            return position
        position += 46 + name_length + extra_length + comment_length
    raise AssertionError(f"{name} not in the central directory")


def patch_entry(
    data: bytes, name: str, *, crc: int | None = None, size: int | None = None, flags: int = 0
) -> bytes:
    """Rewrite one entry's CRC, uncompressed size or flags in both of its ZIP headers."""
    buffer = bytearray(data)
    local = zipfile.ZipFile(io.BytesIO(data)).getinfo(name).header_offset
    central = _central_header_offset(data, name)
    # (flags, crc, uncompressed size) offsets in the local and the central header.
    for base, (flag_at, crc_at, size_at) in ((local, (6, 14, 22)), (central, (8, 16, 24))):
        old_flags = struct.unpack_from("<H", buffer, base + flag_at)[0]
        struct.pack_into("<H", buffer, base + flag_at, old_flags | flags)
        if crc is not None:
            struct.pack_into("<L", buffer, base + crc_at, crc)
        if size is not None:
            struct.pack_into("<L", buffer, base + size_at, size)
    return bytes(buffer)


def entry_data_offset(data: bytes, name: str) -> int:
    local = zipfile.ZipFile(io.BytesIO(data)).getinfo(name).header_offset
    name_length, extra_length = struct.unpack_from("<HH", data, local + 26)
    return local + 30 + name_length + extra_length


def load_error(name: str, data: bytes, **kwargs: int) -> str:
    with pytest.raises(LoadError) as excinfo:
        load_file(name, data, **kwargs)
    return str(excinfo.value)


W_NS = nsdecls("w")


def append_to_body(document: docx.document.Document, xml: str) -> None:
    """Insert raw WordprocessingML before the section properties (which must come last)."""
    body = document.element.body
    body.sectPr.addprevious(parse_xml(xml))


# ---------------------------------------------------------------------------------------------
# Public API shape


def test_supported_extensions() -> None:
    assert SUPPORTED_EXTENSIONS == (".txt", ".md", ".markdown", ".docx", ".html", ".htm")


def test_loaded_is_frozen() -> None:
    loaded = load_file("a.txt", b"Hello.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.text = "changed"  # type: ignore[misc]


def test_module_does_not_import_django() -> None:
    imported: list[str] = []
    modules = sorted(Path(loaders.__file__).parent.glob("*.py"))
    assert len(modules) > 1  # the package, not only its __init__
    nodes = [n for m in modules for n in ast.walk(ast.parse(m.read_text(encoding="utf-8")))]
    for node in nodes:
        if isinstance(node, ast.Import):
            imported.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.append(node.module or "")
    assert imported
    assert not [name for name in imported if name.split(".")[0] == "django"]


# ---------------------------------------------------------------------------------------------
# Plain text


def test_txt_happy_path() -> None:
    loaded = load_file("draft.txt", "Storm closes road\n\nThe road “closed”.\r\n".encode())
    assert loaded == Loaded(
        text="Storm closes road\n\nThe road “closed”.\r\n", title_hint="", kind="txt"
    )


def test_extension_is_case_insensitive_and_path_is_ignored() -> None:
    assert load_file("DRAFT.TXT", b"Hi.").kind == "txt"
    assert load_file("Notes.MarkDown", b"Hi.").kind == "md"
    assert load_file("page.HTM", b"<p>Hi.</p>").kind == "html"
    assert load_file("C:\\Users\\ed\\draft.txt", b"Hi.").text == "Hi."
    message = load_error("C:\\Users\\ed\\report.pdf", b"%PDF-1.4")
    assert message.startswith("“report.pdf”")


def test_utf8_bom_is_stripped() -> None:
    loaded = load_file("a.txt", codecs.BOM_UTF8 + "café".encode())
    assert loaded.text == "café"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    loaded = load_file("a.txt", bom + "Crème brûlée — “quoted”.\n".encode(codec))
    assert loaded.text == "Crème brûlée — “quoted”.\n"


def test_damaged_utf16_is_refused() -> None:
    message = load_error("a.txt", codecs.BOM_UTF16_LE + "ok".encode("utf-16-le") + b"\x00\xdc")
    assert "UTF-16" in message


def test_utf32_is_refused() -> None:
    message = load_error("a.txt", codecs.BOM_UTF32_LE + "hi".encode("utf-32-le"))
    assert "UTF-32" in message
    assert "UTF-8" in message


def test_invalid_utf8_names_offset_and_line() -> None:
    message = load_error("cafe.txt", b"caf\xe9 au lait")
    assert "UTF-8" in message
    assert "offset 3" in message
    assert "0xE9" in message
    assert "line 1" in message
    message = load_error("cafe.txt", b"line one\nline two \xff")
    assert "offset 18" in message
    assert "line 2" in message


def test_invalid_utf8_offset_counts_the_bom() -> None:
    message = load_error("a.txt", codecs.BOM_UTF8 + b"ab\x80")
    assert "offset 5" in message


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n\t\r\n ",
        codecs.BOM_UTF8,
        codecs.BOM_UTF8 + b"  \n",
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"),
    ],
)
def test_empty_text_is_refused(data: bytes) -> None:
    assert load_error("empty.txt", data) == "“empty.txt” is empty."


@pytest.mark.parametrize("name", ["empty.md", "empty.html", "empty.docx"])
def test_empty_files_of_every_kind_are_refused(name: str) -> None:
    assert load_error(name, b"") == f"“{name}” is empty."


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"hello\x00world", "NUL"),
        (b"PK\x03\x04\x14\x00\x00\x00", "ZIP"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", ".doc"),
    ],
)
@pytest.mark.parametrize("name", ["draft.txt", "draft.md", "draft.html"])
def test_binary_disguised_as_text_is_refused(name: str, data: bytes, what: str) -> None:
    message = load_error(name, data)
    assert "binary file" in message
    assert what in message


def test_rtf_is_refused_with_advice() -> None:
    message = load_error("draft.txt", rb"{\rtf1\ansi Hello}")
    assert "RTF" in message


# ---------------------------------------------------------------------------------------------
# decode_text (pasted and command-line text)


def test_decode_text() -> None:
    assert decode_text("Zoë said “yes”.".encode()) == "Zoë said “yes”."
    assert decode_text(codecs.BOM_UTF8 + b"x") == "x"
    assert decode_text(codecs.BOM_UTF16_BE + "y".encode("utf-16-be")) == "y"
    assert decode_text(b"") == ""


def test_decode_text_refuses_latin1_and_nul() -> None:
    with pytest.raises(LoadError, match=r"^This input is not UTF-8 text: .*offset 3"):
        decode_text(b"caf\xe9")
    with pytest.raises(LoadError, match="binary data"):
        decode_text(b"a\x00b")
    with pytest.raises(LoadError, match="binary data"):
        decode_text(codecs.BOM_UTF16_LE + "a\x00b".encode("utf-16-le"))


# ---------------------------------------------------------------------------------------------
# Size and type


def test_size_limit() -> None:
    assert load_file("a.txt", b"x" * 10, max_bytes=10).text == "x" * 10
    assert (
        load_error("a.txt", b"x" * 11, max_bytes=10)
        == "“a.txt” is 11 bytes; the limit is 10 bytes."
    )


def test_size_limit_default_is_5_mb() -> None:
    data = b"x" * int(7.2 * MB)
    assert load_error("big.txt", data) == "“big.txt” is 7.2 MB; the limit is 5 MB."
    # Just over the limit never reads as "5 MB; the limit is 5 MB".
    assert load_error("big.txt", b"x" * (5 * MB + 1)) == "“big.txt” is 5.1 MB; the limit is 5 MB."
    assert load_file("ok.txt", b"x" * (5 * MB)).kind == "txt"


def test_size_is_checked_for_docx_before_unpacking() -> None:
    message = load_error("big.docx", simple_docx(), max_bytes=1000)
    assert "the limit is 1,000 bytes" in message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "“report.pdf” is a .pdf file; upload .txt, .md, .docx or .html."),
        ("setup.exe", "“setup.exe” is a .exe file; upload .txt, .md, .docx or .html."),
        ("draft.docx.exe", "“draft.docx.exe” is a .exe file; upload .txt, .md, .docx or .html."),
        (
            "old.doc",
            "“old.doc” is a .doc file (the old Word format); save it as .docx in Word, "
            "or upload .txt, .md, .docx or .html.",
        ),
        (
            "README",
            "“README” has no file extension, so its type is unknown; "
            "upload .txt, .md, .docx or .html.",
        ),
        (
            "draft.",
            "“draft.” has no file extension, so its type is unknown; "
            "upload .txt, .md, .docx or .html.",
        ),
        (
            "",
            "The file has no file extension, so its type is unknown; "
            "upload .txt, .md, .docx or .html.",
        ),
    ],
)
def test_unsupported_extensions(name: str, expected: str) -> None:
    assert load_error(name, b"anything") == expected


# ---------------------------------------------------------------------------------------------
# Markdown


def test_markdown_keeps_source_and_finds_title() -> None:
    source = "# Storm *closes* road #\r\n\r\nThe road closed.\r\n\r\n## Details\r\n"
    loaded = load_file("draft.md", source.encode())
    assert loaded == Loaded(text=source, title_hint="Storm *closes* road", kind="md")


@pytest.mark.parametrize(
    ("source", "title"),
    [
        ("No heading here.\n\nJust text.", ""),
        ("#hashtag is not a heading\n\n## Real one\n", "Real one"),
        ("    # indented code, not a heading\n# Title", "Title"),
        ("```bash\n# a shell comment\n```\n\n# After the code", "After the code"),
        ("~~~~\n# in code\n~~~\n# still code\n~~~~\n### Out", "Out"),
        ("#\n\n#   \n\n# C#\n", "C#"),
    ],
)
def test_markdown_title_hint(source: str, title: str) -> None:
    loaded = load_file("draft.markdown", source.encode())
    assert loaded.kind == "md"
    assert loaded.text == source
    assert loaded.title_hint == title


# ---------------------------------------------------------------------------------------------
# HTML


def test_html_block_structure_becomes_paragraphs() -> None:
    page = b"""<!DOCTYPE html>
<html>
  <head><meta charset="utf-8"><title>  Storm   news </title></head>
  <body>
    <header><nav>Home</nav></header>
    <article>
      <h1>Storm closes road</h1>
      <p>The road   closed
         on <b>Monday</b>, the <a href="#">council</a> said.</p>
      <div><p>Nested paragraph.</p></div>
      <ul><li>First item<li>Second item</ul>
      <blockquote>Quoted words.</blockquote>
      <table><tr><td>Cell A</td><td>Cell B</td></tr></table>
      Line one<br>Line two<hr>After rule
    </article>
  </body>
</html>"""
    loaded = load_file("story.html", page)
    assert loaded.kind == "html"
    assert loaded.title_hint == "Storm news"
    assert loaded.text == (
        "Home\n\nStorm closes road\n\n"
        "The road closed on Monday, the council said.\n\n"
        "Nested paragraph.\n\nFirst item\n\nSecond item\n\nQuoted words.\n\n"
        "Cell A\n\nCell B\n\nLine one\n\nLine two\n\nAfter rule"
    )
    assert "\n\n\n" not in loaded.text
    assert loaded.text == loaded.text.strip()


def test_html_drops_script_style_and_friends_but_keeps_escaped_markup_as_text() -> None:
    page = b"""<html><head>
<style>p { color: red }</style><script>var x = "<p>not text</p>";</script>
</head><body>
<!-- an editor's comment -->
<noscript>Enable JavaScript</noscript>
<template><p>Template text</p></template>
<p>Hello &lt;script&gt;alert(1)&lt;/script&gt;</p>
<script type="text/javascript">document.write("</p>hidden");</script>
<p>Fish &amp; chips cost &pound;5 &#8212; it&#x2019;s true.</p>
</body></html>"""
    loaded = load_file("page.htm", page)
    assert loaded.text == ("Hello <script>alert(1)</script>\n\nFish & chips cost £5 — it’s true.")
    assert loaded.title_hint == ""


def test_html_title_falls_back_to_first_h1() -> None:
    loaded = load_file("a.html", b"<h2>Kicker</h2><h1>The <em>real</em> head</h1><h1>Second</h1>")
    assert loaded.title_hint == "The real head"
    assert loaded.text == "Kicker\n\nThe real head\n\nSecond"


def test_html_pre_keeps_its_lines() -> None:
    page = b"<p>Before</p><pre>\n  indented\n    more\n\nlast  </pre><p>After</p>"
    loaded = load_file("a.html", page)
    assert loaded.text == "Before\n\n  indented\n    more\n\nlast\n\nAfter"


def test_html_inline_elements_do_not_split_words() -> None:
    loaded = load_file("a.html", b"<p>un<b>believ</b>able <i>news</i>  today</p>")
    assert loaded.text == "unbelievable news today"


def test_html_keeps_no_break_spaces_but_drops_empty_paragraphs() -> None:
    loaded = load_file("a.html", b"<p>&nbsp;</p><p>10&nbsp;km</p><p> </p>")
    assert loaded.text == "10\xa0km"


def test_html_text_in_unclosed_head_is_kept() -> None:
    loaded = load_file("a.html", b"<html><head><title>T</title>Hello there.")
    assert loaded.text == "Hello there."
    assert loaded.title_hint == "T"


def test_html_crlf_is_normalised_by_the_parser_rules() -> None:
    loaded = load_file("a.html", b"<p>One\r\ntwo</p>\r\n<pre>a\r\nb</pre>")
    assert loaded.text == "One two\n\na\nb"


def test_html_only_markup_is_empty() -> None:
    message = load_error("a.html", b"<html><head><title>x</title></head><body> </body></html>")
    assert message == "“a.html” is empty: it has no readable text."


def test_html_charset_declarations() -> None:
    utf8 = '<meta charset="utf-8"><p>Café</p>'.encode()
    assert load_file("a.html", utf8).text == "Café"
    # A legacy charset is fine as long as the bytes are UTF-8 (or plain ASCII) anyway.
    ascii_only = b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><p>A</p>'
    assert load_file("a.html", ascii_only).text == "A"
    # UTF-16 in <meta> without a BOM cannot be true: read as UTF-8, as browsers do.
    assert load_file("a.html", b'<meta charset="UTF-16"><p>B</p>').text == "B"
    # A legacy charset the page declares is honoured (see tests/analysis/test_charset.py).
    latin1 = '<meta charset="windows-1252"><p>Café</p>'.encode("cp1252")
    assert load_file("a.html", latin1).text == "Café"
    # Bytes the declared charset has no character for are refused, naming the byte.
    arabic = b'<meta charset="iso-8859-6"><p>\xa1</p>'
    message = load_error("a.html", arabic)
    assert "iso-8859-6" in message
    assert "0xA1" in message
    assert "offset 30" in message


def test_html_utf16_with_bom() -> None:
    page = codecs.BOM_UTF16_LE + "<title>Tïtle</title><p>Body</p>".encode("utf-16-le")
    loaded = load_file("a.html", page)
    assert loaded == Loaded(text="Body", title_hint="Tïtle", kind="html")


# ---------------------------------------------------------------------------------------------
# .docx: reading


def test_docx_heading_paragraphs_and_table_in_order() -> None:
    def build(document: docx.document.Document) -> None:
        document.add_heading("Storm closes harbour road", level=1)
        document.add_paragraph("The road closed on Monday.")
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "Day"
        table.cell(0, 1).text = "Rain (mm)"
        table.cell(1, 0).text = "Monday"
        table.cell(1, 1).text = "42"
        document.add_paragraph("")  # empty paragraphs are dropped
        document.add_paragraph("It reopens on Wednesday.")

    loaded = load_file("story.docx", make_docx(build))
    text = (
        "Storm closes harbour road\n\nThe road closed on Monday.\n\n"
        "Day\n\nRain (mm)\n\nMonday\n\n42\n\nIt reopens on Wednesday."
    )

    def region(words: str, kind: str) -> Region:
        start = text.index(words, text.index("Day") if kind == REGION_TEXT else 0)
        return Region(start, start + len(words), kind)

    assert loaded == Loaded(
        text=text,
        title_hint="Storm closes harbour road",
        kind="docx",
        # The heading style makes a headline; table cells are running text, never headlines.
        regions=(
            region("Storm closes harbour road", REGION_HEADLINE),
            *(region(cell, REGION_TEXT) for cell in ("Day", "Rain (mm)", "Monday", "42")),
        ),
    )


def test_docx_core_title_wins_over_heading() -> None:
    def build(document: docx.document.Document) -> None:
        document.core_properties.title = "  The  core title "
        document.add_paragraph("Intro.")
        document.add_heading("A heading", level=2)

    assert load_file("a.docx", make_docx(build)).title_hint == "The core title"


def test_docx_title_style_and_no_title() -> None:
    def titled(document: docx.document.Document) -> None:
        document.add_paragraph("Kicker")
        document.add_paragraph("Headline", style="Title")

    assert load_file("a.docx", make_docx(titled)).title_hint == "Headline"
    assert load_file("a.docx", simple_docx()).title_hint == ""


def test_docx_without_core_properties_has_no_invented_title() -> None:
    # python-docx would report the title "Word Document" for a package without core properties.
    data = simple_docx()
    rels = zip_entries(data)["_rels/.rels"].decode()
    rels = re.sub(r"<Relationship [^>]*core-properties[^>]*/>", "", rels)
    stripped = rezip(data, replace={"_rels/.rels": rels.encode()}, drop=("docProps/core.xml",))
    loaded = load_file("a.docx", stripped)
    assert loaded.text == "Just one paragraph."
    assert loaded.title_hint == ""


def test_docx_tabs_and_line_breaks() -> None:
    def build(document: docx.document.Document) -> None:
        paragraph = document.add_paragraph("Name\tAge")
        paragraph.add_run().add_break()
        paragraph.add_run("Ana\t34")

    assert load_file("a.docx", make_docx(build)).text == "Name\tAge\nAna\t34"


def test_docx_reads_tracked_insertions_content_controls_and_hyperlinks() -> None:
    # python-docx's paragraph.text and iter_inner_content() skip all of these.
    def build(document: docx.document.Document) -> None:
        paragraph = document.add_paragraph("Kept ")
        paragraph._p.append(
            parse_xml(
                f'<w:ins {W_NS} w:id="1" w:author="Ed" w:date="2024-01-01T00:00:00Z">'
                "<w:r><w:t>inserted</w:t></w:r></w:ins>"
            )
        )
        paragraph._p.append(
            parse_xml(
                f'<w:del {W_NS} w:id="2" w:author="Ed" w:date="2024-01-01T00:00:00Z">'
                "<w:r><w:delText> deleted</w:delText></w:r></w:del>"
            )
        )
        paragraph._p.append(
            parse_xml(
                f'<w:hyperlink {W_NS} w:anchor="x"><w:r><w:t xml:space="preserve"> and linked'
                "</w:t></w:r></w:hyperlink>"
            )
        )
        append_to_body(
            document,
            f"<w:sdt {W_NS}><w:sdtPr><w:alias w:val='Byline'/></w:sdtPr><w:sdtContent>"
            "<w:p><w:r><w:t>By Ana Reporter</w:t></w:r></w:p></w:sdtContent></w:sdt>",
        )
        document.add_paragraph("End.")

    loaded = load_file("a.docx", make_docx(build))
    assert loaded.text == "Kept inserted and linked\n\nBy Ana Reporter\n\nEnd."


def test_docx_merged_cells_are_not_repeated() -> None:
    def build(document: docx.document.Document) -> None:
        table = document.add_table(rows=2, cols=3)
        merged = table.cell(0, 0).merge(table.cell(0, 2))
        merged.text = "Across the top"
        table.cell(1, 0).text = "a"
        table.cell(1, 1).text = "b"
        table.cell(1, 2).text = "c"

    assert load_file("a.docx", make_docx(build)).text == "Across the top\n\na\n\nb\n\nc"


def test_docx_nested_table() -> None:
    def build(document: docx.document.Document) -> None:
        outer = document.add_table(rows=1, cols=1)
        cell = outer.cell(0, 0)
        cell.paragraphs[0].text = "Outer"
        inner = cell.add_table(rows=1, cols=1)
        inner.cell(0, 0).text = "Inner"
        document.add_paragraph("After")

    assert load_file("a.docx", make_docx(build)).text == "Outer\n\nInner\n\nAfter"


def test_docx_with_differently_named_main_part() -> None:
    # Some editors write word/document2.xml; the package relationships point to it.
    entries = zip_entries(simple_docx())
    document_xml = entries.pop("word/document.xml")
    document_rels = entries.pop("word/_rels/document.xml.rels")
    entries["word/document2.xml"] = document_xml
    entries["word/_rels/document2.xml.rels"] = document_rels
    for name in ("_rels/.rels", "[Content_Types].xml"):
        entries[name] = entries[name].replace(b"/word/document.xml", b"/word/document2.xml")
        entries[name] = entries[name].replace(b'"word/document.xml"', b'"word/document2.xml"')
    loaded = load_file("a.docx", build_zip(entries))
    assert loaded.text == "Just one paragraph."


def test_docx_with_only_empty_paragraphs_is_empty() -> None:
    assert load_error("blank.docx", make_docx()) == "“blank.docx” is empty: it contains no text."


def test_docx_ignores_entities_in_svg_images() -> None:
    # Illustrator writes DOCTYPE and ENTITY into SVGs; image parts are never parsed as XML.
    data = simple_docx()
    content_types = zip_entries(data)["[Content_Types].xml"].replace(
        b"<Default ", b'<Default Extension="svg" ContentType="image/svg+xml"/><Default ', 1
    )
    svg = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY ns "x">]><svg/>'
    data = rezip(data, replace={"[Content_Types].xml": content_types, "word/media/a.svg": svg})
    assert load_file("a.docx", data).text == "Just one paragraph."


# ---------------------------------------------------------------------------------------------
# .docx: refusing


def test_docx_that_is_not_a_zip() -> None:
    message = load_error("a.docx", b"Just some text saved with the wrong extension.")
    assert message == "“a.docx” is not a valid .docx file: it is not a Word document."


def test_old_doc_renamed_to_docx() -> None:
    message = load_error("a.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert ".doc" in message
    assert "password" in message


def test_truncated_docx() -> None:
    data = simple_docx()
    message = load_error("a.docx", data[: len(data) // 2])
    assert "is not a valid .docx file" in message
    assert "damaged or truncated" in message


def test_zip_without_word_document() -> None:
    data = build_zip({"notes.txt": b"hello", "photo.jpg": b"\xff\xd8\xff"})
    message = load_error("a.docx", data)
    assert message == "“a.docx” is not a valid .docx file: it is not a Word document."


def test_excel_workbook_renamed_to_docx() -> None:
    data = build_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
    assert "Excel" in load_error("a.docx", data)


def test_docm_or_template_renamed_to_docx() -> None:
    data = simple_docx()
    content_types = zip_entries(data)["[Content_Types].xml"].replace(
        b"document.main+xml", b"template.main+xml"
    )
    message = load_error("a.docx", rezip(data, replace={"[Content_Types].xml": content_types}))
    assert "template" in message
    assert "Word Document (.docx)" in message


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"""

ENTITY_MESSAGE = (
    "“evil.docx” contains XML entity declarations, which Word never writes; refusing it for safety."
)


def test_billion_laughs_document_is_refused() -> None:
    data = rezip(simple_docx(), replace={"word/document.xml": BILLION_LAUGHS})
    assert load_error("evil.docx", data) == ENTITY_MESSAGE


def test_entity_declarations_are_found_in_any_case_and_in_rels() -> None:
    data = simple_docx()
    rels = zip_entries(data)["_rels/.rels"]
    evil = rels.replace(b"?>", b'?><!doctype r [<!entity x SYSTEM "file:///etc/passwd">]>', 1)
    assert load_error("evil.docx", rezip(data, replace={"_rels/.rels": evil})) == ENTITY_MESSAGE


def test_entity_declarations_hidden_in_utf16_are_found() -> None:
    evil = codecs.BOM_UTF16_LE + BILLION_LAUGHS.decode().encode("utf-16-le")
    data = rezip(simple_docx(), replace={"word/document.xml": evil})
    assert load_error("evil.docx", data) == ENTITY_MESSAGE
    without_bom = BILLION_LAUGHS.decode().encode("utf-16-be")
    data = rezip(simple_docx(), replace={"word/document.xml": without_bom})
    assert load_error("evil.docx", data) == ENTITY_MESSAGE


def test_xml_in_an_exotic_encoding_is_refused() -> None:
    # In UTF-7 a DOCTYPE would not be visible to a byte search.
    evil = b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE x+AD4-<w:document/>'
    data = rezip(simple_docx(), replace={"word/document.xml": evil})
    message = load_error("evil.docx", data)
    assert "encoding Word never writes (UTF-7)" in message
    ebcdic = "<?xml version='1.0'?><w:document/>".encode("cp500")
    data = rezip(simple_docx(), replace={"word/document.xml": ebcdic})
    assert "encoding Word never writes" in load_error("evil.docx", data)


def test_entity_declarations_in_a_part_declared_as_xml_under_another_name() -> None:
    data = simple_docx()
    content_types = zip_entries(data)["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/word/evil.bin" ContentType="application/xml"/></Types>',
    )
    data = rezip(
        data, replace={"[Content_Types].xml": content_types, "word/evil.bin": BILLION_LAUGHS}
    )
    assert load_error("evil.docx", data) == ENTITY_MESSAGE


def _assert_bomb(message: str) -> None:
    assert "expands to too much data" in message
    assert "zip bomb" in message


def test_zip_bomb_high_ratio_part() -> None:
    # 2 MB of zeros compresses about 1000 to 1: over the ratio limit, under the total limit.
    data = rezip(simple_docx(), replace={"word/media/zeros.bin": b"\0" * (2 * MB)})
    assert len(data) < 100_000
    _assert_bomb(load_error("bomb.docx", data))


def test_zip_bomb_sixty_megabytes_of_zeros() -> None:
    data = rezip(simple_docx(), replace={"word/document.xml": b"\0" * (60 * MB)})
    _assert_bomb(load_error("bomb.docx", data))


def test_zip_bomb_total_size() -> None:
    # Each part is 1 MB (not over the ratio rule's threshold); together they pass 50 MB.
    parts = {f"word/media/part{i}.bin": b"\0" * MB for i in range(51)}
    data = rezip(simple_docx(), replace=parts)
    message = load_error("bomb.docx", data)
    _assert_bomb(message)
    assert "the limit is 50 MB" in message


def test_zip_bomb_too_many_entries() -> None:
    parts = {f"word/media/p{i}.txt": b"x" for i in range(2001)}
    message = load_error("bomb.docx", rezip(simple_docx(), replace=parts))
    _assert_bomb(message)
    assert "2,0" in message


def test_zip_bomb_with_forged_size_field() -> None:
    # The headers claim 1,000 bytes (with a matching CRC), the stream inflates to 4 MB.
    real = b"\0" * (4 * MB)
    data = rezip(simple_docx(), replace={"word/media/liar.bin": real})
    data = patch_entry(data, "word/media/liar.bin", size=1000, crc=zlib.crc32(real[:1000]))
    _assert_bomb(load_error("bomb.docx", data))


def test_crc_mismatch_is_damage() -> None:
    data = bytearray(rezip(simple_docx(), compression=zipfile.ZIP_STORED))
    offset = entry_data_offset(bytes(data), "word/document.xml") + 200
    data[offset] ^= 0x01
    message = load_error("a.docx", bytes(data))
    assert "damaged or truncated" in message


def test_encrypted_zip_entry_is_refused() -> None:
    data = patch_entry(simple_docx(), "word/document.xml", flags=0x1)
    assert "encrypted" in load_error("a.docx", data)


def test_unusual_compression_is_refused() -> None:
    data = rezip(simple_docx(), compression=zipfile.ZIP_BZIP2)
    assert "compression method Word never writes" in load_error("a.docx", data)


def test_python_docx_errors_become_load_errors() -> None:
    data = rezip(simple_docx(), replace={"word/document.xml": b"<w:document><w:body>"})
    message = load_error("a.docx", data)
    assert message.startswith("“a.docx” could not be read as a Word document: ")
    assert message.endswith(".")


def test_missing_related_part_becomes_load_error() -> None:
    message = load_error("a.docx", rezip(simple_docx(), drop=("word/styles.xml",)))
    assert message.startswith("“a.docx” could not be read as a Word document: ")


# ---------------------------------------------------------------------------------------------
# Every refusal is a sentence


def _refusals() -> list[tuple[str, bytes]]:
    docx_data = simple_docx()
    return [
        ("a.pdf", b"%PDF"),
        ("noext", b"x"),
        ("a.doc", b"x"),
        ("a.txt", b""),
        ("a.txt", b" \n "),
        ("a.txt", b"caf\xe9"),
        ("a.txt", b"a\x00b"),
        ("a.md", b"PK\x03\x04rest"),
        ("a.html", b"<p></p>"),
        ("a.html", b'<meta charset="iso-8859-6"><p>\xa1</p>'),
        ("a.txt", "Café".encode("latin-1")),
        ("a.txt", bytes(range(1, 256)) * 4),
        ("a.docx", b"plain text"),
        ("a.docx", docx_data[:500]),
        ("a.docx", build_zip({"x.txt": b"x"})),
        ("a.docx", rezip(docx_data, replace={"word/document.xml": BILLION_LAUGHS})),
        ("a.docx", rezip(docx_data, replace={"word/media/z.bin": b"\0" * (2 * MB)})),
        ("a.docx", rezip(docx_data, replace={"word/document.xml": b"<broken"})),
        ("a.docx", make_docx()),
        ("line\nbreak.txt", b"\xff\xfe\x00\x00"),
    ]


@pytest.mark.parametrize(("name", "data"), _refusals())
def test_every_refusal_is_a_human_sentence(name: str, data: bytes) -> None:
    message = load_error(name, data)
    assert message.strip() == message
    assert message[0] == "“" or message[0].isupper()
    assert message.endswith(".")
    assert "\n" not in message
    assert "Traceback" not in message
    assert "Error" not in message  # no exception class names
    assert len(message) < 400


def test_display_name_is_sanitised() -> None:
    message = load_error("evil\nname\x1b.pdf", b"x")
    assert message.startswith("“evilname.pdf”")
    long_name = "x" * 300 + ".pdf"
    assert len(load_error(long_name, b"x")) < 200
