#!/usr/bin/env bash
# The protocol of "Pruning Compact ConvNets for Efficient Inference" (Ghosh et al. 2023) on this
# tool: is a large compact network pruned to the FLOPs of the next smaller one better than that
# smaller one trained from scratch with the same budget? MobileNetV2-1.0 is trained for E epochs,
# pruned to the FLOPs of MobileNetV2-0.75 by EKG and by global L1 magnitude and fine-tuned for F
# epochs; MobileNetV2-0.75 is trained from scratch for E + F epochs on the same images. One table,
# $OUT/table.md, compares top-1, params, FLOPs, latency and wall time.
#
#   DATA=runs/data/fashion-mnist OUT=runs/compact_seed bash tools/protocols/compact_seed.sh
#
# Knobs (environment): E (default 10), F (default 3), PER_CLASS (training images per class, default
# 0 = all), EXTRA (flags added to every train_cifar call, e.g. smaller search subsets for a dry run).
# Each step is skipped when its output exists, so a stopped protocol continues where it was.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
ekg="$here/ekg"
DATA="${DATA:?set DATA to a CIFAR-10-layout dataset, e.g. runs/data/fashion-mnist (./ekg demo imports it)}"
OUT="${OUT:-runs/compact_seed}"
E="${E:-10}"
F="${F:-3}"
PER_CLASS="${PER_CLASS:-0}"
EXTRA="${EXTRA:-}"
mkdir -p "$OUT"
common=(--data_path "$DATA" --train_per_class "$PER_CLASS" --do_log 0)

# Runs "$@" --train_path $OUT/<name>, resuming a run a stop interrupted; <name>.done holds its
# seconds (of the last attempt) once it has finished.
step() { # name, command...
  local name=$1; shift
  if [ -f "$OUT/$name.done" ]; then echo "compact_seed: $name done"; return; fi
  local resume=()
  [ -d "$OUT/$name" ] && resume=(--resume)
  echo "compact_seed: $name: $* --train_path $OUT/$name ${resume[*]}"
  local start
  start=$(date +%s)
  "$@" --train_path "$OUT/$name" "${resume[@]}"
  echo $(( $(date +%s) - start )) > "$OUT/$name.done"
}

step large "$ekg" train --arch MobileNetV2-1.0 "${common[@]}" --train_epoch "$E"
target=$(python3 -c 'print(62150912 / 91256320)')  # FLOPs of MobileNetV2-0.75 / MobileNetV2-1.0 (README, Architectures)
for method in ekg magnitude; do
  # shellcheck disable=SC2086
  step "$method" "$ekg" train_cifar --arch MobileNetV2-1.0 --method "$method" "${common[@]}" \
    --trained_param "$OUT/large/trained_params.pkl" --search_target_rate "$target" --train_epoch "$F" $EXTRA
done
step small "$ekg" train --arch MobileNetV2-0.75 "${common[@]}" --train_epoch $((E + F))

row() { # label, arch, weights, seconds
  local tested
  tested=$("$ekg" test --arch "$2" --trained_param "$3" --data_path "$DATA" --bn_mode inference --latency_runs 20)
  python3 - "$1" "$4" "$tested" <<'PY'
import re, sys
label, seconds, out = sys.argv[1], sys.argv[2], sys.argv[3]
top1 = float(re.search(r"Top-1: ([0-9.]+)", out).group(1)) * 100
params, flops = re.search(r"Params: ([0-9.]+) FLOPS: ([0-9.]+)", out).groups()
latency, batch = re.search(r"Latency: ([0-9.]+) ms/batch of (\d+)", out).groups()
print(f"| {label} | {top1:.2f} | {params} | {flops} | {latency} ({batch} images) | {seconds} |")
PY
}
{
  echo "| network | top-1 (%) | params (M) | FLOPs (M) | latency (ms per batch) | wall time (s) |"
  echo "|---|---:|---:|---:|---:|---:|"
  row "MobileNetV2-1.0, $E epochs" MobileNetV2-1.0 "$OUT/large/trained_params.pkl" "$(cat "$OUT/large.done")"
  for method in ekg magnitude; do
    row "MobileNetV2-1.0 → $method to 0.75's FLOPs, + $F epochs" MobileNetV2-1.0 "$OUT/$method/trained_params.pkl" \
      "$(( $(cat "$OUT/large.done") + $(cat "$OUT/$method.done") ))"
  done
  row "MobileNetV2-0.75 from scratch, $((E + F)) epochs" MobileNetV2-0.75 "$OUT/small/trained_params.pkl" "$(cat "$OUT/small.done")"
} > "$OUT/table.md"
cat "$OUT/table.md"
