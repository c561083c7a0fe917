"""bench/targets.json: well-formed; every target is a figure the bench writes; every timing
figure has a target. And bench/targets.py, which prints them beside each other."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from bench import targets

BENCH = Path(__file__).resolve().parent.parent / "bench"
RESULTS = json.loads((BENCH / "results.json").read_text())
TARGETS = json.loads((BENCH / "targets.json").read_text())
# Top-level numbers are the figures; objects ("machine", "queue_setup", "lookups_by_workers")
# say how they were taken.
FIGURES = {name: value for name, value in RESULTS.items() if not isinstance(value, dict)}


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def names_in_bench_code() -> list[re.Pattern[str]]:
    """Every string the bench scripts write, as a pattern: ``f"ingest_{name}_s"`` becomes
    ``ingest_\\w+_s``. A figure in results.json that no code writes any more is stale."""
    patterns = []
    for script in ("run.py", "lookups.py"):
        for node in ast.walk(ast.parse((BENCH / script).read_text())):
            if isinstance(node, ast.JoinedStr):
                parts = [
                    re.escape(part.value) if isinstance(part, ast.Constant) else r"\w+"
                    for part in node.values
                ]
                patterns.append(re.compile("".join(parts)))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                patterns.append(re.compile(re.escape(node.value)))
    return patterns


def test_targets_file_maps_each_figure_to_a_max_or_a_min() -> None:
    assert isinstance(TARGETS, dict) and TARGETS
    for name, target in TARGETS.items():
        assert isinstance(target, dict), name
        assert len(target) == 1 and set(target) <= {"max", "min"}, (name, target)
        assert all(is_number(bound) for bound in target.values()), (name, target)
    assert targets.load() == TARGETS


def test_every_target_is_a_figure_that_the_bench_writes() -> None:
    written = names_in_bench_code()
    for name in TARGETS:
        assert is_number(FIGURES.get(name)), f"{name}: no figure in bench/results.json"
        assert any(p.fullmatch(name) for p in written), f"{name}: bench/*.py never writes it"


@pytest.mark.parametrize("name", sorted(n for n in FIGURES if n.endswith(targets.TIMING_SUFFIXES)))
def test_every_timing_figure_has_a_target(name: str) -> None:
    assert name in TARGETS, f"{name} is a time or a rate: give it a target in bench/targets.json"


def test_a_figure_is_printed_beside_its_target_with_its_verdict() -> None:
    table = {"ingest_10000_s": {"max": 2}, "lookups_per_s": {"min": 100}}
    assert targets.line("ingest_10000_s", 1.23, table, 14).split() == [
        "ingest_10000_s", "1.23", "(target", "max", "2)", "ok"
    ]  # fmt: skip
    assert targets.line("ingest_10000_s", 7.05, table, 14).endswith("MISS")
    assert targets.line("lookups_per_s", 84.6, table, 14).endswith("MISS")
    assert targets.line("lookups_per_s", 100, table, 14).endswith("ok")  # a bound is inclusive
    assert targets.line("ingest_10000_bytes", 669051, table, 18).split() == [
        "ingest_10000_bytes", "669051"
    ]  # fmt: skip


def test_the_misses_name_the_figures_out_of_bounds_and_the_missing_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "targets.json"
    path.write_text(json.dumps({"a_s": {"max": 2}, "b_per_s": {"min": 100}, "c_ms": {"max": 5}}))
    monkeypatch.setattr(targets, "TARGETS_FILE", path)
    assert targets.misses({"a_s": 1.5, "b_per_s": 99.9}) == [
        "b_per_s = 99.9 (target min 100)",
        "c_ms: no figure (target max 5)",
    ]
    assert targets.misses({"a_s": 2, "b_per_s": 100, "c_ms": 0}) == []
