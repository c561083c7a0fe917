"""Which character encoding a text or HTML file is in, and its text.

The order is the browsers' (the HTML standard's "encoding sniffing"):

1. a byte order mark (UTF-8, UTF-16 LE or BE);
2. the charset the server declared (the HTTP ``Content-Type``), passed in by whoever fetched it;
3. what the file declares itself: a ``<meta charset>`` or ``<meta http-equiv="Content-Type">``
   in the first 4 KB of an HTML page, or an XML declaration (``<?xml … encoding="…"?>``);
4. otherwise UTF-8 if the bytes are valid UTF-8, and else a detection among the common legacy
   encodings (charset-normalizer).

Labels are read as the Encoding Standard reads them (``latin1`` and ``iso-8859-1`` are
windows-1252, ``gb2312`` is gbk, ``shift_jis`` is windows-31j), so a page decodes as a browser
shows it. Two deliberate departures: bytes that are valid UTF-8 with at least one non-ASCII
character are read as UTF-8 whatever legacy encoding is declared (a page saved or served as UTF-8
under an old declaration is common, and the other way round is practically impossible for real
text), and a declared encoding the bytes are invalid in is refused rather than read with
replacement characters, which would silently change names and quotes. A declared UTF-8 that the
bytes are not valid in is the exception: that declaration is often stamped on by a server, so the
encoding is then detected.

Detection never runs on valid UTF-8 (so plain UTF-8 and ASCII are never re-read), chooses among
the encodings that are widespread on the web, prefers the more widespread one when several read
equally well, and refuses, naming the byte and what was tried, when there is too little non-ASCII
text to tell the candidates apart or none of them reads as text.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from factcheck.analysis.loaders.base import LoadError

# The Encoding Standard's encodings (https://encoding.spec.whatwg.org/#names-and-labels): the
# name, the Python codec that decodes it (None: refused), and the labels that name it.
_ENCODINGS: tuple[tuple[str, str | None, str], ...] = (
    ("utf-8", "utf-8", "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8"),
    ("ibm866", "cp866", "866 cp866 csibm866 ibm866"),
    ("iso-8859-2", "iso8859_2", "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 "
     "iso_8859-2:1987 l2 latin2"),
    ("iso-8859-3", "iso8859_3", "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 "
     "iso_8859-3:1988 l3 latin3"),
    ("iso-8859-4", "iso8859_4", "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 "
     "iso_8859-4:1988 l4 latin4"),
    ("iso-8859-5", "iso8859_5", "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 "
     "iso88595 iso_8859-5 iso_8859-5:1988"),
    ("iso-8859-6", "iso8859_6", "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 "
     "iso-8859-6 iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 "
     "iso_8859-6:1987"),
    ("iso-8859-7", "iso8859_7", "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 "
     "iso-ir-126 iso8859-7 iso88597 iso_8859-7 iso_8859-7:1987 sun_eu_greek"),
    ("iso-8859-8", "iso8859_8", "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e "
     "iso-ir-138 iso8859-8 iso88598 iso_8859-8 iso_8859-8:1988 visual"),
    ("iso-8859-8-i", "iso8859_8", "csiso88598i iso-8859-8-i logical"),
    ("iso-8859-10", "iso8859_10", "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 "
     "latin6"),
    ("iso-8859-13", "iso8859_13", "iso-8859-13 iso8859-13 iso885913"),
    ("iso-8859-14", "iso8859_14", "iso-8859-14 iso8859-14 iso885914"),
    ("iso-8859-15", "iso8859_15", "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9"),
    ("iso-8859-16", "iso8859_16", "iso-8859-16"),
    ("koi8-r", "koi8_r", "cskoi8r koi koi8 koi8-r koi8_r"),
    ("koi8-u", "koi8_u", "koi8-ru koi8-u"),
    ("macintosh", "mac_roman", "csmacintosh mac macintosh x-mac-roman"),
    ("windows-874", "cp874", "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874"),
    ("windows-1250", "cp1250", "cp1250 windows-1250 x-cp1250"),
    ("windows-1251", "cp1251", "cp1251 windows-1251 x-cp1251"),
    # x-user-defined is windows-1252 here, as the HTML standard's <meta> prescan reads it.
    ("windows-1252", "cp1252", "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 "
     "iso-ir-100 iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 "
     "x-cp1252 x-user-defined"),
    ("windows-1253", "cp1253", "cp1253 windows-1253 x-cp1253"),
    ("windows-1254", "cp1254", "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 "
     "iso_8859-9 iso_8859-9:1989 l5 latin5 windows-1254 x-cp1254"),
    ("windows-1255", "cp1255", "cp1255 windows-1255 x-cp1255"),
    ("windows-1256", "cp1256", "cp1256 windows-1256 x-cp1256"),
    ("windows-1257", "cp1257", "cp1257 windows-1257 x-cp1257"),
    ("windows-1258", "cp1258", "cp1258 windows-1258 x-cp1258"),
    ("x-mac-cyrillic", "mac_cyrillic", "x-mac-cyrillic x-mac-ukrainian"),
    # The standard decodes gbk with the gb18030 decoder, a superset.
    ("gbk", "gb18030", "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 "
     "x-gbk"),
    ("gb18030", "gb18030", "gb18030"),
    ("big5", "big5hkscs", "big5 big5-hkscs cn-big5 csbig5 x-x-big5"),
    ("euc-jp", "euc_jp", "cseucpkdfmtjapanese euc-jp x-euc-jp"),
    ("iso-2022-jp", "iso2022_jp", "csiso2022jp iso-2022-jp"),
    ("shift_jis", "cp932", "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis"),
    ("euc-kr", "cp949", "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 "
     "ks_c_5601-1989 ksc5601 ksc_5601 windows-949"),
    # Browsers refuse these (they can hide markup from filters): so do we.
    ("replacement", None, "csiso2022kr hz-gb-2312 iso-2022-cn iso-2022-cn-ext iso-2022-kr"),
    ("utf-16be", "utf-16-be", "unicodefffe utf-16be"),
    ("utf-16le", "utf-16-le", "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 "
     "utf-16le"),
)  # fmt: skip

_CODEC = {name: codec for name, codec, _labels in _ENCODINGS}
_BY_LABEL = {label: name for name, _codec, labels in _ENCODINGS for label in labels.split()}

# What detection chooses among, the most widespread on the web first (W3Techs' survey of
# character encodings): when several read a file equally well, the first of them wins. The rarer
# single-byte encodings are left out, as they fit almost any Latin text and would win by chance;
# a file in one of them is read when it declares it.
DETECTED: tuple[str, ...] = (
    "windows-1252", "windows-1251", "shift_jis", "gbk", "euc-kr", "euc-jp", "windows-1250",
    "iso-8859-2", "windows-1256", "windows-1254", "big5", "windows-874", "iso-8859-15",
    "windows-1253", "iso-8859-7", "koi8-r", "windows-1255", "iso-8859-8", "iso-8859-6",
    "iso-8859-5", "ibm866", "windows-1257", "windows-1258",
)  # fmt: skip
_DETECTED_BY_CODEC = {_CODEC[name]: name for name in reversed(DETECTED)}
_RANK = {name: rank for rank, name in enumerate(DETECTED)}

# Candidates whose score (coherence minus chaos, charset-normalizer's measures) is this close to
# the best one read the file equally well; the most widespread of them is chosen.
_TIE = 0.05
# When equally good candidates disagree on the text, fewer non-ASCII bytes than this are too
# little to choose on: "caf\xe9" is café, cafй or cafι.
_MIN_EVIDENCE = 8
# How far into an HTML page a <meta> declaration is looked for (browsers look at 1 KB, and
# reload when they find one later; 4 KB catches the long <head>s of news sites).
_PRESCAN_BYTES = 4096

_C1_CONTROL = re.compile("[\x80-\x9f]")
_COMMENT = re.compile(rb"<!--.*?(?:-->|\Z)", re.S)
_META = re.compile(rb"<meta[\s/]([^>]*)", re.I)
_ATTRIBUTE = re.compile(rb"""([^\s=/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]*))?""")
_CHARSET_IN_CONTENT = re.compile(rb"""charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;"']+))""", re.I)
_XML_DECLARATION = re.compile(rb"""<\?xml[^>]*?\sencoding\s*=\s*["']([^"']{1,40})["']""")


