"""Numerics oracle for the EKG Java port: a small, clean re-implementation of the reference
network's maths with raw TensorFlow ops (float32, NHWC activations, HWIO kernels, no Keras layers).

Written from the reference spec (§3 model and initialisation, §4 layers, §5.1 objective, §5.3
optimizer / weight decay / accumulation, §6.1 gates, §6.6 pruning, §7.1 pkl format); no reference
code is used. Every function cites the reference spec section it implements.
"""
import os

# oneDNN re-orders float reductions; the plain Eigen kernels keep the goldens reproducible.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pickle  # noqa: E402

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

BN_EPSILON = 1e-5  # reference spec §4.4
BN_MOMENTUM = 0.9  # reference spec §4.4 (alpha)
L2_NORMALIZE_EPSILON = 1e-12  # reference spec §4.1 (tf.nn.l2_normalize floor on the squared sum)


_COMPUTE_DTYPE = [tf.float32]  # float32 everywhere; compute_dtype(tf.float64) for error estimates


class compute_dtype:
    """Context manager that runs the oracle's maths in another dtype (float64 gives an error-free
    reference for the float32 goldens); variables and arrays are cast on use."""

    def __init__(self, dtype):
        self.dtype = dtype

    def __enter__(self):
        _COMPUTE_DTYPE.append(self.dtype)

    def __exit__(self, *exc):
        _COMPUTE_DTYPE.pop()


_FUSED_BATCH_NORM = [False]  # fused_batch_norm() switches training-mode BN to FusedBatchNormV3


class fused_batch_norm:
    """Context manager that computes training-mode batch norm with TensorFlow's FusedBatchNormV3,
    the op the Java port runs, instead of the reference's formula from primitive ops (§4.4). The
    maths is the same; the float32 rounding is not, so goldens of the port's own arithmetic use
    this. float32 only (the op has no float64 kernel); the moving statistics keep the formula."""

    def __enter__(self):
        _FUSED_BATCH_NORM.append(True)

    def __exit__(self, *exc):
        _FUSED_BATCH_NORM.pop()


def _f32(a):
    dtype = _COMPUTE_DTYPE[-1]
    return tf.cast(a, dtype) if tf.is_tensor(a) else tf.constant(np.asarray(a, dtype.as_numpy_dtype))


def masked_kernel(W, in_mask=None, out_mask=None):
    """Norm-preserving masked kernel of reference spec §4.1 (also used by §4.2/§4.3).

    W' = (W * m_in[.., :, .] * m_out[.., :]) * ||W||_F * rsqrt(max(sum((W*m)^2), 1e-12)).
    The input mask multiplies axis -2 and the output mask axis -1, so the same rule serves conv
    kernels [kh,kw,in,out], depthwise kernels [kh,kw,in,mult] (input mask only) and dense kernels
    [in,out]. With no mask the kernel is returned unchanged (no rescale at all).
    """
    W = _f32(W)
    if in_mask is None and out_mask is None:
        return W
    masked = W
    if in_mask is not None:
        masked = masked * tf.reshape(_f32(in_mask), [-1, 1])
    if out_mask is not None:
        masked = masked * _f32(out_mask)
    norm = tf.sqrt(tf.reduce_sum(tf.square(W)))
    inv = tf.math.rsqrt(tf.maximum(tf.reduce_sum(tf.square(masked)), L2_NORMALIZE_EPSILON))
    return masked * inv * norm


def conv2d(x, W, stride=1, in_mask=None, out_mask=None):
    """Conv2d of reference spec §4.1: SAME padding (extra pad bottom/right), no bias, masked kernel rescale."""
    k = masked_kernel(W, in_mask, out_mask)
    return tf.nn.conv2d(_f32(x), k, strides=[1, stride, stride, 1], padding="SAME")


def depthwise_conv2d(x, W, stride=1, in_mask=None):
    """DepthwiseConv2d of reference spec §4.2: kernel [kh,kw,in,mult], SAME padding, input mask only."""
    k = masked_kernel(W, in_mask, None)
    return tf.nn.depthwise_conv2d(_f32(x), k, strides=[1, stride, stride, 1], padding="SAME")


def dense(x, W, b, in_mask=None):
    """FC of reference spec §4.3: y = x @ W' + b with W [in,out], b [1,out]; input mask only, rescaled."""
    k = masked_kernel(W, in_mask, None)
    return tf.matmul(_f32(x), k) + _f32(b)


def batch_norm(x, gamma, beta, moving_mean, moving_variance, training):
    """BatchNorm of reference spec §4.4; all parameters shaped [1,1,1,C], epsilon 1e-5, no activation.

    training=True: batch mean and *biased* variance over (N,H,W), then the EMA update
    moving <- moving - (1-0.9)*(moving - batch) (= 0.9*moving + 0.1*batch).
    training=False: the moving statistics; they are returned unchanged.
    Returns (y, new_moving_mean, new_moving_variance), y = gamma*(x-mu)*rsqrt(var+eps) + beta.
    """
    x = _f32(x)
    gamma, beta = _f32(gamma), _f32(beta)
    moving_mean, moving_variance = _f32(moving_mean), _f32(moving_variance)
    if training:
        mean = tf.reduce_mean(x, axis=[0, 1, 2], keepdims=True)
        var = tf.reduce_mean(tf.square(x - mean), axis=[0, 1, 2], keepdims=True)
        new_mean = moving_mean - (1.0 - BN_MOMENTUM) * (moving_mean - mean)
        new_var = moving_variance - (1.0 - BN_MOMENTUM) * (moving_variance - var)
    else:
        mean, var = moving_mean, moving_variance
        new_mean, new_var = moving_mean, moving_variance
    if training and _FUSED_BATCH_NORM[-1]:
        if x.dtype != tf.float32:
            raise ValueError("fused_batch_norm() computes in float32 only")
        channels = x.shape[-1]
        y = tf.raw_ops.FusedBatchNormV3(
            x=x, scale=tf.reshape(gamma, [channels]), offset=tf.reshape(beta, [channels]),
            mean=tf.constant([], tf.float32), variance=tf.constant([], tf.float32),
            epsilon=BN_EPSILON, is_training=True)[0]
    else:
        y = gamma * (x - mean) * tf.math.rsqrt(var + BN_EPSILON) + beta
    return y, new_mean, new_var


