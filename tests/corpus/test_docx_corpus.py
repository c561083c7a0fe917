"""Real Word files written by others, from public test suites (``$FACTCHECK_CORPUS/docx``;
``DOCX_SOURCES.md`` beside this file names each file's repository, path, commit and licence).

For each file the test checks the units that the source project's own test expects of it, and
names that test. Where this reader means to differ (tracked changes read as accepted, notes
numbered as Word numbers them), the test says so.
"""

from __future__ import annotations

import pytest

from factcheck.analysis.loaders import REGION_FURNITURE, REGION_NOTE, Loaded, load_file
from factcheck.analysis.normalise import normalise_text
from factcheck.analysis.segment import BOILERPLATE, HEADLINE, NOTE, SENTENCE, segment
from tests.corpus.conftest import corpus_path


def load(name: str) -> Loaded:
    loaded = load_file(name, corpus_path("docx", name).read_bytes())
    assert loaded.kind == "docx"
    assert normalise_text(loaded.text) == loaded.text  # so that the regions' offsets hold
    return loaded


def units(loaded: Loaded) -> list[tuple[str, str]]:
    return [(loaded.text[u.start : u.end], u.kind) for u in segment(loaded.text, loaded.regions)]


def blocks(loaded: Loaded) -> list[str]:
    return loaded.text.split("\n\n")


# ---------------------------------------------------------------------------------------------
# mammoth (BSD-2-Clause), tests/mammoth_tests.py


def test_mammoth_footnotes() -> None:
    # test_footnotes_are_appended_to_text: "Ouch" [1] "." [2], then the notes
    # " A tachyon walks into a bar." and " Fin.".
    assert units(load("mammoth-footnotes.docx")) == [
        ("Ouch[1].[2]", SENTENCE),
        ("[1] A tachyon walks into a bar.", NOTE),
        ("[2] Fin.", NOTE),
    ]


def test_mammoth_endnotes() -> None:
    # test_endnotes_are_appended_to_text: the same text as endnotes. Mammoth numbers them 1, 2;
    # the file's section asks for lower-case Roman numerals, which is what Word shows.
    loaded = load("mammoth-endnotes.docx")
    assert units(loaded) == [
        ("Ouch[i].[ii]", SENTENCE),
        ("[i] A tachyon walks into a bar.", NOTE),
        ("[ii] Fin.", NOTE),
    ]
    notes = loaded.text[loaded.text.index("[i] A") :]
    assert [loaded.text[r.start : r.end] for r in loaded.regions if r.kind == REGION_NOTE] == [
        notes
    ]


def test_mammoth_footnote_with_a_hyperlink() -> None:
    # test_relationships_are_handled_properly_in_footnotes: a body of one reference; the note
    # holds the link "Example".
    assert units(load("mammoth-footnote-hyperlink.docx")) == [
        ("[1]", SENTENCE),
        ("[1] Example", NOTE),
    ]


def test_mammoth_comments_are_left_out() -> None:
    # test_when_style_mapping_is_defined_for_comment_references_then_comments_are_included:
    # the comments say "A tachyon walks into a bar." and "Fin."; by default they are not text.
    loaded = load("mammoth-comments.docx")
    assert loaded.text == "Ouch."
    assert "tachyon" not in loaded.text


def test_mammoth_text_box_read_once() -> None:
    # test_text_boxes_are_read: '<p>Datum plane</p>'. The file holds the box twice (a modern
    # shape and its VML fallback); it is read once.
    assert load("mammoth-text-box.docx").text == "Datum plane"


def test_mammoth_table_cells_in_order() -> None:
    # test_word_tables_are_converted_to_html_tables: Above, the four cells row by row, Below.
    assert units(load("mammoth-tables.docx")) == [
        ("Above", HEADLINE),
        ("Top left", SENTENCE),  # a cell is running text, never a headline
        ("Top right", SENTENCE),
        ("Bottom left", SENTENCE),
        ("Bottom right", SENTENCE),
        ("Below", HEADLINE),
    ]


