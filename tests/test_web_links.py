"""Only web links become a verdict's evidence links: the service itself refuses script URLs
(the form and the API refuse them before; a command or a later caller of the service cannot
slip one past, and the claim page and the clearance report render the links as href). A
lookup's hits with such URLs are kept but shown without a link (tests/sources)."""

from __future__ import annotations

from typing import Any

import pytest

from factcheck.claims.models import Claim, EvidenceLink
from factcheck.claims.services import claim_mark_sentence, claim_propose
from factcheck.errors import FactcheckError
from factcheck.history.models import AuditEntry
from factcheck.text import is_web_link

pytestmark = pytest.mark.django_db

SCRIPTS = [
    "javascript:alert(1)",
    " JavaScript:alert(1)",
    "data:text/html,<b>",
    "vbscript:x",
    "//evil",
]


@pytest.mark.parametrize("url", [*SCRIPTS, "", "https://", "ftp://example.org/"])
def test_script_and_odd_urls_are_not_web_links(url: str) -> None:
    assert not is_web_link(url)


@pytest.mark.parametrize("url", ["https://example.org/a", "HTTP://example.org", "http://1.2.3.4/"])
def test_http_addresses_are_web_links(url: str) -> None:
    assert is_web_link(url)


@pytest.mark.parametrize("url", SCRIPTS)
def test_a_verdict_with_a_script_link_is_refused_and_nothing_written(
    draft: Any, editor: Any, checker: Any, url: str
) -> None:
    claim = claim_mark_sentence(sentence=draft.revisions.get().sentences.all()[1], by=editor)
    entries = AuditEntry.objects.count()

    with pytest.raises(FactcheckError, match="not a web address"):
        claim_propose(
            claim=claim, by=checker, verdict="inaccurate", rationale="r", links=[(url, "n")]
        )

    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.UNCHECKED
    assert not EvidenceLink.objects.exists()
    assert AuditEntry.objects.count() == entries
