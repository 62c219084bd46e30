#!/usr/bin/env bash
# The latency table of the issue "Speed where the user waits": the pretrained ResNet-56 pruned to
# 45 % of its FLOPs without and with --round_to 4, 8 and 16, each network's inference latency at
# batch 1 and 256 as a ratio to the unpruned network's, all timed in turn in one run
# (`./ekg bench_latency`). Prints the table and writes it, with a JSON record, under --out.
#
#   bash tools/bench/latency_table.sh [--method magnitude|ekg] [--weights FILE] [--out DIR] [--runs N]
#
# --method magnitude (default, minutes): train_cifar --method magnitude (global L1 allocation);
# --method ekg: the EKG search (about an hour per network on 2 CPU cores). Latency depends on the
# widths only, so the data is a small synthetic CIFAR-10 written by the tool itself.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
method=magnitude
weights=
out=
runs=30
absolute() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
while [ $# -gt 0 ]; do
  case "$1" in
    --method) method="$2"; shift 2 ;;
    --weights) weights=$(absolute "$2"); shift 2 ;;
    --out) out=$(absolute "$2"); shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "latency_table.sh: unknown argument $1 (expected --method, --weights FILE, --out DIR, --runs N)" >&2; exit 2 ;;
  esac
done
case "$method" in
  magnitude|ekg) ;;
  *) echo "latency_table.sh: --method $method: expected magnitude or ekg" >&2; exit 2 ;;
esac
# the defaults relative to the project, so that the table names them so
cd "$root"
weights=${weights:-../shared/reference/pretrained/res56_cifar10.pkl}
out=${out:-runs/latency-$(date +%Y%m%d-%H%M%S)}
[ -f "$weights" ] || { echo "latency_table.sh: --weights $weights: no such file (the pretrained ResNet-56 .pkl)" >&2; exit 2; }
ekg() { "$root/ekg" "$@"; }
log() { echo "latency_table.sh: $*" >&2; }
mkdir -p "$out"
data="$out/data"
[ -d "$data" ] || ekg make_synthetic_cifar --data_path "$data" --train_per_class 300 --test_per_class 20 >/dev/null

networks=("$weights")
for round_to in 1 4 8 16; do
  run="$out/$method-round_to-$round_to"
  if [ ! -f "$run/slimmed_params.pkl" ]; then
    log "$method, --round_to $round_to: pruning to 0.45 of the FLOPs"
    if ! ekg train_cifar --data_path "$data" --trained_param "$weights" --train_path "$run" --method "$method" \
        --search_target_rate 0.45 --round_to "$round_to" --phase search >"$run.search.log" 2>&1; then
      log "$method, --round_to $round_to: left out: $(grep 'error:' "$run.search.log" | tail -1)"
      continue
    fi
    ekg train_cifar --data_path "$data" --trained_param "$weights" --train_path "$run" --method "$method" \
        --search_target_rate 0.45 --round_to "$round_to" --phase prune >"$run.prune.log" 2>&1
  fi
  networks+=("$run/slimmed_params.pkl")
done
log "timing ${#networks[@]} networks in turn, batch 1 and 256, $runs passes each"
ekg bench_latency --trained_param "${networks[@]}" --batch_sizes 1,256 --runs "$runs" --json "$out/latency.json" \
  | tee "$out/latency.md"
