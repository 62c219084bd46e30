"""Compares Java EKG searches with the oracle's, step by step (reference spec §6.4).

Usage:
  python3 tools/reference/compare_search.py --oracle oracle.json eigen=RUN_A onednn=RUN_B [--json out.json]

oracle.json comes from search_from_weights.py (best run with --follow RUN_A/search_log.jsonl, so
that it accepts the gates RUN_A accepted and every step starts from the same sub-network); each
RUN is a Java --train_path whose search started from the same weights (--warmup_steps 0). Needs
only NumPy.

Per step and Java run it reports: the accepted gate against the oracle's own argmin, the val loss
(relative difference), whether the widths and the kept channels of every gate (from the channel
orders the step computed, §6.4(a), and the new widths, §4.6) are the same, the shortlists, and the
largest relative difference of the candidates' scores (CE + soft CE, §6.4(c)). Where a run first
accepts another gate than the oracle would, it prints every candidate's score on both sides and
the margin between the best two: a float32 near-tie shows as a margin smaller than the two
implementations' difference on the same candidate.
"""
import argparse
import json
from pathlib import Path

import numpy as np


def java_run(folder):
    """(steps from search_log.jsonl, history entries: original first) of a Java search."""
    folder = Path(folder)
    steps = [json.loads(line) for line in (folder / "search_log.jsonl").read_text().splitlines() if line.strip()]
    source = folder / "search_history.json"
    if not source.is_file():
        source = folder / "search_state.json"  # a search still running, or killed
    history = json.loads(source.read_text())["history"]
    return steps, history


def kept(orders, widths, channels):
    """Per gate, the kept channel set of §4.6: order < max(float32(C) * float32(rate), 1)."""
    out = []
    for order, width, c in zip(orders, widths, channels):
        limit = max(np.float32(c) * np.float32(width), np.float32(1))
        out.append(frozenset(int(i) for i in np.flatnonzero(np.asarray(order, np.float32) < limit)))
    return out


def argmin(oracle_step):
    """The oracle's own choice: "argmin" where it followed a Java run, else the gate it accepted."""
    return oracle_step.get("argmin", oracle_step["chosen"])


def margin(scores):
    """The best two candidates' relative score gap, (second - best) / best; None for one candidate."""
    best = sorted(scores)[:2]
    return (best[1] - best[0]) / best[0] if len(best) == 2 else None


def fmt(value):
    return "-" if value is None else f"{value:.2e}"


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-30)