@dataclass(frozen=True, slots=True)
class Declared:
    """A charset a file or its server declares: the ``label`` as written, the Encoding
    Standard ``encoding`` it names, and ``where`` it was found (for messages)."""

    label: str
    encoding: str
    where: str


@dataclass(frozen=True, slots=True)
class Decoded:
    """The text, the encoding it was read in, and ``how`` that was decided: ``"bom"``,
    ``"declared"``, ``"utf-8"`` (undeclared, valid UTF-8) or ``"detected"``."""

    text: str
    encoding: str
    how: str


def encoding_for_label(label: str) -> str | None:
    """The Encoding Standard's name for ``label`` (``"Latin1"`` → ``"windows-1252"``), or None
    for a label it does not know."""
    return _BY_LABEL.get(label.strip(" \t\n\f\r\"'").lower())


def declared_encoding(data: bytes, *, charset: str = "", html: bool = False) -> Declared | None:
    """The first declaration of ``data``'s encoding that names a known encoding, in the order of
    precedence: the server's ``charset`` (its HTTP ``Content-Type`` parameter), then for
    ``html`` a ``<meta>``, then an XML declaration. Unknown labels are passed over, as browsers
    do. A ``<meta>`` or XML declaration of UTF-16 is read as UTF-8: a file that can declare it in
    ASCII is not UTF-16."""
    if charset:
        encoding = encoding_for_label(charset)
        if encoding is not None:
            return Declared(charset.strip(), encoding, "in the server's Content-Type header")
    found: list[tuple[str, str]] = []
    if html:
        found.extend((label, "in a <meta> tag") for label in _meta_labels(data))
    match = _XML_DECLARATION.match(data.lstrip(b" \t\r\n") if html else data)
    if match:
        found.append((match.group(1).decode("ascii", "replace"), "in its XML declaration"))
    for label, where in found:
        encoding = encoding_for_label(label)
        if encoding is not None:
            if encoding.startswith("utf-16"):
                encoding = "utf-8"
            return Declared(label.strip(), encoding, where)
    return None


