// The three matrix products of the masked NMF's multiplicative updates (MaskedNMF.swift) as register-blocked
// kernels: Λ part = H W (model), r Hᵀ (basis update), Wᵀ r over one frame's observed bins (activation update).
//
// Each output element is summed in exactly the order of the scalar definition in the header (groups of four
// terms, left to right), so results are bit-identical to the plain loops whatever the blocking. Blocks are
// 8-double vectors (GCC/Clang vector extensions) with 4 rows or 4 × 8 columns held in registers across the
// reduction; the compiler lowers them to AVX-512, AVX2 or SSE2 (on Linux x86_64 one clone per level, chosen at
// load time by `target_clones`). Contraction into FMA is off, so every clone does the same IEEE operations.
#include "CNMFKernels.h"

#include <math.h>
#include <string.h>

#pragma clang fp contract(off)
// The 8-double helpers are always inlined, so the vector-argument ABI they would have is never used.
#pragma clang diagnostic ignored "-Wpsabi"

#if defined(__x86_64__) && defined(__linux__) && defined(__clang__)
#define NMF_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define NMF_CLONES
#endif

#define INLINE static inline __attribute__((always_inline))
#define V DIRCLUST_NMF_BINS
#define G DIRCLUST_NMF_FRAMES

typedef double v8 __attribute__((vector_size(V * sizeof(double))));

INLINE v8 load(const double *p) { v8 v; memcpy(&v, p, sizeof v); return v; }
INLINE void store(double *p, v8 v) { memcpy(p, &v, sizeof v); }
INLINE v8 splat(double a) { return (v8){a, a, a, a, a, a, a, a}; }

/// One tile of the model: `rows` (≤ 4) frames from t0, bins f0 … f0 + 7.
INLINE void model_tile(int rows, const double *h, ptrdiff_t K, ptrdiff_t k0, ptrdiff_t k1, const double *w,
                       ptrdiff_t F, ptrdiff_t t0, ptrdiff_t f0, double *out) {
    v8 acc[G];
    for (int r = 0; r < rows; r++) acc[r] = splat(0.0);
    ptrdiff_t k = k0;
    for (; k + 4 <= k1; k += 4) {
        const double *wk = w + k * F + f0;
        v8 w0 = load(wk), w1 = load(wk + F), w2 = load(wk + 2 * F), w3 = load(wk + 3 * F);
        for (int r = 0; r < rows; r++) {
            const double *a = h + (t0 + r) * K + k;
            acc[r] += ((splat(a[0]) * w0 + splat(a[1]) * w1) + splat(a[2]) * w2) + splat(a[3]) * w3;
        }
    }
    for (; k < k1; k++) {
        v8 wk = load(w + k * F + f0);
        for (int r = 0; r < rows; r++) acc[r] += splat(h[(t0 + r) * K + k]) * wk;
    }
    for (int r = 0; r < rows; r++) store(out + (t0 + r) * F + f0, acc[r]);
}

/// The model's last bins (F mod 8 of them) of frames t0 … t0 + rows − 1, one at a time in the same order.
static void model_edge(const double *h, ptrdiff_t K, ptrdiff_t k0, ptrdiff_t k1, const double *w, ptrdiff_t F,
                       ptrdiff_t t0, ptrdiff_t rows, ptrdiff_t f0, double *out) {
    for (ptrdiff_t t = t0; t < t0 + rows; t++) {
        const double *a = h + t * K;
        for (ptrdiff_t f = f0; f < F; f++) {
            double acc = 0.0;
            ptrdiff_t k = k0;
            for (; k + 4 <= k1; k += 4)
                acc += ((a[k] * w[k * F + f] + a[k + 1] * w[(k + 1) * F + f]) + a[k + 2] * w[(k + 2) * F + f])
                    + a[k + 3] * w[(k + 3) * F + f];
            for (; k < k1; k++) acc += a[k] * w[k * F + f];
            out[t * F + f] = acc;
        }
    }
}