def gate_order(scores):
    """Gate `order` of reference spec §4.6: order[c] = rank of channel c by score, descending (0 = best).

    Ties go to the lower channel index first (a stable sort of -score).
    """
    s = np.asarray(scores, dtype=np.float32).reshape(-1)
    ranked = np.argsort(-s, kind="stable")
    order = np.empty(s.size, dtype=np.int64)
    order[ranked] = np.arange(s.size)
    return order


def gate_mask(scores, rate):
    """Gate mask of reference spec §4.6: m[c] = 1 iff order[c] < max(float32(C)*float32(rate), 1), in float32.

    Keeps ceil(C*rate) channels (C*rate when integral) and at least one. Returns float32 [C].
    """
    order = gate_order(scores)
    limit = np.maximum(np.float32(order.size) * np.float32(rate), np.float32(1.0))
    return (order.astype(np.float32) < limit).astype(np.float32)


def kept_count(channels, rate):
    """Number of channels a gate of reference spec §4.6 keeps at the given rate (float32 arithmetic)."""
    return int(gate_mask(np.zeros(channels, np.float32), rate).sum())


def blocks_per_stage(depth):
    """CIFAR basic-block ResNet of reference spec §3: (depth-2)/6 blocks in each of the 3 stages."""
    if depth < 8 or (depth - 2) % 6:
        raise ValueError(f"not a CIFAR basic-block ResNet depth: {depth}")
    return (depth - 2) // 6


def gate_names(weights, depth):
    """Gates of reference spec §6.1 in construction order, as (name, channels); a gate is named by its conv.

    ResNet-56: 30 gates ('conv', the 9 conv1 gates of stage 0, 'BasicBlock1.0/conv3', ...).
    """
    gates = [("conv", weights["conv/kernel:0"].shape[-1])]
    for i in range(3):
        for j in range(blocks_per_stage(depth)):
            p = f"BasicBlock{i}.{j}/"
            if p + "conv3/kernel:0" in weights:
                gates.append((p + "conv3", weights[p + "conv3/kernel:0"].shape[-1]))
            gates.append((p + "conv1", weights[p + "conv1/kernel:0"].shape[-1]))
    return gates


def conv_masks(weights, depth):
    """(in_gate, out_gate) of every conv/fc layer per the grouping rules of reference spec §6.1.

    Returns {layer name: (in gate name or None, out gate name or None)}.
    """
    plan = {"conv": (None, "conv")}
    group = inp = "conv"
    for i in range(3):
        for j in range(blocks_per_stage(depth)):
            p = f"BasicBlock{i}.{j}/"
            if p + "conv3/kernel:0" in weights:
                plan[p + "conv3"] = (inp, p + "conv3")
                group = p + "conv3"
            plan[p + "conv1"] = (inp, p + "conv1")
            plan[p + "conv2"] = (p + "conv1", group)
            inp = group
    plan["fc"] = (inp, None)
    return plan


def _bn(weights, name, x, training, bn_stats=None):
    y, new_mean, new_var = batch_norm(x, weights[name + "/gamma:0"], weights[name + "/beta:0"],
                                      weights[name + "/moving_mean:0"],
                                      weights[name + "/moving_variance:0"], training)
    if bn_stats is not None:
        bn_stats[name] = (new_mean, new_var)
    return y


def resnet_forward(weights, depth, num_classes, x, training, masks=None, taps=None, bn_stats=None,
                   gate_fn=None):
    """CIFAR ResNet of reference spec §3 (basic blocks, widths from the arrays' shapes); returns logits.

    weights: pkl-style dict ('conv/kernel:0', 'BasicBlock{i}.{j}/bn2/gamma:0', 'fc/biases:0', ...).
    A block has a projection shortcut (conv3 1x1 stride s -> bn3) iff its conv3 kernel is present,
    which for an unpruned file is exactly 'stride > 1 or in-depth != width'.
    training: BN on batch statistics (reference spec §4.4) or on moving statistics.
    masks: optional {gate name: {0,1} vector} (names from gate_names). Kernels get the masked,
    norm-preserving rescale of §4.1 with the in/out gates of §6.1, and the activation is multiplied
    by the gate after stem BN+ReLU, after bn1+ReLU, and after relu(bn2 + shortcut) (group gate).
    taps: optional dict that receives the activations 'stem' and 'BasicBlock{i}.{j}' (after masks).
    bn_stats: optional dict that receives {bn layer name: (new moving mean, new moving variance)},
    the EMA-updated statistics of §4.4 (unchanged ones when training=False); nothing is assigned.
    gate_fn: optional hook that replaces the gate multiplication at every mask point of §3:
    gate_fn(h, mask or None, gate name, point name) -> gated tensor, called in forward order with
    the points 'stem', 'BasicBlock{i}.{j}/bn1' and 'BasicBlock{i}.{j}' (block output); used by the
    importance score of §6.4(a) / §10.8 (see importance_scores).
    The weights may be tf.Variables (training) or arrays.
    """
    masks = masks or {}
    plan = conv_masks(weights, depth)

    def mask(gate):
        return None if gate is None or gate not in masks else masks[gate]

    def conv(name, h, stride):
        g_in, g_out = plan[name]
        return conv2d(h, weights[name + "/kernel:0"], stride, mask(g_in), mask(g_out))

    def gated(h, gate, point):
        m = mask(gate)
        if gate_fn is not None:
            return gate_fn(h, m, gate, point)
        return h if m is None else h * _f32(m)

    x = _f32(x)
    def bn(name, h):
        return _bn(weights, name, h, training, bn_stats)

    h = gated(tf.nn.relu(bn("bn", conv("conv", x, 1))), "conv", "stem")
    if taps is not None:
        taps["stem"] = h
    for i, stage_stride in enumerate((1, 2, 2)):
        for j in range(blocks_per_stage(depth)):
            p = f"BasicBlock{i}.{j}/"
            s = stage_stride if j == 0 else 1
            r = gated(tf.nn.relu(bn(p + "bn1", conv(p + "conv1", h, s))), p + "conv1", p + "bn1")
            r = bn(p + "bn2", conv(p + "conv2", r, 1))
            if p + "conv3/kernel:0" in weights:
                h = bn(p + "bn3", conv(p + "conv3", h, s))
            h = gated(tf.nn.relu(h + r), plan[p + "conv2"][1], p[:-1])
            if taps is not None:
                taps[p[:-1]] = h
    pooled = tf.reduce_mean(h, axis=[1, 2])
    logits = dense(pooled, weights["fc/kernel:0"], weights["fc/biases:0"], mask(plan["fc"][0]))
    if logits.shape[-1] != num_classes:
        raise ValueError(f"fc has {logits.shape[-1]} outputs, expected {num_classes}")
    return logits


