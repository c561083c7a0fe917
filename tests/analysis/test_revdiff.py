from __future__ import annotations

from pathlib import Path

from factcheck.analysis.revdiff import Piece, Row, revision_diff
from factcheck.analysis.segment import segment

DEMO = (
    Path(__file__).resolve().parents[2] / "factcheck/newsrooms/demo/meralt-floods.txt"
).read_text(encoding="utf-8")

TOLL = (
    "Officials said the confirmed death toll had risen to 41, including six children, "
    "with dozens still missing."
)
RAIN = (
    "The national weather service said 212 millimetres of rain fell on the upper valley in 48 "
    "hours, more than the usual total for the whole of October."
)
AID = (
    "Prime Minister Arno Velt, who visited the flooded town of Port Averin on Monday, promised "
    "€50 million in emergency aid."
)
EMBANKMENTS = (
    "Engineers say the embankments along the lower Meralt were built in the 1950s and last "
    "reinforced in 1998."
)
REPORT = (
    "A report by the Ministry of Infrastructure in 2019 rated 40 per cent of them as “at risk”."
)
OKORO = (
    "“We have never seen water rise this fast, not even in 1987,” said Dana Okoro, the "
    "province’s chief of civil protection."
)


def units(text: str) -> list[tuple[int, int]]:
    return [(u.start, u.end) for u in segment(text)]


def diff(old: str, new: str) -> list[Row]:
    return revision_diff(old, units(old), new, units(new))


def text_of(text: str, index: int | None) -> str:
    assert index is not None
    start, end = units(text)[index]
    return text[start:end]


def changed(row: Row) -> list[tuple[str, str]]:
    return [(p.op, p.text) for p in row.pieces if p.op != "equal"]


def shown_new(row: Row) -> str:
    return "".join(p.text for p in row.pieces if p.op != "delete")


def only_changes(rows: list[Row]) -> list[Row]:
    return [row for row in rows if row.kind != "same"]


def assert_covers_both_texts(rows: list[Row], old: str, new: str) -> None:
    """Every new unit once, in reading order; every old unit at least once."""
    assert [row.new for row in rows if row.new is not None] == list(range(len(units(new))))
    seen = {row.old for row in rows if row.old is not None}
    seen |= {i for row in rows for i in row.joined}
    assert seen == set(range(len(units(old))))


def test_an_unchanged_draft_is_all_same_rows() -> None:
    rows = diff(DEMO, DEMO)
    assert rows == [Row("same", i, i) for i in range(len(units(DEMO)))]


def test_a_replaced_figure_is_an_edited_row_with_the_changed_word_marked() -> None:
    edited = TOLL.replace("risen to 41", "risen to 44")
    new = DEMO.replace(TOLL, edited)
    rows = diff(DEMO, new)
    (row,) = only_changes(rows)
    assert row.kind == "edited"
    assert text_of(DEMO, row.old) == TOLL and text_of(new, row.new) == edited
    assert changed(row) == [("delete", "41"), ("insert", "44")]
    assert shown_new(row) == edited
    assert_covers_both_texts(rows, DEMO, new)


def test_an_inserted_sentence_is_an_added_row_in_its_place() -> None:
    new = DEMO.replace(TOLL, "Rescuers reached two more villages overnight. " + TOLL)
    rows = diff(DEMO, new)
    (row,) = only_changes(rows)
    assert row == Row("added", None, rows.index(row))
    assert text_of(new, row.new) == "Rescuers reached two more villages overnight."


def test_a_deleted_sentence_is_a_removed_row_where_it_stood() -> None:
    new = DEMO.replace(TOLL + "\n\n", "")
    rows = diff(DEMO, new)
    (row,) = only_changes(rows)
    at = rows.index(row)
    assert row.kind == "removed" and row.new is None and text_of(DEMO, row.old) == TOLL
    assert rows[at - 1].old == row.old - 1  # type: ignore[operator]
    assert rows[at + 1].old == row.old + 1  # type: ignore[operator]
    assert_covers_both_texts(rows, DEMO, new)


def test_a_removed_sentence_comes_before_the_one_added_in_its_place() -> None:
    rewritten = "The number of people killed climbed again overnight, police told reporters."
    new = DEMO.replace(TOLL, rewritten)
    rows = diff(DEMO, new)
    removed, added = only_changes(rows)
    assert removed.kind == "removed" and text_of(DEMO, removed.old) == TOLL
    assert added.kind == "added" and text_of(new, added.new) == rewritten
    assert rows.index(added) == rows.index(removed) + 1


