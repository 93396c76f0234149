#!/usr/bin/env python3
"""Golden vectors for the dirclust clusterers (offline generator; tests never run Python).

Writes to Tests/DirClustTests/Resources/:
  special_functions.json  digamma, trigamma, log-gamma from SciPy on a grid of x (log-gamma also from mpmath at
                          40 digits), and exact roots nu of
                          log(nu/2) - digamma(nu/2) = c over c in [1e-4, 10] (SciPy brentq).
  clustering_gmm.json     scikit-learn GaussianMixture from given initial means/precisions/weights, run for a
                          fixed number of iterations (tol=0, reg_covar=0); unweighted data (sklearn's GMM has no
                          sample weights).
  clustering_kmeans.json  scikit-learn KMeans (Lloyd, n_init=1, tol=0) from given centres, with sample weights.

Usage: python3 scripts/gen_clustering_golden.py [--digamma-coefficients]
The second form prints the Taylor coefficients of digamma about its positive root (mpmath, 40 digits) that
Sources/DirClust/Clustering/SpecialFunctions.swift embeds.
"""
import json
import os
import sys
import warnings

import numpy as np
import scipy
import sklearn
from scipy.optimize import brentq
from scipy.special import digamma, gammaln, polygamma
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "DirClustTests", "Resources")


def digamma_coefficients():
    import mpmath as mp
    mp.mp.dps = 40
    root = mp.findroot(mp.digamma, 1.46)
    high = float(root)
    print("root high", repr(high), "low", repr(float(root - mp.mpf(high))))
    for k in range(1, 27):
        print(repr(float((-1) ** (k + 1) * mp.zeta(k + 1, root))) + ",")


def lgamma_exact(x):
    import mpmath as mp
    mp.mp.dps = 40
    return float(mp.loggamma(mp.mpf(x)))


def special_functions():
    xs = sorted(set(
        [float(v) for v in np.logspace(-6, 6, 121)]
        + [float(v) for v in np.linspace(0.05, 12, 240)]
        + [1.0, 2.0, 0.5, 1.5, 1.4616321449683622, 1.46, 1.47, 1.2, 1.75, 9.999, 10.0, 10.001, 1e-300, 1e300]
    ))
    negatives = [-0.5, -1.5, -2.25, -3.7, -10.3, -0.1]
    table = {
        "x": xs,
        "digamma": [float(digamma(x)) for x in xs],
        "trigamma": [float(polygamma(1, x)) for x in xs if 1e-150 < x < 1e300],
        "trigamma_x": [x for x in xs if 1e-150 < x < 1e300],
        "lgamma": [float(gammaln(x)) for x in xs],
        # SciPy's gammaln loses relative accuracy where ln Γ crosses 0 (x = 1.9999999999999998 gives +1.1e-16,
        # the truth is -9.4e-17), so the exact values at 40 digits are stored too.
        "lgamma_exact": [lgamma_exact(x) for x in xs],
        "negative_x": negatives,
        "negative_digamma": [float(digamma(x)) for x in negatives],
        "negative_trigamma": [float(polygamma(1, x)) for x in negatives],
    }
    cs = [float(c) for c in np.logspace(-4, 1, 101)]
    f = lambda nu, c: np.log(nu / 2) - digamma(nu / 2) - c
    table["nu_c"] = cs
    table["nu_root"] = [brentq(lambda nu: f(nu, c), 1e-6, 1e8, xtol=1e-300, rtol=1e-15, maxiter=500) for c in cs]
    return table


def mixture_data(rng, centres, scales, counts):
    x = np.concatenate([rng.normal(m, s, n) for m, s, n in zip(centres, scales, counts)])
    return rng.permutation(x)


def gmm_cases():
    rng = np.random.default_rng(20241)
    cases = []
    specs = [
        # (true centres, true sigmas, counts, initial means, initial sigmas, initial weights)
        ([0.3, 0.8, 1.3], [0.05, 0.08, 0.04], [600, 900, 500], [0.25, 0.7, 1.2], [0.1, 0.1, 0.1], [0.3, 0.4, 0.3]),
        ([0.5, 0.7, 0.85, 1.1], [0.06, 0.05, 0.1, 0.07], [500, 400, 700, 400],
         [0.4, 0.65, 0.9, 1.2], [0.05, 0.05, 0.05, 0.05], [0.25, 0.25, 0.25, 0.25]),
    ]
    for centres, scales, counts, m0, s0, w0 in specs:
        x = mixture_data(rng, centres, scales, counts)
        X = x[:, None]
        runs = []
        for iterations in (1, 5, 30):
            g = GaussianMixture(n_components=len(m0), covariance_type="full", tol=0, reg_covar=0,
                                max_iter=iterations, means_init=np.array(m0)[:, None],
                                weights_init=np.array(w0), precisions_init=1 / np.array(s0)[:, None, None] ** 2,
                                init_params="random_from_data", random_state=0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                g.fit(X)
            order = np.argsort(g.means_[:, 0])
            runs.append({
                "iterations": iterations,
                "means": g.means_[order, 0].tolist(),
                "variances": g.covariances_[order, 0, 0].tolist(),
                "weights": g.weights_[order].tolist(),
                # log-likelihood at the returned parameters and before the last M-step (sklearn's lower bound)
                "logLikelihood": float(g.score(X) * len(x)),
                "logLikelihoodBeforeLastStep": float(g.lower_bound_ * len(x)),
            })
        cases.append({"x": x.tolist(), "initialMeans": m0, "initialSigmas": s0, "initialWeights": w0, "runs": runs})
    return cases


def kmeans_cases():
    rng = np.random.default_rng(20242)
    cases = []
    for centres, scales, counts, c0 in [
        ([0.2, 0.6, 1.0, 1.4], [0.05, 0.05, 0.08, 0.05], [300, 500, 400, 300], [0.1, 0.5, 0.55, 1.5]),
        ([0.4, 0.8, 1.2], [0.15, 0.1, 0.15], [500, 500, 500], [0.3, 0.9, 1.0]),
    ]:
        x = mixture_data(rng, centres, scales, counts)
        w = rng.gamma(2.0, 1.0, len(x))  # power-like positive weights
        runs = []
        for iterations in (1, 3, 100):
            km = KMeans(n_clusters=len(c0), init=np.array(c0)[:, None], n_init=1, max_iter=iterations, tol=0,
                        algorithm="lloyd", random_state=0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                km.fit(x[:, None], sample_weight=w)
            c = km.cluster_centers_[:, 0]
            inertia = float(np.sum(w * np.min((x[:, None] - c[None, :]) ** 2, axis=1)))
            assert abs(inertia - km.inertia_) <= 1e-9 * inertia, (inertia, km.inertia_)
            runs.append({"iterations": iterations, "sklearnIterations": int(km.n_iter_),
                         "centers": sorted(c.tolist()), "inertia": inertia})
        cases.append({"x": x.tolist(), "weights": w.tolist(), "initialCenters": c0, "runs": runs})
    return cases


def write(name, payload):
    payload = {"generator": "scripts/gen_clustering_golden.py",
               "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "sklearn": sklearn.__version__},
               **payload}
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(payload, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print("wrote", name)


if __name__ == "__main__":
    if "--digamma-coefficients" in sys.argv:
        digamma_coefficients()
        sys.exit(0)
    write("special_functions.json", special_functions())
    write("clustering_gmm.json", {"cases": gmm_cases()})
    write("clustering_kmeans.json", {"cases": kmeans_cases()})