def prune_weights(weights, depth, masks):
    """Physical pruning of reference spec §6.6: slice arrays by their gates, rescale kernels.

    Kernels: input axis (-2) sliced by the in gate, last axis by the out gate, then multiplied by
    ||W_original||_F / ||W_sliced||_F. BN arrays: last axis by the layer's out gate. FC: only the
    kernel rows are sliced; the bias is untouched. Returns a new float32 dict (C order).
    """
    out = {}
    for layer, (g_in, g_out) in conv_masks(weights, depth).items():
        m_in, m_out = masks.get(g_in), masks.get(g_out)  # None for an unmasked side
        keep_in = slice(None) if m_in is None else np.asarray(m_in).astype(bool)
        keep_out = slice(None) if m_out is None else np.asarray(m_out).astype(bool)
        eff = masked_kernel(weights[layer + "/kernel:0"], m_in, m_out).numpy()
        out[layer + "/kernel:0"] = np.ascontiguousarray(eff[..., keep_in, :][..., keep_out])
        if layer == "fc":
            out["fc/biases:0"] = np.ascontiguousarray(weights["fc/biases:0"], np.float32)
            continue
        bn = layer.replace("conv", "bn")
        for v in ("gamma", "beta", "moving_mean", "moving_variance"):
            key = f"{bn}/{v}:0"
            out[key] = np.ascontiguousarray(np.asarray(weights[key], np.float32)[..., keep_out])
    return out


def load_pkl(path):
    """Read a weight pkl of reference spec §7.1: a dict of float32 arrays; non-array keys are skipped.

    Fortran-ordered arrays (the pretrained file) are returned as C-ordered float32 copies.
    """
    with open(path, "rb") as f:
        raw = pickle.load(f)
    return {k: np.ascontiguousarray(v, dtype=np.float32)
            for k, v in raw.items() if isinstance(v, np.ndarray)}


def save_pkl(path, arrays):
    """Write a weight pkl like those of reference spec §7.1: pickle protocol 3 of a dict of float32
    C-order arrays, in the dict's order. (NumPy 2 names the reconstructor numpy._core.multiarray.)"""
    data = {k: np.ascontiguousarray(np.asarray(v), dtype=np.float32) for k, v in arrays.items()}
    with open(path, "wb") as f:
        pickle.dump(data, f, protocol=3)


# ---------------------------------------------------------------------------------------------
# Initialisation (reference spec §3) and training (reference spec §5.1, §5.3, §5.4)
# ---------------------------------------------------------------------------------------------

MOMENTUM = 0.9  # reference spec §5.3: Keras SGD(momentum=0.9, nesterov=True)
MOVING_SUFFIXES = ("/moving_mean:0", "/moving_variance:0")
TRUNCATED_NORMAL_STDDEV_CORRECTION = 0.87962566  # reference spec §3 (stddev of N(0,1) cut at ±2)


def is_trainable(key):
    """Every array of a weight dict except the BN moving statistics is trainable (reference spec §4.4, §5.3)."""
    return not key.endswith(MOVING_SUFFIXES)


def slot_key(key):
    """Key of a momentum slot in the training goldens: '<variable key without :0>/momentum'."""
    return key[:-2] + "/momentum" if key.endswith(":0") else key + "/momentum"


def truncated_normal(rng, shape, stddev):
    """N(0, stddev^2) cut at 2 stddev by re-drawing, as TF's truncated_normal initializer; float32."""
    z = rng.standard_normal(size=int(np.prod(shape)))
    bad = np.abs(z) > 2.0
    while bad.any():
        z[bad] = rng.standard_normal(size=int(bad.sum()))
        bad = np.abs(z) > 2.0
    return (z * stddev).astype(np.float32).reshape(shape)


def conv_kernel_init(rng, shape):
    """Reference spec §3: VarianceScaling(2.0, fan_out, truncated normal); fan_out = kh*kw*out,
    stddev = sqrt(2/fan_out)/0.87962566."""
    fan_out = shape[0] * shape[1] * shape[3]
    return truncated_normal(rng, shape, np.sqrt(2.0 / fan_out) / TRUNCATED_NORMAL_STDDEV_CORRECTION)


