#!/usr/bin/env python3
"""Golden data for dirclust's percentile bootstrap and paired differences (offline generator; tests never run Python).

Writes Tests/DirClustTests/Resources/bootstrap_golden.json with two kinds of check:

1. Same resamples ("exact"): dirclust's generator (xoshiro256** seeded through SplitMix64, SeededRandom.swift) is
   re-implemented here bit for bit, so NumPy sees exactly the resample indices Swift draws (index = floor(u * n),
   u = (next() >> 11) * 2^-53, stream n). The interval is then np.percentile(means, [2.5, 97.5]) (linear
   interpolation, NumPy's default) of the resample means. Swift must agree to rounding (1e-12 dB): any difference in
   the index stream, the means or the percentile rule shows up at O(0.01-1) dB.
2. Independent resamples ("scipy"): scipy.stats.bootstrap(method='percentile') with NumPy's own generator and the
   same B. The two intervals differ only by Monte-Carlo error; the tolerance is set from that error measured here:
   the standard deviation s of each bound over 40 SciPy repetitions with different seeds, so the difference of two
   independent estimates has sd s*sqrt(2), and the tolerance is 5 * s * sqrt(2) (a chance failure has probability
   below 1e-6). This check catches a biased resampler (e.g. an index rule that never draws the last piece).

Also a paired-difference case: SDRs of methods A and B for pieces x seeds, with the per-piece mean difference
(seeds averaged first), its mean, the interval of (1) and the sign count (|d| <= 0.5e-4 dB is a tie).

Usage: python3 scripts/gen_bootstrap_golden.py   (numpy, scipy; versions recorded in the file)
"""
import json
import os

import numpy as np
import scipy
from scipy import stats

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "DirClustTests", "Resources", "bootstrap_golden.json")
M64 = (1 << 64) - 1

# Bootstrap.standard in Sources/DirClust/Experiments/Bootstrap.swift.
STANDARD_SEED = 20261128
STANDARD_B = 10000
LEVEL = 0.95


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M64


class SeededRandom:
    """SeededRandom.swift: SplitMix64 seeding, xoshiro256**, streams by seed ^ (stream * 0xD1B54A32D192ED03)."""

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
        result = (rotl((s1 * 5) & M64, 7) * 9) & M64
        t = (s1 << 17) & M64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return result

    def uniform(self):
        return (self.next() >> 11) * 2.0 ** -53


def indices(n, resamples, seed):
    rng = SeededRandom(seed, stream=n)
    out = np.empty(resamples * n, dtype=np.int64)
    for i in range(resamples * n):
        out[i] = min(int(rng.uniform() * n), n - 1)
    return out.reshape(resamples, n)


def exact_interval(values, resamples, seed):
    idx = indices(len(values), resamples, seed)
    means = np.asarray(values)[idx].mean(axis=1)
    tail = (1 - LEVEL) / 2 * 100
    lo, hi = np.percentile(means, [tail, 100 - tail])
    return float(lo), float(hi), idx


def scipy_interval(values, resamples, seed):
    res = stats.bootstrap((np.asarray(values),), np.mean, n_resamples=resamples, confidence_level=LEVEL,
                          method="percentile", rng=np.random.default_rng(seed))
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def case(name, values, resamples=STANDARD_B, seed=STANDARD_SEED):
    lo, hi, idx = exact_interval(values, resamples, seed)
    entry = {"name": name, "values": [float(v) for v in values], "resamples": resamples, "seed": seed,
             "exact": [lo, hi], "firstIndices": idx.reshape(-1)[:40].tolist()}
    if len(values) >= 2:
        sc = scipy_interval(values, resamples, 1)
        reps = np.array([scipy_interval(values, resamples, 100 + r) for r in range(40)])
        sd = reps.std(axis=0, ddof=1)
        entry["scipy"] = list(sc)
        entry["scipyTolerance"] = [float(5 * s * np.sqrt(2)) for s in sd]
    return entry


def paired_case():
    rng = np.random.default_rng(15)
    pieces, seeds = 8, 3
    b = np.round(rng.normal(-2.0, 1.0, size=(pieces, seeds)), 4)
    a = np.round(b + rng.normal(0.3, 0.6, size=(pieces, seeds)), 4)
    a[0, 0] = b[0, 0]          # an exact tie
    a[1, 1] = b[1, 1] + 0.00004  # below the CSV's last half decimal: a tie
    d = a - b
    per_piece = d.mean(axis=1)
    lo, hi, _ = exact_interval(per_piece, STANDARD_B, STANDARD_SEED)
    return {"a": a.tolist(), "b": b.tolist(), "perPiece": per_piece.tolist(), "mean": float(per_piece.mean()),
            "exact": [lo, hi], "wins": int((d > 0.5e-4).sum()), "losses": int((d < -0.5e-4).sum()),
            "ties": int((np.abs(d) <= 0.5e-4).sum())}


def main():
    rng = np.random.default_rng(2026)
    cases = [
        case("single piece", [1.25]),
        case("two pieces", [-0.5, 1.5]),
        case("six pieces, skewed", list(np.round(rng.exponential(1.0, 6) - 0.4, 4))),
        case("24 pieces, normal", list(np.round(rng.normal(0.2, 1.0, 24), 4))),
        case("40 pieces, heavy-tailed", list(np.round(rng.standard_t(2.0, 40), 4))),
        case("12 pieces, B = 2000, other seed", list(np.round(rng.normal(-3.0, 0.5, 12), 4)), resamples=2000, seed=7),
    ]
    out = {"generator": "scripts/gen_bootstrap_golden.py", "numpy": np.__version__, "scipy": scipy.__version__,
           "level": LEVEL, "cases": cases, "paired": paired_case()}
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
