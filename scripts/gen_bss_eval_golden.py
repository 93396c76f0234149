#!/usr/bin/env python3
"""Golden vectors for dirclust's BSS Eval v3 (Tests/DirClustTests/Resources/bss_eval_golden.json).

Every test signal is described by a short *recipe* that the Swift test rebuilds bit for bit, so the
JSON stays a few KB instead of holding audio:

  base signal q (length N): white noise w[n] = 2u - 1 from dirclust's SeededRandom (xoshiro256**,
  re-implemented below) with seed SEED and stream 100 + q, optionally coloured by an IIR filter
  ("white"; "ar1" x[n] = a x[n-1] + w[n]; "ar2" x[n] = c1 x[n-1] + c2 x[n-2] + w[n];
  "bursty" w[n] * (1 if (n // period) % 3 else quiet)).
  channel of a reference / estimate: sum over terms of gain * base[source][n - delay] (terms in order),
  plus noise_gain * white noise from stream 1000 + noise_stream.

Only +, -, * on doubles are used, in the same order as the Swift test, so both sides agree exactly.
Scores come from mir_eval.separation (0.8.x): bss_eval_sources / bss_eval_images with and without
permutation, and the private per-pair decomposition for "one estimate vs all references".

Run: python3 scripts/gen_bss_eval_golden.py  (needs numpy, mir_eval>=0.8,<0.9)
"""
import json
import os
import sys
import warnings

import numpy as np

import mir_eval
from mir_eval import separation

assert mir_eval.__version__.startswith("0.8"), "pin mir_eval>=0.8,<0.9"
warnings.filterwarnings("ignore")

M64 = (1 << 64) - 1
SEED = 20260501


class SeededRandom:
    """dirclust's Support/SeededRandom.swift (xoshiro256** seeded by SplitMix64)."""

    def __init__(self, seed, stream=None):
        if stream is not None:
            seed = seed ^ ((stream * 0xD1B54A32D192ED03) & M64)
        x = seed & M64
        s = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & M64
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            s.append(z ^ (z >> 31))
        self.s = s

    def next(self):
        s0, s1, s2, s3 = self.s
        v = (s1 * 5) & M64
        result = ((((v << 7) | (v >> 57)) & M64) * 9) & M64
        t = (s1 << 17) & M64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = ((s3 << 45) | (s3 >> 19)) & M64
        self.s = [s0, s1, s2, s3]
        return result

    def uniform(self):
        return float(self.next() >> 11) * 2.0**-53


def white(stream, n):
    rng = SeededRandom(SEED, stream)
    return np.array([2.0 * rng.uniform() - 1.0 for _ in range(n)])


