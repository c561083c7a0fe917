"""The commands train_checkworthiness and evaluate_checkworthiness."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from factcheck.analysis import checkworthiness as cw
from factcheck.drafts.management.commands.train_checkworthiness import FILES
from tests.analysis.test_checkworthiness import DEV_TEST_F1
from tests.conftest import shared_path

FILES = {**FILES, "dev-test": "CT24_checkworthy_english_dev-test.tsv"}

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


def test_evaluate_prints_exactly_n_precision_recall_f1(data_dir: Path) -> None:
    out, _ = run("evaluate_checkworthiness", str(data_dir / FILES["dev-test"]))
    result = json.loads(out)
    assert list(result) == ["n", "precision", "recall", "f1"]
    assert result["n"] == 16
    # the synthetic rows are plain: figures and statistics vs thanks and chatter
    assert result["f1"] >= 0.9


def test_evaluate_uses_the_committed_model_by_default(tmp_path: Path) -> None:
    path = tsv(tmp_path / "x.tsv", 2)
    result = json.loads(run("evaluate_checkworthiness", str(path))[0])
    assert list(result) == ["n", "precision", "recall", "f1"]
    assert result["n"] == 4


def test_evaluate_on_shared_dev_test_matches_the_model_card() -> None:
    path = shared_path("checkworthy", FILES["dev-test"])
    result = json.loads(run("evaluate_checkworthiness", str(path))[0])
    assert result["n"] == 318
    assert result["f1"] >= DEV_TEST_F1


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
    model = tmp_path / "model"
    model.mkdir()
    (model / cw.MANIFEST_NAME).write_text("not a model", encoding="utf-8")
    with pytest.raises(CommandError, match="not a check-worthiness manifest"):
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


def test_train_says_what_to_install_when_torch_is_missing(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # as in CI: requirements/train.txt absent
    with pytest.raises(CommandError, match=r"requirements/train\.txt"):
        run("train_checkworthiness", "--data", str(data_dir), "--out", str(tmp_path / "m"))
    assert not (tmp_path / "m").exists()
