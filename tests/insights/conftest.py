"""Fixtures of the first pass's views: a draft with a planted finding, and its sentences."""

from __future__ import annotations

import pytest

from factcheck.drafts.models import Draft
from factcheck.insights.models import Finding


@pytest.fixture
def finding(draft: Draft) -> Finding:
    """An open contradiction between the sample draft's first two sentences ("6 a.m." vs "300",
    planted: the sample's analysis finds none), the conflicting words marked in each."""
    revision = draft.revisions.get()
    a, b = revision.sentences.get(index=1), revision.sentences.get(index=2)
    text = revision.text
    a_at, b_at = text.index("6 a.m.", a.start), text.index("300", b.start)
    return Finding.objects.create(
        draft=draft,
        revision=revision,
        kind=Finding.Kind.CONTRADICTION,
        sentence_a=a,
        sentence_b=b,
        summary="F-16 vs F-15",
        what="aircraft model",
        a_start=a_at,
        a_end=a_at + len("6 a.m."),
        b_start=b_at,
        b_end=b_at + len("300"),
    )
