"""Regenerates every golden under src/test/resources/golden/ deterministically.

Usage: tools/reference/.venv/bin/python tools/reference/make_goldens.py [--pretrained PKL]
The pretrained ResNet-56 defaults to <repo root>/../shared/reference/pretrained/res56_cifar10.pkl
(override with --pretrained or EKG_PRETRAINED_PKL). Random inputs come from numpy RandomState with
fixed seeds; arrays are written as float32 (or uint8) C-order .npy, the rest as small JSON files.
Finally the other fixture scripts of tools/reference are run, so this one command regenerates all.
"""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

import ekg_oracle as eo
import tensorflow as tf

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
GOLDEN = REPO / "src" / "test" / "resources" / "golden"
DEFAULT_PKL = REPO.parent / "shared" / "reference" / "pretrained" / "res56_cifar10.pkl"
OTHER_FIXTURE_SCRIPTS = ("make_pickle_fixtures.py", "make_cifar_pickle_fixtures.py",
                         "make_augmentation_goldens.py", "make_search_goldens.py",
                         "make_search_host_goldens.py", "make_kd_golden.py",
                         "make_magnitude_goldens.py", "make_mobilenetv2_goldens.py")

# CIFAR-10 statistics exactly as listed in the reference spec §2 (BGR order, applied to RGB).
CIFAR10_MEAN = np.array([113.9, 123.0, 125.3], np.float32)
CIFAR10_STD = np.array([66.7, 62.1, 63.0], np.float32)


def save_npy(folder, name, array, dtype=np.float32):
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / f"{name}.npy", np.ascontiguousarray(np.asarray(array), dtype=dtype))


def save_json(folder, name, obj):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(obj, indent=1) + "\n")


def f32_list(a):
    """float32 values as exact JSON doubles (parse as double, cast to float in Java)."""
    return [float(v) for v in np.asarray(a, np.float32).reshape(-1)]


def binary_mask(rng, n, zeros):
    m = np.ones(n, np.float32)
    m[rng.choice(n, zeros, replace=False)] = 0
    return m


def cifar_like_images(n=8, seed=0):
    """uint8 [n,32,32,3]: upsampled 4x4 colour fields + a linear ramp + mild pixel noise."""
    rng = np.random.RandomState(seed)
    t = np.linspace(0.0, 3.0, 32)
    lo, frac = np.minimum(t.astype(int), 2), t - np.minimum(t.astype(int), 2)
    up = np.zeros((32, 4))
    up[np.arange(32), lo] = 1 - frac
    up[np.arange(32), lo + 1] = frac  # bilinear 4 -> 32 interpolation matrix
    yy, xx = np.meshgrid(np.arange(32), np.arange(32), indexing="ij")
    out = np.empty((n, 32, 32, 3), np.uint8)
    for k in range(n):
        coarse = rng.randint(0, 256, size=(4, 4, 3)).astype(np.float64)
        field = np.einsum("ia,abc,jb->ijc", up, coarse, up)
        angle, slope = rng.uniform(0, 2 * np.pi), rng.uniform(-2.0, 2.0)
        ramp = slope * (np.cos(angle) * (xx - 15.5) + np.sin(angle) * (yy - 15.5))
        noise = rng.randint(-12, 13, size=(32, 32, 3))
        out[k] = np.clip(np.rint(field + ramp[..., None]) + noise, 0, 255).astype(np.uint8)
    return out


def normalize_cifar10(images_uint8):
    """Spec §2: (float32(x) - mean) / std per channel, all in float32."""
    return (images_uint8.astype(np.float32) - CIFAR10_MEAN) / CIFAR10_STD


