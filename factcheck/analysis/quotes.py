"""Direct quotes in a segmented draft, and who is credited with each.

``find_quotes(units)`` pairs quotation marks across the draft (‘…’, “…”, "…", '…', «…»), so a
quote may open in one unit and close in a later one, keeps the quotes that are speech, and
credits each to a speaker:

* after the quote: ``“…,” said Dana Okoro, the …``, ``“…,” the Kremlin said``,
  ``“…,” Velt told reporters``, ``“…,” Aliyev’s adviser, Hikmet Khadjiyev, told AFP``;
* before it: ``Castell said: “…”``, ``X said that it was ‘…’``, ``the minister has vowed to
  fight on, stating: “…”``, ``according to X, “…”``;
* a bare quote right after another quote goes on with the same speaker.

The speaker comes first from spaCy's dependency parse (:mod:`factcheck.analysis.nlp`): the
subject of the speech or comment verb the quote hangs from, the name beside a role in
apposition (``Lumio's security chief, Anika Rao``), the name as the model draws it (``Leon
Marsh`` of ``Striker Leon Marsh``). Where the parse shows no such verb the rules above try.
Measured on 59 quotes labelled by hand (tests/analysis/test_claimtypes_eval.py) the parse
first, rules after, credits 59; the rules alone credited 49.

Pronouns (``he said``), bare surnames (``Velt``) and titles (``the interior minister``,
``Azerbaijani president``) are resolved to the fullest earlier mention of the person, from an
index of the names met so far; the parser's PERSON entities tell people from places in it,
and "his"/"her" in a person's clause gives a gender, so "she said" skips a man. ``he said``
goes to the subject-most person of the latest sentence naming one, as before (the person
last named instead loses one of the 59: "X beat Y. ‘…,’ he said" is X's, a news convention,
so paragraphs are not needed). ``it said`` goes to the body last
credited with words, quoted or not. A quote of one word, or of two or three words with no
speech or comment verb around it, is a scare quote or a term, not speech.

The helpers ``name_runs``, ``speech_spans`` and the verb sets are shared with
:mod:`factcheck.analysis.claimtypes`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from factcheck.analysis import lexicon, nlp
from factcheck.analysis.normalise import strip_span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

SENTENCE = "sentence"
BOILERPLATE = "boilerplate"


@dataclass(frozen=True)
class Quote:
    """Direct speech in one unit.

    ``speaker`` is how a reader would name the speaker ("Arayik Harutyunyan", "the Kremlin",
    "a defence ministry spokesman"; "" when the draft credits nobody). ``speaker_start`` and
    ``speaker_end`` are offsets in the unit of the words naming the speaker, or None when the
    speaker comes from elsewhere (``he said``, a quote carried over from the unit before).
    ``quote_spans`` are the quoted words in this unit, without the marks.
    """

    unit: int
    speaker: str
    speaker_start: int | None
    speaker_end: int | None
    quote_spans: tuple[tuple[int, int], ...]


# --- Lexicon ---------------------------------------------------------------------------------

# Finite verbs that report speech: ``X said``, ``X told AFP``, ``X has warned``.
SPEECH_VERBS = frozenset(
    """said says say told tells added adds asked asks stated explained insisted insists declared
    argued argues warned warns noted notes replied recalled continued tweeted wrote writes posted
    announced claimed claims stressed acknowledged admitted conceded confirmed denied suggested
    urged vowed promised pledged predicted complained cautioned observed remarked shouted cried
    whispered answered responded countered reiterated emphasised emphasized maintained contended
    commented concluded agreed estimated""".split()
)
# ``…, stating: “…”``: the speaker is the subject of the clause, not the word before.
PARTICIPLES = frozenset(
    """saying adding stating telling insisting warning noting explaining declaring arguing
    writing asking stressing urging vowing promising claiming replying""".split()
)
# Verbs of comment: a short quote after them is someone's words, not a scare quote.
COMMENT_VERBS = frozenset(
    """voiced voices expressed expresses described describes called calls dubbed branded
    labelled labeled termed denounced condemned criticised criticized praised welcomed hailed
    slammed dismissed decried lamented accused blasted mocked characterised characterized""".split()
)
# Verbs that come before the speaker: ``“…,” said Kamo``.
_INVERTED = frozenset(
    """said says added asked wrote writes continued explained insisted recalled replied warned
    noted declared argued tweeted stated answered cried shouted remarked observed""".split()
)

# Titles and roles that stand before a name ("Prime Minister Arno Velt", "Dr. Hana Ruiz") or
# head a noun phrase that stands for a person ("the interior minister").
ROLES = frozenset(
    """president minister premier chancellor leader spokesman spokeswoman spokesperson adviser
    advisor secretary governor mayor chief head director commander general ambassador envoy
    chairman chairwoman chair ceo founder official judge prosecutor officer captain coach
    manager professor doctor nurse teacher worker farmer baker resident owner mother father son
    daughter wife husband engineer scientist researcher analyst economist expert lawyer
    attorney senator mp lawmaker councillor councilor king queen prince princess pope sheikh
    emir commissioner inspector superintendent sergeant colonel lieutenant admiral marshal
    candidate activist campaigner student witness survivor victim volunteer pilot driver
    fisherman miner shopkeeper trader vicar bishop imam rabbi priest coordinator administrator
    executive deputy treasurer editor author historian diplomat representative commissioner
    premier-elect president-elect striker midfielder defender goalkeeper forward winger
    batsman bowler jockey referee""".split()
)
_HONORIFICS = frozenset(
    """mr mrs ms miss dr prof sir dame lord lady gen col lt sgt capt cmdr adm maj gov sen rep
    rev hon pres supt insp det""".split()
)
TITLE_WORDS = ROLES | _HONORIFICS
_MALE = frozenset("mr sir lord king prince father son husband spokesman chairman".split())
_FEMALE = frozenset(
    "mrs ms miss dame lady queen princess mother daughter wife spokeswoman chairwoman".split()
)
# A capitalised run holding one of these names a body or a place, not a person.
_NOT_PERSON = frozenset(
    """group union ministry office council committee agency service party bank company
    corporation university institute organisation organization association federation republic
    kingdom states nations army forces force guard police court parliament assembly government
    department board commission river bridge street road avenue valley mountain mountains lake
    sea ocean island islands city town province region county district port airport station
    hospital school church square park centre center east west north south middle eastern
    western northern southern crisis news times post press observer club league cup network
    authority alliance front movement fund foundation trust international national federal
    royal central world global""".split()
) | frozenset(lexicon.WEEKDAYS + lexicon.MONTHS)
_PARTICLES = frozenset("de da di du del della der den van von la le al el bin ibn ben".split())
_PRONOUNS = frozenset("he she it they we i".split())
_DETERMINERS = frozenset("the a an this that these those".split())
# Words that end a subject noun phrase when walking back from its verb.
_NP_STOP = frozenset(
    """in on at after before during since with by from to into onto over under about against
    among between through until without within across behind near that which who whom whose
    when where while because if as but or so than then though although whether is was were are
    be been being has had have will would could should can may might must did does do not no
    also said says told""".split()
)
# Between a subject and its speech verb: ``X, meanwhile, has voiced``.
_SKIPPABLE = frozenset(
    """has had have was were is are will would could can may might must should also too later
    earlier then now meanwhile however previously repeatedly reportedly publicly separately
    again already still once recently further""".split()
)
# Words that start sentences but are not names (checked after a proper-noun shape test).
COMMON = frozenset(
    """a about above according across after afterwards again against all almost along already
    also although always amid among an and another any anyone anything are around as at away
    back be because been before being below beside besides between beyond both but by can could
    despite did do does doing done down during each either else elsewhere enough even ever
    every everyone everything except far few following for from further had has have having he
    her here hers herself him himself his how however i if in inside instead into is it its
    itself just last late later least less let like little many may me meanwhile might more
    most much must my near nearly neither never next no nobody none nor not nothing now of off
    often on once one only onto or other others otherwise our ours out outside over own past
    per perhaps rather same several she should since so some someone something sometimes soon
    still such than that the their them themselves then there therefore these they this those
    though through throughout thus to today together tomorrow tonight too toward towards under
    unless unlike until up upon us very via was we well were what whatever when whenever where
    whereas whether which while who whoever whole whom whose why will with within without would
    yes yet yesterday you your yours
    add ask be become begin bring buy call check click come comment continue do download email
    enjoy enter explore find follow get give go help join keep know learn leave let listen look
    make meet note open play please read register remember report request see send share show
    sign start stay stop subscribe support take talk tell try update use visit wait want watch
    write
    advertisement analysis background breaking comments contact copyright editor editorial
    exclusive explainer feature home latest live menu more news newsletter opinion photo photos
    previous privacy related search story subscribe summary terms top trending update updates
    video watch
    after again ahead although annual armed authorities average both breakaway certain civil
    clashes critics daily despite dozens early earlier eventually everybody evidence experts
    fears fighting forces further hundreds local many meanwhile much nearby new officials old
    overall police recent relief residents several similar some sources streets such talks
    thousands troops various witnesses
    part reply now here there cut vow vows warn warns urge urges face faces seek seeks plan
    plans back probe eye row bid rise fall""".split()
)
_COMMON_SUFFIXES = ("tion", "sion", "ment", "ness", "ity", "ance", "ence", "ency", "ship", "ism")
_MAX_QUOTE_UNITS = 4

# --- Patterns --------------------------------------------------------------------------------

_MARK = re.compile(r"[“”„«»‹›‘’‚\"']")
_SPACE_BEFORE = " \t\n([{—–-/"
_ACCORDING = re.compile(r"\baccording\s+to\s+", re.IGNORECASE)


# --- Quotation marks -------------------------------------------------------------------------

_OPEN, _CLOSE, _EITHER = "open", "close", "either"


def _mark(text: str, position: int) -> tuple[str, str] | None:
    """The family and role of the quotation mark at ``position``, or None for an apostrophe."""
    char = text[position]
    before = text[position - 1] if position else " "
    after = text[position + 1] if position + 1 < len(text) else " "
    if char in "“„":
        return "double", _OPEN
    if char == "”":
        return "double", _CLOSE
    if char == "«":
        return "guillemet", _OPEN
    if char == "»":
        return "guillemet", _CLOSE
    if char == "‹":
        return "single-guillemet", _OPEN
    if char == "›":
        return "single-guillemet", _CLOSE
    if char in "‘‚":
        return "single", _OPEN
    if char == "’":
        # Inside a word it is an apostrophe (province’s, don’t); before one, an elision (’90s).
        if after.isalnum():
            return None
        return "single", _CLOSE
    if char == '"':
        if before.isspace() or before in _SPACE_BEFORE or not position:
            return "straight", _OPEN
        if after.isspace() or not after.isalnum():
            return "straight", _CLOSE
        return "straight", _EITHER
    # A straight apostrophe.
    if before.isalnum() and after.isalnum():
        return None
    if (before.isspace() or before in _SPACE_BEFORE or not position) and after.isalnum():
        return "straight-single", _OPEN
    if not before.isspace() and not after.isalnum():
        return "straight-single", _CLOSE
    return None


@dataclass(frozen=True)
class _Mark:
    unit: int
    position: int
    family: str
    role: str


@dataclass(frozen=True)
class _Raw:
    """A pair of marks; ``segments`` are (unit, start, end) of the words between them."""

    open_unit: int
    open_position: int
    close_unit: int
    close_end: int | None  # just after the closing mark; None when the quote never closes
    segments: tuple[tuple[int, int, int], ...]


def _pair_marks(units: Sequence[str], usable: Sequence[bool]) -> list[_Raw]:
    marks = [
        _Mark(index, match.start(), *found)
        for index, text in enumerate(units)
        if usable[index]
        for match in _MARK.finditer(text)
        if (found := _mark(text, match.start())) is not None
    ]
    raws: list[_Raw] = []
    i = 0
    while i < len(marks):
        opener = marks[i]
        if opener.role == _CLOSE:
            i += 1
            continue
        closer: _Mark | None = None
        last_unit = opener.unit  # the last unit the quote may cover if it never closes
        j = i + 1
        while j < len(marks):
            mark = marks[j]
            if mark.unit - opener.unit >= _MAX_QUOTE_UNITS or not all(
                usable[u] for u in range(opener.unit, mark.unit + 1)
            ):
                break
            if mark.family == opener.family:
                if mark.role != _OPEN:
                    closer = mark
                elif mark.unit > opener.unit:
                    # Multi-paragraph convention: the next paragraph reopens the quote.
                    last_unit = mark.unit - 1
                break
            j += 1
        if closer is not None:
            raws.append(_raw(units, opener, closer.unit, closer.position))
            i = j + 1
            continue
        raws.append(_raw(units, opener, last_unit, None))
        # Marks inside an unclosed quote are nested or stray: resume after its last unit.
        i += 1
        while i < len(marks) and marks[i].unit <= last_unit:
            i += 1
    return raws


def _raw(units: Sequence[str], opener: _Mark, close_unit: int, close_at: int | None) -> _Raw:
    segments: list[tuple[int, int, int]] = []
    for unit in range(opener.unit, close_unit + 1):
        start = opener.position + 1 if unit == opener.unit else 0
        end = close_at if unit == close_unit and close_at is not None else len(units[unit])
        start, end = strip_span(units[unit], start, end)
        if start < end:
            segments.append((unit, start, end))
    close_end = None if close_at is None else close_at + 1
    return _Raw(opener.unit, opener.position, close_unit, close_end, tuple(segments))


def _words(raw: _Raw, units: Sequence[str]) -> int:
    return sum(len(lexicon.WORD.findall(units[u], s, e)) for u, s, e in raw.segments)


def speech_spans(text: str) -> list[tuple[int, int]]:
    """The quoted words in one text that look like speech rather than scare quotes.

    A closing mark with no opener before it closes a quote begun in an earlier unit, and an
    opener that never closes runs to the end of the text.
    """
    raws = _pair_marks([text], [True])
    spans: list[tuple[int, int]] = []
    first_open = raws[0].open_position if raws else len(text)
    for match in _MARK.finditer(text, 0, first_open):
        found = _mark(text, match.start())
        # News copy closes a quote after its punctuation: "… abandon it.’", not "ministers’".
        closes = match.start() and text[match.start() - 1] in ".,!?…"
        if (
            found
            and found[1] == _CLOSE
            and closes
            and len(lexicon.WORD.findall(text, 0, match.start())) >= 2
        ):
            start, end = strip_span(text, 0, match.start())
            spans.append((start, end))
            break
    has_verb = _has_speech_verb(text, raws)
    for raw in raws:
        words = _words(raw, [text])
        if words >= 4 or (words >= 2 and has_verb):
            spans.extend((s, e) for _, s, e in raw.segments)
    return sorted(spans)


def _has_speech_verb(text: str, raws: Sequence[_Raw]) -> bool:
    inside = [(s, e) for raw in raws for _, s, e in raw.segments]
    for match in lexicon.WORD.finditer(text):
        lowered = match.group().lower()
        verb = lowered in SPEECH_VERBS or lowered in PARTICIPLES or lowered in COMMENT_VERBS
        if verb and not any(s <= match.start() < e for s, e in inside):
            return True
    return False


_ATTRIBUTION_VERBS = SPEECH_VERBS | frozenset({"reported", "reports"})
_AFTER_CLOSE = re.compile(r"[”’\"»][,.]?\s*$")


def attribution_spans(text: str) -> list[tuple[int, int]]:
    """Who says so, in one text: ``Officials said``, ``said Dana Okoro``, ``Velt told``,
    ``according to the regional government``. Spans run from the speaker through the verb
    (or from the verb through the speaker); words inside quotes are not looked at."""
    inside = [(s, e) for raw in _pair_marks([text], [True]) for _, s, e in raw.segments]

    def quoted(position: int) -> bool:
        return any(s <= position < e for s, e in inside)

    spans: list[tuple[int, int]] = []
    for match in _ACCORDING.finditer(text):
        found = _forward_np(text, match.end())
        if found and not quoted(match.start()):
            spans.append((match.start(), found[1]))
    for word in lexicon.WORD.finditer(text):
        verb = word.group()
        if verb not in _ATTRIBUTION_VERBS or quoted(word.start()):
            continue
        lead = text[max(0, word.start() - 4) : word.start()]
        if verb in _INVERTED and _AFTER_CLOSE.search(lead):
            found = _forward_np(text, word.end())
            if found:
                spans.append((word.start(), found[1]))
                continue
        subject = _subject_before(text, word.start(), 0)
        if subject is not None and not quoted(subject[0]):
            between = text[subject[1] : word.start()]
            # "X, who visited …, promised": highlight the speaker, not the clause between.
            adjacent = "," not in between and len(lexicon.WORD.findall(between)) <= 2
            spans.append((subject[0], word.end() if adjacent else subject[1]))
        elif verb in _INVERTED and lead.endswith(", "):
            found = _forward_np(text, word.end())
            if found:
                spans.append((word.start(), found[1]))
    return sorted(spans)


# --- Names -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A run of capitalised words: a candidate name. ``start``/``end`` exclude a possessive."""

    start: int
    end: int
    text: str
    possessive: bool
    sentence_initial: bool