def base_signal(spec, q, n):
    w = white(100 + q, n)
    kind = spec["type"]
    x = np.zeros(n)
    if kind == "white":
        return w
    if kind == "ar1":
        a, prev = spec["a"], 0.0
        for i in range(n):
            prev = a * prev + w[i]
            x[i] = prev
        return x
    if kind == "ar2":
        c1, c2, p1, p2 = spec["c1"], spec["c2"], 0.0, 0.0
        for i in range(n):
            v = c1 * p1 + c2 * p2 + w[i]
            p2, p1 = p1, v
            x[i] = v
        return x
    if kind == "bursty":
        period, quiet = spec["period"], spec["quiet"]
        for i in range(n):
            x[i] = w[i] * (1.0 if (i // period) % 3 else quiet)
        return x
    raise ValueError(kind)


def channel(spec, bases, n):
    x = np.zeros(n)
    for term in spec["terms"]:
        g, d, s = term["gain"], term["delay"], bases[term["source"]]
        if d >= 0:
            x[d:] += g * s[: n - d]
        else:
            x[: n + d] += g * s[-d:]
    if spec.get("noise_gain", 0.0) != 0.0:
        x += spec["noise_gain"] * white(1000 + spec["noise_stream"], n)
    return x


def build(case):
    n = case["length"]
    bases = [base_signal(spec, q, n) for q, spec in enumerate(case["bases"])]
    refs = np.array([[channel(c, bases, n) for c in r] for r in case["references"]])
    ests = np.array([[channel(c, bases, n) for c in e] for e in case["estimates"]])
    return refs, ests  # [signal][channel][sample]


def t(source, gain=1.0, delay=0):
    return {"source": source, "gain": gain, "delay": delay}


def mono(*terms, noise=0.0, stream=0):
    return [{"terms": list(terms), "noise_gain": noise, "noise_stream": stream}]


def stereo(left, right):
    return [left[0], right[0]]


CASES = [
    {   # two white sources, estimates given in swapped order
        "name": "sources_2_white_swapped", "kind": "sources", "length": 3001,
        "bases": [{"type": "white"}, {"type": "white"}],
        "references": [mono(t(0)), mono(t(1))],
        "estimates": [mono(t(1, 0.8), t(0, 0.2, 3), noise=0.1, stream=1),
                      mono(t(0, 1.1, 1), t(1, -0.3), noise=0.05, stream=2)],
    },
    {   # coloured sources, FIR-distorted estimates, a delay beyond the filter (artefact)
        "name": "sources_3_coloured", "kind": "sources", "length": 4173,
        "bases": [{"type": "ar1", "a": 0.9}, {"type": "ar2", "c1": 1.6, "c2": -0.9},
                  {"type": "bursty", "period": 700, "quiet": 0.05}],
        "references": [mono(t(0)), mono(t(1)), mono(t(2))],
        "estimates": [mono(t(0, 0.7), t(0, 0.25, 5), t(2, 0.3), noise=0.2, stream=3),
                      mono(t(1, 0.5, 2), t(0, 0.4, 7), t(1, 0.3, 600), noise=0.1, stream=4),
                      mono(t(2, 0.9), t(1, 0.05), noise=0.02, stream=5)],
    },
    {   # four sources: one near-perfect, one poor, two moderate
        "name": "sources_4_mixed", "kind": "sources", "length": 5000,
        "bases": [{"type": "white"}, {"type": "ar1", "a": 0.95}, {"type": "ar1", "a": -0.6},
                  {"type": "ar2", "c1": 1.2, "c2": -0.8}],
        "references": [mono(t(0)), mono(t(1)), mono(t(2)), mono(t(3))],
        "estimates": [mono(t(0), noise=0.001, stream=6),
                      mono(t(1, 0.2), t(0, 0.6), t(2, 0.6), t(3, 0.5), noise=0.3, stream=7),
                      mono(t(2, 0.9, 3), t(3, 0.2), noise=0.1, stream=8),
                      mono(t(3, 1.0), t(3, -0.5, 40), t(1, 0.1), noise=0.05, stream=9)],
    },
    {   # a single short source (N < filter length)
        "name": "sources_1_short", "kind": "sources", "length": 300,
        "bases": [{"type": "ar1", "a": 0.5}],
        "references": [mono(t(0))],
        "estimates": [mono(t(0, 0.9), t(0, 0.2, 9), noise=0.2, stream=10)],
    },
    {   # two stereo images whose channels are not filtered copies of each other (non-singular Gram)
        "name": "images_2_independent", "kind": "images", "length": 3100,
        "bases": [{"type": "white"}, {"type": "ar1", "a": 0.6}, {"type": "white"}, {"type": "ar1", "a": -0.4}],
        "references": [stereo(mono(t(0)), mono(t(0, 0.5, 2), t(2, 0.5))),
                       stereo(mono(t(1, 0.7), t(3, 0.3)), mono(t(1, 0.9, 1)))],
        "estimates": [stereo(mono(t(0, 0.9), t(1, 0.2), noise=0.05, stream=22),
                             mono(t(0, 0.5, 2), t(2, 0.4), t(3, 0.1), noise=0.05, stream=23)),
                      stereo(mono(t(1, 0.6), t(3, 0.3), t(0, 0.1, 4), noise=0.1, stream=24),
                             mono(t(1, 0.9, 1), t(2, 0.2), noise=0.02, stream=25))],
    },
    {   # constant-power amplitude panning (dirclust's scenes): each image's channels are collinear,
        # so the Gram matrix is singular and the projection is still unique
        "name": "images_2_panned", "kind": "images", "length": 3500,
        "bases": [{"type": "ar1", "a": 0.5}, {"type": "white"}],
        "references": [stereo(mono(t(0, float(np.cos(0.3)))), mono(t(0, float(np.sin(0.3))))),
                       stereo(mono(t(1, float(np.cos(1.1)))), mono(t(1, float(np.sin(1.1)))))],
        "estimates": [stereo(mono(t(0, 0.9), t(1, 0.2), noise=0.03, stream=26), mono(t(0, 0.3), t(1, 0.3), noise=0.03, stream=27)),
                      stereo(mono(t(1, 0.4), t(0, 0.1, 3), noise=0.05, stream=28), mono(t(1, 0.8), noise=0.05, stream=29))],
    },
    {   # two panned and delayed stereo images
        "name": "images_2_stereo", "kind": "images", "length": 3333,
        "bases": [{"type": "white"}, {"type": "ar1", "a": 0.8}],
        "references": [stereo(mono(t(0, 0.9)), mono(t(0, 0.4, 2))),
                       stereo(mono(t(1, 0.3, 1)), mono(t(1, 0.95)))],
        "estimates": [stereo(mono(t(1, 0.3, 1), t(0, 0.1), noise=0.05, stream=11),
                             mono(t(1, 0.9), t(1, 0.05, 4), noise=0.05, stream=12)),
                      stereo(mono(t(0, 0.8), t(1, 0.1), noise=0.02, stream=13),
                             mono(t(0, 0.45, 2), t(1, 0.2), noise=0.1, stream=14))],
    },
    {   # three stereo images, one near-perfect estimate
        "name": "images_3_stereo", "kind": "images", "length": 4500,
        "bases": [{"type": "ar2", "c1": 1.0, "c2": -0.5}, {"type": "white"},
                  {"type": "bursty", "period": 500, "quiet": 0.1}],
        "references": [stereo(mono(t(0, 0.7)), mono(t(0, 0.7))),
                       stereo(mono(t(1, 0.95)), mono(t(1, 0.2, 3))),
                       stereo(mono(t(2, 0.2)), mono(t(2, 0.9, 1)))],
        "estimates": [stereo(mono(t(0, 0.7), noise=0.001, stream=15), mono(t(0, 0.7), noise=0.001, stream=16)),
                      stereo(mono(t(1, 0.5), t(2, 0.3), noise=0.1, stream=17), mono(t(1, 0.3, 3), t(0, 0.3), noise=0.1, stream=18)),
                      stereo(mono(t(2, 0.25), t(1, 0.1, 2), noise=0.05, stream=19), mono(t(2, 0.6, 1), t(2, 0.2, 5), noise=0.05, stream=20))],
    },
]

# One estimate scored against every reference as target (the runner's case; n_est != n_ref).
SINGLE = {
    "name": "sources_4_one_estimate", "kind": "sources", "length": 4500,
    "bases": [{"type": "white"}, {"type": "ar1", "a": 0.7}, {"type": "ar2", "c1": 1.4, "c2": -0.7},
              {"type": "bursty", "period": 900, "quiet": 0.02}],
    "references": [mono(t(0)), mono(t(1)), mono(t(2)), mono(t(3))],
    "estimates": [mono(t(2, 0.8), t(2, 0.1, 11), t(0, 0.3), t(3, 0.2), noise=0.1, stream=21)],
}


def num(v):
    """JSON has no infinities: +-inf (mir_eval's _safe_db for a vanishing energy) become "inf"/"-inf"."""
    v = float(v)
    return v if np.isfinite(v) else ("inf" if v > 0 else "-inf")


def lst(a):
    return [num(v) for v in np.asarray(a)]


def main():
    out = {"generator": "scripts/gen_bss_eval_golden.py", "mir_eval": mir_eval.__version__,
           "numpy": np.__version__, "seed": SEED, "cases": []}
    for case in CASES + [SINGLE]:
        refs, ests = build(case)
        entry = dict(case)
        entry["checksums"] = {"references": [float(np.sum(r * r)) for r in refs],
                              "estimates": [float(np.sum(e * e)) for e in ests]}
        results = {}
        if case is SINGLE:
            r = refs[:, 0, :]
            e = ests[0, 0, :]
            rows = []
            for j in range(r.shape[0]):
                parts = separation._bss_decomp_mtifilt(r, e, j, 512)
                rows.append(lst(separation._bss_source_crit(*parts)))
            results["per_target"] = rows  # [target] -> [sdr, sir, sar]
        else:
            for perm in (True, False):
                key = "permutation" if perm else "no_permutation"
                if case["kind"] == "sources":
                    sdr, sir, sar, p = separation.bss_eval_sources(refs[:, 0, :], ests[:, 0, :], compute_permutation=perm)
                    results[key] = {"sdr": lst(sdr), "sir": lst(sir), "sar": lst(sar), "perm": [int(v) for v in p]}
                else:  # mir_eval images: (nsrc, nsampl, nchan)
                    sdr, isr, sir, sar, p = separation.bss_eval_images(
                        refs.transpose(0, 2, 1), ests.transpose(0, 2, 1), compute_permutation=perm)
                    results[key] = {"sdr": lst(sdr), "isr": lst(isr), "sir": lst(sir), "sar": lst(sar),
                                    "perm": [int(v) for v in p]}
        entry["mir_eval"] = results
        out["cases"].append(entry)
        print(case["name"], json.dumps(results)[:200], file=sys.stderr)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "DirClustTests", "Resources",
                        "bss_eval_golden.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1, allow_nan=False)
        f.write("\n")
    print("wrote", os.path.normpath(path), file=sys.stderr)


if __name__ == "__main__":
    main()