def order_like_reference(arrays):
    """Key order of reference spec §7.1: trainables first, then the moving statistics; layers by
    sorted name, BN gamma before beta, fc kernel before biases (the pretrained file's order)."""
    rank = {"gamma": 0, "beta": 1, "kernel": 0, "biases": 1, "moving_mean": 0, "moving_variance": 1}

    def key(k):
        layer, var = k[:-2].rsplit("/", 1)
        return (not is_trainable(k), layer, rank[var])
    return {k: arrays[k] for k in sorted(arrays, key=key)}


def init_resnet_cifar(depth, num_classes, rng, widths=(16, 32, 64), bn2_gamma=0.0):
    """A freshly initialised CIFAR ResNet of reference spec §3 as a pkl-keyed float32 dict.

    Conv kernels: conv_kernel_init; fc kernel N(0, 0.01) (stddev 0.01); fc bias 0; BN gamma 1 (bn2:
    bn2_gamma, 0 in the reference), beta 0, moving mean 0, moving variance 1. Projection shortcut
    (conv3/bn3) at a block iff stride > 1 or in-depth != width. Draw order: the forward order
    (stem conv, then per block conv1, conv2, conv3), then the fc kernel.
    """
    w = {}

    def conv(name, kh, cin, cout):
        w[name + "/kernel:0"] = conv_kernel_init(rng, (kh, kh, cin, cout))

    def bn(name, c, gamma=1.0):
        w[name + "/gamma:0"] = np.full((1, 1, 1, c), gamma, np.float32)
        w[name + "/beta:0"] = np.zeros((1, 1, 1, c), np.float32)
        w[name + "/moving_mean:0"] = np.zeros((1, 1, 1, c), np.float32)
        w[name + "/moving_variance:0"] = np.ones((1, 1, 1, c), np.float32)

    conv("conv", 3, 3, widths[0])
    bn("bn", widths[0])
    cin = widths[0]
    for i, stage_stride in enumerate((1, 2, 2)):
        for j in range(blocks_per_stage(depth)):
            p, s, width = f"BasicBlock{i}.{j}/", (stage_stride if j == 0 else 1), widths[i]
            conv(p + "conv1", 3, cin, width)
            bn(p + "bn1", width)
            conv(p + "conv2", 3, width, width)
            bn(p + "bn2", width, bn2_gamma)
            if s > 1 or cin != width:
                conv(p + "conv3", 1, cin, width)
                bn(p + "bn3", width)
            cin = width
    w["fc/kernel:0"] = (rng.standard_normal(size=(cin, num_classes)) * 0.01).astype(np.float32)
    w["fc/biases:0"] = np.zeros((1, num_classes), np.float32)
    return order_like_reference(w)


def ce_sum_loss(logits, labels, batch_size_flag):
    """Reference spec §5.1: sum over the batch of softmax cross-entropy, divided by the batch_size
    *flag* (not the actual number of rows)."""
    ce = tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.constant(np.asarray(labels, np.int64)), logits=logits)
    return tf.reduce_sum(ce) / tf.constant(float(batch_size_flag), logits.dtype)


def resnet_objective(depth, num_classes, batch_size_flag):
    """Objective of reference spec §5.1 for a CIFAR ResNet, BN in training mode (batch statistics).

    Returns f(weights, x, labels) -> (loss, {moving key: EMA-updated value}) for train_step.
    """
    def objective(weights, x, labels):
        stats = {}
        logits = resnet_forward(weights, depth, num_classes, x, True, bn_stats=stats)
        moving = {}
        for name, (mean, var) in stats.items():
            moving[name + "/moving_mean:0"] = mean
            moving[name + "/moving_variance:0"] = var
        return ce_sum_loss(logits, labels, batch_size_flag), moving
    return objective


def tiny_forward(weights, x):
    """The BN-free net of the accumulation golden: conv 3x3 SAME stride 1 no bias -> ReLU ->
    mean over H,W -> dense (fc/kernel, fc/biases)."""
    h = tf.nn.relu(conv2d(x, weights["conv/kernel:0"], 1))
    return dense(tf.reduce_mean(h, axis=[1, 2]), weights["fc/kernel:0"], weights["fc/biases:0"])


def tiny_objective(batch_size_flag):
    def objective(weights, x, labels):
        return ce_sum_loss(tiny_forward(weights, x), labels, batch_size_flag), {}
    return objective


def to_variables(arrays):
    """pkl-keyed dict of arrays -> dict of float32 tf.Variables (moving statistics non-trainable)."""
    return {k: tf.Variable(np.asarray(v, np.float32), trainable=is_trainable(k), name=k[:-2].replace("/", "__"))
            for k, v in arrays.items()}


def new_slots(variables):
    """Keras momentum slots, zero at the start (reference spec §5.3), keyed like the variables."""
    return {k: tf.Variable(tf.zeros_like(v), trainable=False) for k, v in variables.items()
            if is_trainable(k)}


def loss_and_gradients(objective, variables, x, labels):
    """Loss, {trainable key: gradient of the loss} (no weight decay), {moving key: new value}."""
    trainable = {k: v for k, v in variables.items() if is_trainable(k)}
    with tf.GradientTape() as tape:
        loss, moving = objective(variables, x, labels)
    grads = tape.gradient(loss, trainable)
    missing = [k for k, g in grads.items() if g is None]
    if missing:
        raise ValueError(f"no gradient for {missing}")
    return loss, grads, moving


def keras_momentum_update(var, slot, lr, grad, momentum=MOMENTUM):
    """Reference spec §5.3: ResourceApplyKerasMomentum with use_nesterov, in place:
    v <- momentum*v - lr*g;  w <- w + momentum*v - lr*g  (lr inside the velocity)."""
    tf.raw_ops.ResourceApplyKerasMomentum(
        var=var.handle, accum=slot.handle, lr=tf.constant(lr, tf.float32), grad=grad,
        momentum=tf.constant(momentum, tf.float32), use_locking=False, use_nesterov=True)