def looks_proper(word: str) -> bool:
    """Whether a capitalised word that opens a sentence is likely a name, by its shape."""
    if _possessive(word):
        return True
    lowered = word.lower()
    if lowered in COMMON or lowered in TITLE_WORDS:
        return False
    if lowered.endswith(("ing", "ed", "ly")) or lowered.endswith(_COMMON_SUFFIXES):
        return False
    # Plurals open sentences ("Residents said"); names ending in -s are the loss.
    return not (lowered.endswith("s") and not lowered.endswith(("ss", "us")))


def is_initial(text: str, position: int) -> bool:
    """Whether ``position`` opens a sentence or a quoted sentence."""
    k = position - 1
    while k >= 0 and text[k] in " \t\n“‘\"'«„(":
        k -= 1
    return k < 0 or text[k] in ".!?:;—–"


def name_runs(text: str, start: int = 0, end: int | None = None) -> list[Run]:
    """Capitalised multiword names in ``text[start:end]``: titles, initials and particles stay
    inside ("Dr. Hana Ruiz", "Charles de Gaulle"); a common word opening a sentence does not
    start one ("The", "Streets")."""
    stop = len(text) if end is None else end
    words = list(lexicon.WORD.finditer(text, start, stop))
    runs: list[Run] = []
    k = 0
    while k < len(words):
        word = words[k]
        if not word.group()[0].isupper():
            k += 1
            continue
        first = k
        last = k
        while last + 1 < len(words):
            gap = text[words[last].end() : words[last + 1].start()]
            following = words[last + 1].group()
            current = words[last].group()
            if _possessive(current):
                break
            abbreviated = gap == ". " and (
                current.lower() in _HONORIFICS or (len(current) == 1 and current.isupper())
            )
            if gap != " " and not abbreviated:
                break
            if following[0].isupper() or (following[0].isdigit() and "-" in following):
                last += 1
            elif (
                (following.lower() in _PARTICLES or following == "of")
                and last + 2 < len(words)
                and words[last + 2].group()[0].isupper()
                and text[words[last + 1].end() : words[last + 2].start()] == " "
            ):
                last += 2
            else:
                break
        initial = is_initial(text, words[first].start())
        # A sentence opens with a capital anyway: drop leading common words ("The", "But").
        while first <= last and ((initial or first > k) and words[first].group().lower() in COMMON):
            first += 1
            initial = False
        if first <= last:
            if (
                first == last
                and initial
                and not _possessive(words[first].group())
                and not looks_proper(words[first].group())
            ):
                k = last + 1
                continue
            run_start = words[first].start()
            run_end = words[last].end()
            possessive = _possessive(words[last].group())
            if possessive:
                run_end -= 2
            runs.append(Run(run_start, run_end, text[run_start:run_end], possessive, initial))
        k = last + 1
    return runs