def compare(name, java, oracle):
    steps, history = java
    rows = []
    first = None
    for k, o in enumerate(oracle["steps"]):
        if k >= len(steps):
            break
        j = steps[k]
        channels = [len(order) for order in o["orders"]]
        j_orders = history[k + 1]["orders"] if k + 1 < len(history) else None
        o_scores = {c["gate"]: c["score"] for c in o["candidates"]}
        j_scores = dict(zip(j["evaluated"], j.get("scores", [])))
        common = sorted(set(o_scores) & set(j_scores))
        row = {
            "step": k + 1, "java_gate": j["gate"], "oracle_argmin": argmin(o), "oracle_accepted": o["chosen"],
            "java_val_loss": j["val_loss"], "oracle_val_loss": o["loss"],
            "val_loss_rel_diff": rel(j["val_loss"], o["loss"]) if j["gate"] == o["chosen"] else None,
            "same_widths": [round(w, 10) for w in j["widths"]] == [round(w, 10) for w in o["widths"]],
            "same_kept": (j_orders is not None and j["gate"] == o["chosen"]
                          and kept(j_orders, j["widths"], channels) == kept(o["orders"], o["widths"], channels)),
            "same_shortlist": j["evaluated"] == o["evaluated"],
            "max_score_rel_diff": max((rel(j_scores[g], o_scores[g]) for g in common), default=None),
            "oracle_margin": margin(o_scores.values()), "java_margin": margin(j_scores.values()),
        }
        if not row["same_shortlist"]:
            row["shortlist_difference"] = [
                {"gate": g, "in": "java" if g in j["evaluated"] else "oracle", "oracle_cost": o["costs"][g]}
                for g in sorted(set(j["evaluated"]) ^ set(o["evaluated"]))]
            row["thresholds"] = {"java": j["threshold"], "oracle": o["threshold"]}
        rows.append(row)
        if first is None and j["gate"] != argmin(o):
            first = k
    # steps that agree before the first different choice (or different kept channels)
    agree = 0
    for r in rows:
        if r["java_gate"] != r["oracle_argmin"] or not r["same_kept"] or not r["same_widths"]:
            break
        agree += 1
    print(f"\n== {name}: {len(rows)} steps compared; the first {agree} agree (gate, widths, kept channels)")
    print(" step  java  oracle  val loss java / oracle (rel)      widths kept  shortlist  max cand. score rel diff")
    for r in rows:
        loss = (f"{r['java_val_loss']:.6f} / {r['oracle_val_loss']:.6f} ({r['val_loss_rel_diff']:.1e})"
                if r["val_loss_rel_diff"] is not None else f"{r['java_val_loss']:.6f} / {r['oracle_val_loss']:.6f}")
        diff = "-" if r["max_score_rel_diff"] is None else f"{r['max_score_rel_diff']:.1e}"
        mark = "" if r["java_gate"] == r["oracle_argmin"] else "  <- other choice"
        print(f" {r['step']:4d}  {r['java_gate']:4d}  {r['oracle_argmin']:6d}  {loss:34s}  "
              f"{'same' if r['same_widths'] else 'DIFF':6s} {'same' if r['same_kept'] else 'DIFF':4s}  "
              f"{'same' if r['same_shortlist'] else 'DIFF':9s}  {diff}{mark}")
    divergences = []
    for k, r in enumerate(rows):
        if r["java_gate"] == r["oracle_argmin"]:
            continue
        o, j = oracle["steps"][k], steps[k]
        o_scores = {c["gate"]: c["score"] for c in o["candidates"]}
        j_scores = dict(zip(j["evaluated"], j.get("scores", [])))
        table = [{"gate": g, "oracle": o_scores.get(g), "java": j_scores.get(g)}
                 for g in sorted(set(o_scores) | set(j_scores), key=lambda g: (g not in o_scores, o_scores.get(g, j_scores.get(g))))]
        div = {"step": k + 1, "java_gate": j["gate"], "oracle_argmin": argmin(o), "candidates": table,
               "oracle_margin": r["oracle_margin"], "java_margin": r["java_margin"]}
        pair = [g for g in (j["gate"], argmin(o)) if g in o_scores and g in j_scores]
        if len(pair) == 2:
            div["pair"] = {"oracle_diff": o_scores[pair[0]] - o_scores[pair[1]],
                           "java_diff": j_scores[pair[0]] - j_scores[pair[1]],
                           "java_vs_oracle": [j_scores[g] - o_scores[g] for g in pair]}
        divergences.append(div)
        if len(divergences) <= 3 or k == first:
            print(f"\n step {k + 1}: {name} accepts gate {j['gate']}, the oracle's argmin is gate {r['oracle_argmin']} "
                  f"(best-two margin, relative: oracle {fmt(div['oracle_margin'])}, java {fmt(div['java_margin'])})")
            for t in table[:6]:
                ov = "-" if t["oracle"] is None else f"{t['oracle']:.9f}"
                jv = "-" if t["java"] is None else f"{t['java']:.9f}"
                d = "" if t["oracle"] is None or t["java"] is None else f"  java - oracle {t['java'] - t['oracle']:+.2e}"
                print(f"   gate {t['gate']:2d}: oracle {ov}  java {jv}{d}")
            if "pair" in div:
                p = div["pair"]
                print(f"   score(gate {j['gate']}) - score(gate {r['oracle_argmin']}): oracle {p['oracle_diff']:+.2e}, "
                      f"java {p['java_diff']:+.2e}")
    for r in rows:
        for d in r.get("shortlist_difference", []):
            print(f" step {r['step']}: gate {d['gate']} shortlisted by {d['in']} only: its cost {d['oracle_cost']:.9g} "
                  f"(oracle), thresholds java {r['thresholds']['java']:.9g}, oracle {r['thresholds']['oracle']:.9g}")
    ties = [r["step"] for r in rows if r["oracle_margin"] == 0]
    if ties:
        print(f" exact ties between the best two candidates (broken towards the lower gate index) at steps {ties}")
    closest = min((r for r in rows if r["oracle_margin"]), key=lambda r: r["oracle_margin"], default=None)
    if closest is not None:
        print(f" closest call otherwise: step {closest['step']}, best two candidates {closest['oracle_margin']:.2e} apart "
              f"(relative; java {fmt(closest['java_margin'])}); largest java-oracle candidate difference "
              f"{max(r['max_score_rel_diff'] or 0 for r in rows):.1e}")
    print(f" {name}: steps whose accepted gate is the oracle's argmin: "
          f"{sum(r['java_gate'] == r['oracle_argmin'] for r in rows)} of {len(rows)}; kept channels the same in "
          f"{sum(r['same_kept'] for r in rows)} of {len(rows)}")
    return {"steps_compared": len(rows), "first_agreeing_steps": agree, "rows": rows, "divergences": divergences}


def java_pair(a, steps_a, b, steps_b):
    """Two Java searches against each other over their whole length: the first step whose accepted
    gate differs, and the largest val-loss and candidate-score differences before it."""
    same = 0
    for x, y in zip(steps_a, steps_b):
        if x["gate"] != y["gate"] or x["widths"] != y["widths"]:
            break
        same += 1
    loss = max((rel(x["val_loss"], y["val_loss"]) for x, y in zip(steps_a[:same], steps_b[:same])), default=0.0)
    score = max((rel(sx, dict(zip(y["evaluated"], y.get("scores", []))).get(g, sx))
                 for x, y in zip(steps_a[:same], steps_b[:same]) for g, sx in zip(x["evaluated"], x.get("scores", []))),
                default=0.0)
    print(f"\n== {a} vs {b}: {len(steps_a)} and {len(steps_b)} steps; the first {same} accept the same gates "
          f"and widths (val loss within {loss:.1e}, candidate scores within {score:.1e} relative)")
    return {"steps": [len(steps_a), len(steps_b)], "same_steps": same, "max_val_loss_rel_diff": loss,
            "max_score_rel_diff": score}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--oracle", required=True, help="search_from_weights.py's JSON log")
    ap.add_argument("runs", nargs="+", help="NAME=JAVA_TRAIN_PATH")
    ap.add_argument("--json", help="also write the comparison here")
    args = ap.parse_args()
    oracle = json.loads(Path(args.oracle).read_text())
    print(f"oracle: {len(oracle['steps'])} steps from {oracle['weights']}, {oracle['kernels']} kernels, "
          f"following {oracle.get('follow')}; original val loss {oracle['original']['loss']:.6f}")
    result = {}
    runs = {}
    for spec in args.runs:
        name, folder = spec.split("=", 1)
        runs[name] = java_run(folder)
        result[name] = compare(name, runs[name], oracle)
    names = list(runs)
    for a, b in zip(names, names[1:]):
        result[f"{a}_vs_{b}"] = java_pair(a, runs[a][0], b, runs[b][0])
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