def make_resnet56(pkl_path):
    out = GOLDEN / "resnet56"
    weights = eo.load_pkl(pkl_path)
    images_u8 = cifar_like_images(8, seed=0)
    images = normalize_cifar10(images_u8)
    save_npy(out, "images_uint8", images_u8, np.uint8)
    save_npy(out, "images", images)

    summary = {"model": "ResNet-56", "num_classes": 10, "pkl_arrays": len(weights),
               "pkl_values": int(sum(v.size for v in weights.values())),
               "images_sum": float(images.astype(np.float64).sum())}
    for mode, training in (("train", True), ("inference", False)):
        taps = {}
        logits = eo.resnet_forward(weights, 56, 10, images, training, taps=taps).numpy()
        assert np.all(np.isfinite(logits)) and logits.std() > 1e-3, mode
        save_npy(out, f"logits_{mode}", logits)
        save_json(out, f"channel_means_{mode}.json",
                  {k: f32_list(tf.reduce_mean(v, axis=[0, 1, 2])) for k, v in taps.items()})
        summary[f"argmax_{mode}"] = [int(c) for c in logits.argmax(axis=1)]
        summary[f"logits_{mode}_mean"] = float(logits.astype(np.float64).mean())
        summary[f"logits_{mode}_std"] = float(logits.astype(np.float64).std())
    save_json(out, "summary.json", summary)
    return weights, images


def make_resnet56_masked(weights, images):
    """Masked forward (gates of reference spec §6.1 at random scores) and its physically pruned twin."""
    out = GOLDEN / "resnet56_masked"
    rng = np.random.RandomState(3)
    gates = []
    masks = {}
    for name, channels in eo.gate_names(weights, 56):
        rate = 0.9 if name == "conv" or name.endswith("conv3") else 0.6
        scores = rng.rand(channels).astype(np.float32)
        masks[name] = eo.gate_mask(scores, rate)
        gates.append({"name": name, "channels": int(channels), "rate": rate,
                      "kept": int(masks[name].sum()), "mask": [int(v) for v in masks[name]]})
    save_json(out, "masks.json", {"gates": gates})
    pruned = eo.prune_weights(weights, 56, masks)
    summary = {"pruned_widths": {k[:-len("/kernel:0")]: int(v.shape[-1])
                                 for k, v in pruned.items() if k.endswith("/kernel:0")}}
    for mode, training in (("train", True), ("inference", False)):
        logits = eo.resnet_forward(weights, 56, 10, images, training, masks=masks).numpy()
        twin = eo.resnet_forward(pruned, 56, 10, images, training).numpy()
        diff = float(np.abs(logits - twin).max())
        assert np.all(np.isfinite(logits)) and diff < 1e-3, (mode, diff)
        save_npy(out, f"logits_{mode}", logits)
        summary[f"argmax_{mode}"] = [int(c) for c in logits.argmax(axis=1)]
    save_json(out, "summary.json", summary)


def make_masked_conv():
    out = GOLDEN / "masked_conv"
    rng = np.random.RandomState(1)
    x = rng.randn(2, 8, 8, 6).astype(np.float32)
    W = rng.randn(3, 3, 6, 5).astype(np.float32)
    in_mask, out_mask = binary_mask(rng, 6, 2), binary_mask(rng, 5, 2)
    for name, a in (("x", x), ("kernel", W), ("in_mask", in_mask), ("out_mask", out_mask)):
        save_npy(out, name, a)
    eff = eo.masked_kernel(W, in_mask, out_mask).numpy()
    assert abs(np.linalg.norm(eff) - np.linalg.norm(W)) < 1e-4 * np.linalg.norm(W)
    save_npy(out, "kernel_effective_both", eff)
    save_npy(out, "y_s1_both", eo.conv2d(x, W, 1, in_mask, out_mask))
    save_npy(out, "y_s2_both", eo.conv2d(x, W, 2, in_mask, out_mask))
    save_npy(out, "y_s1_in", eo.conv2d(x, W, 1, in_mask, None))
    save_npy(out, "y_s1_none", eo.conv2d(x, W, 1))

    dw_x = rng.randn(2, 8, 8, 6).astype(np.float32)
    dw_W = rng.randn(3, 3, 6, 2).astype(np.float32)
    dw_mask = binary_mask(rng, 6, 2)
    for name, a in (("dw_x", dw_x), ("dw_kernel", dw_W), ("dw_in_mask", dw_mask)):
        save_npy(out, name, a)
    save_npy(out, "dw_y_s1", eo.depthwise_conv2d(dw_x, dw_W, 1, dw_mask))
    save_npy(out, "dw_y_s2", eo.depthwise_conv2d(dw_x, dw_W, 2, dw_mask))

    fc_x = rng.randn(4, 6).astype(np.float32)
    fc_W = rng.randn(6, 3).astype(np.float32)
    fc_b = rng.randn(1, 3).astype(np.float32)
    fc_mask = binary_mask(rng, 6, 2)
    for name, a in (("fc_x", fc_x), ("fc_kernel", fc_W), ("fc_bias", fc_b), ("fc_in_mask", fc_mask)):
        save_npy(out, name, a)
    save_npy(out, "fc_y", eo.dense(fc_x, fc_W, fc_b, fc_mask))


