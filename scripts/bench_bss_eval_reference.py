#!/usr/bin/env python3
"""Times mir_eval and fast_bss_eval (NumPy backend) on the data `make bench` wrote, for the ratios
dirclust-bench prints. Called by Sources/dirclust-bench/BSSEvalBench.swift as

    python3 scripts/bench_bss_eval_reference.py DIR

DIR/manifest.json lists the cases; each array is raw little-endian float64 ([signal][sample]). Prints one
JSON object: per case and library, {"seconds": best wall time, "cpu_seconds": best process CPU time,
"sdr": [...]} or {"error": "..."}.
fast_bss_eval 0.1.4 with compute_permutation=False raises on NumPy 2 (np.linalg.solve's 1-D right-hand
side rule changed), so its no-permutation timing uses its pairwise metrics and takes the diagonal.
"""
import json
import os
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")


CPU = {}


def best_time(fn, repeats):
    """Best wall seconds (returned) and best CPU seconds of the process, all threads (kept in CPU["last"])."""
    best, best_cpu, out = float("inf"), float("inf"), None
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    CPU["last"] = best_cpu
    return best, out


def load(directory, name, shape):
    return np.fromfile(os.path.join(directory, name), dtype="<f8").reshape(shape)


def run_mir_eval(case, refs, ests):
    from mir_eval import separation as S
    if case["mode"] == "target":  # one estimate vs every reference, target j: mir_eval's per-pair decomposition
        j = case["target"]
        def f():
            return S._bss_source_crit(*S._bss_decomp_mtifilt(refs, ests[0], j, 512))
        t, (sdr, sir, sar) = best_time(f, 1)
        return {"seconds": t, "sdr": [float(sdr)], "sir": [float(sir)], "sar": [float(sar)]}
    perm = case["mode"] == "permutation"
    t, (sdr, sir, sar, p) = best_time(lambda: S.bss_eval_sources(refs, ests, compute_permutation=perm), 1)
    return {"seconds": t, "sdr": sdr.tolist(), "sir": sir.tolist(), "sar": sar.tolist(), "perm": p.tolist()}


def run_fast_bss_eval(case, refs, ests):
    import fast_bss_eval
    from fast_bss_eval.numpy import metrics as M
    if case["mode"] == "permutation":
        t, (sdr, sir, sar, p) = best_time(lambda: fast_bss_eval.bss_eval_sources(refs, ests), 3)
        return {"seconds": t, "sdr": sdr.tolist(), "sir": sir.tolist(), "sar": sar.tolist(), "perm": p.tolist()}

    def pairwise():  # (n_ref, n_est) metrics; see the module docstring
        coh_sdr, coh_sar = M.square_cosine_metrics(refs, ests, pairwise=True)
        return [-x for x in M._base_metrics_bss_eval(coh_sdr, coh_sar)]
    t, (sdr, sir, sar) = best_time(pairwise, 3)
    if case["mode"] == "target":
        j = case["target"]
        return {"seconds": t, "sdr": [float(sdr[j, 0])], "sir": [float(sir[j, 0])], "sar": [float(sar[j, 0])]}
    d = np.arange(refs.shape[0])
    return {"seconds": t, "sdr": sdr[d, d].tolist(), "sir": sir[d, d].tolist(), "sar": sar[d, d].tolist()}


def main():
    directory = sys.argv[1]
    with open(os.path.join(directory, "manifest.json")) as f:
        manifest = json.load(f)
    results = {}
    for case in manifest["cases"]:
        refs = load(directory, case["references"], (case["n_ref"], case["length"]))
        ests = load(directory, case["estimates"], (case["n_est"], case["length"]))
        entry = {}
        for name, fn in (("mir_eval", run_mir_eval), ("fast_bss_eval", run_fast_bss_eval)):
            try:
                entry[name] = fn(case, refs, ests)
                entry[name]["cpu_seconds"] = CPU["last"]
            except ImportError as e:
                entry[name] = {"error": f"not installed ({e})"}
            except Exception as e:  # report, never crash the bench
                entry[name] = {"error": f"{type(e).__name__}: {e}"}
        results[case["name"]] = entry
    print(json.dumps(results))


if __name__ == "__main__":
    main()