def test_a_moved_paragraph_shows_as_moved_rows_at_the_new_place_only() -> None:
    new = DEMO.replace(RAIN + "\n\n", "").replace(
        "Relief agencies", RAIN.replace("212", "215") + "\n\nRelief agencies"
    )
    rows = diff(DEMO, new)
    (row,) = only_changes(rows)
    assert row.kind == "moved"
    assert text_of(DEMO, row.old) == RAIN
    assert changed(row) == [("delete", "212 "), ("insert", "215 ")]
    assert row.new == len(units(new)) - 8  # just before "Relief agencies", above the furniture
    assert_covers_both_texts(rows, DEMO, new)


def test_quote_style_and_white_space_changes_are_same_rows() -> None:
    new = DEMO.replace(OKORO, OKORO.replace("“", '"').replace("”", '"')).replace(
        "death toll", "death\u00a0 toll"
    )
    assert only_changes(diff(DEMO, new)) == []


def test_a_split_is_two_edited_rows_from_one_old_sentence() -> None:
    first = "Prime Minister Arno Velt, who visited the flooded town of Port Averin on Monday."
    second = "He promised €50 million in emergency aid."
    new = DEMO.replace(AID, first + " " + second)
    rows = diff(DEMO, new)
    one, two = only_changes(rows)
    assert (one.kind, two.kind) == ("edited", "edited")
    assert one.old == two.old and text_of(DEMO, one.old) == AID
    assert (shown_new(one), shown_new(two)) == (first, second)
    assert ("insert", "He ") in changed(two)
    assert_covers_both_texts(rows, DEMO, new)


def test_a_join_is_one_edited_row_naming_both_old_sentences() -> None:
    joined = EMBANKMENTS.removesuffix(".") + "; " + REPORT
    new = DEMO.replace(EMBANKMENTS + "\n\n" + REPORT, joined)
    rows = diff(DEMO, new)
    (row,) = only_changes(rows)
    assert row.kind == "edited"
    assert text_of(DEMO, row.old) == EMBANKMENTS
    assert [text_of(DEMO, i) for i in row.joined] == [REPORT]
    assert changed(row) == [("delete", ". "), ("insert", "; ")]
    assert shown_new(row) == joined
    assert_covers_both_texts(rows, DEMO, new)


def test_adjacent_copies_show_the_first_as_the_sentence_and_the_second_as_added() -> None:
    new = DEMO.replace(TOLL, TOLL + " " + TOLL)
    rows = diff(DEMO, new)
    (row,) = only_changes(rows)
    assert row.kind == "added" and text_of(new, row.new) == TOLL
    assert rows[rows.index(row) - 1].kind == "same"


def test_pieces_rebuild_both_sentences() -> None:
    edited = AID.replace("€50 million in emergency aid", "€75 million in aid and 500 soldiers")
    new = DEMO.replace(AID, edited)
    (row,) = only_changes(diff(DEMO, new))
    assert shown_new(row) == edited
    # The old sentence comes back too, but for white space (equal words are shown as now).
    old_words = "".join(p.text for p in row.pieces if p.op != "insert")
    assert old_words.replace(" ", "") == AID.replace(" ", "")
    assert all(isinstance(p, Piece) and p.text for p in row.pieces)
    assert changed(row) == [
        ("delete", "50 "),  # a run of changes reads deletion first, then insertion
        ("insert", "75 "),
        ("delete", "emergency "),
        ("insert", "and 500 soldiers"),
    ]


def test_sentences_rewritten_out_of_recognition_show_as_removed_then_added() -> None:
    first = "Crews pumped water from the town square all night."
    second = "Schools will stay closed until Friday, the council said."
    new = DEMO.replace(EMBANKMENTS + "\n\n" + REPORT, first + " " + second)
    rows = diff(DEMO, new)
    assert [(row.kind, row.old is None, row.new is None) for row in only_changes(rows)] == [
        ("removed", False, True),
        ("removed", False, True),
        ("added", True, False),
        ("added", True, False),
    ]
    assert_covers_both_texts(rows, DEMO, new)