def test_mammoth_simple_list() -> None:
    # test_simple_list_is_converted_to_list_elements: <ul><li>Apple</li><li>Banana</li></ul>;
    # test_can_extract_raw_text: "Apple\n\nBanana\n\n". Word shows a bullet before each.
    loaded = load("mammoth-simple-list.docx")
    assert loaded.text == "•\tApple\n\n•\tBanana"
    assert units(loaded) == [("Apple", SENTENCE), ("Banana", SENTENCE)]


def test_mammoth_strict_open_xml() -> None:
    # test_can_read_strict_format: '<p>Test</p>'.
    loaded = load("mammoth-strict-format.docx")
    assert loaded.text == "Test"
    assert loaded.byline == "Tom Chantry"  # the file's author property


# ---------------------------------------------------------------------------------------------
# Apache POI (Apache-2.0), TestXWPFWordExtractor and the usermodel tests


def test_poi_footnotes() -> None:
    # testFootnotes: "Eto ochen prostoy[footnoteRef:1] text so snoskoy" and "snoska".
    assert units(load("poi-footnotes.docx")) == [
        ("Eto ochen prostoy[1] text so snoskoy", HEADLINE),
        ("[1] snoska", NOTE),
    ]


def test_poi_endnotes() -> None:
    # testEndnotes: "tilaka [endnoteRef:2]or 'tika'" and "XXX". The file names no format, and
    # Word's default for endnotes is i, ii, iii (MS-OI29500 2.1.306).
    loaded = load("poi-endnotes.docx")
    assert "(tilaka [i]or 'tika')" in loaded.text
    assert units(loaded)[-1] == ("[i] XXX", NOTE)


def test_poi_inserted_and_deleted_text_read_as_accepted() -> None:
    # testInsertedDeletedText expects both "pendant worn" and "extremely well": POI's
    # extractor reads deletions too. "extremely well" is a tracked insertion and is kept;
    # "A pendant worn…" and "Tika Waylan…" are tracked deletions: accepted, they are gone.
    text = load("poi-delins.docx").text
    assert "Lucene will be extremely well represented at ApacheCon EU 2009" in text
    assert "pendant worn" not in text
    assert "Tika Waylan" not in text
    assert "•\tLucene Boot Camp - A two day training session, March 23 & 24th" in blocks(
        load("poi-delins.docx")
    )


THREE_COLUMN_BODY = [
    "HEADING TEXT",
    "More on page one",
    "End of page 1",
    "This is page two. It also has a three column heading, and a three column footer.",
]


def test_poi_three_column_header_and_footer() -> None:
    # testHeadersFooters (ThreeColHeadFoot.docx): the header line, the body, the footer line.
    loaded = load("poi-ThreeColHeadFoot.docx")
    assert blocks(loaded) == [
        "First header column!\tMid header\tRight header!",
        "This is a sample word document. It has two pages. It has a three column heading, "
        "and a three column footer",
        *THREE_COLUMN_BODY,
        "Footer Left\tFooter Middle\tFooter Right",
    ]
    furniture = [loaded.text[r.start : r.end] for r in loaded.regions if r.kind == REGION_FURNITURE]
    assert furniture == [blocks(loaded)[0], blocks(loaded)[-1]]
    assert loaded.title_hint == "HEADING TEXT"


def test_poi_first_page_header_and_footer() -> None:
    # testHeadersFooters (DiffFirstPageHeadFoot.docx): the first page's header, then the
    # usual one; the same order for the footers.
    loaded = load("poi-DiffFirstPageHeadFoot.docx")
    assert blocks(loaded) == [
        "I am the header on the first page, and I\u2019m nice and simple",
        "First header column!\tMid header\tRight header!",
        "This is a sample word document. It has two pages. It has a simple header and footer, "
        "which is different to all the other pages.",
        *THREE_COLUMN_BODY,
        "The footer of the first page",
        "Footer Left\tFooter Middle\tFooter Right",
    ]
    kinds = [kind for _text, kind in units(loaded)]
    assert kinds[:3] == [BOILERPLATE] * 3
    assert kinds[-2:] == [BOILERPLATE] * 2


def test_poi_one_header_per_section() -> None:
    # testParagraphHeader: "Section 1", "Section 2", "Section 3", each a section's header; the
    # body is empty, so the file is all furniture, kept greyed rather than refused.
    assert units(load("poi-Headers.docx")) == [
        ("Section 1", BOILERPLATE),
        ("Section 2", BOILERPLATE),
        ("Section 3", BOILERPLATE),
    ]


