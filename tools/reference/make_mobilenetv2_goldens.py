#!/usr/bin/env python3
"""Writes the goldens of the CIFAR MobileNetV2 (width multiplier alpha): shapes, params/FLOPs, logits.

Output: src/test/resources/golden/mobilenetv2/
  widths.json        for alpha 0.5, 0.75, 1.0, 1.4 (10 classes): `arch`, `keys` (every weight
                     key with its shape, in graph order), `params`, `flops` (exact integers)
  forward_0.5.json   alpha 0.5, 10 classes, the deterministic weights and images below:
                     `logits_train` / `logits_inference` ([8][10] exact float32 values), the
                     float64-vs-float32 relative error of each mode (max |d| / max |logit64|),
                     and check sums (float64) of the images and of the weights

Network (CIFAR variant: 32x32 inputs, stem stride 1, second stage stride 1), NHWC, HWIO, SAME
padding everywhere (TF SAME: stride 2 on an even size pads bottom/right), float32:
  make_divisible(v) = max(8, int(v + 4) // 8 * 8), plus 8 if that is < 0.9 v;
  stem `conv` 3x3 s1 3 -> make_divisible(32 a), `bn`, ReLU6;
  stages (t, c, n, s) = (1,16,1,1) (6,24,2,1) (6,32,3,2) (6,64,4,2) (6,96,3,1) (6,160,3,2)
  (6,320,1,1); block `Block{i}.{j}/` has stride s for j = 0 else 1, out = make_divisible(c a),
  hidden = in * t (not rounded): [t != 1: `expand` 1x1 in -> hidden, `expand_bn`, ReLU6],
  `depthwise` 3x3 (multiplier 1, the block's stride), `depthwise_bn`, ReLU6, `project` 1x1 ->
  out, `project_bn` (linear); stride 1 and in == out: + block input (no activation);
  `conv_last` 1x1 -> make_divisible(1280 a) if a > 1.0 else 1280, `bn_last`, ReLU6;
  global average pool over H, W; `fc`: x W + b.
  Batch norm: y = gamma (x - mu) / sqrt(var + 1e-5) + beta; train mode: batch mean and biased
  variance over (N, H, W); inference mode: moving_mean, moving_variance.
Keys: `<conv>/kernel:0` [k,k,in,out] (depthwise [3,3,C,1]), each batch norm right after its conv:
  `<bn>/gamma:0`, `beta:0`, `moving_mean:0`, `moving_variance:0`, each [1,1,1,C]; then
  `fc/kernel:0` [last, classes], `fc/biases:0` [1, classes].
Params / FLOPs (integers): conv k^2 in out, Ho Wo params; depthwise k^2 C, Ho Wo k^2 C; batch
  norm 4 C, 2 H W C (its own spatial size); dense in out + out, in out; pooling and adds 0.

Deterministic weights: rs = RandomState(11); per key in the order above u = rs.random_sample(shape)
  (float64), then in float64, cast to float32 at the end:
  conv kernel (u*2-1)*sqrt(6/(k*k*in)); depthwise kernel (u*2-1)*sqrt(6/(k*k));
  gamma 0.5+u; beta (u*2-1)*0.1; moving_mean (u*2-1)*0.1; moving_variance 0.5+u;
  fc kernel (u*2-1)*sqrt(6/in); fc biases (u*2-1)*0.1.
Images: ((RandomState(12).random_sample((8,32,32,3)) * 2 - 1) * 2).astype(float32).

Run with the reference venv from anywhere:
  tools/reference/.venv/bin/python tools/reference/make_mobilenetv2_goldens.py
"""
import json
import math
import pathlib

import numpy as np
import tensorflow as tf

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent.parent / "src" / "test" / "resources" / "golden" / "mobilenetv2"

ALPHAS = (0.5, 0.75, 1.0, 1.4)
NUM_CLASSES = 10
FORWARD_ALPHA = 0.5
WEIGHT_SEED = 11
IMAGE_SEED = 12
BATCH = 8
SIZE = 32
EPS = 1e-5
# (expansion t, channels c, repeats n, first stride s)
STAGES = ((1, 16, 1, 1), (6, 24, 2, 1), (6, 32, 3, 2), (6, 64, 4, 2),
          (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))


