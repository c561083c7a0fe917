"""The words the analysis knows by heart, and the one test of a headline In Title Case.

Day and month names, the function words every word list starts from, and the shape of a word:
kept here once so that the date patterns of :mod:`claimtypes`, the facts of :mod:`conflicts`, the
names of :mod:`findings` and the speakers of :mod:`quotes` agree on them. Plain Python, no Django.
"""

from __future__ import annotations

import re

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
# The abbreviations newsrooms write (no "may": the month is its own abbreviation).
MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7,
    "aug": 8, "sept": 9, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
# A month's number by its name or abbreviation, lower case.
MONTH_NUMBERS = {name: i + 1 for i, name in enumerate(MONTHS)} | MONTH_ABBREVIATIONS

# Function words: articles, pronouns, prepositions, conjunctions, auxiliaries, a few honorifics.
# Each module's stop list is these and the words its own task needs to pass over.
FUNCTION_WORDS = frozenset(
    """a an the and or but nor so yet of in on at to for from by with without into onto upon about
    as than then that this these those there here it its he she they we you i his her their our
    your my me him them us who whom whose which what when where why how all any both each few more
    most other some such no not only own same too very can will just should would could may might
    must shall do does did done be is am are was were been being have has had having also after
    before while during since until up down out off over under again once if because though
    although whether one per via among against between through across around near mr mrs ms dr
    st""".split()
)

# A word: letters and digits, with inner apostrophes and hyphens ("Novo-Mesto", "O’Neill").
WORD = re.compile(r"[^\W_](?:[\w’'\-]*[^\W_])?")
# Letters only: no digits, no apostrophes.
LETTERS = re.compile(r"[^\W\d_]+")


def is_title_case(text: str) -> bool:
    """A headline In Title Case capitalises common words: names must then show by shape."""
    words = [w for w in WORD.findall(text) if len(w) >= 4 and w[0].isalpha()]
    if len(words) < 2:
        return False
    # A sentence full of names still lower-cases its verbs and nouns; a title does not.
    return bool(sum(w[0].isupper() for w in words) >= 0.9 * len(words))