def _meta_labels(data: bytes) -> list[str]:
    """The charset labels of the ``<meta>`` elements in the first 4 KB, in order."""
    head = _COMMENT.sub(b"", data[:_PRESCAN_BYTES])
    labels = []
    for meta in _META.finditer(head):
        attributes: dict[bytes, bytes] = {}
        for name, value in _ATTRIBUTE.findall(meta.group(1)):
            attributes.setdefault(name.lower(), value.strip(b"\"'"))
        if b"charset" in attributes:
            labels.append(attributes[b"charset"].decode("ascii", "replace"))
        elif attributes.get(b"http-equiv", b"").lower() == b"content-type":
            content = _CHARSET_IN_CONTENT.search(attributes.get(b"content", b""))
            if content:
                label = next(group for group in content.groups() if group is not None)
                labels.append(label.decode("ascii", "replace"))
    return labels


def decode_bytes(
    data: bytes,
    subject: str,
    *,
    is_file: bool,
    charset: str = "",
    html: bool = False,
    detect: bool = True,
) -> Decoded:
    """Decode ``data``, an HTML page when ``html``, whose server declared ``charset`` (``""``
    when there was no server or no declaration), in the order the module describes.

    ``detect=False`` is for bytes known to be UTF-8 (text typed into a form): anything else in
    them is refused rather than detected.

    ``subject`` starts the messages (``"“draft.txt”"``, ``"This input"``). The BOM is dropped.
    Raises :class:`LoadError` for binary data, or for bytes no tried encoding reads, naming the
    first byte that is not UTF-8 and what was tried.
    """
    data = bytes(data)
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        # Checked before UTF-16: the UTF-32 LE BOM begins with the UTF-16 LE one.
        raise LoadError(
            f"{subject} is UTF-32 text, which is not supported; save it as UTF-8 and try again."
        )
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16le"), (codecs.BOM_UTF16_BE, "utf-16be")):
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(_codec(name))
            except UnicodeDecodeError as exc:
                raise LoadError(
                    f"{subject} is marked as UTF-16 text but is damaged at byte offset "
                    f"{exc.start + len(bom)}; save it as UTF-8 and try again."
                ) from None
            return Decoded(_no_nul(text, subject, is_file=is_file), name, "bom")
    if data.startswith(codecs.BOM_UTF8):
        body = _no_nul_bytes(data[len(codecs.BOM_UTF8) :], subject, is_file=is_file)
        try:
            return Decoded(body.decode("utf-8"), "utf-8", "bom")
        except UnicodeDecodeError as exc:
            raise LoadError(
                f"{subject} is marked as UTF-8 text (it starts with a byte order mark), but "
                f"{_where(data, exc.start + len(codecs.BOM_UTF8))} is not valid UTF-8; save it "
                "as UTF-8 and try again."
            ) from None

    declared = declared_encoding(data, charset=charset, html=html)
    if declared is not None and declared.encoding.startswith("utf-16"):
        # Only the server can say UTF-16 without a BOM: NUL bytes are then expected.
        return _decode_declared(data, subject, declared, is_file=is_file)
    data = _no_nul_bytes(data, subject, is_file=is_file)
    if declared is not None and declared.encoding != "utf-8":
        return _decode_declared(data, subject, declared, is_file=is_file)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", "declared" if declared else "utf-8")
    except UnicodeDecodeError as exc:
        if not detect:
            raise LoadError(
                f"{subject} is not UTF-8 text: {_where(data, exc.start)} is not valid UTF-8."
            ) from None
        bad = exc.start
    return _detect(data, subject, bad, declared)


