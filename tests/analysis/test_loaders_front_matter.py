"""Markdown front matter: read for the title and byline, left out of the text, never a crash.

Written here; real files (Jekyll's and Hugo's samples) are read by
``tests/corpus/test_front_matter_corpus.py`` (``make corpus``).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from factcheck.analysis.loaders import LoadError, load_file
from factcheck.analysis.loaders.markdown import FRONT_MATTER_MAX_CHARS, load_markdown
from factcheck.analysis.normalise import normalise_text
from factcheck.analysis.segment import segment

DATA = Path(__file__).resolve().parents[1] / "data" / "front_matter"


def sample(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def unit_texts(text: str) -> list[str]:
    normalised = normalise_text(text)
    return [normalised[u.start : u.end] for u in segment(normalised)]


# --- Edge cases --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "title"),
    [
        ("title: 'It''s over: the strike ends'", "It's over: the strike ends"),
        ('title: "Storm \\"Ida\\" closes \\u00e9cole"', 'Storm "Ida" closes école'),
        ("title: >\n  Floods close\n  valley roads", "Floods close valley roads"),
        ("title: |\n  Floods close\n  valley roads", "Floods close valley roads"),
        ("title:   Spaced   out  ", "Spaced out"),
        ("title: 2024", "2024"),
        ("title: ''", "Heading"),  # an empty title: the first heading
        ("title: [a, b]", "Heading"),  # not a title: the first heading
        ("Title: Keys in any case", "Keys in any case"),
    ],
)
def test_titles_as_yaml_writes_them(front: str, title: str) -> None:
    loaded = load_markdown(f"---\n{front}\n---\n\n# Heading\n\nBody.\n")
    assert loaded.title_hint == title
    assert loaded.text == "# Heading\n\nBody.\n"


@pytest.mark.parametrize(
    ("front", "byline"),
    [
        ("author: Ana Ruiz", "Ana Ruiz"),
        ("author:\n  name: Ana Ruiz\n  email: ana@example.org", "Ana Ruiz"),
        ("authors: [Ana Ruiz, Ben Okoro]", "Ana Ruiz, Ben Okoro"),
        ("author: Ana Ruiz\nauthors:\n  - Ana Ruiz\n  - Ben Okoro", "Ana Ruiz, Ben Okoro"),
        ("author: [1, {name: Ben Okoro}, [nested]]", "Ben Okoro"),  # names only
        ("author: " + "x" * 400, "x" * 300),
    ],
)
def test_bylines_as_front_matter_writes_them(front: str, byline: str) -> None:
    assert load_markdown(f"---\n{front}\n---\nBody.").byline == byline


@pytest.mark.parametrize(
    "source",
    [
        # Never closed: a horizontal rule, or a header someone forgot to close.
        "---\ntitle: Lost\n\n# Heading\n\nBody.\n",
        # A horizontal rule, a paragraph and a rule: YAML reads a string, not a table.
        "---\nThe council met.\n---\n\n# Heading\n",
        "---\n- one\n- two\n---\n\n# Heading\n",
        # Malformed YAML (an unquoted colon in the title, a tab): kept word for word.
        "---\ntitle: Storm: the aftermath\n---\n\n# Heading\n",
        "---\ntitle: x\n\tbad: tab\n---\n\n# Heading\n",
        # Malformed TOML.
        "+++\ntitle = Storm\n+++\n\n# Heading\n",
        # A tag asking for a Python object: refused by the safe loader, never run.
        "---\ntitle: !!python/object/apply:os.system ['echo owned']\n---\n\n# Heading\n",
        # "---" not alone on the first line is no front matter.
        "--- title: x\n---\n\n# Heading\n",
        "\n---\ntitle: x\n---\n\n# Heading\n",
    ],
)
def test_what_is_not_front_matter_stays_in_the_text_and_gives_no_title(source: str) -> None:
    loaded = load_file("draft.md", source.encode())
    assert loaded.text == source
    assert loaded.title_hint == "Heading"
    assert loaded.byline == ""


def test_a_header_longer_than_the_cap_is_not_front_matter() -> None:
    filler = "".join(f"k{i}: {'v' * 60}\n" for i in range(FRONT_MATTER_MAX_CHARS // 60))
    source = f"---\ntitle: Huge\n{filler}---\n\n# Heading\n"
    loaded = load_file("draft.md", source.encode())
    assert (loaded.text, loaded.title_hint) == (source, "Heading")


def test_an_alias_bomb_is_read_quickly_and_gives_no_title() -> None:
    levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for index, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[index]
        levels.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    source = "---\n" + "\n".join(levels) + "\ntitle: *i\nauthor: *i\n---\n\n# Heading\n"
    started = time.perf_counter()
    loaded = load_file("bomb.md", source.encode())
    assert time.perf_counter() - started < 2
    assert (loaded.text, loaded.title_hint, loaded.byline) == ("# Heading\n", "Heading", "")


def test_front_matter_alone_is_refused_with_a_clear_message() -> None:
    with pytest.raises(LoadError) as refused:
        load_file("draft.md", b"---\ntitle: Only a header\n---\n\n")
    assert str(refused.value) == (
        "“draft.md” holds only front matter (its header), and no text to check."
    )
