#!/usr/bin/env bash
# Times one ResNet-56 training step (batch 128, CIFAR 32x32, 10 classes: forward, backward, Keras
# Nesterov momentum update, BN moving-average updates) in three implementations in the same session:
#   ekg-java        ./ekg bench_train_step   (skipped with a message when the command is not available)
#   ekg-java-eigen  the same on TensorFlow's Eigen CPU kernels (TF_ENABLE_ONEDNN_OPTS=0), with --eigen
#   tf-python       tools/bench/tf_python_step.py  (TensorFlow 2.21, tf.function graph mode)
#   pytorch         tools/bench/torch_step.py      (PyTorch CPU, eager)
# interleaved A B C A B C … to spread machine drift, then writes
# tools/bench/results/train_step_<date>.json (every run, host nproc and CPU model, the median of
# each implementation's run medians, and the ratios tf-python/ekg-java and pytorch/ekg-java of those:
# a ratio > 1 means Java is faster) and prints a table.
#
# Usage: tools/bench/run_train_step_bench.sh [--steps N] [--warmup W] [--batch B] [--rounds R]
#                                            [--intra I] [--inter I] [--xla] [--no-java] [--eigen]
#                                            [--no-python] [--out FILE]
#   defaults: 20 steps, 5 warm-up, batch 128, 2 rounds, threads 0 (each framework's own choice).
#   --xla: XLA for Java (--compile) and TensorFlow (--jit, reported as tf-python-xla).
#   --eigen: also time ekg-java on Eigen kernels; --no-python: skip tf-python and pytorch.
#   Extra peer flags: TF_BENCH_ARGS="--bn fused", TORCH_BENCH_ARGS="--channels-last".
# Virtual environments (created with tools/reference/setup_venv.sh when missing):
#   tools/reference/.venv (TensorFlow; EKG_REFERENCE_VENV) and tools/reference/.venv-torch (EKG_TORCH_VENV).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ref="$root/tools/reference"
steps=20 warmup=5 batch=128 rounds=2 intra=0 inter=0 xla=0 java=1 eigen=0 python=1 out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --steps) steps=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --intra) intra=$2; shift 2 ;;
    --inter) inter=$2; shift 2 ;;
    --xla) xla=1; shift ;;
    --no-java) java=0; shift ;;
    --eigen) eigen=1; shift ;;
    --no-python) python=0; shift ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run_train_step_bench.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

tf_venv="${EKG_REFERENCE_VENV:-$ref/.venv}"
torch_venv="${EKG_TORCH_VENV:-$ref/.venv-torch}"
if [ ! -x "$tf_venv/bin/python" ]; then
  echo "== creating $tf_venv (TensorFlow)" >&2
  bash "$ref/setup_venv.sh" "$tf_venv"
fi
if [ "$python" = 1 ] && [ ! -x "$torch_venv/bin/python" ]; then
  echo "== creating $torch_venv (PyTorch CPU)" >&2
  bash "$ref/setup_venv.sh" "$torch_venv" "torch" "numpy>=2,<3"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "$java" = 1 ]; then
  echo "== checking ./ekg bench_train_step (builds the Java tool if needed)" >&2
  if ! (cd "$root" && ./ekg bench_train_step --help) >/dev/null 2>"$work/java_check.err"; then
    echo "== skipping ekg-java: './ekg bench_train_step' is not available (missing command or" \
         "build failure); last lines of its error output:" >&2
    tail -n 5 "$work/java_check.err" >&2 || true
    java=0
  fi
fi

xla_java=() xla_tf=()
if [ "$xla" = 1 ]; then xla_java=(--compile); xla_tf=(--jit); fi
# shellcheck disable=SC2206
tf_extra=(${TF_BENCH_ARGS:-})
# shellcheck disable=SC2206
torch_extra=(${TORCH_BENCH_ARGS:-})
torch_threads=()
if [ "$intra" != 0 ]; then torch_threads+=(--threads "$intra"); fi
if [ "$inter" != 0 ]; then torch_threads+=(--interop "$inter"); fi

run_one() {  # run_one ROUND IMPL COMMAND...: the JSON record goes to $work/<n>_<impl>.json
  local round=$1 impl=$2
  shift 2
  local n
  n=$(printf '%03d' "$(find "$work" -name '*.jsonl' | wc -l)")
  local file="$work/${n}_${impl}.jsonl"
  echo "== round $round: $impl" >&2
  if ! "$@" --json "$file" >"$work/${n}.out" 2>"$work/${n}.err"; then
    echo "   $impl failed; last lines of its output:" >&2
    tail -n 5 "$work/${n}.err" >&2 || true
    printf '{"impl": "%s", "error": "exit status non-zero, see stderr"}\n' "$impl" >"$file"
  fi
  tail -n 1 "$file" | sed "s/^{/{\"round\": $round, /; s/\"impl\": *\"[^\"]*\"/\"impl\":\"$impl\"/" \
    >"$file.tmp" && mv "$file.tmp" "$file"
  tail -n 1 "$file" | cut -c1-160 >&2
}

