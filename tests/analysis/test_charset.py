"""Which encoding a text or HTML file is read in: declared (BOM, server, <meta>, XML), UTF-8, or
detected; and what is refused, with the byte and what was tried."""

from __future__ import annotations

import codecs

import pytest

from factcheck.analysis.loaders import Loaded, LoadError, decode_text, load_content, load_file
from factcheck.analysis.loaders.charset import (
    DETECTED,
    declared_encoding,
    decode_bytes,
    encoding_for_label,
)

# Our own copy, in Russian and Arabic, encoded in the legacy encodings pages still use.
RUSSIAN = (
    "Министр финансов заявил во вторник, что бюджет страны вырос на пять процентов. "
    "«Это хорошая новость», — сказал он журналистам в Москве."
)
ARABIC = (
    "قال وزير المالية يوم الثلاثاء إن ميزانية البلاد ارتفعت بنسبة خمسة في المئة. "
    "وأضاف للصحفيين في القاهرة أن هذا خبر سار."
)
# The same words written out byte by byte, so the tests do not only trust Python's encoder:
# "Москве" in windows-1251 and "القاهرة" in iso-8859-6.
MOSCOW_1251 = b"\xcc\xee\xf1\xea\xe2\xe5"
CAIRO_8859_6 = b"\xc7\xe4\xe2\xc7\xe7\xd1\xc9"


# KOI8-R has no « » or —.
RUSSIAN_PLAIN = "Министр финансов заявил во вторник, что бюджет страны вырос на пять процентов."


def page(body: str, encoding: str, head: str = "", title: str = "") -> bytes:
    heading = "<h1>Заголовок</h1>" if body in (RUSSIAN, RUSSIAN_PLAIN) else ""
    if not title:
        title = "Новости" if heading else "أخبار"
    return (
        f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head>"
        f"<body>{heading}<p>{body}</p></body></html>"
    ).encode(encoding)


def load_error(name: str, data: bytes, **kwargs: str) -> str:
    with pytest.raises(LoadError) as excinfo:
        load_file(name, data, **kwargs)  # type: ignore[arg-type]
    return str(excinfo.value)


def test_the_fixtures_are_really_in_those_encodings() -> None:
    assert MOSCOW_1251 in RUSSIAN.encode("cp1251")
    assert CAIRO_8859_6 in ARABIC.encode("iso-8859-6")
    assert MOSCOW_1251.decode("cp1251") == "Москве"
    with pytest.raises(UnicodeDecodeError):
        RUSSIAN.encode("cp1251").decode("utf-8")
    with pytest.raises(UnicodeDecodeError):
        ARABIC.encode("iso-8859-6").decode("utf-8")


# ---------------------------------------------------------------------------------------------
# Declared encodings: the two pages, each way a page declares its charset


@pytest.mark.parametrize(
    "head",
    [
        '<meta charset="windows-1251">',
        "<meta charset=windows-1251>",
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">',
        "<META HTTP-EQUIV='content-type' CONTENT='text/html;charset=CP1251'>",
        '<meta name="viewport" content="width=device-width"><meta charset="x-cp1251">',
    ],
)
def test_a_windows_1251_page_that_declares_its_charset_imports(head: str) -> None:
    loaded = load_file("news.html", page(RUSSIAN, "cp1251", head))
    assert loaded.text == f"Заголовок\n\n{RUSSIAN}"
    assert loaded.title_hint == "Новости"
    assert "Москве" in loaded.text


@pytest.mark.parametrize(
    "head",
    [
        '<meta charset="iso-8859-6">',
        '<meta http-equiv="content-type" content="text/html; charset=ISO-8859-6">',
        '<meta charset="arabic">',
    ],
)
def test_an_iso_8859_6_page_that_declares_its_charset_imports(head: str) -> None:
    loaded = load_file("akhbar.htm", page(ARABIC, "iso-8859-6", head))
    assert loaded == Loaded(text=ARABIC, title_hint="أخبار", kind="html")
    assert "القاهرة" in loaded.text


def test_the_byte_level_words_decode_as_declared() -> None:
    html = b'<meta charset="windows-1251"><p>' + MOSCOW_1251 + b"</p>"
    assert load_file("a.html", html).text == "Москве"
    html = b'<meta charset="iso-8859-6"><p>' + CAIRO_8859_6 + b"</p>"
    assert load_file("a.html", html).text == "القاهرة"


def test_the_servers_charset_is_honoured_for_a_page_and_for_text() -> None:
    assert load_file("a.html", page(RUSSIAN, "cp1251"), charset="windows-1251").text.endswith(
        "Москве."
    )
    data = ARABIC.encode("iso-8859-6")
    loaded = load_content("“x”", data, media_type="text/plain", charset="iso-8859-6")
    assert loaded.text == ARABIC


def test_the_servers_charset_wins_over_the_meta_and_a_bom_over_both() -> None:
    koi8 = page(RUSSIAN_PLAIN, "koi8_r", '<meta charset="windows-1251">')
    # The server says KOI8-R, the page says windows-1251: the server is right, as in browsers.
    assert RUSSIAN_PLAIN in load_file("a.html", koi8, charset="koi8-r").text
    utf8 = codecs.BOM_UTF8 + page(RUSSIAN, "utf-8", '<meta charset="windows-1251">')
    assert RUSSIAN in load_file("a.html", utf8, charset="koi8-r").text


