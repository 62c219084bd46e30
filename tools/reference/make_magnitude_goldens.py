#!/usr/bin/env python3
"""Writes the goldens of the magnitude criteria and the FLOPs-target allocations (NumPy only).

Output: src/test/resources/golden/magnitude/
  weights.pkl      a ResNet-8 (1 block per stage, 10 classes, 32x32) at half widths 8/16/32 with
                   random weights (RandomState 8): conv kernels N(0, 2/(k*k*out)), BN gamma and
                   beta N(0, 1), moving mean N(0, 1), moving variance U(0.5, 1.5), fc kernel
                   N(0, 0.01), fc bias N(0, 0.1); pickle protocol 3 of a dict of float32 C-order
                   arrays, keys in the reference's order (the widths follow from the shapes, as
                   for a pruned file)
  scores.json      the 6 channel groups (name, channels, producing convs, batch norms) and per
                   criterion (l1, l2, bn_scale) one float32 score list per group, raw and with
                   each normalisation (mean, max, sum)
  allocation.json  target rate 0.5, minimum fraction 0.1: the full params/FLOPs, the per-group
                   floors and their FLOPs, the uniform allocation (fraction, kept counts, FLOPs,
                   kept channels per raw criterion) and the global allocation of every criterion
                   and normalisation (kept counts, FLOPs, kept channels)

The group structure is hard-coded here (it is what ChannelGroups derives for this network; the
Java test checks it). Allocation maths, independent of the Java port's algorithms:
  floor_g = max(1, ceil(min_fraction * C_g)), min_fraction taken as its decimal value;
  uniform: the largest fraction f among the k/C_g (exact rationals) whose counts
           max(floor_g, ceil(f * C_g)) fit, found by a linear scan from f = 1 downwards;
  global:  while FLOPs > target * full FLOPs, drop the lowest-scored channel among the groups
           above their floor (ties: lower group index; inside a group the channel ranked last,
           i.e. of equal scores the higher index); every group keeps its top channels.
FLOPs and params as the reference's section 4.5: conv k*k*in*out params, Ho*Wo*params FLOPs; BN
4C params, 2*H*W*C FLOPs; dense in*out + out params, in*out FLOPs.

Run with the reference venv from anywhere:
  tools/reference/.venv/bin/python tools/reference/make_magnitude_goldens.py
"""
import json
import math
import pathlib
import pickle
from fractions import Fraction

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent.parent / "src" / "test" / "resources" / "golden" / "magnitude"

SEED = 8
TARGET_RATE = 0.5
MIN_FRACTION = 0.1
NUM_CLASSES = 10
CRITERIA = ("l1", "l2", "bn_scale")
NORMALIZATIONS = ("none", "mean", "max", "sum")

# (conv, batch norm, kernel, input size, output size, in channels, out channels, in group, out group)
# in graph order; group -1 = fixed channels (the image).
CONVS = [
    ("conv", "bn", 3, 32, 32, 3, 8, -1, 0),
    ("BasicBlock0.0/conv1", "BasicBlock0.0/bn1", 3, 32, 32, 8, 8, 0, 1),
    ("BasicBlock0.0/conv2", "BasicBlock0.0/bn2", 3, 32, 32, 8, 8, 1, 0),
    ("BasicBlock1.0/conv3", "BasicBlock1.0/bn3", 1, 32, 16, 8, 16, 0, 2),
    ("BasicBlock1.0/conv1", "BasicBlock1.0/bn1", 3, 32, 16, 8, 16, 0, 3),
    ("BasicBlock1.0/conv2", "BasicBlock1.0/bn2", 3, 16, 16, 16, 16, 3, 2),
    ("BasicBlock2.0/conv3", "BasicBlock2.0/bn3", 1, 16, 8, 16, 32, 2, 4),
    ("BasicBlock2.0/conv1", "BasicBlock2.0/bn1", 3, 16, 8, 16, 32, 2, 5),
    ("BasicBlock2.0/conv2", "BasicBlock2.0/bn2", 3, 8, 8, 32, 32, 5, 4),
]
FC_IN, FC_IN_GROUP = 32, 4
GROUP_CHANNELS = [8, 8, 16, 16, 32, 32]


def groups():
    """Name (first producer), channels, producers and batch norms of every group, in order."""
    out = []
    for g, channels in enumerate(GROUP_CHANNELS):
        units = [u for u in CONVS if u[8] == g]
        out.append({"name": units[0][0], "channels": channels,
                    "producers": [u[0] for u in units], "batch_norms": [u[1] for u in units]})
    return out


def random_weights(rng):
    w = {}
    for conv, bn, k, _, _, cin, cout, _, _ in CONVS:
        w[f"{conv}/kernel:0"] = rng.standard_normal((k, k, cin, cout)) * math.sqrt(2.0 / (k * k * cout))
        w[f"{bn}/gamma:0"] = rng.standard_normal((1, 1, 1, cout))
        w[f"{bn}/beta:0"] = rng.standard_normal((1, 1, 1, cout))
        w[f"{bn}/moving_mean:0"] = rng.standard_normal((1, 1, 1, cout))
        w[f"{bn}/moving_variance:0"] = rng.uniform(0.5, 1.5, (1, 1, 1, cout))
    w["fc/kernel:0"] = rng.standard_normal((FC_IN, NUM_CLASSES)) * 0.01
    w["fc/biases:0"] = rng.standard_normal((1, NUM_CLASSES)) * 0.1
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in w.items()}


