"""The lock file is in step with requirements/*.txt: every pin there is in requirements/lock.txt
at the same version, and every entry of the lock is pinned with sha256 hashes (the installs use
--require-hashes). `make lock` rewrites the lock; this fails until someone runs it."""

from __future__ import annotations

import re
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements"
LOCK = REQUIREMENTS / "lock.txt"
# What `make lock` compiles (each takes base.txt with -r); models.txt is installed apart with
# --no-deps and its own hashes; the training files (make train) stay out of the lock.
LOCKED_INPUTS = ("dev.txt", "prod.txt")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path, seen: set[Path] | None = None) -> dict[str, str]:
    """``name == version`` of a requirements file and the files it takes with ``-r``."""
    seen = seen if seen is not None else set()
    if path in seen:
        return {}
    seen.add(path)
    found: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line.startswith("-r "):
            found.update(pins(path.parent / line[3:].strip(), seen))
        elif match := PIN.match(line):
            found[normalise(match.group(1))] = match.group(3)
        elif line and not line.startswith(("#", "--")):
            raise AssertionError(f"{path.name}: pin with ==: {raw!r}")
    return found


def locked() -> dict[str, tuple[str, int]]:
    """The lock's entries: name -> (version, how many hashes)."""
    entries: dict[str, tuple[str, int]] = {}
    name = ""
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            name = normalise(match.group(1))
            entries[name] = (match.group(3), 0)
        elif line.strip().startswith("--hash=sha256:") and name:
            version, hashes = entries[name]
            entries[name] = (version, hashes + 1)
    return entries


def test_every_pin_of_the_requirements_is_in_the_lock_at_its_version() -> None:
    lock = locked()
    wanted: dict[str, str] = {}
    for name in LOCKED_INPUTS:
        wanted.update(pins(REQUIREMENTS / name))
    assert len(wanted) > 40  # the parse found the pins
    missing = sorted(n for n in wanted if n not in lock)
    differ = {n: (v, lock[n][0]) for n, v in wanted.items() if n in lock and lock[n][0] != v}
    assert not missing and not differ, (
        f"requirements/lock.txt is out of step (run `make lock`): missing {missing}, "
        f"other versions (wanted, locked) {differ}"
    )


def test_every_locked_package_has_hashes_and_the_training_stack_is_out() -> None:
    lock = locked()
    assert len(lock) > 100
    assert not [n for n, (_v, hashes) in lock.items() if hashes == 0]
    assert "pip" in lock and "setuptools" in lock  # --allow-unsafe: --require-hashes needs them
    train_only = set(pins(REQUIREMENTS / "train.txt")) - set(pins(REQUIREMENTS / "base.txt"))
    assert train_only and not train_only & set(lock), train_only & set(lock)


def test_the_models_file_is_hashed_apart() -> None:
    text = (REQUIREMENTS / "models.txt").read_text(encoding="utf-8")
    assert pins(REQUIREMENTS / "models.txt")
    assert text.count("--hash=sha256:") >= len(pins(REQUIREMENTS / "models.txt"))
    assert not set(pins(REQUIREMENTS / "models.txt")) & set(locked())
