#!/usr/bin/env python
"""Benchmarks for factcheck: ``make bench`` prints the figures and writes bench/results.json.

Runs against a throwaway SQLite database (or ``BENCH_DATABASE_URL``, e.g. a PostgreSQL URL),
never the app's own database. Synthetic drafts are generated: news-like sentences with
quotes, figures and abbreviations, in paragraphs of one to four sentences.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="factcheck-bench-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ["FACTCHECK_VAR_DIR"] = _tmp
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ["DEBUG"] = "0"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from factcheck.claims.services import claim_mark_sentence  # noqa: E402
from factcheck.drafts.models import Sentence  # noqa: E402
from factcheck.drafts.services import draft_import  # noqa: E402
from factcheck.newsrooms.models import Membership, Newsroom, Role  # noqa: E402

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


def main() -> None:
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    run = uuid.uuid4().hex[:8]  # a shared BENCH_DATABASE_URL may hold earlier runs
    newsroom = Newsroom.objects.create(name="Bench", slug=f"bench-{run}")
    editor = get_user_model().objects.create_user(f"bench-{run}", password="bench-password-1")  # noqa: S106
    Membership.objects.create(user=editor, newsroom=newsroom, role=Role.EDITOR)

    results: dict[str, object] = {}
    text_600, text_10k = synthetic_draft(600), synthetic_draft(10_000)
    results["ingest_600_s"] = round(
        statistics.median(
            timed(lambda: draft_import(newsroom=newsroom, by=editor, text=text_600), 5)
        ),
        4,
    )
    results["ingest_10000_s"] = round(
        statistics.median(
            timed(lambda: draft_import(newsroom=newsroom, by=editor, text=text_10k), 3)
        ),
        4,
    )
    results["ingest_10000_bytes"] = len(text_10k.encode())
    text_1mb = synthetic_draft(15_500, seed=1)
    results["ingest_1mb_s"] = round(
        statistics.median(
            timed(lambda: draft_import(newsroom=newsroom, by=editor, text=text_1mb), 3)
        ),
        4,
    )
    results["ingest_1mb_bytes"] = len(text_1mb.encode())

    client = Client()
    client.force_login(editor)
    for size, claims in ((60, 15), (600, 150)):
        draft = draft_import(newsroom=newsroom, by=editor, text=synthetic_draft(size, seed=size))
        sentences = list(draft.revisions.get().sentences.exclude(kind=Sentence.Kind.BOILERPLATE))
        assert len(sentences) == size, (size, len(sentences))
        for s in sentences[:: len(sentences) // claims][:claims]:
            claim_mark_sentence(sentence=s, by=editor)
        url = draft.get_absolute_url()
        assert client.get(url).status_code == 200  # warm caches (templates, session)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        query_count = len(queries)  # now: later requests reset the connection's query log
        samples = timed(lambda: client.get(url), 50)  # noqa: B023
        results[f"draft_page_{size}_p50_ms"] = round(statistics.median(samples) * 1000, 2)
        results[f"draft_page_{size}_queries"] = query_count

    results["machine"] = {
        "python": platform.python_version(),
        "database": connection.vendor,
        "cpus": os.cpu_count(),
    }
    out = ROOT / "bench" / "results.json"
    existing = json.loads(out.read_text()) if out.exists() else {}
    existing.update(results)
    out.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n")
    width = max(len(k) for k in results)
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
