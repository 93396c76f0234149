#!/usr/bin/env python3
"""Golden vectors for dirclust's β-divergence NMF (offline generator; tests never run Python).

Writes Tests/DirClustTests/Resources/nmf_golden.json: for β in {2 (Euclidean), 1 (KL), 0.5, 0 (IS)}, a small
positive X (F x T), a start W0 (F x K), H0 (K x T), the β-divergence D(X | W0 H0) and D after one dirclust
iteration, computed with scikit-learn's multiplicative-update NMF internals in dirclust's order:

    H1 = sklearn _multiplicative_update_h(X, W0, H0)          (γ(β) exponent as in Févotte & Idier 2011)
    W1 = sklearn _multiplicative_update_w(X, W0, H1)
    W1 columns scaled to unit L2 norm, H1 rows by the inverse (W1 H1 unchanged)

Matrices are stored in the mathematical orientation: X[f][t], W[f][k], H[k][t]. All bins observed
(scikit-learn has no missing-data weights); the masked updates are tested in Swift against their
properties (monotone objective, restoration error).

Usage: python3 scripts/gen_nmf_golden.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.decomposition import _nmf


def gamma(beta):
    if beta < 1:
        return 1.0 / (2.0 - beta)
    if beta > 2:
        return 1.0 / (beta - 1.0)
    return 1.0


def case(beta, seed):
    rng = np.random.default_rng(seed)
    F, T, K = 7, 6, 3
    X = rng.uniform(0.05, 2.0, size=(F, T))
    W0 = rng.uniform(0.1, 1.0, size=(F, K))
    H0 = rng.uniform(0.1, 1.0, size=(K, T))
    d0 = float(_nmf._beta_divergence(X, W0, H0, beta))
    H1 = _nmf._multiplicative_update_h(X, W0, H0.copy(), beta, 0, 0, gamma(beta))
    W1, *_ = _nmf._multiplicative_update_w(X, W0.copy(), H1, beta, 0, 0, gamma(beta))
    norms = np.sqrt((W1 ** 2).sum(axis=0))
    W1 = W1 / norms
    H1 = H1 * norms[:, None]
    d1 = float(_nmf._beta_divergence(X, W1, H1, beta))
    return {"beta": beta, "X": X.tolist(), "W0": W0.tolist(), "H0": H0.tolist(),
            "W1": W1.tolist(), "H1": H1.tolist(), "divergence0": d0, "divergence1": d1}


def main():
    out = {"generator": "scripts/gen_nmf_golden.py", "sklearn": sklearn.__version__, "numpy": np.__version__,
           "cases": [case(b, 100 + i) for i, b in enumerate([2.0, 1.0, 0.5, 0.0])]}
    path = os.path.join(os.path.dirname(__file__), "..", "Tests", "DirClustTests", "Resources", "nmf_golden.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