def test_poi_complex_numbered_lists() -> None:
    # TestXWPFParagraph.testNumberedLists: the paragraphs' texts, list ids and levels. The
    # writer put the number Word shows into the text ("Restarted @ 2", "Now 11").
    assert blocks(load("poi-ComplexNumberedLists.docx")) == [
        "This is a document with numbered lists",
        "1.\tEntry #1",
        "2.\tEntry #2, with children",
        "a.\t2-a",
        "b.\t2-b",
        "c.\t2-c",
        "3.\tEntry #3",
        "4.\tEntry #4",
        "1.\tRestarted to 1 from 5",
        "2.\tRestarted @ 2",
        "3.\tRestarted @ 3",
        "10.\tJump to new list at 10",
        "11.\tNow 11",
        "Normal text here",
        "12.\tCarrying on @ 12",
        "13.\tCarrying on @ 13",
        "All done!",
    ]


def test_poi_numbering_formats_and_level_texts() -> None:
    # TestXWPFNumbering.testGetNumFmt: bullet ×4, decimal, lowerLetter, lowerRoman;
    # testLvlText: "%1.%2.%3.", "NEW-%1-FORMAT", "%1.".
    labels = [block.split("\t")[0] for block in blocks(load("poi-Numbering.docx"))]
    assert labels == (
        ["•"] * 4
        + ["1.", "a.", "i."]
        + ["1.", "1.1.", "1.1.1."]
        + ["NEW-1-FORMAT", "a)", "i)"]
        + ["1.", "2.", "3."]
    )


def test_poi_numbering_with_overrides() -> None:
    # testOverrideList: the second list overrides level 0 with upperLetter. It shares its
    # definition with the first list, so it counts on (B, C) and the first list resumes at 4;
    # the writer typed the number Word shows after each.
    assert blocks(load("poi-NumberingWOverrides.docx")) == [
        "Test 4: ListFormatOverride",
        "1\t1",
        "B\tB",
        "C\tC",
        "A\tA",
        "B\tB",
        "4\t4",
    ]


def test_poi_checkboxes() -> None:
    # testCheckboxes: POI writes |_| and |X| where Word shows ☐ and ☒ (old form fields),
    # including one in a framed paragraph and three in a row.
    assert blocks(load("poi-checkboxes.docx")) == [
        "This is a small test for checkboxes ",
        "•\tunchecked: ☐ ",
        "Or checked: ☒",
        "Test a checkbox within a textbox: ☐ -> ☒",
        "In Table:",
        "☐",
        "☒",
        "In Sequence:",
        "☒☐☒",
    ]


def test_poi_comment_text_is_left_out() -> None:
    # TestXWPFComments.testReadComments: one comment (its text: "comment content").
    loaded = load("poi-testComment.docx")
    assert loaded.text == "this is a comment paragraph!"
    assert loaded.title_hint == "Test Doc"


# ---------------------------------------------------------------------------------------------
# python-docx (MIT), features/hdr-header-footer.feature


def test_python_docx_inherited_header_is_read_once() -> None:
    # "_Header inherits content": the second section has no header of its own and shows the
    # first one's.
    assert units(load("python-docx-hdr-header-footer.docx")) == [
        ("Header for section-1", BOILERPLATE),
        ("section with header", HEADLINE),
        ("section without header of its own.", SENTENCE),
        ("Footer for section 1", BOILERPLATE),
    ]


@pytest.mark.parametrize(
    "name",
    [
        "mammoth-footnotes.docx",
        "poi-ComplexNumberedLists.docx",
        "poi-DiffFirstPageHeadFoot.docx",
        "poi-delins.docx",
    ],
)
def test_every_region_lies_on_whole_paragraphs(name: str) -> None:
    loaded = load(name)
    for region in loaded.regions:
        assert region.start == 0 or loaded.text[region.start - 2 : region.start] == "\n\n"
        assert region.end == len(loaded.text) or loaded.text[region.end : region.end + 2] == "\n\n"
