"""Real files written by others (news pages, Word files from other projects' test suites),
checked against what their sources expect: ``make corpus CORPUS=DIR``.

The files cannot live in this repository: the workplace's terms let a developer commit nothing
fetched from another repository, and ``../shared`` (where such data may be kept) is not ours to
write. ``*_SOURCES.md`` here names each file's repository, path, commit and licence, so the
corpus can be fetched again into ``DIR`` (``DIR/docx/``, ``DIR/webpages/``). The normal suite
does not collect these tests (see ``collect_ignore_glob``); ``make corpus`` runs them and fails
when a file is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ENV = "FACTCHECK_CORPUS"

if not os.environ.get(ENV):
    collect_ignore_glob = ["test_*.py"]


def corpus_path(*parts: str) -> Path:
    """A file of the corpus; a missing one fails (``make corpus`` was asked to check it)."""
    path = Path(os.environ[ENV]).joinpath(*parts)
    if not path.exists():
        pytest.fail(f"{path} is missing: fetch it as tests/corpus/*_SOURCES.md says")
    return path