NMF_CLONES void dirclust_nmf_model(const double *h, ptrdiff_t K, ptrdiff_t k0, ptrdiff_t k1, const double *w,
                                   ptrdiff_t F, ptrdiff_t T, const unsigned char *active, double *out) {
    ptrdiff_t chunks = (F + V - 1) / V, full = F / V;
    for (ptrdiff_t t0 = 0; t0 < T; t0 += G) {
        ptrdiff_t rows = T - t0 < G ? T - t0 : G;
        const unsigned char *on = active ? active + (t0 / G) * chunks : NULL;
        for (ptrdiff_t c = 0; c < full; c++) {
            if (on && !on[c]) continue;
            switch (rows) {
            case 4: model_tile(4, h, K, k0, k1, w, F, t0, c * V, out); break;
            case 3: model_tile(3, h, K, k0, k1, w, F, t0, c * V, out); break;
            case 2: model_tile(2, h, K, k0, k1, w, F, t0, c * V, out); break;
            default: model_tile(1, h, K, k0, k1, w, F, t0, c * V, out); break;
            }
        }
        if (full < chunks && !(on && !on[full])) model_edge(h, K, k0, k1, w, F, t0, rows, full * V, out);
    }
}

/// One tile of the basis products: `comps` (≤ 4) components from k, bins f0 … f0 + 7, over all frames; with
/// `both`, the products with r2 as well (sharing the loads of H and the activity checks).
INLINE void basis_tile(int comps, int both, const double *h, ptrdiff_t K, ptrdiff_t k, ptrdiff_t k0,
                       const double *r, const double *r2, ptrdiff_t F, ptrdiff_t T, ptrdiff_t chunks, ptrdiff_t c,
                       const unsigned char *active, double *out, double *out2) {
    ptrdiff_t f0 = c * V;
    v8 acc[4], acc2[4];
    for (int m = 0; m < comps; m++) { acc[m] = splat(0.0); acc2[m] = splat(0.0); }
    ptrdiff_t t = 0;
    for (; t + G <= T; t += G) {
        if (active && !active[(t / G) * chunks + c]) continue;
        const double *rt = r + t * F + f0, *st = both ? r2 + t * F + f0 : rt;
        v8 p0 = load(rt), p1 = load(rt + F), p2 = load(rt + 2 * F), p3 = load(rt + 3 * F);
        v8 q0 = load(st), q1 = load(st + F), q2 = load(st + 2 * F), q3 = load(st + 3 * F);
        for (int m = 0; m < comps; m++) {
            const double *a = h + t * K + k + m;
            v8 a0 = splat(a[0]), a1 = splat(a[K]), a2 = splat(a[2 * K]), a3 = splat(a[3 * K]);
            acc[m] += ((a0 * p0 + a1 * p1) + a2 * p2) + a3 * p3;
            if (both) acc2[m] += ((a0 * q0 + a1 * q1) + a2 * q2) + a3 * q3;
        }
    }
    if (!(active && t < T && !active[(t / G) * chunks + c])) {
        for (; t < T; t++) {
            v8 p = load(r + t * F + f0), q = both ? load(r2 + t * F + f0) : p;
            for (int m = 0; m < comps; m++) {
                v8 a = splat(h[t * K + k + m]);
                acc[m] += a * p;
                if (both) acc2[m] += a * q;
            }
        }
    }
    for (int m = 0; m < comps; m++) {
        store(out + (k + m - k0) * F + f0, acc[m]);
        if (both) store(out2 + (k + m - k0) * F + f0, acc2[m]);
    }
}