def train_step(objective, variables, slots, x, labels, lr, weight_decay, accum=1):
    """One training step of reference spec §5.3 on tf.Variables (updated in place); returns the loss.

    accum = 1: loss and gradients on the whole batch. accum > 1: the batch is split into `accum`
    equal consecutive chunks, each chunk's objective (still divided by the batch_size flag) is
    differentiated on its own and the losses and gradients are summed (utils.accumulator); BN
    batch statistics and EMA updates are then per chunk. After that, for every trainable variable,
    g <- g + float32(wd) * w (coupled L2, added once) and the Keras Nesterov momentum update with
    this step's lr (reference spec §5.4 sets lr per step). BN moving statistics are assigned the EMA
    value from the forward pass (per chunk, in chunk order), before the weights change.
    """
    n = int(x.shape[0])
    if n % accum:
        raise ValueError(f"batch {n} does not split into {accum} equal chunks")
    chunk = n // accum
    total_loss, total_grads = None, None
    for c in range(accum):
        rows = slice(c * chunk, (c + 1) * chunk)
        loss, grads, moving = loss_and_gradients(objective, variables, x[rows], labels[rows])
        for k, value in moving.items():
            variables[k].assign(tf.cast(value, variables[k].dtype))
        if total_grads is None:
            total_loss, total_grads = loss, grads
        else:
            total_loss = total_loss + loss
            total_grads = {k: total_grads[k] + g for k, g in grads.items()}
    wd = tf.constant(weight_decay, tf.float32)
    for k, g in total_grads.items():
        keras_momentum_update(variables[k], slots[k], lr, g + wd * variables[k])
    return total_loss


def training_state(variables, slots):
    """Every variable (trainable and moving statistics, in the variables' order) plus the momentum
    slots under slot_key, as float32 arrays."""
    state = {k: v.numpy() for k, v in variables.items()}
    state.update({slot_key(k): s.numpy() for k, s in slots.items()})
    return state


# ---------------------------------------------------------------------------------------------
# EKG search: complexity (reference spec §4.5), gate steps (§6.1), importance (§6.4(a), §10.8),
# costs / trimmed Otsu / candidates / selection / knowledge (§6.4(b)-(e), §6.5), teachers (§6.7).
# The host arithmetic reproduces the reference's Python and NumPy 1.x types (the reference ran
# before NumPy 2's NEP 50): a NumPy float32 scalar combined with a Python int or float gives a
# float64 there, so e.g. the FLOPs sum and the `1 - rate` of the cost slice are float64.
# ---------------------------------------------------------------------------------------------

SEARCH_PRUNED_COST = 1e12  # reference spec §6.4(b): the cost of a gate at width <= 0
OTSU_CUT = 0.2  # reference spec §6.4(b)
COST_MODES = ("reference_code", "spec_text")


def gate_num_calls(weights, depth):
    """num_call of each gate of reference spec §6.1, in gate order: 1 + the number of conv2 layers
    that write into it (10 for the ResNet-56 group gates, 1 for conv1 gates)."""
    calls = {name: 1 for name, _ in gate_names(weights, depth)}
    for layer, (_, g_out) in conv_masks(weights, depth).items():
        if layer.endswith("conv2"):
            calls[g_out] += 1
    return [calls[name] for name, _ in gate_names(weights, depth)]


def gate_steps(weights, depth, search_step):
    """Per-gate (step, fine step) of reference spec §6.1 as Python floats, in gate order:
    step = max(1/C, search_step/num_call), fine step = 1/C."""
    channels = [c for _, c in gate_names(weights, depth)]
    calls = gate_num_calls(weights, depth)
    return ([max(1 / c, search_step / n) for c, n in zip(channels, calls)], [1 / c for c in channels])


def resnet_complexity(weights, depth, kept=None, input_size=32):
    """(params, FLOPs) of reference spec §4.5 as exact integers for a CIFAR ResNet whose gates keep
    kept[gate name] channels (None: nothing pruned). Per layer, with Di/Do the kept in/out channels
    of its gates (the array's size where a side has no gate) and H, W its output size:
    conv kh*kw*Di*Do params and H*W*kh*kw*Di*Do FLOPs; BN 4*Do params and 2*H*W*Do FLOPs (its conv's
    out gate); fc Di*Do + Do params and Di*Do FLOPs. ReLU, add and pooling are not counted.
    ResNet-56 unpruned: 860,026 params, 126,837,376 FLOPs."""
    plan = conv_masks(weights, depth)

    def n(gate, full):
        return int(full) if gate is None or kept is None else int(kept[gate])

    params = flops = 0

    def conv_bn(name, size):
        nonlocal params, flops
        kh, kw, cin, cout = weights[name + "/kernel:0"].shape
        g_in, g_out = plan[name]
        di, do = n(g_in, cin), n(g_out, cout)
        params += kh * kw * di * do + 4 * do
        flops += size * size * kh * kw * di * do + size * size * 2 * do

    size = input_size
    conv_bn("conv", size)
    for i, stage_stride in enumerate((1, 2, 2)):
        for j in range(blocks_per_stage(depth)):
            p = f"BasicBlock{i}.{j}/"
            if j == 0:
                size = -(-size // stage_stride)
            if p + "conv3/kernel:0" in weights:
                conv_bn(p + "conv3", size)
            conv_bn(p + "conv1", size)
            conv_bn(p + "conv2", size)
    cin, cout = weights["fc/kernel:0"].shape
    di = n(plan["fc"][0], cin)
    params += di * cout + cout
    flops += di * cout
    return params, flops


def rate_mask(order, channels, rate):
    """Gate mask of reference spec §4.6 from a stored `order` and a rate:
    order[c] < max(float32(C)*float32(rate), 1) in float32. Returns float32 [C]."""
    limit = np.maximum(np.float32(channels) * np.float32(rate), np.float32(1.0))
    return (np.asarray(order, np.float32).reshape(-1) < limit).astype(np.float32)


def search_objective(logits, labels, knowledge, batch_size_flag):
    """Scoring objective of reference spec §6.4(a)/(c) on one batch: returns (loss, S) with
    loss = sum CE(y, z) / flag and S = (sum CE(y, z) + sum H(softmax(K), softmax(z))) / flag, where H
    is the soft-target cross-entropy at T = 1 and flag the val_batch_size flag (also for a short
    batch)."""
    ce = tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.constant(np.asarray(labels, np.int64)), logits=logits))
    soft = tf.nn.softmax(_f32(knowledge))
    h = tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits(labels=soft, logits=logits))
    flag = tf.constant(float(batch_size_flag), logits.dtype)
    return ce / flag, (ce + h) / flag


