"""Check-worthiness: how likely a fact-checker would want to check a sentence, as a score in [0, 1].

The model is all-MiniLM-L6-v2 (a 6-layer sentence encoder) fine-tuned whole on the CLEF
CheckThat! 2024 English data, its stopping point and threshold chosen by cross-validation (see
:mod:`cwtrain` and docs/checkworthiness.md). It ships as three files in ``data/checkworthiness/``:

* ``model.int8.onnx``: the network (mean pooling and the logit head included), int8 weights,
  those of its matrix products stored as uint8 so that no CPU's kernel saturates (see
  :func:`cwtrain.matmul_weights_to_uint8`);
* ``tokenizer.json``: the base model's WordPiece tokenizer;
* ``manifest.json``: the threshold, the files' sha256 and how the model was made.

Scoring needs onnxruntime, tokenizers, numpy and onnx, never torch. Every file is checked against
the manifest's sha256 before it is used: a changed file is refused with a message naming it.
On a CPU whose int8 kernel sums exactly (x86 with VNNI or AMX), the uint8 weights are shifted
back to int8 in memory at load time: the same integers, the same scores, and the faster kernel
(:func:`int8_weights`).
Sentences are scored in batches of similar length (less padding), truncated at
:data:`MAX_TOKENS` word pieces.

No Django imports: this module is tested and benchmarked on its own.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from factcheck.analysis import integrity

__all__ = [
    "DEFAULT_DIR",
    "HEADER",
    "KERNEL_ENV",
    "Model",
    "ModelError",
    "Row",
    "TsvError",
    "evaluate",
    "evaluate_scores",
    "exact_int8_kernel",
    "int8_weights",
    "load",
    "read_manifest",
    "read_tsv",
    "session_options",
]

DEFAULT_DIR = Path(__file__).resolve().parent / "data" / "checkworthiness"
ONNX_NAME = "model.int8.onnx"
TOKENIZER_NAME = "tokenizer.json"
MANIFEST_NAME = "manifest.json"
FORMAT = "factcheck-checkworthiness/3"
HEADER = ("Sentence_id", "Text", "class_label")
LABELS = {"Yes": True, "No": False}
# Word pieces kept per sentence: 99.5 % of CT24's sentences and nearly all news sentences fit.
MAX_TOKENS = 96
# Sentences per forward pass; sorted by length first, so a batch pads little.
BATCH = 64
# The threshold grid; the threshold is the best F1 averaged over SMOOTHING steps either side, so
# that it sits on a plateau rather than on one lucky point.
THRESHOLDS = tuple(round(0.05 + 0.01 * i, 2) for i in range(91))
SMOOTHING = 2
# Which MatMul weights the session multiplies: "auto" (int8 where the CPU's int8 kernel sums
# exactly, else the committed uint8), "uint8" or "int8" (for tests and for an operator in doubt).
KERNEL_ENV = "FACTCHECK_CW_KERNEL"
KERNELS = ("auto", "uint8", "int8")
# Scored with both weights at load time before the int8 ones are trusted: any saturating kernel
# moved every one of these (docs/checkworthiness.md).
PROBE = (
    "Unemployment fell to 3.5 per cent in 2019.",
    "Your son said we have to give 10% to the big man.",
    "And we're in a circumstance where the President, thus far, still has no plan.",
    "The bridge, opened in 1932, carries 160,000 vehicles a day across the harbour.",
)

log = logging.getLogger(__name__)


class TsvError(ValueError):
    """A data file we refuse; str(exc) names the file, the line and what is wrong."""


class ModelError(RuntimeError):
    """The model's files are missing, unreadable or not the ones the manifest names."""


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    text: str
    label: bool