def scores(weights, criterion):
    """One float32 array per group; float64 accumulation of the float32 weights."""
    out = []
    for g in groups():
        total = np.zeros(g["channels"])
        if criterion == "bn_scale":
            for bn in g["batch_norms"]:
                total += np.abs(weights[f"{bn}/gamma:0"].astype(np.float64)).reshape(-1)
        else:
            for conv in g["producers"]:
                kernel = weights[f"{conv}/kernel:0"].astype(np.float64)
                if criterion == "l1":
                    total += np.abs(kernel).sum(axis=(0, 1, 2))
                else:
                    total += np.sqrt((kernel * kernel).sum(axis=(0, 1, 2)))
        out.append(total.astype(np.float32))
    return out


def normalized(group_scores, how):
    out = []
    for s in group_scores:
        s64 = s.astype(np.float64)
        denom = {"none": 1.0, "mean": s64.mean(), "max": s64.max(), "sum": s64.sum()}[how]
        out.append(s if denom == 0 else (s64 / denom).astype(np.float32))
    return out


def complexity(kept):
    """(params, FLOPs) keeping kept[g] channels of every group g (section 4.5)."""
    params = flops = 0
    for _, _, k, _, size_out, cin, _, gin, gout in CONVS:
        ci = cin if gin < 0 else kept[gin]
        co = kept[gout]
        p = k * k * ci * co
        params += p + 4 * co
        flops += size_out * size_out * p + 2 * size_out * size_out * co
    fc_in = kept[FC_IN_GROUP]
    params += fc_in * NUM_CLASSES + NUM_CLASSES
    flops += fc_in * NUM_CLASSES
    return params, flops


def floors():
    fraction = Fraction(repr(MIN_FRACTION))
    return [max(1, math.ceil(fraction * c)) for c in GROUP_CHANNELS]


def fits(kept, full_flops):
    return complexity(kept)[1] <= TARGET_RATE * full_flops


def rank(s):
    """Position of every channel in descending score order, ties to the lower index first."""
    order = np.argsort(-s, kind="stable")
    r = np.empty(len(s), dtype=np.int64)
    r[order] = np.arange(len(s))
    return r


def top_channels(group_scores, counts):
    return [sorted(int(c) for c in np.flatnonzero(rank(s) < n)) for s, n in zip(group_scores, counts)]


def uniform_counts(full_flops):
    fl = floors()
    fractions = sorted({Fraction(k, c) for c in GROUP_CHANNELS for k in range(c + 1)}, reverse=True)
    for f in fractions:
        kept = [max(lo, math.ceil(f * c)) for lo, c in zip(fl, GROUP_CHANNELS)]
        if fits(kept, full_flops):
            return f, kept
    raise AssertionError("the floors fit, so f = 0 does")


def global_kept(group_scores, full_flops):
    fl = floors()
    ranks = [rank(s) for s in group_scores]
    kept = [set(range(c)) for c in GROUP_CHANNELS]
    while not fits([len(k) for k in kept], full_flops):
        best = None
        for g, channels in enumerate(kept):
            if len(channels) <= fl[g]:
                continue
            last = max(channels, key=lambda c: ranks[g][c])
            key = (group_scores[g][last], g)
            if best is None or key < best[0]:
                best = (key, g, last)
        kept[best[1]].remove(best[2])
    return [sorted(k) for k in kept]


def float_lists(arrays):
    return [[float(v) for v in a] for a in arrays]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    weights = random_weights(np.random.RandomState(SEED))
    with open(OUT / "weights.pkl", "wb") as f:
        pickle.dump(weights, f, protocol=3)

    raw = {c: scores(weights, c) for c in CRITERIA}
    score_json = {"groups": groups(), "seed": SEED, "criteria": {
        c: {n: float_lists(normalized(raw[c], n)) for n in NORMALIZATIONS} for c in CRITERIA}}
    with open(OUT / "scores.json", "w") as f:
        json.dump(score_json, f)

    full_params, full_flops = complexity(GROUP_CHANNELS)
    fl = floors()
    fraction, uniform = uniform_counts(full_flops)
    glob = {}
    for c in CRITERIA:
        for n in NORMALIZATIONS:
            kept = global_kept(normalized(raw[c], n), full_flops)
            counts = [len(k) for k in kept]
            glob[f"{c}/{n}"] = {"kept_counts": counts, "flops": complexity(counts)[1], "kept": kept}
    allocation = {
        "target_rate": TARGET_RATE, "min_fraction": MIN_FRACTION,
        "full": {"params": full_params, "flops": full_flops},
        "floors": fl, "floor_flops": complexity(fl)[1],
        "uniform": {"fraction": f"{fraction.numerator}/{fraction.denominator}", "kept_counts": uniform,
                    "flops": complexity(uniform)[1],
                    "kept": {c: top_channels(raw[c], uniform) for c in CRITERIA}},
        "global": glob,
    }
    with open(OUT / "allocation.json", "w") as f:
        json.dump(allocation, f, indent=1)
    print(f"full {full_params} params, {full_flops} FLOPs; floors {fl}; uniform f={fraction} {uniform}")
    for key, v in glob.items():
        print(f"global {key}: {v['kept_counts']} {v['flops'] / full_flops:.4f}")


if __name__ == "__main__":
    main()
