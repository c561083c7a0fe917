"""What changed between two revisions of a draft, sentence by sentence, for a "what changed" view.

:func:`revision_diff` lists the units in the new text's reading order, each marked ``same``,
``added``, ``edited`` (with the changed words) or ``moved`` (found elsewhere in the old text; with
the changed words when it was edited too), and puts each ``removed`` old unit where it stood: after
the row of the last unit before it that kept its place. The sentences are paired by
:func:`factcheck.analysis.anchor.align_units`, the same alignment the claims follow, so the view
and the claims never disagree about which sentence became which.

Inside an edited sentence the words are compared as tokens (words and punctuation, white space
and quote-mark style ignored), and the pieces come back in order, each ``(op, text)`` with op
``equal``, ``delete`` or ``insert``: the equal and inserted pieces are the new text as written
(with its white space), the deleted ones the old. Within a run of changes the deletions come
before the insertions, so a template can show "~~212~~ 215".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from rapidfuzz.distance import Indel

from factcheck.analysis.anchor import Alignment, Link, align_units, fold

__all__ = ["Piece", "PieceOp", "Row", "RowKind", "revision_diff"]

RowKind = Literal["same", "added", "removed", "moved", "edited"]
PieceOp = Literal["equal", "insert", "delete"]

_TOKEN = re.compile(r"\w+|[^\w\s]")


class Piece(NamedTuple):
    """A run of words inside an edited sentence."""

    op: PieceOp
    text: str


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the view.

    ``old`` / ``new`` are unit indexes (``None`` for an added / removed row). A join shows as one
    ``edited`` row whose ``joined`` holds the other old units it took in; a split as consecutive
    ``edited`` rows with the same ``old``. ``pieces`` is empty unless the words changed.
    """

    kind: RowKind
    old: int | None
    new: int | None
    pieces: tuple[Piece, ...] = ()
    joined: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class _Token:
    key: str  # compared: quote marks folded
    text: str  # shown: the token and the white space after it
    unit: int


def revision_diff(
    old_text: str,
    old_units: Sequence[tuple[int, int]],
    new_text: str,
    new_units: Sequence[tuple[int, int]],
) -> list[Row]:
    """The rows of the "what changed" view from the old revision to the new one."""
    alignment = align_units(old_text, old_units, new_text, new_units)
    shown = _shown_links(alignment, old_text, old_units, new_text, new_units)
    rows_by_new: dict[int, Row] = {}
    for link in shown:
        for row in _link_rows(link, old_text, old_units, new_text, new_units):
            if row.new is not None:
                rows_by_new[row.new] = row
    old_of: dict[int, Link] = {i: link for link in shown for i in link.old}

    # A removed unit goes after the row of the nearest unit before it that kept its place.
    after_new: dict[int, list[int]] = {}
    leading: list[int] = []
    anchor: int | None = None
    for i in range(len(old_units)):
        continued = old_of.get(i)
        if continued is None:
            (leading if anchor is None else after_new.setdefault(anchor, [])).append(i)
        elif not continued.moved:
            anchor = continued.new[-1]

    rows = [Row("removed", i, None) for i in leading]
    for j in range(len(new_units)):
        rows.append(rows_by_new.get(j) or Row("added", None, j))
        rows.extend(Row("removed", i, None) for i in after_new.get(j, ()))
    return rows


def _shown_links(
    alignment: Alignment,
    old_text: str,
    old_units: Sequence[tuple[int, int]],
    new_text: str,
    new_units: Sequence[tuple[int, int]],
) -> list[Link]:
    """The alignment's links as the view shows them. A weak link (one sentence rewritten where
    another stood) shows as removed + added. An old sentence whose identical copies can't be
    told apart (its claims are orphaned) shows as the first copy, the other one as added: the
    reader sees one sentence added, which is what happened."""
    links = [link for link in alignment.links if not link.weak]
    taken = {j for link in links for j in link.new}
    for i in sorted(alignment.unplaced):
        old = fold(old_text[old_units[i][0] : old_units[i][1]])
        for j in alignment.unplaced[i]:
            same = fold(new_text[new_units[j][0] : new_units[j][1]]) == old
            if same and j not in taken and alignment.new_links[j] is None:
                links.append(Link((i,), (j,), identical=True, moved=False, weak=False))
                taken.add(j)
                break
    return links


def _link_rows(
    link: Link,
    old_text: str,
    old_units: Sequence[tuple[int, int]],
    new_text: str,
    new_units: Sequence[tuple[int, int]],
) -> list[Row]:
    old_tokens: list[_Token] = []
    for i in link.old:
        if old_tokens:  # a joined sentence's parts stay apart when shown deleted
            last = old_tokens[-1]
            old_tokens[-1] = _Token(last.key, last.text + " ", last.unit)
        old_tokens.extend(_tokens(old_text, old_units[i], i))
    new_tokens = [t for j in link.new for t in _tokens(new_text, new_units[j], j)]
    if [t.key for t in old_tokens] == [t.key for t in new_tokens] and len(link.new) == 1:
        kind: RowKind = "moved" if link.moved else "same"
        return [Row(kind, link.old[0], link.new[0])]
    kind = "moved" if link.moved else "edited"
    pieces = _pieces(old_tokens, new_tokens, link.new)
    return [
        Row(kind, link.old[0], j, tuple(pieces[j]), link.old[1:] if len(link.new) == 1 else ())
        for j in link.new
    ]


def _tokens(text: str, span: tuple[int, int], unit: int) -> list[_Token]:
    start, end = span
    matches = list(_TOKEN.finditer(text, start, end))
    tokens = []
    for k, match in enumerate(matches):
        stop = matches[k + 1].start() if k + 1 < len(matches) else end
        tokens.append(_Token(fold(match.group()), text[match.start() : stop], unit))
    return tokens


def _pieces(
    old_tokens: list[_Token], new_tokens: list[_Token], new_units: tuple[int, ...]
) -> dict[int, list[Piece]]:
    """The word-level pieces of each new unit of a link (a deletion goes with the unit of the
    new word after it)."""
    codes: dict[str, str] = {}

    def encode(tokens: list[_Token]) -> str:
        return "".join(codes.setdefault(t.key, chr(0x100 + len(codes))) for t in tokens)

    ops: list[tuple[PieceOp, str, int]] = []
    pending_delete: list[str] = []
    pending_insert: list[tuple[str, int]] = []

    def flush(unit: int) -> None:
        if pending_delete:
            ops.append(("delete", "".join(pending_delete), unit))
        for text, where in pending_insert:
            ops.append(("insert", text, where))
        pending_delete.clear()
        pending_insert.clear()

    for op in Indel.opcodes(encode(old_tokens), encode(new_tokens)):
        if op.tag == "delete":
            pending_delete.extend(t.text for t in old_tokens[op.src_start : op.src_end])
        elif op.tag == "insert":
            pending_insert.extend((t.text, t.unit) for t in new_tokens[op.dest_start : op.dest_end])
        else:
            flush(new_tokens[op.dest_start].unit)
            ops.extend(("equal", t.text, t.unit) for t in new_tokens[op.dest_start : op.dest_end])
    flush(new_tokens[-1].unit if new_tokens else new_units[-1])

    pieces: dict[int, list[Piece]] = {j: [] for j in new_units}
    for op_name, text, unit in ops:
        merged = pieces[unit]
        if merged and merged[-1].op == op_name:
            merged[-1] = Piece(op_name, merged[-1].text + text)
        else:
            merged.append(Piece(op_name, text))
    return pieces
