#!/usr/bin/env python
"""Benchmarks for factcheck: ``make bench`` prints the figures and writes bench/results.json.

Runs against a throwaway SQLite database (or ``BENCH_DATABASE_URL``, e.g. a PostgreSQL URL),
never the app's own database. Synthetic drafts are generated: news-like sentences with
quotes, figures and abbreviations, in paragraphs of one to four sentences. Each figure is
printed beside its target (bench/targets.json), and the run ends with the targets missed.
"""

from __future__ import annotations

import atexit
import json
import os
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="factcheck-bench-")
atexit.register(shutil.rmtree, _tmp, ignore_errors=True)  # the queue bench's SQLite file: ~40 MB
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ["FACTCHECK_VAR_DIR"] = _tmp
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ["DEBUG"] = "0"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from factcheck.analysis import checkworthiness  # noqa: E402
from factcheck.analysis.segment import segment  # noqa: E402
from factcheck.celery import app as celery_app  # noqa: E402
from factcheck.claims.models import Claim  # noqa: E402
from factcheck.claims.services import claim_mark_sentence  # noqa: E402
from factcheck.drafts.models import Draft, Revision, Sentence  # noqa: E402
from factcheck.drafts.services import Upload, draft_import  # noqa: E402
from factcheck.insights.services import revision_analyse  # noqa: E402
from factcheck.insights.tasks import analysis_run  # noqa: E402
from factcheck.newsrooms.models import Membership, Newsroom, Role  # noqa: E402
from factcheck.reviews.models import Task  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
import targets  # noqa: E402 - bench/targets.py: the figures beside their targets
from lookups import drop_queue  # noqa: E402
from lookups import main as lookups  # noqa: E402

SUBJECTS = ["The ministry", "Dr. Lena Varga", "The U.N. agency", "Officials", "Mayor Ines Holt"]
VERBS = ["said", "reported", "confirmed", "denied", "estimated"]
FACTS = [
    "that {n} people were evacuated on Tuesday",
    "that the bridge, built in {y}, would close for {n} days",
    "that costs rose {n} per cent in {y}",
    "that {n} homes lost power at 6 a.m. on Monday",
]


def sentence(rng: random.Random) -> str:
    fact = rng.choice(FACTS).format(n=rng.randint(2, 9000), y=rng.randint(1950, 2025))
    if rng.random() < 0.2:
        trucks = rng.randint(2, 90)
        return f"“We saw {trucks} trucks arrive,” {rng.choice(SUBJECTS)} {rng.choice(VERBS)}."
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {fact}."