@dataclass(frozen=True, eq=False)
class Model:
    """A loaded model: ``scores(texts)`` gives each text's probability of being check-worthy;
    ``threshold`` is the shipped decision threshold (score >= threshold: check-worthy);
    ``info`` is the manifest (how the model was made, for the model card)."""

    session: Any
    tokenizer: Any
    threshold: float
    info: Mapping[str, Any] = field(default_factory=dict)
    # "uint8" (the committed weights) or "int8" (shifted back at load time, see int8_weights).
    kernel: str = "uint8"

    def score(self, text: str) -> float:
        return self.scores([text])[0]

    def scores(self, texts: Sequence[str]) -> list[float]:
        import numpy as np

        if not texts:
            return []
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=True)
        lengths = [len(e.ids) for e in encodings]
        order = sorted(range(len(texts)), key=lengths.__getitem__)
        out = [0.0] * len(texts)
        for at in range(0, len(order), BATCH):
            part = order[at : at + BATCH]
            width = lengths[part[-1]]
            ids = np.zeros((len(part), width), dtype=np.int64)
            mask = np.zeros((len(part), width), dtype=np.int64)
            for row, i in enumerate(part):
                n = lengths[i]
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            (logits,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
            probs = 1.0 / (1.0 + np.exp(-logits.astype(np.float64)))
            for i, p in zip(part, probs.tolist(), strict=True):
                out[i] = round(float(p), 6)
        return out


# --- data ----------------------------------------------------------------------------------------


def read_tsv(path: Path, *, on_malformed: Callable[[int, str], None] | None = None) -> list[Row]:
    """Read a CheckThat!-style file: tab-separated, header ``Sentence_id Text class_label``,
    labels ``Yes``/``No``, texts optionally CSV-quoted.

    A malformed row (wrong number of fields, unknown label) raises :class:`TsvError`, unless
    ``on_malformed`` is given: then it is called with (line number, message) and the row is
    skipped. The released train file has one such row (two rows run together). A missing file,
    wrong header or bad encoding always raises.
    """
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise TsvError(f"{path}: no such file.") from exc
    except IsADirectoryError as exc:
        raise TsvError(f"{path}: is a directory, not a file.") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TsvError(f"{path}, line {line}: not valid UTF-8 ({exc.reason}).") from exc
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t")
    header = next(reader, None)
    if header is None:
        raise TsvError(f"{path}: the file is empty; expected a header {_show(HEADER)}.")
    if tuple(h.strip() for h in header) != HEADER:
        raise TsvError(f"{path}, line 1: header is {_show(header)}, expected {_show(HEADER)}.")
    rows: list[Row] = []
    for record in reader:
        line = reader.line_num
        if not record or record == [""]:
            continue
        problem = None
        if len(record) != len(HEADER):
            problem = f"{len(record)} fields, expected {len(HEADER)}"
        elif record[2].strip() not in LABELS:
            problem = f"label {record[2]!r}, expected 'Yes' or 'No'"
        if problem is not None:
            if on_malformed is None:
                raise TsvError(f"{path}, line {line}: {problem}.")
            on_malformed(line, problem)
            continue
        rows.append(Row(id=record[0], text=record[1], label=LABELS[record[2].strip()]))
    return rows


def _show(fields: Iterable[str]) -> str:
    return "\\t".join(fields)


# --- evaluation ----------------------------------------------------------------------------------


def evaluate(
    model: Model, rows: Sequence[Row], *, threshold: float | None = None
) -> dict[str, Any]:
    """Precision, recall and F1 of the ``Yes`` class at ``threshold`` (default: the model's),
    rounded to 4 places: ``{"n", "precision", "recall", "f1"}``."""
    cut = model.threshold if threshold is None else threshold
    return evaluate_scores(model.scores([r.text for r in rows]), [r.label for r in rows], cut)


def evaluate_scores(
    scores: Sequence[float], gold: Sequence[bool], threshold: float
) -> dict[str, Any]:
    """Precision, recall and F1 of the ``Yes`` class for scores already made."""
    return _prf([s >= threshold for s in scores], gold)


def _prf(predicted: Sequence[bool], gold: Sequence[bool]) -> dict[str, Any]:
    tp = sum(1 for p, g in zip(predicted, gold, strict=True) if p and g)
    fp = sum(1 for p, g in zip(predicted, gold, strict=True) if p and not g)
    fn = sum(1 for p, g in zip(predicted, gold, strict=True) if g and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n": len(gold),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def best_threshold(scores: Sequence[float], gold: Sequence[bool]) -> tuple[float, float]:
    """The threshold on :data:`THRESHOLDS` with the best smoothed F1, and its own F1."""
    f1s = [_prf([s >= t for s in scores], gold)["f1"] for t in THRESHOLDS]
    smoothed = []
    for i in range(len(f1s)):
        window = f1s[max(0, i - SMOOTHING) : i + SMOOTHING + 1]
        smoothed.append(sum(window) / len(window))
    best = max(range(len(f1s)), key=lambda i: (smoothed[i], f1s[i]))
    return THRESHOLDS[best], f1s[best]


# --- artefact ------------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(f"{path}: no check-worthiness model there.") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path}: not a check-worthiness manifest ({exc}).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelError(f"{path}: not a check-worthiness manifest (format {FORMAT} expected).")
    return manifest


def load(path: Path | None = None) -> Model:
    """Load a model folder (default: the committed one), every file checked against the
    manifest's sha256. Cached per folder: the model is read once per process."""
    return _load(Path(path or DEFAULT_DIR).resolve())


def session_options(*, config: Mapping[str, str] | None = None) -> Any:
    """ONNX Runtime's session options for the model, ``config`` added as session config entries
    (the tests compare the scores with ``session.x64quantprecision`` on)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    # One thread: in the first pass the model scores while spaCy parses on the other core, and
    # measured here, two threads then slowed both (a 600-unit analysis took 3.4 s, not 2.2 s).
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    for key, value in (config or {}).items():
        options.add_session_config_entry(key, value)
    return options


def exact_int8_kernel(cpuinfo: str | None = None) -> bool:
    """Whether ONNX Runtime's uint8 x int8 MatMul kernel sums exactly on this CPU: x86 with
    AVX-512 VNNI, AVX-VNNI or AMX, whose instructions (``vpdpbusd``, ``tdpbusd``) add the products
    in 32 bits. Without them it uses ``vpmaddubsw``, which saturates (docs/checkworthiness.md).
    ``cpuinfo``: the text of ``/proc/cpuinfo`` (read when not given; no such file: False)."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
        except OSError:
            return False
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            flags = set(line.partition(":")[2].split())
            return bool(flags & {"avx512_vnni", "avx_vnni", "amx_int8"})
    return False


def int8_weights(model_bytes: bytes) -> bytes:
    """The model with every uint8 ``MatMulInteger`` weight and zero point shifted back to int8
    (minus 128): the inverse of :func:`cwtrain.matmul_weights_to_uint8`. The integers multiplied
    are the same ((w - 128) - (z - 128) = w - z), so where the kernel sums exactly the scores are
    too; on this desk's VNNI machine the int8 kernel scores about 2.5 times as fast."""
    import numpy as np
    import onnx
    from onnx import TensorProto, numpy_helper

    model = onnx.load_from_string(model_bytes)
    initializers = {t.name: t for t in model.graph.initializer}
    names = {
        node.input[i]
        for node in model.graph.node
        if node.op_type == "MatMulInteger"
        for i in (1, 3)
        if len(node.input) > i and node.input[i] in initializers
    }
    for name in sorted(names):
        tensor = initializers[name]
        if tensor.data_type != TensorProto.UINT8:
            raise ModelError(f"{name}: a MatMulInteger weight that is not uint8.")
        shifted = numpy_helper.to_array(tensor).astype(np.int16) - 128
        tensor.CopyFrom(numpy_helper.from_array(shifted.astype(np.int8), name))
    return bytes(model.SerializeToString())


def _kernel() -> str:
    kernel = os.environ.get(KERNEL_ENV, "auto").strip().lower() or "auto"
    if kernel not in KERNELS:
        raise ModelError(f"{KERNEL_ENV}={kernel!r}: expected one of {', '.join(KERNELS)}.")
    return kernel


@functools.lru_cache(maxsize=4)
def _load(folder: Path) -> Model:
    import onnxruntime
    from tokenizers import Tokenizer

    manifest = read_manifest(folder / MANIFEST_NAME)
    pinned = manifest.get("sha256", {})
    integrity.check(
        folder,
        {name: pinned.get(name) for name in (ONNX_NAME, TOKENIZER_NAME)},
        error=ModelError,
        why="Refusing to load a model file that is not the one trained: re-create it with "
        "manage.py train_checkworthiness, or restore it from git.",
    )
    tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_NAME))
    tokenizer.enable_truncation(int(manifest.get("max_tokens", MAX_TOKENS)))
    tokenizer.no_padding()
    data = (folder / ONNX_NAME).read_bytes()

    def model_of(weights: bytes, kernel: str) -> Model:
        session = onnxruntime.InferenceSession(
            weights, session_options(), providers=["CPUExecutionProvider"]
        )
        threshold = float(manifest["threshold"])
        return Model(session, tokenizer, threshold, info=manifest, kernel=kernel)

    kernel = _kernel()
    if kernel == "int8":
        return model_of(int8_weights(data), "int8")
    committed = model_of(data, "uint8")
    if kernel == "uint8" or not exact_int8_kernel():
        return committed
    # "auto" on a CPU that should sum exactly: trusted once the probe scores agree (the
    # committed session is then dropped).
    fast = model_of(int8_weights(data), "int8")
    if fast.scores(PROBE) != committed.scores(PROBE):
        log.warning("The int8 kernel moved the probe scores on this CPU: scoring with uint8.")
        return committed
    return fast