def test_an_unknown_server_charset_falls_back_to_the_meta() -> None:
    data = page(RUSSIAN, "cp1251", '<meta charset="windows-1251">')
    assert RUSSIAN in load_file("a.html", data, charset="x-no-such-thing").text


def test_an_xml_declaration_is_honoured() -> None:
    xhtml = (
        '<?xml version="1.0" encoding="windows-1251"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>' + RUSSIAN + "</p></body></html>"
    ).encode("cp1251")
    assert load_file("a.html", xhtml).text == RUSSIAN
    text = ('<?xml version="1.0" encoding="ISO-8859-6"?>\n' + ARABIC).encode("iso-8859-6")
    assert load_file("a.txt", text).text.endswith(ARABIC)


def test_a_meta_in_a_comment_or_past_4_kb_is_not_a_declaration() -> None:
    commented = page(ARABIC, "iso-8859-6", "<!-- <meta charset='windows-1251'> -->")
    assert ARABIC in load_file("a.html", commented).text
    late = b"<p>" + b"x" * 5000 + b'</p><meta charset="windows-1251"><p>' + MOSCOW_1251 + b"</p>"
    assert declared_encoding(late, html=True) is None


def test_labels_are_read_as_browsers_read_them() -> None:
    assert encoding_for_label(" Latin1 ") == "windows-1252"
    assert encoding_for_label("ISO-8859-1") == "windows-1252"
    assert encoding_for_label("gb2312") == "gbk"
    assert encoding_for_label("Shift_JIS") == "shift_jis"
    assert encoding_for_label("utf8") == "utf-8"
    assert encoding_for_label("rot13") is None
    assert encoding_for_label("utf-7") is None
    # Latin-1 pages use windows-1252's punctuation: browsers read it so, and so do we.
    data = '<meta charset="iso-8859-1"><p>“Quoted” – €5</p>'.encode("cp1252")
    assert load_file("a.html", data).text == "“Quoted” – €5"


def test_a_meta_saying_utf16_in_ascii_bytes_is_utf8() -> None:
    assert load_file("a.html", '<meta charset="utf-16"><p>Café</p>'.encode()).text == "Café"


def test_a_legacy_declaration_on_utf8_bytes_reads_the_utf8() -> None:
    # A page saved as UTF-8 that kept its old <meta>: the UTF-8 is what was written.
    data = page(RUSSIAN, "utf-8", '<meta charset="windows-1251">')
    assert RUSSIAN in load_file("a.html", data).text
    served = "Café “crème”".encode()
    assert load_content("“x”", served, media_type="text/plain", charset="iso-8859-1").text == (
        "Café “crème”"
    )


def test_a_wrong_utf8_declaration_falls_back_to_detection() -> None:
    data = page(RUSSIAN, "cp1251", '<meta charset="utf-8">')
    assert RUSSIAN in load_file("a.html", data).text


def test_bytes_invalid_in_the_declared_charset_are_refused_with_the_byte() -> None:
    # 0x98 is the one byte windows-1251 leaves undefined.
    data = b'<meta charset="windows-1251"><p>' + MOSCOW_1251 + b"\x98</p>"
    message = load_error("a.html", data)
    assert message == (
        "“a.html” declares the character set windows-1251 (in a <meta> tag), but byte 0x98 at "
        "offset 38 (line 1) is not valid in windows-1251, and the file is not UTF-8 either; "
        "save it as UTF-8 and try again."
    )


def test_a_charset_browsers_refuse_is_refused() -> None:
    message = load_error("a.html", b'<meta charset="iso-2022-kr"><p>x</p>')
    assert "iso-2022-kr" in message
    assert "refuse" in message


# ---------------------------------------------------------------------------------------------
# Nothing declared: UTF-8, else detection


@pytest.mark.parametrize(
    ("text", "codec", "name"),
    [
        (RUSSIAN, "cp1251", "windows-1251"),
        (RUSSIAN_PLAIN, "koi8_r", "koi8-r"),
        (ARABIC, "iso-8859-6", "iso-8859-6"),
        (ARABIC, "cp1256", "windows-1256"),
        (
            "The minister’s “plan” – announced on Tuesday – would cost £5m, according to José "
            "Peña, the ministry’s spokesman. “We are confident,” he said… The café owners’ "
            "association disagreed.",
            "cp1252",
            "windows-1252",
        ),
        ("東京都の知事は火曜日に予算を発表した。", "cp932", "shift_jis"),
    ],
)
def test_an_undeclared_legacy_file_is_detected(text: str, codec: str, name: str) -> None:
    decoded = decode_bytes(text.encode(codec), "“a.txt”", is_file=True)
    assert (decoded.text, decoded.encoding, decoded.how) == (text, name, "detected")
    assert load_file("a.txt", text.encode(codec)).text == text


