"""The command line and the export with revisions: ``import_draft PATH --draft ID`` loads a new
version; ``export_draft --format json`` lists the revisions and each claim's revision and anchor."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management.base import CommandError

from factcheck.claims.models import Claim
from factcheck.claims.revisions import revision_load
from factcheck.drafts.models import Revision
from factcheck.history.models import AuditEntry
from tests.claims.test_revisions import POWER_V1, POWER_V2, REOPENED, V2, Story, make_story
from tests.test_commands import run

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(newsroom: Any, editor: Any, checker: Any) -> Story:
    return make_story(newsroom, editor, checker)


@pytest.fixture
def v2_file(tmp_path: Path) -> Path:
    path = tmp_path / "harbour-v2.txt"
    path.write_bytes(V2.encode("utf-8"))
    return path


# --- import_draft --draft ------------------------------------------------------------------------


def test_import_draft_json_prints_what_became_of_the_claims(story: Story, v2_file: Path) -> None:
    output = run("import_draft", str(v2_file), "--draft", str(story.draft.pk), "--json")
    result = json.loads(output)
    assert list(result) == ["draft", "revision", "kept", "changed", "removed", "orphaned"]
    assert result == {
        "draft": story.draft.pk,
        "revision": 2,
        "kept": 3,
        "changed": 1,
        "removed": 1,
        "orphaned": 1,
    }
    revision = story.draft.revisions.get(number=2)
    assert (revision.source, revision.filename, revision.created_by) == (
        Revision.Source.CLI,
        "harbour-v2.txt",
        None,
    )
    entry = AuditEntry.objects.get(draft=story.draft, action="revision_loaded")
    assert entry.summary.startswith("Revision 2 loaded by the command line: 3 kept")


def test_import_draft_without_json_prints_a_sentence(story: Story, v2_file: Path) -> None:
    output = run("import_draft", str(v2_file), "--draft", str(story.draft.pk))
    assert output.strip() == (
        f"Loaded revision 2 of draft {story.draft.pk} “Harbour Road Reopens”: "
        "3 kept, 1 changed, 1 removed, 1 orphaned."
    )


def test_import_draft_by_a_user_records_them(story: Story, v2_file: Path, editor: Any) -> None:
    run("import_draft", str(v2_file), "--draft", str(story.draft.pk), "--by", "editor")
    assert story.draft.revisions.get(number=2).created_by == editor


def test_import_draft_reads_a_new_version_from_standard_input(
    story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(V2.encode()), encoding="utf-8"))
    result = json.loads(run("import_draft", "-", "--draft", str(story.draft.pk), "--json"))
    assert result["revision"] == 2 and result["changed"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--draft", "987654"], "No draft 987654."),
        (["--draft", "{draft}", "--by", "nobody"], "No user 'nobody'."),
        (["--draft", "{draft}", "--by", "checker"], "does not allow loading a new version"),
        (["--draft", "{draft}", "--title", "New"], "--title names a new draft"),
    ],
)
def test_import_draft_refusals_write_nothing(
    story: Story, v2_file: Path, args: list[str], message: str
) -> None:
    args = [a.format(draft=story.draft.pk) for a in args]
    with pytest.raises(CommandError, match=message):
        run("import_draft", str(v2_file), *args)
    assert story.draft.revisions.count() == 1


def test_import_draft_takes_a_newsroom_or_a_draft_not_both(story: Story, v2_file: Path) -> None:
    with pytest.raises(CommandError):
        run("import_draft", str(v2_file), "--draft", str(story.draft.pk), "--newsroom", "demo")
    with pytest.raises(CommandError):
        run("import_draft", str(v2_file))


def test_import_draft_refuses_an_empty_version(story: Story, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n")
    with pytest.raises(CommandError, match="empty"):
        run("import_draft", str(empty), "--draft", str(story.draft.pk))
    assert story.draft.revisions.count() == 1


# --- export_draft --------------------------------------------------------------------------------


def test_export_lists_the_revisions_and_each_claims_revision_and_anchor(
    story: Story, editor: Any
) -> None:
    revision_load(draft=story.draft, by=editor, text=V2)
    data = json.loads(run("export_draft", str(story.draft.pk), "--format", "json"))

    revisions = data["revisions"]
    assert [r["number"] for r in revisions] == [1, 2]
    assert [r["loaded_by"] for r in revisions] == ["editor", "editor"]
    loaded_at = story.draft.revisions.get(number=2).created_at.isoformat()
    assert revisions[1]["loaded_at"] == loaded_at
    assert data["revision"]["number"] == 2

    claims = {c["id"]: c for c in data["claims"]}
    assert set(claims) == set(Claim.objects.filter(draft=story.draft).values_list("pk", flat=True))
    reopened = claims[story.reopened.pk]
    assert reopened["revision"] == 2
    anchor = reopened["anchor"]
    assert set(anchor) == {"quote", "prefix", "suffix", "start", "end", "state"}
    assert anchor["quote"] == REOPENED == V2[anchor["start"] : anchor["end"]]
    assert V2[: anchor["start"]].endswith(anchor["prefix"]) and anchor["prefix"]
    assert V2[anchor["end"] :].startswith(anchor["suffix"]) and anchor["suffix"]
    assert anchor["state"] == "anchored"

    power = claims[story.power.pk]
    assert power["anchor"]["quote"] == POWER_V2 and power["revision"] == 2
    assert (power["changed_since_checked"], power["checked_text"]) == (True, POWER_V1)

    mayor = claims[story.mayor.pk]  # orphaned: its quote in revision 1's text
    assert (mayor["revision"], mayor["anchor"]["state"]) == (1, "orphaned")
    assert (
        mayor["anchor"]["quote"]
        == "Mayor Ines Holt thanked the crews who worked through the night."
    )
    assert claims[story.wall.pk]["anchor"]["state"] == "archived"


def test_export_of_a_first_version_lists_one_revision(story: Story) -> None:
    data = json.loads(run("export_draft", str(story.draft.pk)))
    assert [(r["number"], r["loaded_by"]) for r in data["revisions"]] == [(1, "editor")]
    assert {c["revision"] for c in data["claims"]} == {1}
