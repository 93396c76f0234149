#!/usr/bin/env python3
"""Seconds per EM iteration of scikit-learn's GaussianMixture, for `make bench` (dirclust-bench calls it).

Usage: bench_sklearn_gmm.py DATA.f64 START.json
  DATA.f64    the directions as raw little-endian float64
  START.json  {"means": [...], "sigmas": [...], "weights": [...], "iterations": T}
Fits from exactly that start (tol=0, reg_covar=0) for 2 and 2+T iterations, best of 3 each, and prints
{"secondsPerIteration": (t(2+T) - t(2)) / T, "sklearn": version} so set-up and the final E-step cancel out.
Exits 2 when scikit-learn is not installed.
"""
import json
import sys
import time
import warnings

import numpy as np

try:
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture
except ImportError:
    sys.exit(2)


def main():
    x = np.fromfile(sys.argv[1], dtype="<f8")[:, None]
    start = json.load(open(sys.argv[2]))
    means = np.array(start["means"])[:, None]
    precisions = 1 / np.array(start["sigmas"])[:, None, None] ** 2
    weights = np.array(start["weights"])
    iterations = int(start["iterations"])

    def seconds(max_iter):
        best = float("inf")
        for _ in range(3):
            g = GaussianMixture(n_components=len(weights), tol=0, reg_covar=0, max_iter=max_iter, means_init=means,
                                weights_init=weights, precisions_init=precisions, init_params="random_from_data")
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                g.fit(x)
            best = min(best, time.perf_counter() - t0)
        return best

    per_iteration = (seconds(2 + iterations) - seconds(2)) / iterations
    print(json.dumps({"secondsPerIteration": per_iteration, "sklearn": sklearn.__version__}))


if __name__ == "__main__":
    main()
