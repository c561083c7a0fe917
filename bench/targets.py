"""The benchmark targets (bench/targets.json): each figure beside its target, and the misses.

``targets.json`` maps a figure's name to ``{"max": N}`` or ``{"min": N}``; the issue that set
each one is named in bench/README.md. Plain Python, no Django: tests import it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

TARGETS_FILE = Path(__file__).resolve().with_name("targets.json")
# A figure's name ends so when it is a time or a rate: every one of them has a target.
TIMING_SUFFIXES = ("_s", "_ms", "_per_s")


def load() -> dict[str, dict[str, float]]:
    return {
        name: target
        for name, target in json.loads(TARGETS_FILE.read_text()).items()
        if isinstance(target, dict)
    }


def describe(target: Mapping[str, float]) -> str:
    return ", ".join(f"{bound} {value:g}" for bound, value in target.items())


def met(value: object, target: Mapping[str, float]) -> bool:
    """Whether ``value`` is a number within ``target``'s bounds (a bound is inclusive)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    low, high = target.get("min"), target.get("max")
    return (low is None or value >= low) and (high is None or value <= high)


def line(name: str, value: object, targets: Mapping[str, Mapping[str, float]], width: int) -> str:
    """``ingest_10000_s  1.23  (target max 2)  ok``; a figure without a target stands alone."""
    if name not in targets:
        return f"{name:<{width}}  {value}"
    target = targets[name]
    verdict = "ok" if met(value, target) else "MISS"
    return f"{name:<{width}}  {value!s:<8}  {f'(target {describe(target)})':<18}  {verdict}"


def print_figures(results: Mapping[str, object]) -> None:
    """Each figure of ``results`` on a line, beside its target where it has one."""
    targets = load()
    width = max(len(name) for name in results)
    for name, value in results.items():
        print(line(name, value, targets, width))


def misses(results: Mapping[str, object]) -> list[str]:
    """One line for every target that ``results`` misses, or has no figure for."""
    out = []
    for name, target in load().items():
        if name not in results:
            out.append(f"{name}: no figure (target {describe(target)})")
        elif not met(results[name], target):
            out.append(f"{name} = {results[name]} (target {describe(target)})")
    return out


def print_summary(results: Mapping[str, object], measured: Iterable[str]) -> None:
    """The end of a run: the targets missed in ``results`` (the whole results.json), or that
    all are met; and which figures are an earlier run's, not measured by this one."""
    earlier = sorted(set(load()) - set(measured))
    if earlier:
        print(f"not measured in this run (figures of an earlier run): {', '.join(earlier)}")
    missed = misses(results)
    if missed:
        print(f"targets missed ({len(missed)}):")
        for miss in missed:
            print(f"  {miss}")
    else:
        print("all targets met")
