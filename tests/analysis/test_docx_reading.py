"""Reading a .docx as a reader sees it: notes, text boxes, list numbers, headers and footers,
tracked changes, comments and Strict Open XML. Every package is built in memory
(``tests/docx_package.py``) from WordprocessingML written for these tests; real files from other
projects' test suites are read in ``tests/corpus/test_docx_corpus.py`` (``make corpus``)."""

from __future__ import annotations

import io
import random
import string
import time
import zipfile

import pytest

from factcheck.analysis.loaders import (
    REGION_FURNITURE,
    REGION_HEADLINE,
    REGION_NOTE,
    Loaded,
    LoadError,
    load_file,
)
from factcheck.analysis.normalise import normalise_text
from factcheck.analysis.segment import BOILERPLATE, HEADLINE, NOTE, SENTENCE, segment
from tests.docx_package import SEPARATORS, note, p, package, ref


def units(loaded: Loaded) -> list[tuple[str, str]]:
    """(text, kind) of each unit the segmenter makes of what was loaded."""
    assert normalise_text(loaded.text) == loaded.text  # the promise that keeps offsets true
    return [(loaded.text[u.start : u.end], u.kind) for u in segment(loaded.text, loaded.regions)]


def region_texts(loaded: Loaded, kind: str) -> list[str]:
    return [loaded.text[r.start : r.end] for r in loaded.regions if r.kind == kind]


# ---------------------------------------------------------------------------------------------
# Footnotes and endnotes


def test_footnotes_and_endnotes_follow_the_body_as_notes_numbered_as_word_shows_them() -> None:
    body = (
        p("Prices rose by 4%.", ref("footnote", "7"), " Wages did not", ref("footnote", "3"), ".")
        + p(
            "See the annex",
            ref("endnote", "2"),
            ", and the",
            ref("footnote", "9", custom=True),
            "*",
        )
        + p("The council met.", ref("endnote", "5"))
    )
    own = "<w:r><w:footnoteRef/></w:r>"
    footnotes = SEPARATORS.format(k="footnote") + (
        note("footnote", "7", p(own, " Office for National Statistics, May 2024."))
        + note("footnote", "3", p(own, "Payroll data."), p("Second paragraph of the note."))
        + note("footnote", "9", p("* The author's own mark."))
        + note("footnote", "11", p(own, " Never referenced: Word does not show it."))
    )
    endnotes = SEPARATORS.format(k="endnote") + (
        note("endnote", "2", p("<w:r><w:endnoteRef/></w:r>", " Annex B."))
        + note("endnote", "5", p("Minutes, item 4."))  # no mark of its own: it is given one
    )
    data = package(
        body,
        parts={
            "footnotes.xml": ("footnotes", footnotes),
            "endnotes.xml": ("endnotes", endnotes),
        },
    )
    loaded = load_file("story.docx", data)

    assert units(loaded) == [
        ("Prices rose by 4%.[1]", SENTENCE),
        ("Wages did not[2].", SENTENCE),
        ("See the annex[i], and the*", HEADLINE),
        ("The council met.[ii]", SENTENCE),
        ("[1] Office for National Statistics, May 2024.", NOTE),
        ("[2] Payroll data.", NOTE),
        ("Second paragraph of the note.", NOTE),
        ("The author's own mark.", NOTE),  # "* " reads as a list mark, outside the unit
        # Endnotes come after footnotes, numbered i, ii… unless the document says otherwise.
        ("[i] Annex B.", NOTE),
        ("[ii] Minutes, item 4.", NOTE),
    ]
    assert "Never referenced" not in loaded.text
    assert region_texts(loaded, REGION_NOTE) == [loaded.text[loaded.text.index("[1] Office") :]]


def test_note_number_format_and_start_come_from_the_settings_and_the_section() -> None:
    settings = (
        '<w:footnotePr><w:numFmt w:val="lowerLetter"/><w:numStart w:val="3"/></w:footnotePr>'
        '<w:endnotePr><w:numFmt w:val="decimal"/></w:endnotePr>'
    )
    section = '<w:sectPr><w:footnotePr><w:numFmt w:val="upperRoman"/></w:footnotePr></w:sectPr>'
    body = p("One", ref("footnote", "1"), " two", ref("endnote", "1"), ".") + section
    own = "<w:r><w:footnoteRef/></w:r>"
    loaded = load_file(
        "a.docx",
        package(
            body,
            parts={
                "settings.xml": ("settings", settings),
                "footnotes.xml": ("footnotes", note("footnote", "1", p(own, " A."))),
                "endnotes.xml": ("endnotes", note("endnote", "1", p(" B."))),
            },
        ),
    )
    # The section's format wins over the settings'; the settings' start still holds.
    assert loaded.text == "One[III] two[1].\n\n[III] A.\n\n[1] B."


