"""The commands train_checkworthiness and evaluate_checkworthiness."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from factcheck.analysis import checkworthiness as cw
from factcheck.drafts.management.commands.train_checkworthiness import FILES
from tests.conftest import shared_path

HEADER = "Sentence_id\tText\tclass_label\n"
YES = [
    "Unemployment fell to {n} per cent in {y}.",
    "The deficit rose by ${n} billion last year.",
    "Crime went up {n} percent in {y}.",
    "We cut taxes for {n} million families in {y}.",
]
NO = [
    "Thank you very much.",
    "I think that's a great question.",
    "Let me finish, please.",
    "Good evening, everyone.",
]


def run(*args: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def tsv(path: Path, count: int, start: int = 0, extra: str = "") -> Path:
    lines = [HEADER]
    for i in range(start, start + count):
        lines.append(f"y{i}\t{YES[i % 4].format(n=i + 3, y=1980 + i)}\tYes\n")
        lines.append(f'n{i}\t"{NO[i % 4]}"\tNo\n')
    path.write_text("".join(lines) + extra, encoding="utf-8")
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    tsv(folder / FILES["train"], 40, extra="x1\tA.\tNox2\tB.\tNo\n")
    tsv(folder / FILES["dev"], 8, start=40)
    tsv(folder / FILES["dev-test"], 8, start=48)
    return folder


def test_train_writes_a_model_and_prints_dev_and_dev_test_figures(
    data_dir: Path, tmp_path: Path
) -> None:
    out_path = tmp_path / "model.json.gz"
    out, err = run("train_checkworthiness", "--data", str(data_dir), "--out", str(out_path))
    result = json.loads(out)
    assert result["train_rows"] == 80
    assert result["skipped_rows"] == 1
    assert "skipped line 82" in err
    assert result["dev"] == {"n": 16, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert result["dev-test"]["n"] == 16
    assert result["bytes"] == out_path.stat().st_size
    assert cw.load(out_path).threshold == result["threshold"]


def test_evaluate_prints_exactly_n_precision_recall_f1(data_dir: Path, tmp_path: Path) -> None:
    model = tmp_path / "model.json.gz"
    run("train_checkworthiness", "--data", str(data_dir), "--out", str(model))
    out, _ = run(
        "evaluate_checkworthiness", str(data_dir / FILES["dev-test"]), "--model", str(model)
    )
    assert out.strip() == '{"n": 16, "precision": 1.0, "recall": 1.0, "f1": 1.0}'


def test_evaluate_uses_the_committed_model_by_default(tmp_path: Path) -> None:
    path = tsv(tmp_path / "x.tsv", 2)
    result = json.loads(run("evaluate_checkworthiness", str(path))[0])
    assert list(result) == ["n", "precision", "recall", "f1"]
    assert result["n"] == 4


def test_evaluate_on_shared_dev_test_matches_the_model_card() -> None:
    path = shared_path("checkworthy", FILES["dev-test"])
    result = json.loads(run("evaluate_checkworthiness", str(path))[0])
    assert result["n"] == 318
    assert result["f1"] >= 0.7604


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"id\ttext\tlabel\n1\tA.\tNo\n", "header is id"),
        (b"Sentence_id\tText\tclass_label\n1\tA.\tyes please\n", "line 2: label 'yes please'"),
        (b"Sentence_id\tText\tclass_label\n1\t\xff\xfeA.\tNo\n", "not valid UTF-8"),
        (b"Sentence_id\tText\tclass_label\n", "no rows"),
    ],
)
def test_evaluate_refuses_bad_files_with_a_clear_message(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "bad.tsv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run("evaluate_checkworthiness", str(path))


def test_evaluate_refuses_a_model_that_is_not_one(tmp_path: Path) -> None:
    model = tmp_path / "model.json.gz"
    model.write_text("not a model", encoding="utf-8")
    with pytest.raises(CommandError, match="not a check-worthiness model"):
        run("evaluate_checkworthiness", str(tsv(tmp_path / "x.tsv", 2)), "--model", str(model))
    with pytest.raises(CommandError, match="no check-worthiness model"):
        run("evaluate_checkworthiness", str(tmp_path / "x.tsv"), "--model", str(tmp_path / "no"))


def test_train_refuses_a_missing_folder_or_file(data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such folder"):
        run("train_checkworthiness", "--data", str(tmp_path / "absent"))
    (data_dir / FILES["dev"]).unlink()
    with pytest.raises(CommandError, match="no such file"):
        run("train_checkworthiness", "--data", str(data_dir), "--out", str(tmp_path / "m.gz"))
    assert not (tmp_path / "m.gz").exists()


def test_train_refuses_a_bad_label_in_dev(data_dir: Path, tmp_path: Path) -> None:
    with (data_dir / FILES["dev"]).open("a", encoding="utf-8") as f:
        f.write("z1\tSomething.\tMaybe\n")
    with pytest.raises(CommandError, match="label 'Maybe'"):
        run("train_checkworthiness", "--data", str(data_dir), "--out", str(tmp_path / "m.gz"))
