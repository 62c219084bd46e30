"""Checks `test --export_savedmodel DIR` in TensorFlow Python against the logits of `test` itself.

Usage: tools/reference/.venv/bin/python tools/reference/check_savedmodel.py DIR DATA_PATH LOGITS.npy [--tolerance T]
  DIR         what --export_savedmodel wrote (saved_model.pb, variables/, frozen_graph.pb)
  DATA_PATH   the CIFAR-10 binary folder `test` read (test_batch.bin in it or in cifar-10-batches-bin/)
  LOGITS.npy  `test --bn_mode inference --save_logits` of the same weights and data

Reads and normalises the test images independently of the Java side (reference §2, its BGR-listed
statistics applied to RGB included), then runs them through the SavedModel loaded with
tf.saved_model.load (signature serving_default: images -> logits) and through frozen_graph.pb
imported with tf.compat.v1 (images:0 -> logits:0). Prints the max abs and relative error of each
against LOGITS.npy (relative to max |logit|) and exits non-zero when either exceeds the tolerance.
"""
import argparse
import sys
from pathlib import Path

import numpy as np

import make_goldens as mg
import tensorflow as tf

RECORD = 1 + 32 * 32 * 3  # label byte, then the image as R, G, B planes


def cifar10_test_images(data_path):
    for folder in (data_path, data_path / "cifar-10-batches-bin"):
        if (folder / "test_batch.bin").is_file():
            raw = np.fromfile(folder / "test_batch.bin", np.uint8).reshape(-1, RECORD)
            return mg.normalize_cifar10(raw[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
    raise SystemExit(f"{data_path}: no test_batch.bin in it or in cifar-10-batches-bin/")


def in_batches(run, images, batch=500):
    return np.concatenate([run(images[i:i + batch]) for i in range(0, len(images), batch)])


def saved_model_logits(export_dir, images):
    loaded = tf.saved_model.load(str(export_dir))
    serve = loaded.signatures["serving_default"]
    print(f"SavedModel: {len(loaded.variables)} variables, signature serving_default "
          f"{sorted(serve.structured_input_signature[1])} -> {sorted(serve.structured_outputs)}")
    return in_batches(lambda x: serve(images=tf.constant(x))["logits"].numpy(), images)


def frozen_graph_logits(export_dir, images):
    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString((export_dir / "frozen_graph.pb").read_bytes())
    ops = sorted({n.op for n in graph_def.node})
    with tf.Graph().as_default() as graph:
        tf.compat.v1.import_graph_def(graph_def, name="")
        with tf.compat.v1.Session(graph=graph) as session:
            print(f"frozen graph: {len(graph_def.node)} nodes, ops {ops}")
            return in_batches(lambda x: session.run("logits:0", {"images:0": x}), images)


def report(name, got, want, tolerance):
    abs_err = float(np.max(np.abs(got.astype(np.float64) - want)))
    rel_err = abs_err / float(np.max(np.abs(want)))
    ok = got.shape == want.shape and rel_err <= tolerance
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {got.shape[0]} images, max abs err {abs_err:.3g}, "
          f"relative {rel_err:.3g} (tolerance {tolerance:g})")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export_dir", type=Path)
    parser.add_argument("data_path", type=Path)
    parser.add_argument("logits", type=Path)
    parser.add_argument("--tolerance", type=float, default=1e-5)
    args = parser.parse_args()
    want = np.load(args.logits).astype(np.float64)
    images = cifar10_test_images(args.data_path)
    print(f"TensorFlow {tf.__version__}, {len(images)} test images")
    ok = report("SavedModel", saved_model_logits(args.export_dir, images), want, args.tolerance)
    ok &= report("frozen graph", frozen_graph_logits(args.export_dir, images), want, args.tolerance)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
