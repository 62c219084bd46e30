"""Runs the oracle's EKG search (reference spec §6.3-§6.5, ekg_oracle.SearchOracle) from given
weights on the search validation subset of a CIFAR-10 folder, without a warm-up, and writes a JSON
log for compare_search.py.

Usage:
  tools/reference/.venv/bin/python tools/reference/search_from_weights.py \
      --weights RUN/warmed_params.pkl --data_path DATA --val_per_class 8 --steps 77 --out oracle.json

The validation subset is the reference's (spec §2): per class the last --val_per_class training
indices in reverse order, concatenated, shuffled by np.random.seed(1); np.random.shuffle; batched
by --batch_size without dropping the remainder, every batch's sums divided by --batch_size (the
search_batch_size flag). The images are normalised as in §2 (float32 (x - mean) / std, the BGR-listed
statistics on RGB channels). Kernels: Eigen (ekg_oracle turns oneDNN off before TensorFlow loads).

With --follow JAVA_RUN/search_log.jsonl the oracle accepts, at every step, the gate the Java
search accepted (its own argmin is still recorded as "argmin"), so that past a first disagreement
the two keep scoring the same sub-networks and each later step can be compared as well. The Java
search may still be running: the oracle waits for each step's line until the Java run has written
search_history.json (its end) next to the log.

The log is rewritten after every step (so a killed run keeps what it finished): the original
network's metrics, then per step the chosen gate, val loss and accuracy, FLOPs ratio, widths, kept
channels, the shortlist with its costs and threshold, every evaluated candidate (gate, width,
score = CE + soft CE, loss, accuracy), the channel orders the step computed (§6.4(a)) and seconds.
"""
import argparse
import json
import os
import time
from pathlib import Path

import ekg_oracle as eo  # first: it turns oneDNN off before TensorFlow loads
import numpy as np
import tensorflow as tf

CIFAR10_MEAN = np.array([113.9, 123.0, 125.3], np.float32)  # reference spec §2, BGR order
CIFAR10_STD = np.array([66.7, 62.1, 63.0], np.float32)
RECORD = 1 + 32 * 32 * 3  # CIFAR-10 binary: a label byte, then 3072 CHW pixel bytes
SUBSET_SEED = 1  # reference spec §2: the subsets' shuffle seed is hard-coded


def read_cifar10_train(folder):
    """Training images (uint8 [N,32,32,3], HWC) and labels of data_batch_1..5.bin, in order (§2)."""
    raw = np.concatenate([np.fromfile(Path(folder) / f"data_batch_{i}.bin", np.uint8) for i in range(1, 6)])
    if raw.size % RECORD:
        raise ValueError(f"{folder}: training batches hold {raw.size} bytes, not a multiple of {RECORD}")
    records = raw.reshape(-1, RECORD)
    images = records[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images), records[:, 0].astype(np.int64)


def validation_indices(labels, per_class):
    """The search validation subset of reference spec §2: per class idx[:-per_class-1:-1], shuffled."""
    picked = np.hstack([np.where(labels == c)[0][:-per_class - 1:-1] for c in range(int(labels.max()) + 1)])
    np.random.seed(SUBSET_SEED)
    np.random.shuffle(picked)
    return picked


def followed_gate(log, step, poll_seconds=10):
    """The gate of 1-based `step` in a Java search_log.jsonl, waiting for the line while the Java
    search runs; None once that search has ended (search_history.json) without such a step."""
    while True:
        finished = (log.parent / "search_history.json").is_file()
        lines = [line for line in log.read_text().splitlines() if line.strip()] if log.is_file() else []
        if len(lines) >= step:
            return json.loads(lines[step - 1])["gate"]
        if finished:
            return None
        time.sleep(poll_seconds)


def write_json(path, obj):
    tmp = Path(str(path) + ".tmp")
    tmp.write_text(json.dumps(obj))
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weights", required=True, help="the .pkl to search from (e.g. a run's warmed_params.pkl)")
    ap.add_argument("--data_path", required=True, help="CIFAR-10 binary folder (data_batch_1..5.bin)")
    ap.add_argument("--val_per_class", type=int, default=32)
    ap.add_argument("--batch_size", type=int, default=256, help="search_batch_size: batch and divisor")
    ap.add_argument("--depth", type=int, default=56)
    ap.add_argument("--target_rate", type=float, default=0.45)
    ap.add_argument("--search_step", type=float, default=0.2)
    ap.add_argument("--cost_mode", choices=eo.COST_MODES, default="spec_text",
                    help="spec_text = Java's SPEC_SLICE (default), reference_code = AS_EXECUTED")
    ap.add_argument("--steps", type=int, default=1000, help="stop after this many steps (or at the target)")
    ap.add_argument("--threads", type=int, default=1, help="TensorFlow intra-op threads")
    ap.add_argument("--follow", help="a Java search_log.jsonl whose accepted gates the oracle takes")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    tf.config.experimental.enable_op_determinism()
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)

    weights = eo.load_pkl(args.weights)
    images_u8, labels = read_cifar10_train(args.data_path)
    val = validation_indices(labels, args.val_per_class)
    images = (images_u8[val].astype(np.float32) - CIFAR10_MEAN) / CIFAR10_STD
    n = len(val)
    batches = [min(args.batch_size, n - a) for a in range(0, n, args.batch_size)]
    follow = Path(args.follow) if args.follow else None
    start = time.time()
    oracle = eo.SearchOracle(weights, args.depth, 10, images, labels[val], batches, args.batch_size,
                             args.target_rate, args.search_step, args.cost_mode)
    log = {"weights": str(args.weights), "data_path": str(args.data_path), "val_per_class": args.val_per_class,
           "batches": batches, "batch_size_flag": args.batch_size, "target_rate": args.target_rate,
           "search_step": args.search_step, "cost_mode": args.cost_mode, "kernels": "Eigen",
           "threads": args.threads, "follow": args.follow, "val_indices": [int(i) for i in val],
           "original": {"loss": float(oracle.ori_loss), "acc": float(oracle.ori_acc),
                        "flops": int(oracle.ori_flops), "seconds": time.time() - start},
           "steps": []}
    write_json(args.out, log)
    while oracle.ratio(oracle.cur_flops) > args.target_rate and oracle.step_count < args.steps:
        forced = None if follow is None else followed_gate(follow, oracle.step_count + 1)
        if follow is not None and forced is None:
            break
        t = time.time()
        rec = oracle.search_step(forced)
        rec.pop("scores")
        rec["step"] = oracle.step_count
        rec["orders"] = [[int(v) for v in o] for o in oracle.orders]
        rec["seconds"] = time.time() - t
        log["steps"].append(rec)
        write_json(args.out, log)
        print(f"step {rec['step']}: gate {rec['chosen']} (argmin {rec.get('argmin', rec['chosen'])}), "
              f"FLOPs rate {rec['flops_ratio']:.4f}, val loss {rec['loss']:.4f}, {len(rec['evaluated'])} evaluated, {rec['seconds']:.1f} s", flush=True)


if __name__ == "__main__":
    main()
