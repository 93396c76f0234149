"""Times scipy.signal's STFT + inverse STFT on 10 s of stereo noise, for `make bench` (dirclust-bench).

Same work as dirclust's STFT bench: N = frame length, H = hop, periodic Hann, zero-padded boundaries,
forward then inverse of both channels. Prints one JSON object: {"<rate>": {"wall_ms": .., "cpu_ms": ..}}
(best of 5 after one warm-up). Offline tool only; tests and CI never run it.
"""
import json
import sys
import time

import numpy as np
from scipy import signal


def main() -> None:
    n, hop = int(sys.argv[1]), int(sys.argv[2])
    rates = [int(r) for r in sys.argv[3:]] or [16000, 44100]
    out = {}
    for rate in rates:
        x = np.random.default_rng(1).uniform(-1, 1, size=(2, 10 * rate))
        best_wall, best_cpu = float("inf"), float("inf")
        for run in range(6):
            w0, c0 = time.perf_counter(), time.process_time()
            _, _, z = signal.stft(x, nperseg=n, noverlap=n - hop, window="hann", boundary="zeros", padded=True)
            _, y = signal.istft(z, nperseg=n, noverlap=n - hop, window="hann", boundary=True)
            w1, c1 = time.perf_counter(), time.process_time()
            if run == 0:
                assert np.max(np.abs(y[:, : x.shape[1]] - x)) < 1e-9
                continue
            best_wall, best_cpu = min(best_wall, w1 - w0), min(best_cpu, c1 - c0)
        out[str(rate)] = {"wall_ms": best_wall * 1e3, "cpu_ms": best_cpu * 1e3}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