def initial_name(doc: Doc) -> tuple[int, int] | None:
    """The offsets of a unit's first word when it is a name standing alone before a comma
    ("Salas, who had won …", "Hollins, the chain, …", "Forbes, 67, …"): by shape alone it
    looks like a plural opening a sentence, but the parser's tagger calls it a proper noun."""
    for token in doc:
        if not token.is_alpha:
            if token.is_punct or token.is_space:
                continue
            return None
        if (
            token.tag_ in _PROPER_TAGS
            and token.text[:1].isupper()
            and token.lower_ not in COMMON
            and token.lower_ not in TITLE_WORDS
            and token.i + 1 < len(doc)
            and doc[token.i + 1].text == ","
        ):
            return token.idx, token.idx + len(token.text)
        return None
    return None


def _possessive(word: str) -> bool:
    return len(word) > 2 and word[-2] in "’'" and word[-1] in "sS"


def strip_title(name: str) -> tuple[str, list[str]]:
    """``"French President Emmanuel Macron"`` -> ``("Emmanuel Macron", ["french", "president"])``.

    Titles are only stripped when a name is left after them ("Carole King" stays whole).
    """
    tokens = name.split()
    cut = -1
    for position, token in enumerate(tokens[:-1]):
        if token.rstrip(".").lower() in TITLE_WORDS:
            cut = position
    if cut < 0:
        return name, []
    return " ".join(tokens[cut + 1 :]), [t.rstrip(".").lower() for t in tokens[: cut + 1]]