def _decode_declared(data: bytes, subject: str, declared: Declared, *, is_file: bool) -> Decoded:
    if declared.encoding == "replacement":
        raise LoadError(
            f"{subject} declares the character set {declared.label} ({declared.where}), which "
            "browsers refuse to read because it can hide markup; save it as UTF-8 and try again."
        )
    if not declared.encoding.startswith("utf-16") and _is_utf8_beyond_ascii(data):
        # Declared as a legacy encoding but written in UTF-8: read as written.
        return Decoded(data.decode("utf-8"), "utf-8", "utf-8")
    try:
        text = data.decode(_codec(declared.encoding))
    except UnicodeDecodeError as exc:
        raise LoadError(_declared_message(subject, data, exc.start, declared)) from None
    return Decoded(_no_nul(text, subject, is_file=is_file), declared.encoding, "declared")


def _detect(data: bytes, subject: str, bad: int, declared: Declared | None) -> Decoded:
    """The most likely legacy encoding of ``data`` (not UTF-8: byte ``bad`` is not), or a
    LoadError saying what was tried."""
    codecs_tried = [_codec(name) for name in DETECTED]
    matches = from_bytes(
        data, cp_isolation=codecs_tried, preemptive_behaviour=False, enable_fallback=False
    )
    # Each match is one reading of the bytes, with every encoding that reads them the same way.
    readings: list[tuple[float, int, str, str]] = []  # (score, rank, name, text)
    for match in matches:
        names = [
            _DETECTED_BY_CODEC[c] for c in match.could_be_from_charset if c in _DETECTED_BY_CODEC
        ]
        if not names:
            continue
        name = min(names, key=_RANK.__getitem__)
        try:
            text = data.decode(_codec(name))
        except UnicodeDecodeError:
            continue
        if _C1_CONTROL.search(text):
            # No text holds C1 controls: a reading that makes them (iso-8859-2 reading the
            # curly quotes of windows-1252) is the wrong one.
            continue
        readings.append((match.coherence - match.chaos, _RANK[name], name, text))
    if not readings:
        raise LoadError(_not_read_message(subject, data, bad, [], declared))
    best_score = max(score for score, *_ in readings)
    tied = sorted((r for r in readings if r[0] >= best_score - _TIE), key=lambda r: r[1])
    if len({text for *_, text in tied}) > 1 and _non_ascii(data) < _MIN_EVIDENCE:
        names = [name for _, _, name, _ in tied]
        raise LoadError(_not_read_message(subject, data, bad, names, declared))
    _score, _rank, name, text = tied[0]
    return Decoded(text, name, "detected")


def _codec(name: str) -> str:
    codec = _CODEC[name]
    assert codec is not None  # "replacement" is refused before any decoding
    return codec


def _non_ascii(data: bytes) -> int:
    return len(data) - len(data.translate(None, bytes(range(0x80, 0x100))))


def _is_utf8_beyond_ascii(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def binary_message(subject: str, *, is_file: bool) -> str:
    noun = "a binary file" if is_file else "binary data"
    return f"{subject} looks like {noun}, not text (it contains NUL bytes)."


def _no_nul_bytes(data: bytes, subject: str, *, is_file: bool) -> bytes:
    # NUL is valid in most encodings but never appears in text; without this check most binary
    # files would get a less helpful "not UTF-8" message.
    if b"\x00" in data:
        raise LoadError(binary_message(subject, is_file=is_file))
    return data


def _no_nul(text: str, subject: str, *, is_file: bool) -> str:
    if "\x00" in text:
        raise LoadError(binary_message(subject, is_file=is_file))
    return text


def _where(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    return f"byte 0x{data[offset]:02X} at offset {offset} (line {line})"


def _declared_message(subject: str, data: bytes, offset: int, declared: Declared) -> str:
    return (
        f"{subject} declares the character set {declared.label} ({declared.where}), but "
        f"{_where(data, offset)} is not valid in {declared.encoding}, and the file is not UTF-8 "
        "either; save it as UTF-8 and try again."
    )


def _not_read_message(
    subject: str, data: bytes, offset: int, candidates: list[str], declared: Declared | None
) -> str:
    """Byte ``offset`` is not UTF-8, and detection found either no reading (``candidates`` is
    empty) or several that fit equally well (their encodings)."""
    if declared is not None:
        start = f"{subject} declares UTF-8 ({declared.where}), but {_where(data, offset)} is not "
    else:
        start = f"{subject} is not UTF-8 text: {_where(data, offset)} is not "
    if candidates:
        shown = candidates[:3]
        listed = ", ".join(shown[:-1]) + f" or {shown[-1]}"
        tried = f"there is too little text to tell which older encoding it is in ({listed} fit)"
    else:
        tried = (
            f"it does not read as text in any of the {len(DETECTED)} older encodings tried "
            f"({', '.join(DETECTED[:3])}, …)"
        )
    return f"{start}valid UTF-8, and {tried}. Save it as UTF-8 and try again."