def synthetic_draft(sentences: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    paragraphs = ["Floods Close Valley Roads"]
    made = 1
    while made < sentences:
        size = min(rng.randint(1, 4), sentences - made)
        paragraphs.append(" ".join(sentence(rng) for _ in range(size)))
        made += size
    return "\n\n".join(paragraphs) + "\n"


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


# --- The review queue ---------------------------------------------------------------------------

QUEUE_SENTENCE = "The council said 300 homes lost power at 6 a.m. on Monday after the storm."
# Claim statuses other than "proposed", in proportion (the other 5% are proposed).
OTHER_STATUSES = [status for status in Claim.Status if status != Claim.Status.PROPOSED]


def seed_queue(
    run: str, name: str, *, drafts: int, claims: int, tasks: int, in_review: int, overdue: int
) -> object:
    """A newsroom with ``drafts`` drafts, ``claims`` claims (5% proposed) and ``tasks`` tasks
    (``in_review`` of them in review, ``overdue`` open and past due), all by bulk_create, and an
    editor for it. Returns the editor."""

    users = get_user_model()
    rng = random.Random(len(name))
    now = timezone.now()
    newsroom = Newsroom.objects.create(name=f"Queue {name}", slug=f"queue-{name}-{run}")
    editor = users.objects.create_user(f"queue-{name}-{run}")
    checkers = [users.objects.create_user(f"queue-{name}-{run}-c{i}") for i in range(8)]
    Membership.objects.bulk_create(
        [Membership(user=editor, newsroom=newsroom, role=Role.EDITOR)]
        + [Membership(user=c, newsroom=newsroom, role=Role.CHECKER) for c in checkers]
    )
    made = Draft.objects.bulk_create(
        Draft(
            newsroom=newsroom,
            title=f"{name} draft {i:03}",
            deadline=now + timedelta(hours=rng.randint(-48, 240)),
            created_by=editor,
        )
        for i in range(drafts)
    )
    # Marked analysed: a pending revision would be sent for analysis by every worker that
    # starts on this database later (bench/lookups.py's), its start-up sweep for lost messages.
    revisions = Revision.objects.bulk_create(
        Revision(
            draft=d,
            number=1,
            text=QUEUE_SENTENCE,
            source=Revision.Source.CLI,
            analysis=Revision.Analysis.DONE,
        )
        for d in made
    )
    sentences = Sentence.objects.bulk_create(
        Sentence(
            revision=r,
            index=0,
            start=0,
            end=len(QUEUE_SENTENCE),
            kind=Sentence.Kind.SENTENCE,
            block=0,
        )
        for r in revisions
    )
    # Each claim of a revision has its own span (a unique constraint): pairs of offsets at least
    # 8 characters apart.
    spans = [
        (a, b) for a in range(len(QUEUE_SENTENCE)) for b in range(a + 8, len(QUEUE_SENTENCE) + 1)
    ]
    per_draft = -(-claims // drafts)
    assert per_draft <= len(spans), "too many claims per draft for the sentence's spans"
    rows = []
    for i in range(claims):
        d, at = divmod(i, per_draft)
        draft, revision, sentence = made[d], revisions[d], sentences[d]
        start, end = spans[at]
        is_proposed = rng.random() < 0.05
        rows.append(
            Claim(
                draft=draft,
                revision=revision,
                sentence=sentence,
                start=start,
                end=end,
                text=QUEUE_SENTENCE[start:end],
                status=Claim.Status.PROPOSED if is_proposed else rng.choice(OTHER_STATUSES),
                verdict=rng.choice(Claim.Verdict.values) if is_proposed else "",
                rationale="Checked against the council's statement." if is_proposed else "",
                proposed_by=rng.choice(checkers) if is_proposed else None,
                proposed_at=now - timedelta(minutes=rng.randint(1, 5000)) if is_proposed else None,
                created_by=editor,
            )
        )
    Claim.objects.bulk_create(rows, batch_size=5000)
    kinds = (
        [(Task.Status.IN_REVIEW, None)] * in_review
        + [(Task.Status.OPEN, "past")] * overdue
        + [(Task.Status.DONE, "any")] * ((tasks - in_review - overdue) // 2)
    )
    kinds += [(Task.Status.IN_PROGRESS, "future")] * (tasks - len(kinds))
    rng.shuffle(kinds)

    def due(when: str | None) -> datetime | None:
        if when == "past":
            return now - timedelta(minutes=rng.randint(30, 48 * 60))
        if when == "future":
            return now + timedelta(hours=rng.randint(1, 240))
        if when == "any":
            return now + timedelta(hours=rng.randint(-72, 240))
        return rng.choice([None, now + timedelta(hours=rng.randint(-24, 240))])

    Task.objects.bulk_create(
        (
            Task(
                draft=made[i % drafts],
                title=f"Verify figure {i}",
                status=status,
                assignee=rng.choice([None, *checkers]),
                due_at=due(when),
                priority=rng.randint(1, 4),
                created_by=editor,
            )
            for i, (status, when) in enumerate(kinds)
        ),
        batch_size=5000,
    )
    return editor


def bench_queue(editor: object, repeat: int) -> tuple[float, int, str]:
    """GET /reviews/ as ``editor``: (p50 in ms, the query count, the page)."""
    client = Client()
    client.force_login(editor)  # type: ignore[arg-type]
    response = client.get("/reviews/")
    assert response.status_code == 200, response.status_code  # warm caches (templates, session)
    page = response.content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get("/reviews/")
    query_count = len(queries)  # now: later requests reset the connection's query log
    samples = timed(lambda: client.get("/reviews/"), repeat)
    return round(statistics.median(samples) * 1000, 2), query_count, page


def queue_results(run: str) -> dict[str, object]:
    results: dict[str, object] = {}
    started = time.perf_counter()
    big = seed_queue(
        run, "big", drafts=200, claims=100_000, tasks=10_000, in_review=300, overdue=200
    )
    small = seed_queue(run, "small", drafts=2, claims=100, tasks=10, in_review=3, overdue=2)
    # Settle the bulk load as a database that has been running for a while is settled: planner
    # statistics and (PostgreSQL) the visibility map and hint bits, so that no background
    # autovacuum competes with the timed requests.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(m._meta.db_table for m in (Draft, Claim, Task))
            cursor.execute(f"VACUUM ANALYZE {tables}")
        else:
            cursor.execute("ANALYZE")
    seed_s = round(time.perf_counter() - started, 1)
    queries: dict[str, int] = {}
    for name, editor in (("100k", big), ("100", small)):
        p50, queries[name], page = bench_queue(editor, 30)
        # The first page must hold both kinds of row, or one fetch would be skipped.
        kinds = set(re.findall(r"row-(claim|task)-", page))
        assert kinds == {"claim", "task"}, f"queue {name}: only {kinds}"
        results[f"queue_{name}_p50_ms"] = p50
        results[f"queue_{name}_waiting"] = int(re.search(r"(\d+) waiting", page)[1])  # type: ignore[index]
    results["queue_queries"] = queries["100k"]
    results["queue_100_queries"] = queries["100"]
    # Issue 3's target: as many queries with 100,000 claims as with 100.
    results["queue_100k_extra_queries"] = queries["100k"] - queries["100"]
    # What the data is and how long the bench took to build it: not figures of the app.
    results["queue_setup"] = {"drafts": 200, "claims": 100_000, "tasks": 10_000, "seed_s": seed_s}
    return results


def analysed_draft(newsroom: Newsroom, editor: object, text: str) -> Draft:
    """A draft imported and analysed: a large one by the task its import sent, run here as the
    worker would run it."""
    draft = draft_import(newsroom=newsroom, by=editor, text=text)
    revision = draft.revisions.get()
    if revision.analysis != Revision.Analysis.DONE:
        analysis_run(revision.pk)
    return draft


def ingest_results(newsroom: Newsroom, editor: object, client: Client) -> dict[str, object]:
    """ingest_600_s, ingest_10000_s, ingest_1mb_s: draft_import of a 600-, a 10,000- and a
    15,500-sentence (1 MB) draft until it is stored and segmented and its page viewable. Their
    analysis is the Celery task that the import sends once it commits: the message goes to the
    bench's own queue, which no worker reads, so the figures hold the import and the send but
    not the analysis (analyze_600_s is that). The page is then fetched: it must answer, with the
    analysis' progress.

    ingest_inline_max_s: a draft of ANALYSIS_INLINE_MAX_UNITS units, the largest that the
    import analyses itself before it answers."""
    results: dict[str, object] = {}
    drafts = {
        "600": (synthetic_draft(600), 5),
        "10000": (synthetic_draft(10_000), 3),
        "1mb": (synthetic_draft(15_500, seed=1), 3),
    }
    for name, (text, repeat) in drafts.items():
        loaded: list[Draft] = []

        def load() -> None:
            loaded.append(draft_import(newsroom=newsroom, by=editor, text=text))  # noqa: B023

        results[f"ingest_{name}_s"] = round(statistics.median(timed(load, repeat)), 4)
        revision = loaded[-1].revisions.get()
        assert revision.analysis == Revision.Analysis.PENDING, f"{name}: {revision.analysis}"
        page = client.get(loaded[-1].get_absolute_url())
        assert page.status_code == 200, f"{name}: the draft page answered {page.status_code}"
        progress = f"Analysing… <strong>0 of {revision.sentences.count()} units</strong>"
        assert progress in page.content.decode(), f"{name}: the page shows no progress"
        if name != "600":
            results[f"ingest_{name}_bytes"] = len(text.encode())
    # No worker of a later run (bench/lookups.py's start on this database) picks these up: their
    # analysis was never meant to run.
    Revision.objects.filter(draft__newsroom=newsroom, analysis=Revision.Analysis.PENDING).update(
        analysis=Revision.Analysis.FAILED,
        analysis_error="The benchmark measured the import alone; it did not analyse this draft.",
    )

    units = settings.ANALYSIS_INLINE_MAX_UNITS
    assert units >= 1, "ANALYSIS_INLINE_MAX_UNITS is 0: no draft is analysed during its import"
    text = synthetic_draft(units, seed=units)

    def load_inline() -> None:
        draft = draft_import(newsroom=newsroom, by=editor, text=text)
        assert draft.revisions.get().analysis == Revision.Analysis.DONE

    load_inline()  # warm up: the models load once a process
    results["ingest_inline_max_s"] = round(statistics.median(timed(load_inline, 5)), 4)
    results["ingest_inline_max_units"] = units
    return results


def news_page(seed: int = 11) -> bytes:
    """A saved news page of our own writing, built as news sites build theirs: a menu of 60
    links, a cookie banner, the headline, byline and standfirst, 30 paragraphs of the article
    with cross-heads and a pull quote, a related-stories rail, share buttons, comments and a
    footer, and 110 KB of script data: about 130 KB, near the median of the real pages measured
    in docs/webpages.md (140 KB; a page's size is mostly its scripts, which are skipped)."""
    rng = random.Random(seed)
    sections = ["News", "Politics", "Business", "Sport", "Culture", "Weather", "Opinion"]
    menu = "".join(
        f'<li><a href="/{s.lower()}/{i}">{s} {i}</a></li>' for s in sections for i in range(9)
    )
    body = []
    for number in range(30):
        if number and number % 8 == 0:
            body.append(f"<h2>What the council said, part {number // 8}</h2>")
        if number == 12:
            body.append(
                "<blockquote><p>“We will rebuild every road,” the mayor said.</p></blockquote>"
            )
        body.append("<p>" + " ".join(sentence(rng) for _ in range(rng.randint(2, 4))) + "</p>")
    related = "".join(
        f'<li><a href="/news/{i}">{sentence(rng).rstrip(".")}</a></li>' for i in range(12)
    )
    comments = "".join(
        f'<li class="comment"><p>{sentence(rng)}</p><a href="#reply">Reply</a></li>'
        for _ in range(10)
    )
    # What makes a real page heavy: its scripts' data (the median corpus page is 140 KB).
    tracking = json.dumps(
        [{"slot": i, "unit": f"ad-{i}", "sizes": [[300, 250]]} for i in range(2500)]
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Floods Close Valley Roads | The Valley Courier</title>
<meta property="og:title" content="Floods Close Valley Roads">
<meta name="author" content="Ines Holt">
<meta name="description" content="Three roads stay shut after the river rose overnight.">
<style>body {{ font-family: serif; }}</style><script>window.dataLayer = {tracking};</script>
</head><body>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>
<header><a href="/">The Valley Courier</a><nav><ul>{menu}</ul></nav>
<form action="/search"><input name="q"><button>Search</button></form></header>
<main><article>
<h1>Floods Close Valley Roads</h1>
<p class="byline">By Ines Holt, Chief Reporter</p>
<p class="standfirst">Three roads stay shut after the river rose overnight.</p>
{"".join(body)}
</article>
<aside><h3>Related stories</h3><ul>{related}</ul></aside>
<div class="share">Share this article: <a href="#">Facebook</a> <a href="#">X</a>
<a href="#">Email</a></div>
<section class="comments"><h3>Comments</h3><ul>{comments}</ul></section>
</main>
<footer><p>© 2026 The Valley Courier. All rights reserved.</p><ul>{menu}</ul></footer>
</body></html>"""
    return page.encode("utf-8")


def html_page_results(newsroom: Newsroom, editor: object) -> dict[str, object]:
    """ingest_html_page_ms: draft_import of a saved news page, uploaded (:func:`news_page`, our
    own writing), its article found by trafilatura, normalised, segmented and stored; the median
    of 9, after one import that loads trafilatura (once a process). Its analysis is queued, as
    for ingest_600_s (ANALYSIS_INLINE_MAX_UNITS is 0 for it), so that the figure is the import
    alone: analyze_600_s and ingest_inline_max_s time the analysis."""
    page = news_page()
    upload = Upload("floods.html", page)
    loaded: list[Draft] = []

    def load() -> None:
        loaded.append(draft_import(newsroom=newsroom, by=editor, upload=upload))

    with override_settings(ANALYSIS_INLINE_MAX_UNITS=0):
        load()
        times = timed(load, 9)
    revision = loaded[-1].revisions.get()
    assert revision.byline == "Ines Holt", revision.byline
    assert "Related stories" not in revision.text and "We use cookies" not in revision.text
    assert loaded[-1].title == "Floods Close Valley Roads", loaded[-1].title
    Revision.objects.filter(draft__newsroom=newsroom, analysis=Revision.Analysis.PENDING).update(
        analysis=Revision.Analysis.FAILED,
        analysis_error="The benchmark measured the import alone; it did not analyse this draft.",
    )
    return {
        "ingest_html_page_ms": round(statistics.median(times) * 1000, 1),
        "ingest_html_page_bytes": len(page),
        "ingest_html_page_units": revision.sentences.count(),
    }


def draft_page_results(newsroom: Newsroom, editor: object, client: Client) -> dict[str, object]:
    """draft_page_60/600_p50_ms: the page of an analysed 60- and 600-sentence draft with 15
    and 150 claims; its queries, the same for both; its size in bytes. draft_page_600_ratio:
    the 600-sentence page's median over the floor's (bench/floor.py: the same 600 units as plain
    rows, one query, one template), fetched in turn in the same run; the floor's own figures
    are in draft_page_600_floor."""
    results: dict[str, object] = {}
    queries: dict[int, int] = {}
    for size, claims in ((60, 15), (600, 150)):
        draft = analysed_draft(newsroom, editor, synthetic_draft(size, seed=size))
        revision = draft.revisions.get()
        sentences = list(revision.sentences.exclude(kind=Sentence.Kind.BOILERPLATE))
        assert len(sentences) == size, (size, len(sentences))
        for s in sentences[:: len(sentences) // claims][:claims]:
            claim_mark_sentence(sentence=s, by=editor)
        url = draft.get_absolute_url()
        page = client.get(url)  # warm caches (templates, session)
        assert page.status_code == 200
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries[size] = len(captured)  # now: later requests reset the connection's query log
        results[f"draft_page_{size}_bytes"] = len(page.content)
        if size != 600:
            samples = timed(lambda: client.get(url), 50)  # noqa: B023
            results[f"draft_page_{size}_p50_ms"] = round(statistics.median(samples) * 1000, 2)
        else:
            page_s, floor_s, floor = _page_and_floor(client, url, revision.pk, 50)
            results["draft_page_600_p50_ms"] = round(page_s * 1000, 2)
            results["draft_page_600_ratio"] = round(page_s / floor_s, 2)
            results["draft_page_600_floor"] = {"p50_ms": round(floor_s * 1000, 2), "bytes": floor}
        results[f"draft_page_{size}_queries"] = queries[size]
    # Issue 2's target: the query count the same for 60 and 600 sentences.
    results["draft_page_600_extra_queries"] = queries[600] - queries[60]
    return results


def mark_results(newsroom: Newsroom, editor: object, client: Client) -> dict[str, object]:
    """mark_claim_p50_ms / unmark_claim_p50_ms: one click on the draft page's mark button, as htmx
    posts it to the mark endpoint, on an analysed 600-sentence draft with 150 claims (the
    sentences marked had no claim; then each is unmarked); mark_claim_queries and
    unmark_claim_queries: the SQL of one such click. bulk_confirm_50_ms: "Confirm selected"
    with 50 suggestions ticked, one request (the median of 5, each on 50 other suggestions);
    bulk_confirm_50_queries and bulk_confirm_1_queries: its SQL with 50 and with 1."""
    from factcheck.insights.services import suggested_sentences, suggestion_threshold

    draft = analysed_draft(newsroom, editor, synthetic_draft(600, seed=601))
    revision = draft.revisions.get()
    sentences = list(revision.sentences.exclude(kind=Sentence.Kind.BOILERPLATE).order_by("index"))
    assert len(sentences) == 600, len(sentences)
    claimed = sentences[::4][:150]
    for s in claimed:
        claim_mark_sentence(sentence=s, by=editor)
    free = [s.index for s in sentences if s not in claimed]
    mark_url = f"/claims/drafts/{draft.pk}/mark/"
    htmx = {"HTTP_HX_REQUEST": "true"}

    def post(url: str, data: dict[str, object]) -> None:
        # Form-encoded, as htmx posts the page's forms (not the test client's multipart).
        form = urlencode(data, doseq=True)
        response = client.post(url, form, content_type="application/x-www-form-urlencoded", **htmx)
        assert response.status_code == 200, (url, data, response.status_code)

    repeat = 40
    marked, free = free[:repeat], free[repeat:]
    post(mark_url, {"mark": free[0]})  # warm up (templates, session)
    post(mark_url, {"unmark": free[0]})
    mark_s = [timed(lambda i=i: post(mark_url, {"mark": i}), 1)[0] for i in marked]  # type: ignore[misc]
    unmark_s = [timed(lambda i=i: post(mark_url, {"unmark": i}), 1)[0] for i in marked]  # type: ignore[misc]
    with CaptureQueriesContext(connection) as mark_q:
        post(mark_url, {"mark": free[1]})
    with CaptureQueriesContext(connection) as unmark_q:
        post(mark_url, {"unmark": free[1]})
    assert draft.claims.exclude(status=Claim.Status.DISMISSED).count() == 150

    # Suggestions never marked (a sentence unmarked above is suggested again, but restoring its
    # claim is not what "confirm" measures here).
    touched = set(marked) | set(free[:2])
    threshold = suggestion_threshold(draft.newsroom)
    suggested = [
        s.index for s in suggested_sentences(revision, threshold) if s.index not in touched
    ]
    timed_rounds = 5
    assert len(suggested) >= (timed_rounds + 1) * 50 + 1, f"only {len(suggested)} suggestions"
    bulk_url = f"/insights/drafts/{draft.pk}/suggestions/"
    rounds = [suggested[i * 50 : (i + 1) * 50] for i in range(timed_rounds + 1)]

    def confirm(units: list[int]) -> None:
        post(bulk_url, {"bulk": "confirm", "units": units})

    bulk_s = [timed(lambda u=units: confirm(u), 1)[0] for units in rounds[:timed_rounds]]  # type: ignore[misc]
    with CaptureQueriesContext(connection) as bulk_q:
        confirm(rounds[timed_rounds])
    with CaptureQueriesContext(connection) as one_q:
        confirm([suggested[len(rounds) * 50]])
    confirmed = len(rounds) * 50 + 1
    assert draft.claims.exclude(status=Claim.Status.DISMISSED).count() == 150 + confirmed
    return {
        "mark_claim_p50_ms": round(statistics.median(mark_s) * 1000, 2),
        "unmark_claim_p50_ms": round(statistics.median(unmark_s) * 1000, 2),
        "mark_claim_queries": len(mark_q),
        "unmark_claim_queries": len(unmark_q),
        "bulk_confirm_50_ms": round(statistics.median(bulk_s) * 1000, 2),
        "bulk_confirm_50_queries": len(bulk_q),
        "bulk_confirm_1_queries": len(one_q),
    }


def _page_and_floor(
    client: Client, url: str, revision: int, repeat: int
) -> tuple[float, float, int]:
    """The medians of the page and of the floor, fetched in turn (a busy moment of the machine
    slows both, not one), and the floor's size in bytes."""
    with override_settings(ROOT_URLCONF="floor"):
        floor_url = reverse("bench_floor", args=[revision])
        floor = client.get(floor_url)
        assert floor.status_code == 200 and floor.content.count(b"<tr id=") == 600, floor
        page, base = [], []
        for _ in range(repeat):
            page += timed(lambda: client.get(url), 1)
            base += timed(lambda: client.get(floor_url), 1)
    return statistics.median(page), statistics.median(base), len(floor.content)


def analysis_results(newsroom: Newsroom, editor: object) -> dict[str, object]:
    """analyze_600_s: re-analysing a 600-unit draft, stored (scores, types, quotes, findings);
    checkworthiness_sentences_per_s: the model alone over 10,000 sentences."""
    draft = analysed_draft(newsroom, editor, synthetic_draft(600, seed=600))
    revision = draft.revisions.get()
    assert revision.sentences.count() == 600
    analyse_s = statistics.median(timed(lambda: revision_analyse(revision=revision), 5))
    model = checkworthiness.load()
    text = synthetic_draft(10_000)
    texts = [text[unit.start : unit.end] for unit in segment(text)]
    model.scores(texts[:100])  # warm up
    score_s = statistics.median(timed(lambda: model.scores(texts), 3))
    return {
        "analyze_600_s": round(analyse_s, 4),
        "checkworthiness_sentences": len(texts),
        "checkworthiness_sentences_per_s": round(len(texts) / score_s),
    }


def edited(text: str, seed: int) -> str:
    """``text`` as the desk edits copy: in about one paragraph of ten a figure is replaced, a
    sentence is cut or a new one goes in, and one paragraph moves to the end."""
    rng = random.Random(seed)
    paragraphs = text.strip().split("\n\n")
    head, body = paragraphs[0], paragraphs[1:]
    out = []
    for paragraph in body:
        roll = rng.random()
        if roll < 0.04:
            paragraph = re.sub(r"\d+", lambda m: str(int(m.group()) + 1), paragraph, count=1)
        elif roll < 0.07:
            paragraph = paragraph.split(". ", 1)[-1]
        elif roll < 0.10:
            paragraph = f"{sentence(rng)} {paragraph}"
        out.append(paragraph)
    out.append(out.pop(len(out) // 2))
    return "\n\n".join([head, *out]) + "\n"


def reanchor_results(newsroom: Newsroom, editor: object) -> dict[str, object]:
    """reanchor_600_s: a new version of a 600-sentence draft with 150 claims (a few figures
    replaced, sentences cut and added, a paragraph moved) loaded, its claims re-anchored and
    stored, with their history and what follows (claims.revisions.revision_load); the median
    of 3 successive versions. reanchor_600_queries: the queries of one."""
    from factcheck.claims.revisions import revision_load

    text = synthetic_draft(600, seed=613)
    draft = draft_import(newsroom=newsroom, by=editor, text=text)
    sentences = list(draft.revisions.get().sentences.order_by("index"))
    for s in sentences[1::4][:150]:
        claim_mark_sentence(sentence=s, by=editor)
    versions = [edited(text, seed) for seed in (1, 2, 3, 4)]
    times = []
    for version in versions[:3]:
        start = time.perf_counter()
        loaded = revision_load(draft=draft, by=editor, text=version)  # type: ignore[arg-type]
        times.append(time.perf_counter() - start)
        assert sum(loaded.counts().values()) >= 100, loaded.counts()
    with CaptureQueriesContext(connection) as queries:
        revision_load(draft=draft, by=editor, text=versions[3])  # type: ignore[arg-type]
    return {
        "reanchor_600_s": round(statistics.median(times), 4),
        "reanchor_600_queries": len(queries),
    }


def reanchor_accuracy_results() -> dict[str, object]:
    """reanchor_accuracy / reanchor_misanchors: the claims of the blind held-out edit scenarios
    (factcheck.analysis.anchor_eval: 1,000 scenarios, seed never used while developing) placed
    where they belong: kept, changed, removed or orphaned, and for kept and changed, in the
    right sentence; a mis-anchor is a claim attached to a sentence it does not belong to."""
    from factcheck.analysis import anchor_eval
    from factcheck.analysis.anchor import reanchor

    cases = anchor_eval.scenarios(anchor_eval.HELDOUT_SEED, anchor_eval.HELDOUT_COUNT)
    result = anchor_eval.score(cases, reanchor)
    return {
        "reanchor_accuracy": round(result.accuracy, 4),
        "reanchor_misanchors": result.misanchors,
        "reanchor_claims": result.total.claims,
        "reanchor_scenarios": len(cases),
    }


def api_claims_results(newsroom: Newsroom, editor: object) -> dict[str, object]:
    """api_claims_list_p50_ms: GET /api/v1/drafts/<id>/claims/?limit=500 with a bearer token,
    on a 600-sentence draft with a claim on every unit (600): the largest page the API gives
    (500 claims, each with its revision, unit and evidence links), the median of 20 after one
    warm-up; api_claims_list_queries: its SQL. The default page (50 claims) is timed too, in
    api_claims_list_setup."""
    from factcheck.api.services import api_token_create
    from factcheck.claims.services import claims_mark_sentences

    draft = draft_import(newsroom=newsroom, by=editor, text=synthetic_draft(600, seed=607))  # type: ignore[arg-type]
    units = list(draft.revisions.get().sentences.order_by("index"))
    claims_mark_sentences(sentences=units, by=editor)  # type: ignore[arg-type]
    assert draft.claims.count() == 600, draft.claims.count()
    secret = api_token_create(by=editor, name="bench", newsroom=None).secret  # type: ignore[arg-type]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    url = f"/api/v1/drafts/{draft.pk}/claims/"

    def get(query: str) -> None:
        response = api.get(url + query)
        assert response.status_code == 200, response.content[:200]

    get("?limit=500")  # warm up; writes the token's last use (43 requests: under the limit)
    body = api.get(url + "?limit=500").json()
    assert body["count"] == 600 and len(body["results"]) == 500, body["count"]
    with CaptureQueriesContext(connection) as captured:
        get("?limit=500")
    queries = len(captured)  # now: later requests reset the connection's query log
    full = statistics.median(timed(lambda: get("?limit=500"), 20))
    default = statistics.median(timed(lambda: get(""), 20))
    return {
        "api_claims_list_p50_ms": round(full * 1000, 2),
        "api_claims_list_queries": queries,
        "api_claims_list_setup": {
            "claims": 600,
            "limit": 500,
            "default_page_50_p50_ms": round(default * 1000, 2),
        },
    }


def api_results(newsroom: Newsroom) -> dict[str, object]:
    """api_draft_create_600_s: ``POST /api/v1/drafts/`` of a 600-sentence draft as JSON with a
    newsroom token (``Authorization: Bearer``), through Django's test client, until its 201: the
    token checked, the body parsed, the draft imported as ``ingest_600_s`` imports it (stored and
    segmented, its analysis queued) and answered with its claims and clearance; the median of 3,
    after one that warms the API's code paths. api_draft_create_600_queries: the SQL of one."""
    from factcheck.api.services import api_token_create

    admin = get_user_model().objects.create_user(f"{newsroom.slug}-api-admin")
    Membership.objects.create(user=admin, newsroom=newsroom, role=Role.ADMIN)
    secret = api_token_create(by=admin, name="bench CMS", newsroom=newsroom).secret
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = json.dumps({"newsroom": newsroom.slug, "title": "Floods", "text": synthetic_draft(600)})

    def post() -> None:
        response = client.post("/api/v1/drafts/", body, content_type="application/json")
        assert response.status_code == 201, (response.status_code, response.content[:300])

    post()  # warm up (the API's imports, the token's first use)
    times = timed(post, 3)
    with CaptureQueriesContext(connection) as queries:
        post()
    Revision.objects.filter(draft__newsroom=newsroom, analysis=Revision.Analysis.PENDING).update(
        analysis=Revision.Analysis.FAILED,
        analysis_error="The benchmark measured the import alone; it did not analyse this draft.",
    )
    return {
        "api_draft_create_600_s": round(statistics.median(times), 4),
        "api_draft_create_600_queries": len(queries),
    }


def main() -> None:
    # Other work on the machine skews every timing here: the load before the bench started says
    # how quiet the machine was (a 2-core machine is busy above 2).
    load_before = [round(x, 2) for x in os.getloadavg()]
    call_command("migrate", verbosity=0)
    run = uuid.uuid4().hex[:8]  # a shared BENCH_DATABASE_URL may hold earlier runs
    newsroom = Newsroom.objects.create(name="Bench", slug=f"bench-{run}")
    editor = get_user_model().objects.create_user(f"bench-{run}", password="bench-password-1")  # noqa: S106
    Membership.objects.create(user=editor, newsroom=newsroom, role=Role.EDITOR)
    client = Client()
    client.force_login(editor)

    # The tasks the imports send go to a queue of this run's own (Redis, or the filesystem
    # broker under the run's temporary folder), which no worker reads; dropped below.
    celery_app.conf.task_always_eager = False
    queue = celery_app.conf.task_default_queue = f"bench-{run}"
    celery_app.conf.task_routes = None  # all of them there, not to the workers' queues
    results: dict[str, object] = {}
    try:
        results.update(ingest_results(newsroom, editor, client))
        results.update(api_results(newsroom))
        results.update(html_page_results(newsroom, editor))
        results.update(draft_page_results(newsroom, editor, client))
        results.update(mark_results(newsroom, editor, client))
        results.update(analysis_results(newsroom, editor))
        results.update(queue_results(run))
        results.update(reanchor_results(newsroom, editor))
        results.update(reanchor_accuracy_results())
        results.update(api_claims_results(newsroom, editor))
    finally:
        if os.environ.get("REDIS_URL"):
            drop_queue(queue)

    results["machine"] = {
        "python": platform.python_version(),
        "database": connection.vendor,
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
    }
    out = ROOT / "bench" / "results.json"
    existing = json.loads(out.read_text()) if out.exists() else {}
    existing.update(results)
    out.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n")
    targets.print_figures(results)
    print(f"written to {out.relative_to(ROOT)}")
    measured = set(results) | set(lookups())  # bench/lookups.py: PostgreSQL and Redis, or why not
    targets.print_summary(json.loads(out.read_text()), measured)


if __name__ == "__main__":
    main()