def _org_like(name: str) -> bool:
    return any(token.lower() in _NOT_PERSON for token in name.split())


# --- The index of people mentioned so far ----------------------------------------------------


@dataclass(frozen=True)
class _Mention:
    unit: int
    start: int
    name: str  # the fullest form known when it was met
    role: tuple[str, ...]  # role words, head last ("azerbaijan", "president")
    person: bool  # evidence it is a person (a title, a role, an appositive, a speech verb)
    gender: str  # "m", "f" or ""


class _Index:
    """Names met so far, in reading order, for resolving ``he``, ``Velt`` and ``the minister``.

    Lookups take a cutoff (unit, offset) and consider only earlier mentions; each lookup is a
    bisect plus a short walk back, so resolving a whole draft stays linear.
    """

    def __init__(self) -> None:
        self.mentions: list[_Mention] = []
        self.keys: list[tuple[int, int]] = []
        self.by_surname: dict[str, list[_Mention]] = {}
        self.by_role: dict[str, list[_Mention]] = {}
        self.speakers: list[tuple[tuple[int, int], str, bool]] = []  # (where, name, is_person)
        self.proper: set[tuple[int, int]] = set()  # where a name the shape rules miss starts

    def add(self, mention: _Mention) -> None:
        self.mentions.append(mention)
        self.keys.append((mention.unit, mention.start))
        tokens = mention.name.split()
        if len(tokens) > 1 and not _org_like(mention.name):
            self.by_surname.setdefault(tokens[-1].lower(), []).append(mention)
        if mention.role and mention.person:
            self.by_role.setdefault(mention.role[-1], []).append(mention)

    def full_name(self, surname: str, before: tuple[int, int]) -> str | None:
        for mention in reversed(self.by_surname.get(surname.lower(), [])):
            if (mention.unit, mention.start) < before:
                return mention.name
        return None

    def by_title(self, head: str, modifiers: Sequence[str], before: tuple[int, int]) -> str | None:
        for mention in reversed(self.by_role.get(head, [])):
            if (mention.unit, mention.start) >= before:
                continue
            if not modifiers or any(_same_stem(m, r) for m in modifiers for r in mention.role[:-1]):
                return mention.name
        return None

    def person(self, gender: str, before: tuple[int, int]) -> str | None:
        """The subject-most person of the latest unit that names one: ``he said`` points back."""
        position = bisect.bisect_left(self.keys, before)
        chosen: _Mention | None = None
        for mention in reversed(self.mentions[max(0, position - 200) : position]):
            if chosen is not None and mention.unit != chosen.unit:
                break
            if mention.person and (not gender or not mention.gender or mention.gender == gender):
                chosen = mention
        return chosen.name if chosen else None

    def body(self, before: tuple[int, int]) -> str | None:
        """The latest speaker that is not a person: ``it said``."""
        for where, name, is_person in reversed(self.speakers):
            if where < before and not is_person:
                return name
        return None


def _same_stem(a: str, b: str) -> bool:
    a, b = a.lower().removesuffix("’s").removesuffix("'s"), b.lower()
    b = b.removesuffix("’s").removesuffix("'s")
    if a == b:
        return True
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    # Azerbaijan/Azerbaijani, Russia/Russian: one is the other plus a demonym ending.
    return common >= 4 and common >= min(len(a), len(b)) - 1


