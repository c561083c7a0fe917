"""Checking model files against the sha256 they were pinned with, before anything reads them.

Pretrained weights come from packages (a re-upload is a supply-chain risk) and trained ones are
committed: every loader checks each file here first, and refuses with a message naming the file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check(
    folder: Path, expected: Mapping[str, str | None], *, error: type[Exception], why: str
) -> None:
    """Raise ``error`` unless each file ``folder / name`` exists and has the ``expected`` sha256;
    ``why`` ends the message (what the file should be and what to do)."""
    for name, digest in expected.items():
        try:
            got = sha256(folder / name)
        except FileNotFoundError as exc:
            raise error(f"{folder / name}: missing. {why}") from exc
        if got != digest:
            raise error(f"{folder / name}: sha256 {got} differs from the pinned {digest}. {why}")
