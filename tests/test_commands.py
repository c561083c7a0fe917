"""The management commands: seed_demo, import_draft and export_draft."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from factcheck.analysis.loaders import LoadError, load_file
from factcheck.analysis.normalise import normalise_text
from factcheck.claims.models import Claim
from factcheck.claims.services import claim_mark_sentence, claim_unmark
from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.newsrooms.models import Membership, Newsroom, Role
from tests.conftest import SAMPLE_TEXT

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "tide-gauge-harbour-71"


def run(*args: Any) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "newsrooms": Newsroom.objects.count(),
        "memberships": Membership.objects.count(),
        "drafts": Draft.objects.count(),
        "revisions": Revision.objects.count(),
        "sentences": Sentence.objects.count(),
        "claims": Claim.objects.count(),
    }


def row_counts() -> tuple[int, int, int]:
    return Draft.objects.count(), Revision.objects.count(), Sentence.objects.count()


# --- seed_demo ---------------------------------------------------------------------------------


def test_seed_demo_twice_gives_the_same_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    output = run("seed_demo")
    first = counts()
    run("seed_demo")
    assert counts() == first
    assert first["users"] == 5
    assert first["newsrooms"] == 2
    assert first["memberships"] == 4
    assert first["drafts"] == 1
    assert first["claims"] > 0
    assert f"password: {DEMO_PASSWORD}" in output


def test_seed_demo_creates_the_cast_with_their_roles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    run("seed_demo")
    roles = {
        (m.user.username, m.newsroom.slug, m.role)
        for m in Membership.objects.select_related("user", "newsroom")
    }
    assert roles == {
        ("editor", "demo", Role.EDITOR),
        ("checker", "demo", Role.CHECKER),
        ("newsadmin", "demo", Role.ADMIN),
        ("outsider", "other", Role.EDITOR),
    }
    siteadmin = get_user_model().objects.get(username="siteadmin")
    assert siteadmin.is_staff and siteadmin.is_superuser
    assert not Membership.objects.filter(user=siteadmin).exists()


@pytest.mark.parametrize("username", ["editor", "checker", "newsadmin", "outsider", "siteadmin"])
def test_seed_demo_password_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, username: str
) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    run("seed_demo")
    user = authenticate(username=username, password=DEMO_PASSWORD)
    assert user is not None
    assert user.get_username() == username
    assert authenticate(username=username, password="factcheck-demo") is None


def test_seed_demo_again_with_a_new_password_resets_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    run("seed_demo")
    monkeypatch.setenv("DEMO_PASSWORD", "second-" + DEMO_PASSWORD)
    run("seed_demo")
    assert authenticate(username="editor", password="second-" + DEMO_PASSWORD) is not None
    assert authenticate(username="editor", password=DEMO_PASSWORD) is None


def test_seed_demo_draft_has_furniture_and_marked_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    run("seed_demo")
    draft = Draft.objects.get()
    assert draft.newsroom.slug == "demo"
    assert draft.title == "Floodwaters Cut Off Valley Towns as Rescue Effort Widens"
    revision = draft.revisions.get()
    assert revision.source == Revision.Source.CLI
    kinds = set(revision.sentences.values_list("kind", flat=True))
    assert Sentence.Kind.BOILERPLATE in kinds
    furniture = [
        revision.text[s.start : s.end]
        for s in revision.sentences.filter(kind=Sentence.Kind.BOILERPLATE)
    ]
    assert "Leave a Reply" in furniture
    claims = list(draft.claims.select_related("sentence"))
    for phrase in ("death toll had risen to 41", "S-92 helicopter", "Nearly 30 people", "S-76"):
        assert any(phrase in claim.text for claim in claims), phrase
    for claim in claims:
        assert claim.whole_sentence
        assert claim.sentence.kind != Sentence.Kind.BOILERPLATE
    # The demo is left mid-way (tests/test_seed_demo_workflow.py checks how).
    assert {c.status for c in claims} >= {Claim.Status.APPROVED, Claim.Status.PROPOSED}


def test_seed_demo_keeps_the_newsrooms_own_drafts_and_claims(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    run("seed_demo")
    draft = Draft.objects.get()
    claim = draft.claims.order_by("start").first()
    assert claim is not None
    claim_unmark(claim=claim, by=None)
    run("seed_demo")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.DISMISSED
    assert Draft.objects.count() == 1


# --- import_draft ------------------------------------------------------------------------------


@pytest.fixture
def sample_file(tmp_path: Path) -> Path:
    path = tmp_path / "storm.txt"
    path.write_bytes(SAMPLE_TEXT.encode("utf-8"))
    return path


def test_import_draft_json_prints_exactly_the_documented_numbers(
    newsroom: Any, sample_file: Path
) -> None:
    output = run("import_draft", str(sample_file), "--newsroom", "demo", "--json")
    result = json.loads(output)
    draft = Draft.objects.get()
    assert list(result) == ["draft", "revision", "sentences", "claims"]
    assert result == {
        "draft": draft.pk,
        "revision": 1,
        "sentences": draft.revisions.get().sentences.count(),
        "claims": 0,
    }
    assert result["sentences"] == 6
    revision = draft.revisions.get()
    assert revision.source == Revision.Source.CLI
    assert revision.filename == "storm.txt"
    assert draft.created_by is None
    assert draft.title == "Storm Closes Harbour Road"


def test_import_draft_without_json_prints_a_sentence(newsroom: Any, sample_file: Path) -> None:
    output = run("import_draft", str(sample_file), "--newsroom", "demo", "--title", "Harbour")
    draft = Draft.objects.get()
    assert draft.title == "Harbour"
    assert output.strip() == f"Imported draft {draft.pk} “Harbour”: revision 1, 6 units."


def test_import_draft_reads_standard_input_for_a_dash(
    newsroom: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(SAMPLE_TEXT.encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    result = json.loads(run("import_draft", "-", "--newsroom", "demo", "--json"))
    revision = Draft.objects.get(pk=result["draft"]).revisions.get()
    assert revision.text == normalise_text(SAMPLE_TEXT)
    assert revision.filename == ""
    assert result["sentences"] == 6


def test_import_draft_by_an_editor_records_them(
    newsroom: Any, editor: Any, sample_file: Path
) -> None:
    run("import_draft", str(sample_file), "--newsroom", "demo", "--by", "editor", "--json")
    assert Draft.objects.get().created_by == editor


def test_import_draft_by_a_checker_is_refused(
    newsroom: Any, checker: Any, sample_file: Path
) -> None:
    with pytest.raises(CommandError, match="cannot load drafts"):
        run("import_draft", str(sample_file), "--newsroom", "demo", "--by", "checker")
    assert row_counts() == (0, 0, 0)


def test_import_draft_by_an_outsider_is_refused(
    newsroom: Any, outsider: Any, sample_file: Path
) -> None:
    with pytest.raises(CommandError, match="cannot load drafts"):
        run("import_draft", str(sample_file), "--newsroom", "demo", "--by", "outsider")
    assert row_counts() == (0, 0, 0)


def test_import_draft_by_an_unknown_user_is_refused(newsroom: Any, sample_file: Path) -> None:
    with pytest.raises(CommandError, match="No user 'nobody'"):
        run("import_draft", str(sample_file), "--newsroom", "demo", "--by", "nobody")
    assert row_counts() == (0, 0, 0)


def test_import_draft_into_an_unknown_newsroom_is_refused(sample_file: Path) -> None:
    with pytest.raises(CommandError, match="No newsroom with slug 'nowhere'"):
        run("import_draft", str(sample_file), "--newsroom", "nowhere")
    assert row_counts() == (0, 0, 0)


def test_import_draft_of_a_missing_file_is_refused(newsroom: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        run("import_draft", str(tmp_path / "absent.txt"), "--newsroom", "demo")
    assert row_counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        # Too little text to tell windows-1252's "é" from windows-1251's "й".
        ("legacy.txt", "café au lait\n".encode("cp1252")),
        ("report.pdf", b"%PDF-1.4 a report"),
        ("storm.docx", b"PK\x03\x04 not really a zip"),
        ("blank.md", b"   \n\n"),
    ],
    ids=["not-utf8", "pdf", "broken-docx", "empty"],
)
def test_import_draft_of_a_bad_file_gives_the_loaders_message_and_saves_nothing(
    newsroom: Any, tmp_path: Path, name: str, data: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(LoadError) as refused:
        load_file(name, data)
    with pytest.raises(CommandError) as failed:
        run("import_draft", str(path), "--newsroom", "demo")
    assert str(failed.value) == str(refused.value)
    assert row_counts() == (0, 0, 0)


# --- export_draft ------------------------------------------------------------------------------


def test_export_draft_prints_the_documented_shape(
    newsroom: Any, editor: Any, sample_file: Path
) -> None:
    run("import_draft", str(sample_file), "--newsroom", "demo")
    draft = Draft.objects.get()
    revision = draft.revisions.get()
    kept = claim_mark_sentence(sentence=revision.sentences.get(index=2), by=editor)
    dropped = claim_mark_sentence(sentence=revision.sentences.get(index=1), by=editor)
    claim_unmark(claim=dropped, by=editor)

    data = json.loads(run("export_draft", str(draft.pk), "--format", "json"))

    assert list(data)[:4] == ["draft", "revision", "sentences", "claims"]
    assert {"id", "title", "newsroom", "created_at", "updated_at", "deadline"} <= set(data["draft"])
    assert (data["draft"]["id"], data["draft"]["title"]) == (draft.pk, draft.title)
    assert data["draft"]["newsroom"] == "demo"
    assert data["draft"]["deadline"] is None
    assert {"number", "text", "source", "filename", "created_at"} <= set(data["revision"])
    assert data["revision"]["number"] == 1
    assert data["revision"]["text"] == normalise_text(SAMPLE_TEXT)
    assert data["revision"]["source"] == "cli"
    assert len(data["sentences"]) == 6
    for position, sentence in enumerate(data["sentences"]):
        assert {"index", "start", "end", "text", "kind", "block"} <= set(sentence)
        assert sentence["index"] == position
        assert sentence["text"] == revision.text[sentence["start"] : sentence["end"]]
    assert data["sentences"][0]["kind"] == "headline"
    assert data["sentences"][4] == {
        **data["sentences"][4],
        "kind": "boilerplate",
        "text": "Leave a Reply",
    }
    by_id = {claim["id"]: claim for claim in data["claims"]}
    assert set(by_id) == {kept.pk, dropped.pk}
    assert by_id[kept.pk] == by_id[kept.pk] | {
        "id": kept.pk,
        "start": kept.start,
        "end": kept.end,
        "text": "About 300 homes lost power.",
        "status": "unchecked",
        "sentence": 2,
    }
    assert by_id[dropped.pk]["status"] == "dismissed"


def test_export_draft_keeps_non_ascii_characters_as_written(newsroom: Any, tmp_path: Path) -> None:
    path = tmp_path / "cafe.txt"
    path.write_text("“Café” – Ñandú…\n\nThe mayor’s “plan” costs €50 million.\n", encoding="utf-8")
    run("import_draft", str(path), "--newsroom", "demo")
    output = run("export_draft", str(Draft.objects.get().pk))
    assert "The mayor’s “plan” costs €50 million." in output
    assert "\\u" not in output


def test_export_draft_of_a_missing_draft_is_refused() -> None:
    with pytest.raises(CommandError, match="No draft 424242"):
        run("export_draft", "424242", "--format", "json")


def test_seed_draft_round_trips_through_import_and_export(
    newsroom: Any, tmp_path: Path, seed_draft_text: str
) -> None:
    path = tmp_path / "karabakh-draft.txt"
    path.write_text(seed_draft_text, encoding="utf-8")
    result = json.loads(run("import_draft", str(path), "--newsroom", "demo", "--json"))

    data = json.loads(run("export_draft", str(result["draft"]), "--format", "json"))

    text = data["revision"]["text"]
    assert text == normalise_text(seed_draft_text)
    assert len(data["sentences"]) == result["sentences"] > 10
    previous_end = 0
    for position, sentence in enumerate(data["sentences"]):
        assert sentence["index"] == position
        assert previous_end <= sentence["start"] < sentence["end"] <= len(text)
        assert sentence["text"] == text[sentence["start"] : sentence["end"]]
        assert sentence["text"] == sentence["text"].strip()
        previous_end = sentence["end"]
    assert data["claims"] == []