def _index_unit(
    index: _Index, unit: int, text: str, inside: Sequence[tuple[int, int]], doc: Doc
) -> None:
    """Index the names of one unit (outside its quotes). The rules say who is a person from a
    title, a role or a speech verb; the parser's PERSON entities add the people named with
    none ("Tomas Varga won …"), trim a capitalised word that is no part of a name ("Striker
    Leon Marsh") and give a gender where a possessive points back ("Okafor led the trial
    with his colleague"). Bodies credited with words ("The health service said …") are
    remembered for a later "it said"."""
    people: list[tuple[int, int, str]] = []
    runs = name_runs(text)
    for ent in doc.ents:
        if any(s <= ent.start_char < e for s, e in inside):
            continue
        # "Turnout was 61 per cent": a capitalised common noun, whatever the label.
        if not any(t.tag_ in _PROPER_TAGS for t in ent):
            continue
        if ent.label_ == "PERSON":
            people.append((ent.start_char, ent.end_char, _gender_of(ent.root)))
        elif ent.label_ in _BODY_LABELS:
            root = ent.root
            if root.dep_ == "nsubj" and root.head.lower_ in SPEECH_VERBS:
                start = ent.start_char
                if start >= 4 and text[start - 4 : start].lower() == "the ":
                    start -= 4
                index.speakers.append(((unit, start), text[start : ent.end_char], False))
        if not any(r.start < ent.end_char and ent.start_char < r.end for r in runs):
            # A name the capitalisation rules pass over: "Forbes, 67, had held the post".
            start, end = ent.start_char, ent.end_char
            if text[start:end].lower().startswith("the "):
                start += 4
            runs.append(Run(start, end, text[start:end], False, is_initial(text, start)))
    initial = initial_name(doc)
    if initial is not None and not any(r.start <= initial[0] < r.end for r in runs):
        runs.append(Run(*initial, text[initial[0] : initial[1]], False, True))
        index.proper.add((unit, initial[0]))
    runs.sort(key=lambda r: r.start)
    for run in runs:
        if any(s <= run.start < e for s, e in inside):
            continue
        name, title = strip_title(run.text)
        before_words = _role_before(text, run.start)
        after_role = _appositive_role(text, run.end) if not run.possessive else []
        named = [p for p in people if p[0] < run.end and run.start < p[1]]
        parsed_gender = ""
        if named:
            start, end, parsed_gender = named[0]
            name_start = run.start + run.text.find(name)
            if run.start <= start and end <= run.end and start > name_start:
                name = text[start:end]  # "Striker Leon Marsh": the name is "Leon Marsh"
        tokens = name.split()
        person = bool(title or before_words or after_role or named) and not _org_like(name)
        if len(tokens) == 1:
            found = index.full_name(name, (unit, run.start))
            if found:
                name = found
                person = True
            elif not run.possessive and _speech_next(text, run.end) and run.sentence_initial:
                # "Moscow said" names a body, not someone "he" can point back to.
                person = person and not _org_like(name)
        elif _speech_next(text, run.end) or _speech_before(text, run.start):
            person = person or not _org_like(name)
        role_words = [*title, *before_words] or after_role
        role = tuple(w for w in role_words if w not in _DETERMINERS)
        if role and role[-1] not in ROLES:
            role = ()
        gender = parsed_gender
        for word in (*title, *before_words, *after_role):
            if word in _MALE:
                gender = "m"
            elif word in _FEMALE:
                gender = "f"
        index.add(_Mention(unit, run.start, name, role, person, gender))


_BODY_LABELS = frozenset({"ORG", "GPE", "NORP"})
_PROPER_TAGS = frozenset({"NNP", "NNPS"})
_GENDERED = {"his": "m", "him": "m", "himself": "m", "her": "f", "herself": "f"}


def _gender_of(token: Token) -> str:
    """The gender, "m" or "f", when the clause a person is the subject of has "his" or "her"
    pointing back ("Okafor led the trial with his colleague"), else ""."""
    if token.dep_ not in ("nsubj", "nsubjpass"):
        return ""
    found = {
        _GENDERED[t.lower_]
        for t in token.head.subtree
        if t.lower_ in _GENDERED and t.dep_ == "poss" and t.i > token.i
    }
    return found.pop() if len(found) == 1 else ""


_ROLE_BEFORE = re.compile(r"((?:[\w’'\-]+ ){1,4})$")


def _role_before(text: str, start: int) -> list[str]:
    """Lower-case role words right before a name: ``Armenian prime minister`` Nikol Pashinyan,
    or ``Aliyev’s foreign policy adviser,`` Hikmet Khadjiyev (an appositive)."""
    window = text[max(0, start - 60) : start]
    appositive = window.endswith(", ")
    if appositive:
        window = window[:-2] + " "
    match = _ROLE_BEFORE.search(window)
    if not match:
        return []
    words = [w.lower() for w in lexicon.WORD.findall(match.group(1))]
    # Keep the role phrase only: it ends in a role noun and stops at a verb or preposition.
    kept: list[str] = []
    for word in reversed(words):
        if word in _NP_STOP or word in _DETERMINERS:
            break
        kept.insert(0, word.removesuffix("’s").removesuffix("'s"))
    if not kept or kept[-1] not in ROLES:
        return []
    return kept


_APPOSITIVE = re.compile(r",\s+(?:the |a |an )?((?:[\w’'\-]+ ){0,5}?[\w’'\-]+?)(?:,| of | for |\.)")


def _appositive_role(text: str, end: int) -> list[str]:
    """``Tomas Brenn, the interior minister,`` -> ["interior", "minister"]."""
    match = _APPOSITIVE.match(text, end)
    if not match:
        return []
    words = [w.lower().removesuffix("’s") for w in lexicon.WORD.findall(match.group(1))]
    if not words or words[-1] not in ROLES:
        return []
    return [w for w in words if not w[0].isdigit() and "year-old" not in w]


def _speech_next(text: str, end: int) -> bool:
    for match in lexicon.WORD.finditer(text, end, min(len(text), end + 40)):
        word = match.group().lower()
        if word in _SKIPPABLE:
            continue
        return word in SPEECH_VERBS or word in COMMENT_VERBS
    return False


def _speech_before(text: str, start: int) -> bool:
    words = lexicon.WORD.findall(text, max(0, start - 12), start)
    return bool(words) and words[-1].lower() in _INVERTED


# --- Speakers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Speaker:
    name: str
    start: int | None
    end: int | None
    person: bool
    unit: int = -1  # the unit holding start/end


def _forward_np(text: str, start: int) -> tuple[int, int] | None:
    """The noun phrase after an inverted verb: ``said [Olesya Vartanyan of the …]``."""
    position = start
    while position < len(text) and text[position] == " ":
        position += 1
    end = position
    count = 0
    for match in lexicon.WORD.finditer(text, position):
        gap = text[end : match.start()]
        if (count and gap not in (" ", ". ")) or (not count and gap):
            break  # punctuation or a quotation mark ends the phrase
        if gap == ". " and not (
            text[end - 2 : end].isupper()
            or lexicon.WORD.findall(text, position, end)[-1].lower() in _HONORIFICS
        ):
            break
        word = match.group().lower()
        if count and (word in _NP_STOP or word in PARTICIPLES) and word not in ("of", "for"):
            break
        end = match.end()
        count += 1
        if count >= 10:
            break
    return (position, end) if count else None


_TRAILING = re.compile(
    r"(?:[\s,]+|\b(?:"
    + "|".join(sorted(_SKIPPABLE))
    + r"|for (?:its|his|her|their|our) part|in turn|on \w+day)\b)$",
    re.IGNORECASE,
)


# ``X, who has backed the nurses, accused``: the relative clause is not the subject.
_RELATIVE = re.compile(r",\s*(?:who|which|whose)\b[^,;:“”\"]*,\s*$", re.IGNORECASE)


