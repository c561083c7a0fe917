"""A real saved news page imported as a draft (``$FACTCHECK_CORPUS/webpages``)."""

from __future__ import annotations

import gzip
from typing import Any

import pytest

from factcheck.drafts.models import Sentence
from factcheck.drafts.services import Upload, draft_import
from tests.corpus.conftest import corpus_path

pytestmark = pytest.mark.django_db


def test_a_saved_news_page_imports_as_its_article(newsroom: Any, editor: Any) -> None:
    # A real page (WEBPAGES_SOURCES.md): an AP story on a regional paper's site.
    page = gzip.decompress(corpus_path("webpages", "05844573ca7e1fba.html.gz").read_bytes())
    draft = draft_import(newsroom=newsroom, by=editor, upload=Upload("autoshow.html", page))
    revision = draft.revisions.get()
    assert draft.title == "New SUVs and electric vehicles highlight L.A. Auto Show"
    assert revision.byline == "Tom Krisher; Ap Auto Writer"
    kinds = {revision.text[s.start : s.end]: s.kind for s in revision.sentences.all()}
    assert (
        kinds["New SUVs and electric vehicles highlight L.A. Auto Show"] == Sentence.Kind.HEADLINE
    )
    assert kinds["NISSAN SENTRA"] == Sentence.Kind.HEADLINE  # a cross-head
    assert kinds["There also is a redesigned compact Sentra from Nissan."] == Sentence.Kind.SENTENCE
    assert kinds["Back to Gallery"] == Sentence.Kind.BOILERPLATE  # kept, greyed
    for furniture in ("Advertise with Us", "Police Reports", "Milford police"):
        assert furniture not in revision.text  # the site's menus and teasers
    assert len(kinds) < 80  # the whole page's text made 191 units