/// The basis products' last bins (F mod 8), one at a time in the same order, nothing skipped.
static void basis_edge(const double *h, ptrdiff_t K, ptrdiff_t k0, ptrdiff_t k1, const double *r, ptrdiff_t F,
                       ptrdiff_t T, ptrdiff_t f0, double *out) {
    for (ptrdiff_t k = k0; k < k1; k++) {
        for (ptrdiff_t f = f0; f < F; f++) {
            double acc = 0.0;
            ptrdiff_t t = 0;
            for (; t + 4 <= T; t += 4)
                acc += ((h[t * K + k] * r[t * F + f] + h[(t + 1) * K + k] * r[(t + 1) * F + f])
                        + h[(t + 2) * K + k] * r[(t + 2) * F + f]) + h[(t + 3) * K + k] * r[(t + 3) * F + f];
            for (; t < T; t++) acc += h[t * K + k] * r[t * F + f];
            out[(k - k0) * F + f] = acc;
        }
    }
}

#define BASIS_TILE(comps, both) \
    basis_tile(comps, both, h, K, k, k0, r, r2, F, T, chunks, c, active, out, out2)

NMF_CLONES void dirclust_nmf_basis_products(const double *h, ptrdiff_t K, ptrdiff_t k0, ptrdiff_t k1,
                                            const double *r, const double *r2, ptrdiff_t F, ptrdiff_t T,
                                            const unsigned char *active, double *out, double *out2) {
    ptrdiff_t chunks = (F + V - 1) / V, full = F / V;
    // Bin chunk outermost: its column strip of r (T × 8 values) stays in cache for every component.
    for (ptrdiff_t c = 0; c < full; c++) {
        for (ptrdiff_t k = k0; k < k1; k += 4) {
            ptrdiff_t comps = k1 - k < 4 ? k1 - k : 4;
            if (r2) {
                switch (comps) {
                case 4: BASIS_TILE(4, 1); break;
                case 3: BASIS_TILE(3, 1); break;
                case 2: BASIS_TILE(2, 1); break;
                default: BASIS_TILE(1, 1); break;
                }
            } else {
                switch (comps) {
                case 4: BASIS_TILE(4, 0); break;
                case 3: BASIS_TILE(3, 0); break;
                case 2: BASIS_TILE(2, 0); break;
                default: BASIS_TILE(1, 0); break;
                }
            }
        }
    }
    if (full < chunks) {
        basis_edge(h, K, k0, k1, r, F, T, full * V, out);
        if (r2) basis_edge(h, K, k0, k1, r2, F, T, full * V, out2);
    }
}

/// Frame products over `blocks` (≤ 4) 8-column blocks from wT's column 0 (wT, num, den already offset).
INLINE void frame_tile(int blocks, int both, const ptrdiff_t *rows, ptrdiff_t n, const double *p, const double *q,
                       const double *wT, ptrdiff_t ldw, double *num, double *den) {
    v8 an[4], ad[4];
    for (int b = 0; b < blocks; b++) { an[b] = splat(0.0); ad[b] = splat(0.0); }
    ptrdiff_t j = 0;
    for (; j + 4 <= n; j += 4) {
        ptrdiff_t f0 = rows[j], f1 = rows[j + 1], f2 = rows[j + 2], f3 = rows[j + 3];
        const double *w0 = wT + f0 * ldw, *w1 = wT + f1 * ldw, *w2 = wT + f2 * ldw, *w3 = wT + f3 * ldw;
        v8 p0 = splat(p[f0]), p1 = splat(p[f1]), p2 = splat(p[f2]), p3 = splat(p[f3]);
        v8 q0 = splat(both ? q[f0] : 0.0), q1 = splat(both ? q[f1] : 0.0);
        v8 q2 = splat(both ? q[f2] : 0.0), q3 = splat(both ? q[f3] : 0.0);
        for (int b = 0; b < blocks; b++) {
            v8 x0 = load(w0 + b * V), x1 = load(w1 + b * V), x2 = load(w2 + b * V), x3 = load(w3 + b * V);
            an[b] += ((p0 * x0 + p1 * x1) + p2 * x2) + p3 * x3;
            if (both) ad[b] += ((q0 * x0 + q1 * x1) + q2 * x2) + q3 * x3;
        }
    }
    for (; j < n; j++) {
        ptrdiff_t f = rows[j];
        v8 pf = splat(p[f]), qf = splat(both ? q[f] : 0.0);
        for (int b = 0; b < blocks; b++) {
            v8 x = load(wT + f * ldw + b * V);
            an[b] += pf * x;
            if (both) ad[b] += qf * x;
        }
    }
    for (int b = 0; b < blocks; b++) {
        store(num + b * V, an[b]);
        if (both) store(den + b * V, ad[b]);
    }
}

