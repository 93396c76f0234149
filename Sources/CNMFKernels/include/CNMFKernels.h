// Register-blocked matrix products of the masked NMF's multiplicative updates (see CNMFKernels.c).
#ifndef DIRCLUST_CNMFKERNELS_H
#define DIRCLUST_CNMFKERNELS_H

#include <stddef.h>

/// The tile grid of the activity map: frames in groups of DIRCLUST_NMF_FRAMES (from frame 0), bins in chunks
/// of DIRCLUST_NMF_BINS (from bin 0); active[g * chunks + c] != 0 when tile (g, c) has an observed bin.
#define DIRCLUST_NMF_FRAMES 4
#define DIRCLUST_NMF_BINS 8

/// Model part out[t·F + f] = Σ_{k0 ≤ k < k1} h[t·K + k] · w[k·F + f] for every frame t < T and bin f < F,
/// summed from 0 in groups of four k, ((h₀w₀ + h₁w₁) + h₂w₂) + h₃w₃, then one k at a time. Tiles with
/// active[g · chunks + c] == 0 are left as they were (active == NULL: every tile is computed).
void dirclust_nmf_model(const double *h, ptrdiff_t K, ptrdiff_t k0, ptrdiff_t k1, const double *w, ptrdiff_t F,
                        ptrdiff_t T, const unsigned char *active, double *out);

/// Basis products out[(k − k0)·F + f] = Σ_{t < T} h[t·K + k] · r[t·F + f] for k0 ≤ k < k1, f < F, summed from
/// 0 in groups of four frames from t = 0, ((h₀r₀ + h₁r₁) + h₂r₂) + h₃r₃, then one frame at a time; when
/// r2 != NULL, out2 the same with r2 (one pass for both). Terms of tiles with active[…] == 0 must be exact zeros
/// (r = r2 = 0 there); they are skipped, which leaves every sum's bits unchanged. active == NULL: nothing is
/// skipped.
void dirclust_nmf_basis_products(const double *h, ptrdiff_t K, ptrdiff_t k0, ptrdiff_t k1, const double *r,
                                 const double *r2, ptrdiff_t F, ptrdiff_t T, const unsigned char *active,
                                 double *out, double *out2);

/// Frame products over the n selected rows f = rows[j] of wT (row f at wT + f·ldw):
/// num[k] = Σ_j p[f] · wT[f·ldw + k] and, when q != NULL, den[k] = Σ_j q[f] · wT[f·ldw + k], for k0 ≤ k < k1,
/// summed from 0 in groups of four j, ((p₀w₀ + p₁w₁) + p₂w₂) + p₃w₃, then one j at a time. k0 and k1 must be
/// multiples of 8 and ldw ≥ k1.
void dirclust_nmf_frame_products(const ptrdiff_t *rows, ptrdiff_t n, const double *p, const double *q,
                                 const double *wT, ptrdiff_t ldw, ptrdiff_t k0, ptrdiff_t k1, double *num,
                                 double *den);

/// The KL ratios of one frame on its n observed bins f = rows[j]: Λ = (eps + fixed[f]) + free[f],
/// r1[f] = b[f] · (x[f] / Λ); when model != NULL also model[j] = Λ and ratio[j] = x[f] / Λ (packed).
void dirclust_nmf_kl_ratios(const ptrdiff_t *rows, ptrdiff_t n, const double *x, const double *b,
                            const double *fixed, const double *free, double eps, double *r1, double *model,
                            double *ratio);

/// total + Σ_j b[f] · (x[f] · log(ratio[j]) − x[f] + model[j]) over f = rows[j], added to total one term at a
/// time in order (the frame's KL divergence from dirclust_nmf_kl_ratios' packed values; libm's log).
double dirclust_nmf_kl_divergence(const ptrdiff_t *rows, ptrdiff_t n, const double *x, const double *b,
                                  const double *model, double *ratio, double total);

#endif