def test_an_undeclared_legacy_page_is_detected() -> None:
    assert RUSSIAN in load_file("a.html", page(RUSSIAN, "cp1251")).text
    assert ARABIC in load_file("a.html", page(ARABIC, "iso-8859-6")).text


def test_a_wire_story_in_windows_1252_reads_with_its_quotes_and_euro() -> None:
    story = (
        "The minister’s plan would cost €5m, his spokesman said on Tuesday. "
        + "Officials said the road would stay closed until Friday. " * 20
    )
    assert decode_text(story.encode("cp1252")) == story


@pytest.mark.parametrize(
    "text",
    [
        "plain ASCII",
        "a",
        "Zoë said “yes” — in UTF-8.",
        "Ð¿Ñ€Ð¸Ð²ÐµÑ‚ is mojibake a writer typed on purpose",
        RUSSIAN,
        ARABIC,
    ],
)
def test_utf8_and_ascii_are_never_detected_as_anything_else(text: str) -> None:
    decoded = decode_bytes(text.encode(), "“a.txt”", is_file=True)
    assert (decoded.text, decoded.encoding, decoded.how) == (text, "utf-8", "utf-8")


def test_too_little_text_to_tell_is_refused_naming_the_byte_and_the_candidates() -> None:
    message = load_error("cafe.txt", b"caf\xe9 au lait")
    assert message.startswith(
        "“cafe.txt” is not UTF-8 text: byte 0xE9 at offset 3 (line 1) is not valid UTF-8, and "
        "there is too little text to tell which older encoding it is in (windows-1252, "
        "windows-1251"
    )
    assert message.endswith("fit). Save it as UTF-8 and try again.")


def test_bytes_no_encoding_reads_are_refused_saying_what_was_tried() -> None:
    message = load_error("noise.txt", bytes(range(1, 256)) * 8)
    assert "byte 0x80 at offset 127 (line 2) is not valid UTF-8" in message
    assert f"any of the {len(DETECTED)} older encodings tried (windows-1252" in message


def test_pasted_text_is_utf8_and_never_detected() -> None:
    # A lone surrogate in a paste must not turn the whole text into mojibake.
    data = "Zoë “x” \ud800".encode("utf-8", "surrogatepass")
    with pytest.raises(LoadError, match=r"^This input is not UTF-8 text: byte 0xED at offset"):
        decode_text(data, detect=False)


@pytest.mark.parametrize("name", ["a.txt", "a.html", "a.md"])
def test_binary_files_keep_their_clear_messages(name: str) -> None:
    assert "binary file" in load_error(name, b"\x01\x02 hello\x00world \xe9")
    assert "a PDF document" in load_error(name, b"%PDF-1.7\n\xe2\xe3")


# ---------------------------------------------------------------------------------------------
# What a server sent for a link: read by its media type


def test_content_is_read_by_its_media_type() -> None:
    assert load_content("“x”", b"<p>Hi</p>", media_type="text/html").kind == "html"
    assert load_content("“x”", b"<p>Hi</p>", media_type="application/xhtml+xml").kind == "html"
    assert load_content("“x”", b"# Title\n\nHi.", media_type="text/markdown").title_hint == "Title"
    # The type wins over the name: a page at /story.txt served as HTML is HTML.
    loaded = load_content("“x”", b"<p>Hi</p>", media_type="text/html", name="story.txt")
    assert loaded.text == "Hi"


def test_an_opaque_type_falls_back_to_the_name_then_to_the_content() -> None:
    octet = "application/octet-stream"
    assert load_content("“x”", b"Hi.", media_type=octet, name="notes.md").kind == "md"
    page = b"\n <!-- saved --> <!DOCTYPE html><p>Hi</p>"
    assert load_content("“x”", page, media_type="", name="story").kind == "html"
    with pytest.raises(LoadError, match="not a web page or text"):
        load_content("“x”", b"Hi.", media_type=octet, name="data.bin")


@pytest.mark.parametrize(
    ("media_type", "message"),
    [
        ("application/pdf", "“x” is a PDF document (application/pdf), not a web page or text."),
        ("image/png", "“x” is an image (image/png), not a web page or text."),
        ("video/mp4", "“x” is a video (video/mp4), not a web page or text."),
        (
            "application/json",
            "“x” is of a type that is not a web page or text (application/json); link to a web "
            "page, or to a .txt, .md or .docx file.",
        ),
    ],
)
def test_content_that_is_not_a_page_or_text_says_what_it_is(media_type: str, message: str) -> None:
    with pytest.raises(LoadError) as excinfo:
        load_content("“x”", b"\x89PNG", media_type=media_type)
    assert str(excinfo.value) == message


def test_content_over_the_limit_or_mislabelled_binary_is_refused() -> None:
    with pytest.raises(LoadError, match="the limit is 10 bytes"):
        load_content("“x”", b"<p>" + b"x" * 20 + b"</p>", media_type="text/html", max_bytes=10)
    with pytest.raises(LoadError, match="looks like a binary file \\(a PDF document\\)"):
        load_content("“x”", b"%PDF-1.7 ...", media_type="text/html")