def importance_scores(weights, depth, num_classes, batches, batch_size_flag, masks,
                      custom_gradient=False):
    """EKG filter importance of reference spec §6.4(a): for every batch (x, labels, K) the objective
    S of search_objective with BN on batch statistics and the given masks (all 30 gates; kernels get
    the §4.1 rescale), then per mask point p, |sum_{b,h,w} dS/dy_p * y_p| per channel, with y_p the
    masked activation; summed over the gate's points (forward order) and then over batches, in
    float32. Returns {gate name: float32 [C]}.

    custom_gradient=False: ordinary autodiff w.r.t. each masked activation (reference spec §10.8).
    custom_gradient=True: the reference's own formulation (§4.6): a tf.custom_gradient gate whose
    backward passes dy through unmasked (straight-through) and gives |sum dy*y| to a per-gate score
    tensor, the tape summing the points of a gate (used to check §10.8)."""
    gates = gate_names(weights, depth)
    total = {name: np.zeros(c, np.float32) for name, c in gates}
    for x, labels, knowledge in batches:
        with tf.GradientTape() as tape:
            if custom_gradient:
                score_in = {name: tf.zeros([c], _COMPUTE_DTYPE[-1]) for name, c in gates}
                for t in score_in.values():
                    tape.watch(t)

                def hook(h, m, gate, point):
                    mask = tf.ones([h.shape[-1]], h.dtype) if m is None else _f32(m)

                    @tf.custom_gradient
                    def by_pass(v, score):
                        y = v * mask

                        def grad(dy):
                            return dy, tf.abs(tf.reduce_sum(dy * y, axis=[0, 1, 2]))
                        return y, grad
                    return by_pass(h, score_in[gate])
            else:
                points = []

                def hook(h, m, gate, point):
                    y = h if m is None else h * _f32(m)
                    tape.watch(y)
                    points.append((gate, y))
                    return y
            logits = resnet_forward(weights, depth, num_classes, x, True, masks=masks, gate_fn=hook)
            _, objective = search_objective(logits, labels, knowledge, batch_size_flag)
        if custom_gradient:
            grads = tape.gradient(objective, score_in)
            batch = {name: grads[name].numpy().astype(np.float32) for name, _ in gates}
        else:
            grads = tape.gradient(objective, [y for _, y in points])
            batch = {name: np.zeros(c, np.float32) for name, c in gates}
            for (gate, y), g in zip(points, grads):
                batch[gate] = batch[gate] + tf.abs(tf.reduce_sum(g * y, axis=[0, 1, 2])).numpy().astype(np.float32)
        for name, _ in gates:
            total[name] = (total[name] + batch[name]).astype(np.float32)
    return total


def search_evaluate(weights, depth, num_classes, batches, batch_size_flag, masks):
    """Candidate evaluation of reference spec §6.4(c) step 3 (`Eval`): forward only, BN on batch
    statistics. Returns (logits [N, nc] float32, acc, loss, score) with Keras-metric semantics in
    float32: loss and score = (sum over batches of the per-batch value) / number of batches,
    acc = correct / N (argmax, first index on ties)."""
    logits_all, loss_total, score_total, correct, count = [], np.float32(0), np.float32(0), 0, 0
    for x, labels, knowledge in batches:
        logits = resnet_forward(weights, depth, num_classes, x, True, masks=masks)
        loss, score = search_objective(logits, labels, knowledge, batch_size_flag)
        z = logits.numpy().astype(np.float32)
        logits_all.append(z)
        loss_total = np.float32(loss_total + np.float32(loss.numpy()))
        score_total = np.float32(score_total + np.float32(score.numpy()))
        correct += int((z.argmax(axis=1) == np.asarray(labels)).sum())
        count += len(labels)
    n = np.float32(len(batches))
    return (np.concatenate(logits_all), np.float32(np.float32(correct) / np.float32(count)),
            np.float32(loss_total / n), np.float32(score_total / n))