def make_divisible(v):
    new = max(8, int(v + 4) // 8 * 8)
    if new < 0.9 * v:
        new += 8
    return new


def same_out(size, stride):
    return -(-size // stride)


def layers(alpha, num_classes=NUM_CLASSES):
    """The network as a list of ops in graph order. Each op is a dict with `op` in
    conv / depthwise / bn / relu6 / add_begin / add / pool / dense and its geometry."""
    ops = []
    h = SIZE

    def conv(name, k, stride, cin, cout):
        nonlocal h
        ho = same_out(h, stride)
        ops.append(dict(op="conv", name=name, k=k, stride=stride, cin=cin, cout=cout, h=h, ho=ho))
        h = ho

    def depthwise(name, stride, c):
        nonlocal h
        ho = same_out(h, stride)
        ops.append(dict(op="depthwise", name=name, k=3, stride=stride, c=c, h=h, ho=ho))
        h = ho

    def bn(name, c, relu6):
        ops.append(dict(op="bn", name=name, c=c, h=h))
        if relu6:
            ops.append(dict(op="relu6"))

    c0 = make_divisible(32 * alpha)
    conv("conv", 3, 1, 3, c0)
    bn("bn", c0, True)
    cin = c0
    for i, (t, c, n, s) in enumerate(STAGES):
        cout = make_divisible(c * alpha)
        for j in range(n):
            stride = s if j == 0 else 1
            prefix = f"Block{i}.{j}/"
            residual = stride == 1 and cin == cout
            if residual:
                ops.append(dict(op="add_begin"))
            hidden = cin * t
            if t != 1:
                conv(prefix + "expand", 1, 1, cin, hidden)
                bn(prefix + "expand_bn", hidden, True)
            depthwise(prefix + "depthwise", stride, hidden)
            bn(prefix + "depthwise_bn", hidden, True)
            conv(prefix + "project", 1, 1, hidden, cout)
            bn(prefix + "project_bn", cout, False)
            if residual:
                ops.append(dict(op="add"))
            cin = cout
    last = make_divisible(1280 * alpha) if alpha > 1.0 else 1280
    conv("conv_last", 1, 1, cin, last)
    bn("bn_last", last, True)
    ops.append(dict(op="pool"))
    ops.append(dict(op="dense", name="fc", cin=last, cout=num_classes))
    return ops


def weight_keys(ops):
    """[(key, shape)] in graph order."""
    keys = []
    for o in ops:
        if o["op"] == "conv":
            keys.append((o["name"] + "/kernel:0", [o["k"], o["k"], o["cin"], o["cout"]]))
        elif o["op"] == "depthwise":
            keys.append((o["name"] + "/kernel:0", [o["k"], o["k"], o["c"], 1]))
        elif o["op"] == "bn":
            for p in ("gamma", "beta", "moving_mean", "moving_variance"):
                keys.append((f"{o['name']}/{p}:0", [1, 1, 1, o["c"]]))
        elif o["op"] == "dense":
            keys.append(("fc/kernel:0", [o["cin"], o["cout"]]))
            keys.append(("fc/biases:0", [1, o["cout"]]))
    return keys


def complexity(ops):
    params = flops = 0
    for o in ops:
        if o["op"] == "conv":
            p = o["k"] * o["k"] * o["cin"] * o["cout"]
            params += p
            flops += o["ho"] * o["ho"] * p
        elif o["op"] == "depthwise":
            p = o["k"] * o["k"] * o["c"]
            params += p
            flops += o["ho"] * o["ho"] * p
        elif o["op"] == "bn":
            params += 4 * o["c"]
            flops += 2 * o["h"] * o["h"] * o["c"]
        elif o["op"] == "dense":
            params += o["cin"] * o["cout"] + o["cout"]
            flops += o["cin"] * o["cout"]
    return params, flops


def deterministic_weights(ops):
    rs = np.random.RandomState(WEIGHT_SEED)
    fan = {}  # kernel key -> (k, in, depthwise) for the scale
    for o in ops:
        if o["op"] == "conv":
            fan[o["name"] + "/kernel:0"] = ("conv", o["k"], o["cin"])
        elif o["op"] == "depthwise":
            fan[o["name"] + "/kernel:0"] = ("depthwise", o["k"], o["c"])
        elif o["op"] == "dense":
            fan["fc/kernel:0"] = ("fc", 1, o["cin"])
    weights = {}
    for key, shape in weight_keys(ops):
        u = rs.random_sample(tuple(shape))
        if key in fan:
            kind, k, cin = fan[key]
            if kind == "conv":
                w = (u * 2.0 - 1.0) * math.sqrt(6.0 / (k * k * cin))
            elif kind == "depthwise":
                w = (u * 2.0 - 1.0) * math.sqrt(6.0 / (k * k))
            else:
                w = (u * 2.0 - 1.0) * math.sqrt(6.0 / cin)
        elif key.endswith("/gamma:0") or key.endswith("/moving_variance:0"):
            w = 0.5 + u
        elif key.endswith("/beta:0") or key.endswith("/moving_mean:0") or key == "fc/biases:0":
            w = (u * 2.0 - 1.0) * 0.1
        else:
            raise AssertionError(key)
        weights[key] = w.astype(np.float32)
    return weights


def deterministic_images():
    u = np.random.RandomState(IMAGE_SEED).random_sample((BATCH, SIZE, SIZE, 3))
    return ((u * 2.0 - 1.0) * 2.0).astype(np.float32)


def batch_norm_formula(x, gamma, beta, mean, var, training):
    if training:
        mean = tf.reduce_mean(x, axis=[0, 1, 2], keepdims=True)
        var = tf.reduce_mean(tf.square(x - mean), axis=[0, 1, 2], keepdims=True)  # biased
    return gamma * (x - mean) / tf.sqrt(var + EPS) + beta


def batch_norm_tf(x, gamma, beta, mean, var, training):
    if training:
        mean, var = tf.nn.moments(x, axes=[0, 1, 2], keepdims=True)
    return tf.nn.batch_normalization(x, mean, var, beta, gamma, EPS)


def batch_norm_fused(x, gamma, beta, mean, var, training):
    """FusedBatchNormV3, the op the Java port runs: the same maths with its own float32 rounding."""
    flat = [tf.reshape(a, [-1]) for a in (gamma, beta, mean, var)]
    if training:
        y, _, _ = tf.compat.v1.nn.fused_batch_norm(x, flat[0], flat[1], epsilon=EPS, is_training=True)
    else:
        y, _, _ = tf.compat.v1.nn.fused_batch_norm(x, flat[0], flat[1], flat[2], flat[3], epsilon=EPS,
                                                   is_training=False)
    return y


def forward(ops, weights, images, training, dtype=tf.float32, bn_fn=batch_norm_formula,
            bn_check=None):
    """Logits as a NumPy array. bn_check: a list that gets, for every batch norm, the max-norm
    relative difference between bn_fn and the tf.nn.batch_normalization one on the same input."""
    w = {k: tf.constant(v, dtype) for k, v in weights.items()}
    x = tf.constant(images, dtype)
    shortcut = None
    for o in ops:
        kind = o["op"]
        if kind == "conv":
            x = tf.nn.conv2d(x, w[o["name"] + "/kernel:0"], o["stride"], "SAME")
        elif kind == "depthwise":
            s = o["stride"]
            x = tf.nn.depthwise_conv2d(x, w[o["name"] + "/kernel:0"], [1, s, s, 1], "SAME")
        elif kind == "bn":
            n = o["name"]
            args = (w[n + "/gamma:0"], w[n + "/beta:0"], w[n + "/moving_mean:0"],
                    w[n + "/moving_variance:0"], training)
            y = bn_fn(x, *args)
            if bn_check is not None:
                diff = tf.reduce_max(tf.abs(y - batch_norm_tf(x, *args)))
                bn_check.append(float(diff / tf.reduce_max(tf.abs(y))))
            x = y
        elif kind == "relu6":
            x = tf.nn.relu6(x)
        elif kind == "add_begin":
            shortcut = x
        elif kind == "add":
            x = x + shortcut
            shortcut = None
        elif kind == "pool":
            x = tf.reduce_mean(x, axis=[1, 2])
        elif kind == "dense":
            x = tf.matmul(x, w["fc/kernel:0"]) + w["fc/biases:0"]
        else:
            raise AssertionError(kind)
    return x.numpy()


def arch_name(alpha):
    return f"MobileNetV2-{alpha!r}"  # 0.5, 0.75, 1.0, 1.4


def f32_nested(a):
    return [[float(np.float32(v)) for v in row] for row in np.asarray(a, np.float32)]


def main():
    tf.config.threading.set_intra_op_parallelism_threads(2)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.experimental.enable_op_determinism()
    OUT.mkdir(parents=True, exist_ok=True)

    widths = []
    for alpha in ALPHAS:
        ops = layers(alpha)
        params, flops = complexity(ops)
        widths.append({"alpha": alpha, "arch": arch_name(alpha), "num_classes": NUM_CLASSES,
                       "params": params, "flops": flops,
                       "keys": [[k, s] for k, s in weight_keys(ops)]})
        print(f"{arch_name(alpha)}: {params} params, {flops} FLOPs, "
              f"{len(widths[-1]['keys'])} arrays")
    assert 2.2e6 <= widths[2]["params"] <= 2.3e6, widths[2]["params"]
    assert 90e6 <= widths[2]["flops"] <= 100e6, widths[2]["flops"]
    with open(OUT / "widths.json", "w") as f:
        json.dump({"widths": widths}, f, separators=(",", ":"))
        f.write("\n")

    ops = layers(FORWARD_ALPHA)
    weights = deterministic_weights(ops)
    images = deterministic_images()
    result = {"arch": arch_name(FORWARD_ALPHA), "num_classes": NUM_CLASSES,
              "weight_seed": WEIGHT_SEED, "image_seed": IMAGE_SEED, "epsilon": EPS}
    rel_err = {}
    for mode, training in (("train", True), ("inference", False)):
        bn_check = []
        z32 = forward(ops, weights, images, training, bn_check=bn_check)
        z64 = forward(ops, weights, images, training, dtype=tf.float64)
        ztf = forward(ops, weights, images, training, bn_fn=batch_norm_tf)
        scale = float(np.abs(z64).max())
        assert np.all(np.isfinite(z32)) and z32.std() > 1e-3, mode
        err = float(np.abs(z32.astype(np.float64) - z64).max()) / scale
        # Sanity check of the batch-norm formula: at every batch norm, on the same input, it
        # equals tf.nn.batch_normalization (tf.nn.moments in train mode) to 1e-5 (max-norm
        # relative). End to end the two float32 nets differ by float32 rounding amplified
        # through 52 batch norms (about as much as either differs from float64), so the end
        # check is only loose (10x the float64 error of the formula net).
        bn_err = max(bn_check)
        tf_err = float(np.abs(z32 - ztf).max()) / scale
        assert len(bn_check) == 52 and bn_err <= 1e-5, (mode, bn_err)
        assert tf_err <= 10 * err, (mode, tf_err, err)
        # The golden is the net with FusedBatchNormV3 (the op the Java port runs), so the Java
        # test compares kernels, not two float32 roundings of the batch-norm formula; the
        # formula net is kept beside it.
        zfused = forward(ops, weights, images, training, bn_fn=batch_norm_fused)
        fused_err = float(np.abs(zfused.astype(np.float64) - z64).max()) / scale
        assert float(np.abs(zfused - z32).max()) / scale <= 10 * err, mode
        rel_err[mode] = {"formula": err, "fused": fused_err}
        result[f"logits_{mode}"] = f32_nested(zfused)
        result[f"logits_{mode}_formula"] = f32_nested(z32)
        print(f"{mode}: max|logit| {scale:.4g}, float64_rel_err {err:.3g}; formula vs "
              f"tf.nn.batch_normalization: per batch norm <= {bn_err:.3g}, logits {tf_err:.3g}")
    result["float64_rel_err"] = rel_err
    result["sum"] = {"images": float(images.astype(np.float64).sum()),
                     "weights": float(sum(float(v.astype(np.float64).sum())
                                          for v in weights.values())),
                     "weight_values": int(sum(v.size for v in weights.values()))}
    # One logits row per line (indent=1 would put every number on its own line).
    text = json.dumps(result, indent=1)
    for key in ("logits_train", "logits_inference", "logits_train_formula", "logits_inference_formula"):
        rows = ",\n  ".join(json.dumps(r) for r in result[key])
        one = json.dumps(result[key], indent=1).replace("\n", "\n ")
        assert one in text
        text = text.replace(one, "[\n  " + rows + "\n ]", 1)
    assert json.loads(text) == result
    (OUT / f"forward_{FORWARD_ALPHA:g}.json").write_text(text + "\n")
    print(f"sums: {result['sum']}")


if __name__ == "__main__":
    main()