def make_batch_norm():
    out = GOLDEN / "batch_norm"
    rng = np.random.RandomState(2)
    x = (rng.randn(4, 5, 5, 3) * np.array([1.0, 2.5, 0.5]) + np.array([3.0, -1.5, 0.7]))
    params = {"gamma": rng.uniform(0.5, 1.5, (1, 1, 1, 3)), "beta": rng.randn(1, 1, 1, 3),
              "moving_mean": rng.randn(1, 1, 1, 3), "moving_variance": rng.uniform(0.5, 2.0, (1, 1, 1, 3))}
    x = x.astype(np.float32)
    params = {k: v.astype(np.float32) for k, v in params.items()}
    save_npy(out, "x", x)
    for k, v in params.items():
        save_npy(out, k, v)
    args = [params[k] for k in ("gamma", "beta", "moving_mean", "moving_variance")]
    y_train, new_mean, new_var = eo.batch_norm(x, *args, training=True)
    y_inf, _, _ = eo.batch_norm(x, *args, training=False)
    save_npy(out, "y_train", y_train)
    save_npy(out, "y_inference", y_inf)
    save_npy(out, "new_moving_mean", new_mean)
    save_npy(out, "new_moving_variance", new_var)


# Kept-channel table of the reference spec §4.6, checked against eo.kept_count before writing.
SPEC_KEPT_TABLE = {16: [16, 13, 10, 7, 4, 1], 32: [32, 26, 20, 13, 7, 1], 64: [64, 52, 39, 26, 13, 1]}
SPEC_TABLE_RATES = [1.0, 0.8, 0.6, 0.4, 0.2, 0.0]
SPEC_GROUP_STEPS_64 = {0.98: 63, 0.96: 62, 0.94: 61, 0.92: 59, 0.9: 58, 0.88: 57, 0.86: 56, 0.84: 54}