# ---------------------------------------------------------------------------------------------
# Text boxes


def text_box(text: str) -> str:
    return f"<w:txbxContent>{p(text)}</w:txbxContent>"


def test_a_text_box_is_read_once_after_the_paragraph_that_holds_it() -> None:
    modern_and_fallback = (
        "<w:r><mc:AlternateContent>"
        '<mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>'
        f"{text_box('Pull quote: 40% more.')}</wps:txbx></wps:wsp></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{text_box('Pull quote: 40% more.')}"
        "</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )
    old_style = (
        f"<w:r><w:pict><v:shape><v:textbox>{text_box('Sidebar text.')}</v:textbox></v:shape>"
        "</w:pict></w:r>"
    )
    body = p("The anchor paragraph.", modern_and_fallback) + p(old_style) + p("After.")
    loaded = load_file("a.docx", package(body))
    assert (
        loaded.text == "The anchor paragraph.\n\nPull quote: 40% more.\n\nSidebar text.\n\nAfter."
    )


def test_a_fallback_is_read_when_only_it_holds_the_text() -> None:
    alternate = (
        '<w:r><mc:AlternateContent><mc:Choice Requires="w14"><w:drawing/></mc:Choice>'
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{text_box('Only here.')}</v:textbox></v:shape>"
        "</w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )
    assert load_file("a.docx", package(p("Body.", alternate))).text == "Body.\n\nOnly here."


# ---------------------------------------------------------------------------------------------
# List numbering


def lvl(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>'
    )


def numbered(text: str, num_id: int, ilvl: int = 0) -> str:
    return p(text, props=f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')


NUMBERING = (
    '<w:abstractNum w:abstractNumId="0">'
    + lvl(0, "decimal", "%1.")
    + lvl(1, "lowerLetter", "%2)")
    + lvl(2, "lowerRoman", "%3.")
    + "</w:abstractNum>"
    '<w:abstractNum w:abstractNumId="1">'
    + lvl(0, "bullet", "\uf0b7")
    + lvl(1, "bullet", "o")
    + "</w:abstractNum>"
    '<w:abstractNum w:abstractNumId="2">'
    + lvl(0, "upperRoman", "%1.", start=4)
    + lvl(1, "decimal", "%1.%2.", extra='<w:lvlRestart w:val="0"/>')
    + "</w:abstractNum>"
    '<w:abstractNum w:abstractNumId="3">'
    + lvl(0, "upperLetter", "Article %1 -")
    + lvl(1, "decimal", "%1.%2", extra="<w:isLgl/>")
    + "</w:abstractNum>"
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    '<w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>'
    # Shares abstract 0 with list 1: Word goes on counting where list 1 stopped…
    '<w:num w:numId="4"><w:abstractNumId w:val="0"/></w:num>'
    # …unless the list restarts it.
    '<w:num w:numId="5"><w:abstractNumId w:val="0"/>'
    '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
    '<w:num w:numId="6"><w:abstractNumId w:val="3"/></w:num>'
)
STYLES = (
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
    "</w:style>"
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
    '<w:basedOn w:val="Normal"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Chapter"><w:name w:val="Chapter head"/>'
    '<w:basedOn w:val="Heading1"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="ListNumber"><w:name w:val="List Number"/>'
    '<w:pPr><w:numPr><w:numId w:val="6"/></w:numPr></w:pPr></w:style>'
)


def test_list_numbers_are_read_as_word_shows_them() -> None:
    body = (
        numbered("Decimal one", 1)
        + numbered("Lettered", 1, 1)
        + numbered("Roman", 1, 2)
        + numbered("Lettered again", 1, 1)
        + numbered("Decimal two", 1)
        + numbered("Deeper levels start again", 1, 1)
        + numbered("A bullet", 2)
        + numbered("A second-level bullet", 2, 1)
        + numbered("Starts at four", 3)
        + numbered("Never restarts", 3, 1)
        + numbered("Five", 3)
        + numbered("Goes on", 3, 1)
        + numbered("Same abstract, counting on", 4)
        + numbered("", 4)  # empty: dropped, but Word counts it
        + numbered("Restarted", 5)
        + p("Styled as a list", props='<w:pStyle w:val="ListNumber"/>')
        + p("Legal", props='<w:pStyle w:val="ListNumber"/><w:numPr><w:ilvl w:val="1"/></w:numPr>')
        + p(
            "Taken off the list", props='<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>'
        )
    )
    loaded = load_file(
        "a.docx",
        package(
            body,
            parts={
                "numbering.xml": ("numbering", NUMBERING),
                "styles.xml": ("styles", STYLES),
            },
        ),
    )
    assert loaded.text.split("\n\n") == [
        "1.\tDecimal one",
        "a)\tLettered",
        "i.\tRoman",
        "b)\tLettered again",
        "2.\tDecimal two",
        "a)\tDeeper levels start again",
        "•\tA bullet",
        "•\tA second-level bullet",
        "IV.\tStarts at four",
        "IV.1.\tNever restarts",  # "%1.%2.": each level in its own format
        "V.\tFive",
        "V.2.\tGoes on",
        "3.\tSame abstract, counting on",
        "1.\tRestarted",
        "Article A -\tStyled as a list",
        "1.1\tLegal",
        "Taken off the list",
    ]
    # A list item is running text, never a headline; its number stays in the unit, as the
    # reader sees it (a bullet is layout, and stays outside).
    assert units(loaded)[:3] == [
        ("1.\tDecimal one", SENTENCE),
        ("a)\tLettered", SENTENCE),
        ("i.\tRoman", SENTENCE),
    ]
    assert ("A bullet", SENTENCE) in units(loaded)


@pytest.mark.parametrize(
    ("fmt", "values", "expected"),
    [
        ("lowerLetter", [1, 26, 27, 53], ["a", "z", "aa", "aaa"]),
        ("upperRoman", [4, 9, 14, 1994], ["IV", "IX", "XIV", "MCMXCIV"]),
        ("decimalZero", [7, 12], ["07", "12"]),
        ("ordinal", [1, 2, 3, 11, 22], ["1st", "2nd", "3rd", "11th", "22nd"]),
        ("none", [3], [""]),
        ("chineseCounting", [5], ["5"]),
    ],
)
def test_number_formats(fmt: str, values: list[int], expected: list[str]) -> None:
    from factcheck.analysis.loaders.docx_numbering import format_number

    assert [format_number(value, fmt) for value in values] == expected


# ---------------------------------------------------------------------------------------------
# Headers, footers, headings


def section(*references: str, title_page: bool = False) -> str:
    return f"<w:sectPr>{''.join(references)}{'<w:titlePg/>' if title_page else ''}</w:sectPr>"


def header_ref(kind: str, header_type: str, rel_id: str) -> str:
    return f'<w:{kind}Reference w:type="{header_type}" r:id="{rel_id}"/>'


def test_headers_and_footers_are_furniture_around_the_body_each_once() -> None:
    body = (
        p("Council Votes On Budget", props='<w:pStyle w:val="Heading1"/>')
        + p("The council met on Monday.", ref("footnote", "1"))
        + p(
            "Second section.",
            props="<w:sectPr>"
            + header_ref("header", "first", "rIdH1")
            + header_ref("header", "default", "rIdH2")
            + header_ref("footer", "default", "rIdF1")
            + "<w:titlePg/></w:sectPr>",
        )
        + p("It voted 7-2.")
        # The last section repeats the default header: it is read once.
        + section(
            header_ref("header", "default", "rIdH2"), header_ref("footer", "default", "rIdF2")
        )
    )
    loaded = load_file(
        "a.docx",
        package(
            body,
            parts={
                "header1.xml": ("header", p("CONFIDENTIAL DRAFT")),
                "header2.xml": ("header", p("The Daily Example") + p("Page 1")),
                "footer1.xml": ("footer", p("Printed for the desk")),
                "footer2.xml": ("footer", p("Printed for the desk")),  # same text, once
                "footnotes.xml": (
                    "footnotes",
                    note("footnote", "1", p("<w:r><w:footnoteRef/></w:r>", " Minutes.")),
                ),
                "styles.xml": ("styles", STYLES),
            },
            rel_ids={
                "header1.xml": "rIdH1",
                "header2.xml": "rIdH2",
                "footer1.xml": "rIdF1",
                "footer2.xml": "rIdF2",
            },
        ),
    )
    assert units(loaded) == [
        ("CONFIDENTIAL DRAFT", BOILERPLATE),
        ("The Daily Example", BOILERPLATE),
        ("Page 1", BOILERPLATE),
        ("Council Votes On Budget", HEADLINE),
        ("The council met on Monday.[1]", SENTENCE),
        ("Second section.", SENTENCE),
        ("It voted 7-2.", SENTENCE),
        ("[1] Minutes.", NOTE),
        ("Printed for the desk", BOILERPLATE),
    ]
    assert region_texts(loaded, REGION_FURNITURE) == [
        "CONFIDENTIAL DRAFT\n\nThe Daily Example\n\nPage 1",
        "Printed for the desk",
    ]
    assert loaded.title_hint == "Council Votes On Budget"


def test_heading_styles_are_headlines_whatever_their_punctuation() -> None:
    body = (
        p("Why prices rose.", props='<w:pStyle w:val="Chapter"/>')  # based on Heading 1
        + p("The body.")
        + p("A Title Style Paragraph.", props='<w:pStyle w:val="Title"/>')
    )
    loaded = load_file("a.docx", package(body, parts={"styles.xml": ("styles", STYLES)}))
    assert units(loaded) == [
        ("Why prices rose.", HEADLINE),
        ("The body.", SENTENCE),
        ("A Title Style Paragraph.", HEADLINE),
    ]
    assert region_texts(loaded, REGION_HEADLINE) == ["Why prices rose.", "A Title Style Paragraph."]
    assert loaded.title_hint == "Why prices rose."


def test_a_document_with_only_a_running_header_keeps_it_greyed() -> None:
    body = p("") + section(header_ref("header", "default", "rIdH"))
    data = package(
        body, parts={"h.xml": ("header", p("Letterhead Ltd"))}, rel_ids={"h.xml": "rIdH"}
    )
    loaded = load_file("a.docx", data)
    assert units(loaded) == [("Letterhead Ltd", BOILERPLATE)]


# ---------------------------------------------------------------------------------------------
# Tracked changes and comments


def change(kind: str, inner: str) -> str:
    return f'<w:{kind} w:id="9" w:author="Ed" w:date="2024-01-01T00:00:00Z">{inner}</w:{kind}>'


def test_tracked_changes_read_as_accepted_hidden_text_and_comments_left_out() -> None:
    deleted_mark = '<w:rPr><w:del w:id="8" w:author="Ed" w:date="2024-01-01T00:00:00Z"/></w:rPr>'
    deleted_row = (
        '<w:tr><w:trPr><w:del w:id="7" w:author="Ed" w:date="2024-01-01T00:00:00Z"/></w:trPr>'
        f"<w:tc>{p('Deleted row')}</w:tc></w:tr>"
    )
    body = (
        p(
            "Turnout was ",
            change("del", '<w:r><w:delText xml:space="preserve">54</w:delText></w:r>'),
            change("ins", "<w:r><w:t>61</w:t></w:r>"),
            '%<w:commentRangeStart w:id="1"/>',
            change("moveFrom", "<w:r><w:t> [moved away]</w:t></w:r>"),
            " in May.",
            '<w:commentRangeEnd w:id="1"/><w:r><w:commentReference w:id="1"/></w:r>',
        )
        + p("The first half of a paragraph", props=deleted_mark)
        + p(" and its second half were joined.")
        + f"<w:tbl>{deleted_row}<w:tr><w:tc>{p('Kept row')}</w:tc></w:tr></w:tbl>"
        + p(
            change("moveTo", "<w:r><w:t>Moved here.</w:t></w:r>"),
            '<w:r><w:rPr><w:vanish/></w:rPr><w:t xml:space="preserve"> Hidden text.</w:t></w:r>',
        )
        + p(
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText xml:space="preserve"> AUTHOR </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Ana Reporter</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        )
    )
    comments = '<w:comment w:id="1" w:author="Ed">' + p("Check this figure!") + "</w:comment>"
    loaded = load_file("a.docx", package(body, parts={"comments.xml": ("comments", comments)}))
    assert loaded.text.split("\n\n") == [
        "Turnout was 61% in May.",
        "The first half of a paragraph and its second half were joined.",
        "Kept row",
        "Moved here.",
        "Ana Reporter",  # a field's result, not its code
    ]


def test_a_deleted_paragraph_mark_leaves_one_list_item_and_one_number() -> None:
    deleted_mark = '<w:rPr><w:del w:id="8" w:author="Ed" w:date="2024-01-01T00:00:00Z"/></w:rPr>'
    list_1 = '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
    body = (
        p("Joined items: the first", props=list_1 + deleted_mark)
        + p(" and the second", props=list_1)
        + p("The next item", props=list_1)
    )
    loaded = load_file("a.docx", package(body, parts={"numbering.xml": ("numbering", NUMBERING)}))
    assert loaded.text == "1.\tJoined items: the first and the second\n\n2.\tThe next item"


# ---------------------------------------------------------------------------------------------
# Strict Open XML, properties, refusals


def test_strict_open_xml_is_read_like_the_usual_dialect() -> None:
    body = p("Strict text", ref("footnote", "1"), ".") + p(
        "Heading", props='<w:pStyle w:val="Heading1"/>'
    )
    footnotes = note("footnote", "1", p("<w:r><w:footnoteRef/></w:r>", " A strict note."))
    data = package(
        body,
        parts={"footnotes.xml": ("footnotes", footnotes), "styles.xml": ("styles", STYLES)},
        strict=True,
    )
    loaded = load_file("strict.docx", data)
    assert units(loaded) == [
        ("Strict text[1].", SENTENCE),
        ("Heading", HEADLINE),
        ("[1] A strict note.", NOTE),
    ]


@pytest.mark.parametrize(
    ("creator", "byline"),
    [
        ("Ana  Reporter", "Ana Reporter"),
        ("Mary-Jane O'Neil", "Mary-Jane O'Neil"),
        ("python-docx", ""),
        ("Microsoft Office User", ""),
        ("Windows User", ""),
        ("Administrator", ""),  # one word: a machine's name as often as a person's
        ("jsmith@example.org", ""),
        ("Newsroom Template 2019", ""),
        ("Your User Name", ""),
    ],
)
def test_the_author_property_is_a_byline_only_when_it_reads_as_a_name(
    creator: str, byline: str
) -> None:
    core = f"<dc:title>Budget story</dc:title><dc:creator>{creator}</dc:creator>"
    loaded = load_file("a.docx", package(p("Text."), core=core))
    assert loaded.byline == byline
    assert loaded.title_hint == "Budget story"


def test_a_missing_related_part_is_refused_in_words() -> None:
    data = package(p("Text."), parts={"styles.xml": ("styles", STYLES)})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        kept = {
            i.filename: archive.read(i)
            for i in archive.infolist()
            if i.filename != "word/styles.xml"
        }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in kept.items():
            archive.writestr(name, content)
    with pytest.raises(LoadError) as excinfo:
        load_file("a.docx", buffer.getvalue())
    assert str(excinfo.value) == (
        "“a.docx” could not be read as a Word document: "
        "it refers to a part that is missing (word/styles.xml)."
    )


def test_text_is_normalised_so_region_offsets_hold() -> None:
    # NFD in the XML, a carriage return from a character reference, a line separator.
    body = p("Cafe\u0301 owners&#13;protest", props='<w:pStyle w:val="Heading1"/>') + p("A\u2028B.")
    loaded = load_file("a.docx", package(body, parts={"styles.xml": ("styles", STYLES)}))
    assert loaded.text == "Café owners\nprotest\n\nA\nB."
    assert region_texts(loaded, REGION_HEADLINE) == ["Café owners\nprotest"]


# ---------------------------------------------------------------------------------------------
# Size


def test_a_five_megabyte_docx_imports_whole() -> None:
    """Just under the 5 MB upload limit, all of it text (the hard case: an image costs the
    reader nothing). The time is printed for the record; the bound is generous on purpose (a
    shared machine)."""
    rng = random.Random(14)
    words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 9))) for _ in range(4000)]
    paragraphs = []
    for _ in range(70_000):
        sentence = " ".join(rng.choices(words, k=rng.randint(12, 30)))
        paragraphs.append(p(sentence.capitalize() + "."))
    data = package("".join(paragraphs), parts={"styles.xml": ("styles", STYLES)})
    assert 4 * 1024 * 1024 < len(data) < 5 * 1024 * 1024

    started = time.perf_counter()
    loaded = load_file("long.docx", data)
    elapsed = time.perf_counter() - started
    print(f"{len(data) / 2**20:.1f} MB .docx read in {elapsed:.2f} s")

    assert loaded.text.count("\n\n") == len(paragraphs) - 1
    assert elapsed < 60