NMF_CLONES void dirclust_nmf_frame_products(const ptrdiff_t *rows, ptrdiff_t n, const double *p, const double *q,
                                            const double *wT, ptrdiff_t ldw, ptrdiff_t k0, ptrdiff_t k1,
                                            double *num, double *den) {
    for (ptrdiff_t k = k0; k < k1; k += 4 * V) {
        ptrdiff_t blocks = (k1 - k) / V < 4 ? (k1 - k) / V : 4;
        const double *wk = wT + k;
        double *nk = num + k, *dk = q ? den + k : NULL;
        if (q) {
            switch (blocks) {
            case 4: frame_tile(4, 1, rows, n, p, q, wk, ldw, nk, dk); break;
            case 3: frame_tile(3, 1, rows, n, p, q, wk, ldw, nk, dk); break;
            case 2: frame_tile(2, 1, rows, n, p, q, wk, ldw, nk, dk); break;
            default: frame_tile(1, 1, rows, n, p, q, wk, ldw, nk, dk); break;
            }
        } else {
            switch (blocks) {
            case 4: frame_tile(4, 0, rows, n, p, q, wk, ldw, nk, dk); break;
            case 3: frame_tile(3, 0, rows, n, p, q, wk, ldw, nk, dk); break;
            case 2: frame_tile(2, 0, rows, n, p, q, wk, ldw, nk, dk); break;
            default: frame_tile(1, 0, rows, n, p, q, wk, ldw, nk, dk); break;
            }
        }
    }
}

NMF_CLONES void dirclust_nmf_kl_ratios(const ptrdiff_t *restrict rows, ptrdiff_t n, const double *restrict x,
                                       const double *restrict b, const double *restrict fixed,
                                       const double *restrict free, double eps, double *restrict r1,
                                       double *restrict model, double *restrict ratio) {
    if (n > 0 && rows[n - 1] == n - 1) {
        // Every bin of the frame is observed (rows[j] = j): the same operations on contiguous memory.
        for (ptrdiff_t f = 0; f < n; f++) {
            double l = (eps + fixed[f]) + free[f], q = x[f] / l;
            r1[f] = b[f] * q;
            if (model) { model[f] = l; ratio[f] = q; }
        }
        return;
    }
    if (!model) {
        for (ptrdiff_t j = 0; j < n; j++) {
            ptrdiff_t f = rows[j];
            r1[f] = b[f] * (x[f] / ((eps + fixed[f]) + free[f]));
        }
        return;
    }
    for (ptrdiff_t j = 0; j < n; j++) {
        ptrdiff_t f = rows[j];
        double l = (eps + fixed[f]) + free[f], q = x[f] / l;
        r1[f] = b[f] * q;
        model[j] = l;
        ratio[j] = q;
    }
}

// Not cloned: the logarithms are libm's scalar log whatever the CPU.
double dirclust_nmf_kl_divergence(const ptrdiff_t *restrict rows, ptrdiff_t n, const double *restrict x,
                                  const double *restrict b, const double *restrict model, double *restrict ratio,
                                  double total) {
    // The logarithms first (independent calls the CPU overlaps), then the terms in order.
    for (ptrdiff_t j = 0; j < n; j++) ratio[j] = log(ratio[j]);
    for (ptrdiff_t j = 0; j < n; j++) {
        ptrdiff_t f = rows[j];
        total += b[f] * (x[f] * ratio[j] - x[f] + model[j]);
    }
    return total;
}