_OF = frozenset({"of", "for", "his", "her", "its", "their", "our"})


def _np_back(text: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The noun phrase ending at ``hi``, walking back word by word to a preposition, verb,
    conjunction, determiner (kept) or punctuation."""
    words = list(lexicon.WORD.finditer(text, lo, hi))
    if not words or text[words[-1].end() : hi].strip():
        return None
    start: int | None = None
    for k in range(len(words) - 1, -1, -1):
        word = words[k]
        lowered = word.group().lower()
        if start is not None:
            gap = text[word.end() : start].strip()
            abbreviation = lowered in _HONORIFICS or len(word.group()) == 1
            if gap not in ("", "-") and not (gap == "." and abbreviation):
                break
        if lowered in _PRONOUNS:
            if start is None:
                start = word.start()
            break
        if lowered in _NP_STOP:
            break
        if lowered == "and":
            # Only between names: "Armenia and Azerbaijan vowed".
            if start is None or k == 0 or not words[k - 1].group()[0].isupper():
                break
        elif (
            start is not None
            and text[start].isupper()
            and word.group()[0].islower()
            and lowered not in ROLES | _DETERMINERS | _OF
        ):
            # Left of a name only its title or role belongs to the subject: "separatist
            # leader Arayik Harutyunyan", "the Kremlin", not "the conflict Armenia".
            break
        start = word.start()
        if word.group()[0].isupper() and is_initial(text, start):
            break
        # "a spokeswoman for [the consortium]": there the article opens a post-modifier.
        if lowered in _DETERMINERS and (k == 0 or words[k - 1].group().lower() not in _OF):
            break
    if start is None or text[start : words[-1].end()].lower() in _DETERMINERS:
        return None
    return start, words[-1].end()


def _subject_before(text: str, verb_start: int, floor: int) -> tuple[int, int, bool] | None:
    """The subject noun phrase of a verb, not reaching before ``floor``; the flag says whether
    it reaches back to ``floor`` (nothing else stands between).

    Skips auxiliaries and adverbials (``X, meanwhile, has voiced``) and keeps the name of an
    appositive pair (``Aliyev’s adviser, Hikmet Khadjiyev, told`` / ``Tomas Brenn, the
    interior minister, said``)."""
    end = verb_start
    while end > floor:
        match = _RELATIVE.search(text, floor, end) or _TRAILING.search(text, floor, end)
        if not match or match.start() >= end:
            break
        end = match.start()
    near = _np_back(text, floor, end)
    if near is None:
        return None
    whole = text[floor : near[0]].strip(" ,—–-") == ""
    comma = text.rfind(",", floor, near[0])
    if comma >= 0 and text[comma + 1 : near[0]].strip() == "":
        far = _np_back(text, floor, comma)
        if far is not None:
            far_whole = text[floor : far[0]].strip(" ,—–-") == ""
            near_text, far_text = text[near[0] : near[1]], text[far[0] : far[1]]
            near_name, far_name = _head_name(near_text), _head_name(far_text)
            if near_name and not far_name and _ends_in_role(far_text):
                return near[0], near[1], far_whole
            if far_name and not near_name and _ends_in_role(near_text):
                return far[0], far[1], far_whole
    return near[0], near[1], whole


def _ends_in_role(text: str) -> bool:
    words = [w.lower() for w in lexicon.WORD.findall(text)]
    words = [w for w in words if w not in ("of", "for")]
    return any(w.removesuffix("’s") in ROLES for w in words)


# "Olesya Vartanyan [of the International Crisis Group]"; "the Ministry of Infrastructure" is
# one name.
_POSTMODIFIER = re.compile(r"\s+(?:of|for|from|at|with|in)\s+")


def _head_name(np: str, text: str = "", offset: int = 0) -> Run | None:
    """The capitalised run that heads a noun phrase: at its end, or before ``of …``. With the
    unit's ``text`` and the phrase's ``offset`` in it, a name inside the sentence ("said Jonas,
    a baker") is not mistaken for a sentence opener, whose names are judged by shape alone."""
    core = np
    for match in _POSTMODIFIER.finditer(np):
        before = np[: match.start()].split()
        after = np[match.end() :]
        # "X of the Y" or "director of X" modifies; "Ministry of Infrastructure" is a name.
        if not after[:1].isupper() or (before and before[-1][:1].islower()):
            core = np[: match.start()]
            break
    core = core.rstrip(" ,")
    if text[offset : offset + len(np)] != np:
        text, offset = np, 0
    for run in reversed(name_runs(text, offset, offset + len(core))):
        if run.end - offset == len(core) and not run.possessive:
            return replace(run, start=run.start - offset, end=run.end - offset)
        break
    return None


def _resolve(
    np_start: int, np_end: int, unit: int, text: str, index: _Index, *, is_name: bool = False
) -> _Speaker:
    """Turn the words naming a speaker into the name a reader would use. ``is_name`` says the
    words are a name (the parser says so), though their shape may not ("Salas, who …")."""
    speaker = _resolve_words(np_start, np_end, unit, text, index, is_name)
    if speaker.start is None:
        return speaker
    return replace(speaker, unit=unit)


def _resolve_words(
    np_start: int, np_end: int, unit: int, text: str, index: _Index, is_name: bool = False
) -> _Speaker:
    np = text[np_start:np_end].strip(" ,")
    offset = np_start + text[np_start:np_end].find(np)
    lowered = np.lower()
    where = (unit, offset)
    if lowered in ("he", "she"):
        found = index.person("m" if lowered == "he" else "f", where)
        return _Speaker(found or lowered, None, None, True)
    if lowered in ("it", "they"):
        found = index.body(where)
        return _Speaker(found or lowered, None, None, False)
    head = _head_name(np, text, offset)
    if head is None and (is_name or where in index.proper) and np[:1].isupper():
        head = Run(0, len(np), np, False, False)
    if head is not None:
        name, title = strip_title(head.text)
        tokens = name.split()
        start = offset + head.start + head.text.find(name)
        span_end = start + len(name)
        before = np[: head.start].rstrip().lower()
        if before.endswith("the") and not title:
            return _Speaker("the " + name, offset + head.start - 4, span_end, False)
        if len(tokens) == 1:
            full = index.full_name(name, where)
            if full:
                return _Speaker(full, start, span_end, True)
            return _Speaker(name, start, span_end, not _org_like(name))
        return _Speaker(name, start, span_end, not _org_like(name))
    words = [w.lower() for w in lexicon.WORD.findall(np)]
    if words and words[0] not in ("a", "an", "one", "some", "two", "three"):
        content = [w for w in words if w not in _DETERMINERS]
        if content and content[-1] in ROLES:
            found = index.by_title(content[-1], content[:-1], where)
            if found:
                return _Speaker(found, offset, offset + len(np), True)
    display = np
    first = lexicon.WORD.match(np)
    # "A defence ministry spokesman said" opens a sentence: the reader says "a …".
    if first and not np[:2].isupper() and not looks_proper(first.group()):
        display = np[0].lower() + np[1:]
    person = bool(words) and words[-1] in ROLES
    return _Speaker(display, offset, offset + len(np), person)


def _after_close(text: str, close_end: int, unit: int, index: _Index) -> _Speaker | None:
    """Attribution right after a closing mark: ``,” said X``, ``,’ X said``, ``according to``."""
    match = re.compile(r"[\s,.;:—–-]*").match(text, close_end)
    position = match.end() if match else close_end
    rest = text[position : position + 160]
    according = _ACCORDING.match(rest)
    if according:
        span = _forward_np(text, position + according.end())
        return _resolve(*span, unit, text, index) if span else None
    words = list(lexicon.WORD.finditer(text, position, min(len(text), position + 160)))
    if not words:
        return None
    first = words[0].group().lower()
    if first in _INVERTED and words[0].start() == position:
        span = _forward_np(text, words[0].end())
        if span:
            return _resolve(*span, unit, text, index)
    for word in words[:14]:
        lowered = word.group().lower()
        if lowered in SPEECH_VERBS or lowered in COMMENT_VERBS:
            if re.search(r"[.!?;“”‘\"«]", text[position : word.start()]):
                return None
            subject = _subject_before(text, word.start(), position)
            if subject and subject[2]:
                return _resolve(subject[0], subject[1], unit, text, index)
            return None
    return None


def _before_open(
    text: str, floor: int, open_at: int, unit: int, index: _Index, previous: _Speaker | None
) -> _Speaker | None:
    """Attribution before an opening mark in the same unit (from ``floor``, the end of the
    previous quote in the unit or the unit's start)."""
    window = text[floor:open_at]
    according = list(_ACCORDING.finditer(text, floor, open_at))
    if according:
        span = _forward_np(text, according[-1].end())
        if span and span[1] <= open_at:
            return _resolve(*span, unit, text, index)
    verbs = [
        w
        for w in lexicon.WORD.finditer(text, floor, open_at)
        if (lowered := w.group().lower()) in SPEECH_VERBS
        or lowered in PARTICIPLES
        or lowered in COMMENT_VERBS
    ]
    finite = [w for w in verbs if w.group().lower() not in PARTICIPLES]
    if verbs and verbs[-1].group().lower() in PARTICIPLES:
        if previous is not None:
            return previous
        if not finite:
            return _main_subject(text, floor, verbs[-1].start(), unit, index)
    if not finite:
        return previous if previous is not None and window.strip(" ,") != "" else None
    verb = finite[-1]
    if verb.group().lower() in _INVERTED and previous is not None:
        # ", said Kamo, …, adding ‘…’": the verb belongs to the quote before.
        return previous
    subject = _subject_before(text, verb.start(), floor)
    if subject is None:
        return previous
    return _resolve(subject[0], subject[1], unit, text, index)


_FINITE_GUESS = re.compile(
    r"\b(?:has|had|have|was|were|is|are|will|would|could|\w+ed|\w+s)\b(?=\s)", re.IGNORECASE
)


def _main_subject(text: str, floor: int, stop: int, unit: int, index: _Index) -> _Speaker | None:
    """The subject of the sentence, for a participle: ``X has vowed to fight on, stating: …``."""
    for match in _FINITE_GUESS.finditer(text, floor, stop):
        subject = _subject_before(text, match.start(), floor)
        if subject:
            return _resolve(subject[0], subject[1], unit, text, index)
    return None


# --- Speakers from the parse ----------------------------------------------------------------


def _parsed_speaker(
    raw: _Raw, units: Sequence[str], docs: Sequence[Doc], index: _Index
) -> _Speaker | None:
    """The subject of the speech verb the quote hangs from, in the parse of the unit where the
    quote closes, or else where it opens: ``“…,” X said``, ``said X``, ``X told AFP: “…”``,
    ``X said that it was ‘…’``, ``X has voiced concern at the “…”``, ``…, stating: “…”``.
    None when the parse shows no such verb (the rules then try)."""
    places: list[tuple[int, int, int]] = []
    if raw.close_end is not None:
        lo = raw.open_position if raw.open_unit == raw.close_unit else 0
        places.append((raw.close_unit, lo, raw.close_end))
    if raw.close_end is None or raw.open_unit != raw.close_unit:
        places.append((raw.open_unit, raw.open_position, len(units[raw.open_unit])))
    for unit, lo, hi in places:
        doc = docs[unit]
        quote = doc.char_span(lo, hi, alignment_mode="expand")
        if quote is None or len(quote) == 0:
            continue
        verb = _governing_verb(doc, quote.start, quote.end)
        subject = _subject_of(verb) if verb is not None else None
        if subject is None:
            continue
        if quote.start <= subject.i < quote.end:
            continue
        start, end, named = _noun_phrase(subject, quote.start, quote.end)
        return _resolve(start, end, unit, units[unit], index, is_name=named)
    return None


def _speechlike(token: Token) -> bool:
    lowered = token.lower_
    return token.tag_[:2] == "VB" and (
        lowered in SPEECH_VERBS or lowered in PARTICIPLES or lowered in COMMENT_VERBS
    )


def _governing_verb(doc: Doc, first: int, stop: int) -> Token | None:
    """The speech verb outside tokens ``first:stop`` (a quote) that governs it: up the tree
    from where the quote hangs, or hanging from the quote (", said Kamo" parsed as a side
    clause of the quoted sentence); of those, the nearest, one after the quote first."""
    for token in doc[first:stop]:
        node = token.head
        if first <= node.i < stop:
            continue
        for _ in range(8):
            if _speechlike(node):
                return node
            if node.head.i == node.i or first <= node.head.i < stop:
                break
            node = node.head
    hanging: list[Token] = []
    for token in doc:
        if first <= token.i < stop or not _speechlike(token):
            continue
        node = token
        for _ in range(8):
            if node.head.i == node.i:
                break
            node = node.head
            if first <= node.i < stop:
                hanging.append(token)
                break
    if not hanging:
        return None
    return min(hanging, key=lambda t: (t.i < first, t.i - stop if t.i >= stop else first - t.i))


def _subject_of(verb: Token) -> Token | None:
    """The verb's subject; a participle or a second verb shares its clause's ("X has vowed to
    fight on, stating: …")."""
    node = verb
    for _ in range(3):
        for child in node.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
        if node.dep_ not in ("conj", "xcomp", "advcl") or node.head.i == node.i:
            return None
        node = node.head
    return None


# Dependents that are no part of how the speaker is named: "X, who …, said", "X, the …,".
_NOT_IN_NP = frozenset({"relcl", "appos", "acl", "punct", "advcl", "parataxis"})


def _noun_phrase(subject: Token, first: int, stop: int) -> tuple[int, int, bool]:
    """Offsets of the words naming the speaker, and whether they are a name: a person's name
    as the model finds it ("Leon Marsh" of "Striker Leon Marsh"), the name in apposition to a
    role ("Aliyev’s adviser, Hikmet Khadjiyev"), else the subject's phrase without its
    clauses and appositions."""
    doc = subject.doc
    if subject.ent_type_ != "PERSON":
        for child in subject.children:
            # "The trust's chair, Helen Park, called": a name beside a role noun, whatever
            # the model labels it.
            if child.dep_ == "appos" and (
                child.ent_type_ == "PERSON" or (subject.tag_ == "NN" and child.tag_ == "NNP")
            ):
                subject = child
                break
    if subject.ent_type_ == "PERSON" or (subject.dep_ == "appos" and subject.ent_type_):
        for ent in doc.ents:
            if ent.start <= subject.i < ent.end:
                proper = all(t.tag_ in _PROPER_TAGS for t in ent if t.is_alpha)
                return ent.start_char, ent.end_char, proper
    kept = [subject.i]
    stack = list(subject.children)
    while stack:
        token = stack.pop()
        if token.dep_ in _NOT_IN_NP or first <= token.i < stop:
            continue
        kept.append(token.i)
        stack.extend(token.children)
    low, high = min(kept), max(kept)
    return doc[low].idx, doc[high].idx + len(doc[high].text), subject.tag_ in _PROPER_TAGS


# --- The whole draft -------------------------------------------------------------------------


def find_quotes(
    units: Sequence[str],
    kinds: Sequence[str] | None = None,
    *,
    docs: Sequence[Doc] | None = None,
) -> list[Quote]:
    """Direct quotes in ``units`` (unit texts in draft order), one :class:`Quote` per unit and
    speaker. ``kinds`` (the units' kinds from :func:`segment`) keeps boilerplate out and stops
    a quote at a headline. ``docs`` are spaCy's parses of the units, in order
    (:func:`factcheck.analysis.nlp.parse`); without them the units are parsed here."""
    if docs is None:
        docs = nlp.parse(units)
    elif len(docs) != len(units):
        raise ValueError(f"{len(docs)} parses for {len(units)} units")
    usable = [kinds is None or kinds[i] != BOILERPLATE for i in range(len(units))]
    quotable = [kinds is None or kinds[i] == SENTENCE for i in range(len(units))]
    raws = _pair_marks(units, [u and q for u, q in zip(usable, quotable, strict=True)])
    # Headlines may hold a quote too, but never share one with a sentence.
    raws += [
        raw
        for i, text in enumerate(units)
        if usable[i] and not quotable[i]
        for raw in _pair_marks_one(text, i)
    ]
    raws.sort(key=lambda r: (r.open_unit, r.open_position))

    inside: dict[int, list[tuple[int, int]]] = {}
    for raw in raws:
        for u, s, e in raw.segments:
            inside.setdefault(u, []).append((s, e))
    by_open: dict[int, list[_Raw]] = {}
    for raw in raws:
        by_open.setdefault(raw.open_unit, []).append(raw)

    index = _Index()
    found: list[tuple[_Raw, _Speaker | None]] = []
    previous_unit_speaker: tuple[int, _Speaker] | None = None
    for unit, text in enumerate(units):
        if not usable[unit]:
            continue
        _index_unit(index, unit, text, inside.get(unit, []), docs[unit])
        previous: _Speaker | None = None
        floor = 0
        for raw in by_open.get(unit, []):
            words = _words(raw, units)
            speaker = _parsed_speaker(raw, units, docs, index)
            if speaker is None and raw.close_end is not None:
                speaker = _after_close(units[raw.close_unit], raw.close_end, raw.close_unit, index)
            if speaker is None:
                speaker = _before_open(text, floor, raw.open_position, unit, index, previous)
            if (
                speaker is None
                and raw.open_position == 0
                and _bare(units[raw.close_unit], raw.close_end)
                and previous_unit_speaker is not None
                and previous_unit_speaker[0] == unit - 1
            ):
                carried = previous_unit_speaker[1]
                speaker = _Speaker(carried.name, None, None, carried.person)
            floor = raw.close_end if raw.close_end is not None and raw.close_unit == unit else 0
            if words < 2 or (words < 4 and speaker is None):
                continue  # a term or a scare quote
            if speaker is not None:
                previous = speaker
                index.speakers.append(
                    ((raw.close_unit, raw.close_end or 0), speaker.name, speaker.person)
                )
                previous_unit_speaker = (raw.close_unit, speaker)
            found.append((raw, speaker))
    return _per_unit(found)


def _bare(text: str, close_end: int | None) -> bool:
    """Whether a quote stands alone: nothing but punctuation after its closing mark."""
    return close_end is None or not any(ch.isalnum() for ch in text[close_end:])


def _pair_marks_one(text: str, unit: int) -> list[_Raw]:
    return [
        _Raw(
            unit, r.open_position, unit, r.close_end, tuple((unit, s, e) for _, s, e in r.segments)
        )
        for r in _pair_marks([text], [True])
    ]


@dataclass
class _Group:
    spans: list[tuple[int, int]]
    start: int | None = None
    end: int | None = None


def _per_unit(found: list[tuple[_Raw, _Speaker | None]]) -> list[Quote]:
    groups: dict[tuple[int, str], _Group] = {}
    for raw, speaker in found:
        name = speaker.name if speaker else ""
        for unit, start, end in raw.segments:
            group = groups.setdefault((unit, name), _Group([]))
            group.spans.append((start, end))
            if speaker is not None and speaker.unit == unit and group.start is None:
                group.start, group.end = speaker.start, speaker.end
    quotes = [
        Quote(unit, name, group.start, group.end, tuple(sorted(group.spans)))
        for (unit, name), group in groups.items()
    ]
    return sorted(quotes, key=lambda q: (q.unit, q.quote_spans[0]))