def pruning_costs(scores, rates, steps, mode):
    """Gate pruning costs of reference spec §6.4(b) (`mask_marking`), float32 values (1e12 for a
    gate whose float32 rate is <= 0). For rate r > 0: r' = 1 - float64(r), a = round(r'*C),
    b = round((r' + step)*C) (Python round, half to even) and the cost is np.sum of a slice of the
    scores sorted ascending (a float32 NumPy sum).

    mode 'spec_text': the slice [a, b) of the C sorted channel scores, as reference spec §6.4(b)
    describes it (the cheapest still-active channels the next step would remove).
    mode 'reference_code': what the reference's code computes: its score variable is shaped
    [1,1,1,C], np.sort sorts the last axis but s[a:b] slices axis 0 (length 1), so the cost is the
    sum of all C scores when a == 0 (and b >= 1), else an empty sum, 0.0."""
    if mode not in COST_MODES:
        raise ValueError(mode)
    costs = []
    for score, rate, step in zip(scores, rates, steps):
        s = np.sort(np.asarray(score, np.float32).reshape(1, 1, 1, -1))
        if np.float32(rate) > 0:
            r = 1.0 - float(np.float32(rate))
            a, b = round(r * s.size), round((r + step) * s.size)
            part = s[a:b] if mode == "reference_code" else s.reshape(-1)[a:b]
            costs.append(np.float32(np.sum(part)))
        else:
            costs.append(SEARCH_PRUNED_COST)
    return costs


def trimmed_otsu(values, cut=OTSU_CUT):
    """Trimmed-Otsu threshold of reference spec §6.4(b) (`trimed_otsu`) over float32 costs: sort,
    drop ceil(cut*n) values at each end, and over the m left pick the split t in 1..m-2 that
    maximises t*(m-t)*(mean(lower) - mean(upper))^2 (float32 NumPy means, their float32 difference
    squared in float64; first maximum). Returns (threshold, t) with threshold =
    float64(float32(v[t-1] + v[t])) / 2. Raises where the reference crashes (m < 3)."""
    v = np.sort(np.asarray(values, np.float32))
    trim = int(np.ceil(len(v) * cut))
    v = v[trim:-trim]
    m = len(v)
    if m < 3:
        raise ValueError(f"trimmed Otsu needs at least 3 values after trimming, got {m} (the reference crashes)")
    val = []
    for t in range(1, m - 1):
        d = float(np.float32(np.mean(v[:t]) - np.mean(v[t:])))
        val.append(t * (m - t) * (d * d))
    t = int(np.argmax(val)) + 1
    return float(np.float32(v[t - 1] + v[t])) / 2, t


def select_teachers(losses, num_teacher):
    """Teacher selection of reference spec §6.7 (`build_memory_bank`), literally: sort the history by
    loss (np.argsort, NumPy's default sort), add i*1e-12 to the i-th sorted loss (float64), targets =
    np.arange(min, max, (max - min)/num_teacher), and for each target in order take the entry with
    the nearest loss (np.argmin, first on ties), then set its loss to 1e6.
    Returns (teacher indices into `losses` in teacher order, targets, sorted order)."""
    order = np.argsort(np.asarray(losses, np.float64))
    keyed = np.array([float(losses[h]) + i * 1e-12 for i, h in enumerate(order)])
    lo, hi = keyed[0], keyed[-1]
    targets = np.arange(lo, hi, (hi - lo) / num_teacher).tolist()
    picked = []
    for t in targets:
        k = int(np.argmin(np.abs(t - keyed)))
        picked.append(k)
        keyed[k] = 1e6
    return [int(order[k]) for k in picked], targets, [int(h) for h in order]


class SearchWidths:
    """Width bookkeeping of the EKG search (reference spec §6.4(c) steps 1-2, §6.5), host side only.

    widths: Python floats (NumPy float64 after a fine search: np.arange values and NumPy's round,
    exactly as in the reference); rates: the float32 gate variables last assigned by set_width.
    The FLOPs ratio is exact FLOPs / exact original FLOPs in float64: the reference sums per-layer
    float32 FLOPs with Python's sum, which under NumPy 1.x promotes to float64 from the first term.
    """

    def __init__(self, weights, depth, target_rate, search_step):
        self.weights, self.depth = weights, depth
        gates = gate_names(weights, depth)
        self.names = [name for name, _ in gates]
        self.channels = [int(c) for _, c in gates]
        self.steps, self.fine_steps = gate_steps(weights, depth, search_step)
        self.target, self.search_step_size = target_rate, search_step
        self.widths = [1.0] * len(gates)
        self.widths_temp = list(self.widths)
        self.rates = [np.float32(1.0)] * len(gates)
        self.ori_params, self.ori_flops = resnet_complexity(weights, depth)

    def set_width(self, widths):
        """Assigns every float32 rate variable; returns the exact FLOPs of §4.5."""
        self.rates = [np.float32(w) for w in widths]
        kept = {name: kept_count(c, r) for name, c, r in zip(self.names, self.channels, self.rates)}
        return resnet_complexity(self.weights, self.depth, kept)[1]

    def ratio(self, flops):
        return float(flops) / float(self.ori_flops)

    def fine_search(self, i):
        """§6.4(c) step 2: w over np.arange(W, W + search_step, 1/C); width = round(w, 2) until the
        FLOPs ratio exceeds the target, then round(w - 1/C, 5). Returns (FLOPs, tried widths)."""
        f = self.set_width(self.widths)
        start = self.widths[i]
        trace = []
        for w in np.arange(start, start + self.search_step_size, self.fine_steps[i]):
            self.widths[i] = round(w, 2)
            f = self.set_width(self.widths)
            trace.append(float(self.widths[i]))
            if self.ratio(f) > self.target:
                self.widths[i] = round(w - self.fine_steps[i], 5)
                f = self.set_width(self.widths)
                break
        return f, trace

    def apply_candidate(self, i):
        """§6.4(c) steps 1-2 for gate i: widths[i] = round(widths[i] - step_i, 5), then the fine
        search if the FLOPs ratio fell below the target (strictly). The candidate stays in widths
        (the caller evaluates it, then calls restore). Returns (FLOPs, fine-search trace or None)."""
        self.widths_temp[i] = self.widths[i]
        self.widths[i] = round(self.widths[i] - self.steps[i], 5)
        f = self.set_width(self.widths)
        trace = None
        if self.ratio(f) < self.target:
            f, trace = self.fine_search(i)
        return f, trace

    def restore(self, i):
        """Swaps the candidate width into widths_temp[i] and the old width back (rates stay dirty)."""
        self.widths_temp[i], self.widths[i] = self.widths[i], self.widths_temp[i]