for round in $(seq 1 "$rounds"); do
  if [ "$java" = 1 ]; then
    run_one "$round" ekg-java bash -c 'cd "$0" && exec ./ekg bench_train_step "$@"' "$root" \
      --batch_size "$batch" --steps "$steps" --warmup "$warmup" --intra "$intra" --inter "$inter" \
      ${xla_java[@]+"${xla_java[@]}"}
  fi
  if [ "$java" = 1 ] && [ "$eigen" = 1 ]; then
    run_one "$round" ekg-java-eigen env TF_ENABLE_ONEDNN_OPTS=0 bash -c 'cd "$0" && exec ./ekg bench_train_step "$@"' \
      "$root" --batch_size "$batch" --steps "$steps" --warmup "$warmup" --intra "$intra" --inter "$inter" \
      ${xla_java[@]+"${xla_java[@]}"}
  fi
  if [ "$python" = 1 ]; then
    run_one "$round" tf-python "$tf_venv/bin/python" "$here/tf_python_step.py" --batch "$batch" \
      --steps "$steps" --warmup "$warmup" --intra "$intra" --inter "$inter" \
      ${xla_tf[@]+"${xla_tf[@]}"} ${tf_extra[@]+"${tf_extra[@]}"}
    run_one "$round" pytorch "$torch_venv/bin/python" "$here/torch_step.py" --batch "$batch" \
      --steps "$steps" --warmup "$warmup" ${torch_threads[@]+"${torch_threads[@]}"} \
      ${torch_extra[@]+"${torch_extra[@]}"}
  fi
done

stamp=$(date +%Y%m%d-%H%M%S)
if [ -z "$out" ]; then
  mkdir -p "$here/results"
  out="$here/results/train_step_${stamp}.json"
fi
cpu_model=$( (grep -m1 'model name' /proc/cpuinfo 2>/dev/null || true) | sed 's/^[^:]*: *//')
[ -n "$cpu_model" ] || cpu_model=$( (lscpu 2>/dev/null | grep -m1 'Model name' || true) | sed 's/^[^:]*: *//')
nproc_n=$(nproc)
git_commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
git_dirty=$( [ -n "$(git -C "$root" status --porcelain --untracked-files=no -- src pom.xml 2>/dev/null)" ] \
  && echo true || echo false)
export BENCH_GIT="{\"commit\": \"$git_commit\", \"java_sources_modified\": $git_dirty}"
export BENCH_WORK="$work" BENCH_OUT="$out" BENCH_CPU="$cpu_model" BENCH_NPROC="$nproc_n" \
  BENCH_CONFIG="{\"batch\": $batch, \"steps\": $steps, \"warmup\": $warmup, \"rounds\": $rounds, \"intra\": $intra, \"inter\": $inter, \"xla\": $([ "$xla" = 1 ] && echo true || echo false), \"java_run\": $([ "$java" = 1 ] && echo true || echo false), \"eigen\": $([ "$eigen" = 1 ] && echo true || echo false), \"python_peers\": $([ "$python" = 1 ] && echo true || echo false)}"
"$tf_venv/bin/python" - <<'PY'
import datetime, glob, json, os, platform, statistics

work, out = os.environ["BENCH_WORK"], os.environ["BENCH_OUT"]
runs = []
for path in sorted(glob.glob(os.path.join(work, "*.jsonl"))):
    with open(path) as f:
        runs.append(json.loads(f.read().strip().splitlines()[-1]))
medians = {}
for r in runs:
    if "median_ms" in r:
        medians.setdefault(r["impl"], []).append(r["median_ms"])
summary = {impl: statistics.median(v) for impl, v in medians.items()}
java = summary.get("ekg-java")
ratios = {f"{impl}/ekg-java": (m / java if java else None) for impl, m in summary.items() if impl != "ekg-java"}
for impl in ("tf-python", "pytorch"):
    ratios.setdefault(f"{impl}/ekg-java", None)
result = {
    "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
    "host": {"nproc": int(os.environ["BENCH_NPROC"]), "cpu_model": os.environ["BENCH_CPU"],
             "os": platform.platform()},
    "config": json.loads(os.environ["BENCH_CONFIG"]),
    "git": json.loads(os.environ["BENCH_GIT"]),
    "runs": runs,
    "median_of_run_medians_ms": summary,
    "ratios": ratios,
    "ratio_meaning": "peer median / ekg-java median: > 1 means Java is faster",
}
with open(out, "w") as f:
    f.write(json.dumps(result, indent=1) + "\n")
print(f"\n{'impl':<15}{'run medians (ms)':<28}{'median (ms)':>12}{'img/s':>9}{'vs ekg-java':>13}")
for impl, values in medians.items():
    m = summary[impl]
    ratio = "" if impl == "ekg-java" else ("n/a" if not java else f"{m / java:.2f}x")
    print(f"{impl:<15}{', '.join(f'{v:.1f}' for v in values):<28}{m:>12.1f}"
          f"{runs[0].get('batch', 128) * 1000 / m:>9.1f}{ratio:>13}")
failed = [r["impl"] for r in runs if "error" in r]
if failed:
    print(f"failed runs: {failed}")
print(f"host: {os.environ['BENCH_NPROC']} CPUs, {os.environ['BENCH_CPU']}")
print(f"written: {out}")
PY