def make_gate():
    rng = np.random.RandomState(4)
    # (channels, rate, ties): ties=1 zeroes a third of the scores (already-pruned channels) and
    # equalises channels 1, 3, 5, with the cut falling inside the zeros; ties=2 is all zeros.
    specs = [(16, 1.0, 0), (16, 0.8, 0), (16, 0.6, 0), (32, 0.4, 0), (32, 0.2, 0), (32, 0.0, 0),
             (64, 0.94, 0), (64, 0.6, 0), (16, -0.2, 0),
             (16, 0.8, 1), (32, 0.75, 1), (64, 0.7, 1), (64, 0.02, 1), (16, 0.5, 2)]
    cases = []
    for channels, rate, ties in specs:
        scores = rng.rand(channels).astype(np.float32)
        if ties == 1:
            scores[1] = scores[3] = scores[5]
            scores[rng.choice(channels, channels // 3, replace=False)] = 0
        elif ties == 2:
            scores[:] = 0
        mask = eo.gate_mask(scores, rate)
        cases.append({"channels": channels, "rate": rate, "scores": f32_list(scores),
                      "order": [int(o) for o in eo.gate_order(scores)],
                      "mask": [int(v) for v in mask], "kept": int(mask.sum())})
    table = []
    for channels, kept in SPEC_KEPT_TABLE.items():
        for rate, k in zip(SPEC_TABLE_RATES, kept):
            table.append({"channels": channels, "rate": rate, "kept": k})
    table += [{"channels": 64, "rate": r, "kept": k} for r, k in SPEC_GROUP_STEPS_64.items()]
    for row in table:
        assert eo.kept_count(row["channels"], row["rate"]) == row["kept"], row
    assert cases[6]["kept"] == 61 and cases[8]["kept"] == 1
    save_json(GOLDEN / "gate", "cases.json", {"cases": cases, "kept_table": table})


# ---------------------------------------------------------------------------------------------
# Training goldens (golden/train/): reference spec §5.1 objective, §5.3 optimizer / weight decay /
# accumulation, §5.4 per-step learning rate, §3 initialisation.
# ---------------------------------------------------------------------------------------------
TRAIN = GOLDEN / "train"
GRAD_SUBSET = ("conv/kernel:0", "bn/gamma:0", "bn/beta:0", "BasicBlock0.0/conv1/kernel:0",
               "BasicBlock0.0/bn2/gamma:0", "BasicBlock1.0/conv3/kernel:0", "BasicBlock1.0/bn3/beta:0",
               "BasicBlock2.8/conv2/kernel:0", "BasicBlock2.8/bn2/gamma:0", "fc/kernel:0", "fc/biases:0")
# The same gradients with the port's fused batch norm: every variable's norm, and these arrays (the
# subset above without the 36,864-value BasicBlock2.8/conv2 kernel, to keep golden/train small).
FUSED_GRAD_SUBSET = tuple(k for k in GRAD_SUBSET if k != "BasicBlock2.8/conv2/kernel:0")
# ResNet-8 of the optimizer golden. Half the reference widths (16/32/64): at full width the initial
# state, three after-step states with momentum slots and the 16 images would take ~2.4 MB; at
# 8/16/32 the file is a valid "pruned-shape" ResNet-8 (widths come from the array shapes, reference
# spec §7.2) with the same topology, including both projection shortcuts.
OPT_WIDTHS = (8, 16, 32)
OPT_BN2_GAMMA = 0.5  # the reference initialises bn2 gamma to 0; 0.5 makes every gradient non-zero
OPT_LRS = (0.1, 0.1, 0.02)  # an LR drop at step 3: Keras momentum (lr inside v) differs from ApplyMomentum
OPT_BATCH, OPT_WD = 16, 5e-4
ACC_BATCH, ACC_WD, ACC_LR, ACC_CHUNKS = 8, 5e-4, 0.1, 2


def golden_file_name(key):
    """pkl key -> file stem: '/' -> '__', ':0' dropped (e.g. BasicBlock1.0__conv1__kernel)."""
    return key[:-2].replace("/", "__") if key.endswith(":0") else key.replace("/", "__")


def make_train_resnet56_grads(weights):
    """Gradients (no weight decay) of the §5.1 loss of the pretrained ResNet-56, BN on batch statistics."""
    out = TRAIN / "resnet56_grads"
    images = np.load(GOLDEN / "resnet56" / "images.npy")
    labels = np.arange(8, dtype=np.int32)
    variables = eo.to_variables(weights)
    objective = eo.resnet_objective(56, 10, 8)
    loss, grads, _ = eo.loss_and_gradients(objective, variables, images, labels)
    grads = {k: g.numpy() for k, g in grads.items()}
    assert len(grads) == 57 + 2 * 57 + 2, len(grads)
    # The same maths in float64: how far the float32 goldens themselves are from exact (this
    # pretrained net on 8 images is ill-conditioned in places, up to ~0.4 % of a gradient's norm).
    with eo.compute_dtype(tf.float64):
        loss64, grads64, _ = eo.loss_and_gradients(objective, variables, images, labels)
    for key in GRAD_SUBSET:
        assert grads[key].any(), key
        save_npy(out, golden_file_name(key), grads[key])
    save_json(out, "norms.json", {
        "loss": float(loss.numpy()), "loss_float64": float(loss64.numpy()), "batch_size_flag": 8,
        "labels": [int(v) for v in labels], "images": "golden/resnet56/images.npy",
        "norms": {k: float(np.linalg.norm(g.astype(np.float64))) for k, g in grads.items()},
        "float32_rel_err": {k: float(f"{rel_err(g, grads64[k].numpy()):.3g}") for k, g in grads.items()}})
    # The port computes batch norm with FusedBatchNormV3: the same maths, other float32 rounding
    # (up to 0.3 % from the formula's float32 gradients; 0.075 % even in the last block, where the
    # formula is within 3e-6 of float64). On the oracle's kernels the port has to match these to
    # float32 rounding of the same ops.
    fused_out = TRAIN / "resnet56_grads_fused_bn"
    with eo.fused_batch_norm():
        loss_fused, grads_fused, _ = eo.loss_and_gradients(objective, variables, images, labels)
    grads_fused = {k: g.numpy() for k, g in grads_fused.items()}
    for key in FUSED_GRAD_SUBSET:
        save_npy(fused_out, golden_file_name(key), grads_fused[key])
    save_json(fused_out, "norms.json", {
        "loss": float(loss_fused.numpy()), "batch_norm": "FusedBatchNormV3",
        "norms": {k: float(np.linalg.norm(g.astype(np.float64))) for k, g in grads_fused.items()},
        "float32_rel_err": {k: float(f"{rel_err(g, grads64[k].numpy()):.3g}") for k, g in grads_fused.items()}})


def rel_err(got, exact):
    """||got - exact|| / ||exact|| in float64."""
    exact = np.asarray(exact, np.float64)
    return float(np.linalg.norm(np.asarray(got, np.float64) - exact) / np.linalg.norm(exact))


def make_train_optimizer():
    """Three Keras-Nesterov-momentum steps of a fresh ResNet-8 with an LR drop at the third."""
    out = TRAIN / "optimizer"
    out.mkdir(parents=True, exist_ok=True)
    initial = eo.init_resnet_cifar(8, 10, np.random.RandomState(5), OPT_WIDTHS, OPT_BN2_GAMMA)
    rng = np.random.RandomState(6)
    images = rng.standard_normal(size=(OPT_BATCH, 32, 32, 3)).astype(np.float32)
    labels = rng.randint(0, 10, size=OPT_BATCH).astype(np.int32)
    eo.save_pkl(out / "initial.pkl", initial)
    save_npy(out, "images", images)
    save_npy(out, "labels", labels, np.int32)
    objective = eo.resnet_objective(8, 10, OPT_BATCH)
    variables = eo.to_variables(initial)
    slots = eo.new_slots(variables)
    variables64 = eo.to_variables(initial)  # the same steps computed in float64 (states stay float32)
    slots64 = eo.new_slots(variables64)
    losses, errors = [], []
    for step, lr in enumerate(OPT_LRS, start=1):
        loss = eo.train_step(objective, variables, slots, images, labels, lr, OPT_WD)
        losses.append(float(loss.numpy()))
        state = eo.training_state(variables, slots)
        assert all(np.all(np.isfinite(v)) for v in state.values())
        assert all(state[eo.slot_key(k)].any() for k in slots), "a zero momentum slot"
        eo.save_pkl(out / f"after_step{step}.pkl", state)
        with eo.compute_dtype(tf.float64):
            eo.train_step(objective, variables64, slots64, images, labels, lr, OPT_WD)
        state64 = eo.training_state(variables64, slots64)
        errors.append(float(f"{max(np.abs(state[k] - state64[k]).max() for k in state):.3g}"))
    save_json(out, "summary.json", {
        "model": "ResNet-8 (1 basic block per stage), widths " + "/".join(map(str, OPT_WIDTHS))
                 + ", 10 classes, input 32x32", "bn2_gamma_init": OPT_BN2_GAMMA,
        "batch_size_flag": OPT_BATCH, "weight_decay": OPT_WD, "momentum": eo.MOMENTUM,
        "nesterov": True, "learning_rates": list(OPT_LRS), "losses": losses,
        "max_abs_err_float32_vs_float64": errors, "seeds": {"initial": 5, "images_labels": 6}})


def make_train_accumulation():
    """One step of a BN-free tiny net, plain and with 2-chunk accumulation (must agree)."""
    out = TRAIN / "accumulation"
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.RandomState(7)
    initial = {"conv/kernel:0": (rng.standard_normal(size=(3, 3, 3, 4)) * 0.5).astype(np.float32),
               "fc/kernel:0": (rng.standard_normal(size=(4, 10)) * 0.5).astype(np.float32),
               "fc/biases:0": (rng.standard_normal(size=(1, 10)) * 0.1).astype(np.float32)}
    images = rng.standard_normal(size=(ACC_BATCH, 8, 8, 3)).astype(np.float32)
    labels = rng.randint(0, 10, size=ACC_BATCH).astype(np.int32)
    eo.save_pkl(out / "initial.pkl", initial)
    save_npy(out, "images", images)
    save_npy(out, "labels", labels, np.int32)
    states, losses = {}, {}
    for name, accum in (("after_step", 1), (f"after_step_accum{ACC_CHUNKS}", ACC_CHUNKS)):
        variables = eo.to_variables(initial)
        slots = eo.new_slots(variables)
        loss = eo.train_step(eo.tiny_objective(ACC_BATCH), variables, slots, images, labels,
                             ACC_LR, ACC_WD, accum=accum)
        losses[name] = float(loss.numpy())
        states[name] = eo.training_state(variables, slots)
        eo.save_pkl(out / f"{name}.pkl", states[name])
    plain, acc = states["after_step"], states[f"after_step_accum{ACC_CHUNKS}"]
    diff = max(float(np.abs(plain[k] - acc[k]).max()) for k in plain)
    assert diff <= 1e-6, f"accumulated step differs from the plain one by {diff}"
    assert abs(losses["after_step"] - losses[f"after_step_accum{ACC_CHUNKS}"]) <= 1e-6, losses
    save_json(out, "summary.json", {
        "batch_size_flag": ACC_BATCH, "weight_decay": ACC_WD, "learning_rate": ACC_LR,
        "momentum": eo.MOMENTUM, "nesterov": True, "chunks": ACC_CHUNKS, "losses": losses,
        "max_abs_diff_plain_vs_accum": diff, "seed": 7})


def run_other_fixture_scripts(pretrained):
    """Runs the other fixture scripts; one that fails (e.g. a missing interpreter) is reported
    and makes the run exit non-zero after the others have had their turn."""
    env = dict(os.environ, EKG_PRETRAINED_PKL=str(pretrained))
    failed = []
    for script in OTHER_FIXTURE_SCRIPTS:
        path = HERE / script
        if path.exists():
            print(f"running {script}", flush=True)
            if subprocess.run([sys.executable, str(path)], cwd=REPO, env=env).returncode:
                failed.append(script)
    if failed:
        sys.exit(f"make_goldens.py: own goldens written, but these fixture scripts failed: {failed}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pretrained", default=os.environ.get("EKG_PRETRAINED_PKL", str(DEFAULT_PKL)))
    ap.add_argument("--skip-others", action="store_true", help="do not run the other fixture scripts")
    args = ap.parse_args()
    tf.config.experimental.enable_op_determinism()
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)

    make_masked_conv()
    make_batch_norm()
    make_gate()
    weights, images = make_resnet56(args.pretrained)
    make_resnet56_masked(weights, images)
    make_train_resnet56_grads(weights)
    make_train_optimizer()
    make_train_accumulation()
    train_bytes = sum(f.stat().st_size for f in TRAIN.rglob("*") if f.is_file())
    assert train_bytes < 1_100_000, f"golden/train holds {train_bytes} bytes, over the 1.1 MB budget"
    print(f"goldens written under {GOLDEN.relative_to(REPO)}", flush=True)
    if not args.skip_others:
        run_other_fixture_scripts(args.pretrained)


if __name__ == "__main__":
    main()