class SearchOracle(SearchWidths):
    """The EKG search loop of reference spec §6.3-§6.5, transcribed step by step (the reference's
    `EKG` class), on a fixed validation set split into consecutive batches, without the warm-up.

    State (besides SearchWidths): the per-gate orders (all 0 before the first scoring), the
    ensemble knowledge and its count, and the width history. No weight changes; BN on batch
    statistics throughout.
    """

    def __init__(self, weights, depth, num_classes, images, labels, batch_sizes, batch_size_flag,
                 target_rate, search_step, cost_mode):
        super().__init__(weights, depth, target_rate, search_step)
        self.num_classes = num_classes
        self.images = np.asarray(images, np.float32)
        self.labels = np.asarray(labels)
        bounds = np.cumsum([0] + list(batch_sizes))
        assert bounds[-1] == len(self.images)
        self.slices = [slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])]
        self.flag, self.cost_mode = batch_size_flag, cost_mode
        self.orders = [np.zeros(c, np.float32) for c in self.channels]
        self.cur_flops = self.ori_flops
        # §6.3: one evaluation pass with K = 0 and every rate 1 gives T0 (the original logits)
        self.knowledge = np.zeros((len(self.images), num_classes), np.float32)
        self.knowledge, self.ori_acc, self.ori_loss, self.ori_score = self.evaluate()
        self.cur_acc, self.cur_loss = self.ori_acc, self.ori_loss
        self.num_t = 1
        self.history = None
        self.step_count = 0

    def batches(self):
        return [(self.images[s], self.labels[s], self.knowledge[s]) for s in self.slices]

    def masks(self):
        return {name: rate_mask(o, c, r) for name, o, c, r in zip(self.names, self.orders, self.channels, self.rates)}

    def evaluate(self):
        return search_evaluate(self.weights, self.depth, self.num_classes, self.batches(), self.flag, self.masks())

    def search_step(self, forced=None):
        """One step of reference spec §6.4 (a)-(e); returns a record of everything it computed.

        forced: a gate to accept instead of the argmin, to follow another implementation's path
        (compare_search.py); evaluated as a candidate even where the shortlist left it out. The
        record then also holds "argmin", the oracle's own choice ("chosen" is the forced one), and
        "forced_candidate", the forced gate's candidate where the shortlist left it out (else None)."""
        rec = {"rates_at_scoring": [float(r) for r in self.rates]}
        # (a) importance under the current masks (previous orders, current rates), new orders
        scores = importance_scores(self.weights, self.depth, self.num_classes, self.batches(), self.flag,
                                   self.masks())
        scores = [scores[name] for name in self.names]
        self.orders = [gate_order(s).astype(np.float32) for s in scores]
        # (b) costs and the trimmed-Otsu shortlist
        costs = pruning_costs(scores, self.rates, self.steps, self.cost_mode)
        threshold, split = trimmed_otsu([c for c in costs if c < SEARCH_PRUNED_COST])
        do_check = np.array(costs) <= threshold
        # (c) one candidate per shortlisted gate
        n = len(self.names)
        acc_list, loss_list, score_list = np.zeros(n), np.ones(n) * 1e12, np.ones(n) * 1e12
        logits_list = [None] * n
        candidates = []

        def evaluate_candidate(i):
            f, trace = self.apply_candidate(i)
            logits, acc, loss, score = self.evaluate()
            self.restore(i)
            logits_list[i], acc_list[i], loss_list[i], score_list[i] = logits, acc, loss, score
            return {"gate": i, "width": float(self.widths_temp[i]),
                    "kept": kept_count(self.channels[i], self.widths_temp[i]),
                    "loss": float(loss), "score": float(score), "acc": float(acc),
                    "flops": int(f), "flops_ratio": self.ratio(f), "fine_search": trace}
        for i in range(n):
            if self.widths[i] > 0 and do_check[i]:
                candidates.append(evaluate_candidate(i))
        # (d) selection: argmin score (first on ties); the first one pushes the original entry
        argmin = int(np.argmin(score_list))
        best = argmin if forced is None else int(forced)
        forced_candidate = None if best in [c["gate"] for c in candidates] else evaluate_candidate(best)
        if self.history is None:  # orders just computed, rate variables as the last candidate left them
            self.history = [([o.copy() for o in self.orders], list(self.rates), float(self.cur_loss))]
        self.widths[best] = self.widths_temp[best]
        self.cur_flops = self.set_width(self.widths)
        self.cur_acc, self.cur_loss = acc_list[best], loss_list[best]
        self.step_count += 1
        self.history.append(([o.copy() for o in self.orders], list(self.rates), float(self.cur_loss)))
        # (e) running mean of the chosen candidate's logits (float32)
        self.knowledge = ((self.knowledge * self.num_t + logits_list[best]) / (self.num_t + 1)).astype(np.float32)
        self.num_t += 1
        rec.update({"scores": scores, "costs": [float(c) for c in costs], "threshold": threshold,
                    "otsu_split": split, "evaluated": [c["gate"] for c in candidates],
                    "candidates": candidates, "chosen": best,
                    "widths": [float(w) for w in self.widths],
                    "kept": [kept_count(c, r) for c, r in zip(self.channels, self.rates)],
                    "flops": int(self.cur_flops), "flops_ratio": self.ratio(self.cur_flops),
                    "acc": float(self.cur_acc), "loss": float(self.cur_loss)})
        if forced is not None:
            rec.update({"argmin": argmin, "forced_candidate": forced_candidate})
        return rec
