#!/usr/bin/env bash
# The GPU measurement of the issue "Mirrored multi-device runners": on one device, the ResNet-56
# training step at batch 128 with and without XLA, search candidate evaluations per second,
# memory-bank images per second and `test` images per second of the unpruned and an EKG-pruned
# ResNet-56. Prints a table and writes a JSON record.
#
#   bash tools/bench/gpu.sh [--cpu] [--weights FILE] [--out DIR]
#
# Self-contained: needs a JDK and the built tool (target/classes and target/lib, from
# `EKG_MAVEN_PROFILE=gpu ./ekg --help` or `mvn -Pgpu -DskipTests package dependency:copy-dependencies
# -DincludeScope=runtime -DoutputDirectory=target/lib`), no network and no Maven. --cpu runs the
# same measurements on the CPU with smaller sizes (a check that the script works; numbers of a CPU
# are in the README's Benchmarks). The data is synthetic CIFAR-10 written by the tool itself.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cpu=false
weights="$root/../shared/reference/pretrained/res56_cifar10.pkl"
out="$root/runs/bench-gpu-$(date +%Y%m%d-%H%M%S)"
while [ $# -gt 0 ]; do
  case "$1" in
    --cpu) cpu=true; shift ;;
    --weights) weights="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "gpu.sh: unknown argument $1 (expected --cpu, --weights FILE, --out DIR)" >&2; exit 2 ;;
  esac
done
[ -f "$weights" ] || { echo "gpu.sh: --weights $weights: no such file (the pretrained ResNet-56 .pkl)" >&2; exit 2; }
[ -d "$root/target/classes" ] && [ -d "$root/target/lib" ] \
  || { echo "gpu.sh: $root/target/classes or target/lib missing: build the tool first (see the header)" >&2; exit 2; }
mkdir -p "$out"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
if $cpu; then
  if [ -z "${ONEDNN_MAX_CPU_ISA:-}" ] && grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
    export ONEDNN_MAX_CPU_ISA=AVX2_VNNI   # as ./ekg does (README, Numerics)
  fi
  per_class=300; steps=5; target=0.9; device=(--replicas 1)
else
  per_class=5000; steps=20; target=0.45; device=(--gpu_id 0)
fi
ekg() { java ${EKG_JAVA_OPTS:--Xmx16g} -cp "$root/target/classes:$root/target/lib/*" dev.ekg.cli.Main "$@"; }
log() { echo "gpu.sh: $*" >&2; }
data="$out/data"
run="$out/ekg"

log "synthetic CIFAR-10, $per_class training images per class"
ekg make_synthetic_cifar --data_path "$data" --train_per_class "$per_class" --test_per_class 100 --overwrite >/dev/null
log "training step, batch 128, without and with XLA"
ekg bench_train_step --batch_size 128 --steps "$steps" --warmup 5 --no-compile --json "$out/step.json" >/dev/null
ekg bench_train_step --batch_size 128 --steps "$steps" --warmup 5 --compile --json "$out/step_xla.json" >/dev/null
log "search candidate evaluations"
ekg bench_search --data_path "$data" --trained_param "$weights" "${device[@]}" --steps 2 --rounds 1 \
    --json "$out/search.json" >/dev/null
log "EKG search to $target of the FLOPs and memory bank (5 teachers)"
ekg train_cifar --data_path "$data" --trained_param "$weights" --train_path "$run" "${device[@]}" \
    --phase search --warmup_steps 0 --search_target_rate "$target" >"$out/search.log" 2>&1
ekg train_cifar --data_path "$data" --trained_param "$weights" --train_path "$run" "${device[@]}" \
    --phase prune --search_target_rate "$target" >"$out/prune.log" 2>&1
log "test of the unpruned and the pruned network"
ekg test --data_path "$data" --trained_param "$weights" "${device[@]}" --latency_runs 20 >"$out/test_unpruned.log" 2>&1
ekg test --data_path "$data" --trained_param "$run/slimmed_params.pkl" "${device[@]}" --latency_runs 20 \
    >"$out/test_pruned.log" 2>&1

json_value() {
  # one value of a one-line JSON record, without a JSON tool on a bare machine
  sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" "$1" | tr -d '"'
}
step=$(printf '%.1f' "$(json_value "$out/step.json" images_per_s)")
step_xla=$(printf '%.1f' "$(json_value "$out/step_xla.json" images_per_s)")
evaluations=$(json_value "$out/search.json" evaluations)
plain_s=$(sed -n 's/.*"plain_s":\[\([^]]*\)\].*/\1/p' "$out/search.json")
cached_s=$(sed -n 's/.*"search_cache_s":\[\([^]]*\)\].*/\1/p' "$out/search.json")
evals_plain=$(awk -v n="$evaluations" -v s="$plain_s" 'BEGIN { printf "%.2f", n / s }')
evals_cached=$(awk -v n="$evaluations" -v s="$cached_s" 'BEGIN { printf "%.2f", n / s }')
bank=$(grep -o 'memory bank teacher [0-9]*/[0-9]*: [0-9]*/[0-9]* images, [0-9.]* img/s' "$out/prune.log" \
  | awk '{ sum += $(NF-1); n++ } END { if (n) printf "%.0f", sum / n; else print "n/a" }')
test_rate() { sed -n 's/^Latency: .*, \([0-9.]*\) images\/s, .*/\1/p' "$1" | tail -1; }
test_unpruned=$(test_rate "$out/test_unpruned.log")
test_pruned=$(test_rate "$out/test_pruned.log")
flops_pruned=$(sed -n 's/^Params: .* FLOPS: \([0-9.]*\).*/\1/p' "$out/test_pruned.log" | tail -1)
processor=$(json_value "$out/step.json" processor)
if ! $cpu && command -v nvidia-smi >/dev/null; then
  processor="$processor, $(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)"
fi

cat > "$out/table.md" <<TABLE
| measurement ($processor) | value |
|---|---|
| ResNet-56 training step, batch 128 | $step images/s |
| same with XLA (\`--compile\`) | $step_xla images/s |
| search candidate evaluations (320 images each), plain | $evals_plain /s |
| same with \`--search_cache\` | $evals_cached /s |
| memory bank, mean over 5 teachers | $bank images/s |
| \`test\`, unpruned ResNet-56 | $test_unpruned images/s |
| \`test\`, EKG-pruned to $target ($flops_pruned MFLOPs) | $test_pruned images/s |
TABLE
printf '{"processor":"%s","cpu_mode":%s,"train_images_per_s":%s,"train_xla_images_per_s":%s,"search_evaluations_per_s":%s,"search_cache_evaluations_per_s":%s,"memory_bank_images_per_s":%s,"test_unpruned_images_per_s":%s,"test_pruned_images_per_s":%s,"pruned_target":%s,"pruned_mflops":%s}\n' \
  "$processor" "$cpu" "$step" "$step_xla" "$evals_plain" "$evals_cached" "$bank" "$test_unpruned" "$test_pruned" \
  "$target" "$flops_pruned" > "$out/gpu_bench.json"
cat "$out/table.md"
echo "record: $out/gpu_bench.json"
