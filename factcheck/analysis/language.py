"""Does a draft look English? The model, the claim types, the quote rules and the findings are
all English-only, so on a draft in another language their silence means nothing, and the page
must say so rather than show "no suggestions" as if the draft had nothing to check.

The test is the share of words that are English function words: about 40-50 % of English prose,
a few per cent of German, French or Spanish prose (only the odd "a", "in" or "is" matches).
Too few words to tell counts as English. No Django imports.
"""

from __future__ import annotations

from collections.abc import Iterable

from factcheck.analysis import lexicon

# Frequent English function words that are rare as words in other Latin-script languages.
FUNCTION_WORDS = frozenset(
    """the of and to in a is that for it as was with be by on not he i this are or his from at
    which but have an they you were her she there been has their we its would will had who said
    when than them these can what our more one about also after into some other could over
    any only new just him how my first two most those then where should""".split()
)
MIN_WORDS = 40  # fewer words than this: too short to tell
MIN_SHARE = 0.15  # English prose sits far above this; other languages far below


def english_share(texts: Iterable[str]) -> tuple[float, int]:
    """(the share of the words that are English function words, the number of words)."""
    total = hits = 0
    for text in texts:
        for word in lexicon.LETTERS.findall(text.lower()):
            total += 1
            hits += word in FUNCTION_WORDS
    return (hits / total if total else 0.0), total


def looks_english(texts: Iterable[str]) -> bool:
    share, words = english_share(texts)
    return words < MIN_WORDS or share >= MIN_SHARE
