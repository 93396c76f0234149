// Vectorised elementary functions over buffers for the clusterers (see CVectorMath.c).
#ifndef DIRCLUST_CVECTORMATH_H
#define DIRCLUST_CVECTORMATH_H

#include <stddef.h>

/// y[i] = exp(x[i]), ≤ 1 ulp, IEEE special values as libm.
void dirclust_exp(const double *x, double *y, ptrdiff_t n);
/// y[i] = log(x[i]), ≤ 1 ulp, IEEE special values as libm.
void dirclust_log(const double *x, double *y, ptrdiff_t n);
/// y[i] = log1p(x[i]), ≤ 1 ulp, IEEE special values as libm.
void dirclust_log1p(const double *x, double *y, ptrdiff_t n);

/// The E-step's exp pass over one component row of a block: e = row[i] − max[i] < threshold ? 0
/// : exp(row[i] − max[i]); row[i] = e; sum[i] += e.
void dirclust_estep_exp(double *row, const double *max, double *sum, ptrdiff_t n, double threshold);

/// Student-t log densities: y[i] = a − power · log1p(b (x[i] − mu)²).
void dirclust_t_log_density(const double *x, double *y, ptrdiff_t n, double mu, double a, double b, double power);

/// dirclust_t_log_density that also stores term[i] = log1p(b (x[i] − mu)²) (bit-identical y).
void dirclust_t_log_density_term(const double *x, double *y, double *term, ptrdiff_t n, double mu, double a, double b,
                                 double power);

/// Generalised-Gaussian log densities: y[i] = a − exp(beta · log(|x[i] − mu| · inverse_scale)).
void dirclust_gg_log_density(const double *x, double *y, ptrdiff_t n, double mu, double inverse_scale,
                             double beta, double a);

/// (S, S′, S″) = Σ e, Σ e·l, Σ e·l² with e = v[i] · exp(beta · l[i]), terms with l[i] = −∞ left out.
/// Summed in a fixed order of four lanes (lane j: the terms i ≡ j mod 4, then (l₀ + l₁) + (l₂ + l₃)).
void dirclust_shape_moments(const double *l, const double *v, ptrdiff_t n, double beta, double *out);

/// One pass of the generalised-Gaussian location search at mu: stores l[i] = ln|x[i] − mu| (−∞ at x[i] = mu), sets
/// out[0…2] = (S, S′, S″) exactly as dirclust_shape_moments(l, v, n, beta) would, and, when weights ≠ 0, the sums of
/// the location step out[3] = Σ ω, out[4] = Σ ω d with d = x[i] − mu, ω = v|d|^beta / d² where d² > eps2, else
/// v · floor_weight (out[3], out[4] = 0 otherwise). Same four-lane order.
void dirclust_gg_location_pass(const double *x, const double *v, double *l, ptrdiff_t n, double mu, double beta,
                               int weights, double eps2, double floor_weight, double *out);

/// max[i] = row[i] > max[i] ? row[i] : max[i].
void dirclust_max_into(const double *row, double *max, ptrdiff_t n);

/// row[i] *= scale[i] where max[i] is finite (the E-step's normalisation; other rows are left as they are).
void dirclust_scale_finite_rows(double *row, const double *scale, const double *max, ptrdiff_t n);

/// Copies the points with v[i] > 0 to the front of packed_x / packed_v (in order, branch-free: both need room
/// for n), sets *total = Σ v[i] (in order) and returns how many there are.
ptrdiff_t dirclust_pack_positive(const double *x, const double *v, ptrdiff_t n, double *packed_x, double *packed_v,
                                 double *total);

#endif
