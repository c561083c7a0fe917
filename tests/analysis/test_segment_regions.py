"""What a loader's structure says beats what the segmenter reads from the words."""

from factcheck.analysis.loaders import REGION_FURNITURE, REGION_HEADLINE, REGION_NOTE, Region
from factcheck.analysis.segment import BOILERPLATE, HEADLINE, NOTE, SENTENCE, segment


def test_units_inside_a_region_take_its_kind() -> None:
    text = (
        "Home News Sport\n\nThe council met on Monday. It voted 7-2.\n\nPrices rose\n\n1. A note."
    )
    menu = text.index("Home")
    body = text.index("The council")
    cross_head = text.index("Prices rose")
    note = text.index("1. A note")
    regions = (
        Region(note, len(text), REGION_NOTE),
        Region(menu, menu + len("Home News Sport"), REGION_FURNITURE),
        Region(cross_head, cross_head + len("Prices rose"), REGION_HEADLINE),
    )

    kinds = [(text[u.start : u.end], u.kind) for u in segment(text, regions)]

    assert kinds == [
        ("Home News Sport", BOILERPLATE),
        ("The council met on Monday.", SENTENCE),
        ("It voted 7-2.", SENTENCE),
        ("Prices rose", HEADLINE),
        ("1. A note.", NOTE),  # a numbered label is text the reader sees: it stays in the unit
    ]
    assert body < cross_head


def test_without_regions_the_words_decide() -> None:
    text = "Prices rose\n\nThe council met on Monday."

    assert [u.kind for u in segment(text)] == [HEADLINE, SENTENCE]
