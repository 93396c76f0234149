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

/// Generalised-Gaussian log densities: y[i] = a − exp(beta · log(|x[i] − mu| · inverse_scale)), with the
/// division-free ln (absolute error ≲ 1 ulp of max(|ln|, 1)) and exp of CVectorMath.c.
void dirclust_gg_log_density(const double *x, double *y, ptrdiff_t n, double mu, double inverse_scale,
                             double beta, double a);

/// The generalised-Gaussian E-step's density pass over one component and block: with d̃ = (x[i] − mu) · inverse_scale,
/// ell[i] = ln|d̃| (−∞ at x[i] = mu), t[i] = |d̃|^beta (exp(beta · ell[i]); d̃² at beta = 2, |d̃| at beta = 1), and
/// y[i] = a − t[i] (bit-identical to dirclust_gg_log_density and the Swift β = 1, 2 cases). y holds the previous
/// E-step's v[i] on entry: *check += Σ v[i] t[i] (four lanes, fixed order).
void dirclust_gg_estep_density(const double *x, double *y, double *ell, double *t, ptrdiff_t n, double mu,
                               double inverse_scale, double beta, double a, double *check);

/// The generalised-Gaussian M-step's sums over one component and block, from the E-step's v and its ell, t
/// (dirclust_gg_estep_density): out[0…5] += Σ v, Σ v t, Σ v t ℓ, Σ v t ℓ², Σ ω, Σ ω d, where ℓ = ell[i] (−∞ read
/// as 0), d = x[i] − mu, ω = v t / d² where d² > eps2, else v · floor_weight. Four lanes, fixed order.
void dirclust_gg_estep_moments(const double *x, const double *v, const double *ell, const double *t, ptrdiff_t n,
                               double mu, double eps2, double floor_weight, double *out);

/// The Student-t M-step's weights and location sums over one component: u[i] = (nu + 1) / (nu + b d²) with
/// d = x[i] − mu, out[0] = Σ v u, out[1] = Σ v u d (four lanes, lane j the points i ≡ j mod 4, then
/// (l₀ + l₁) + (l₂ + l₃): the order of the Swift VectorMath.sum).
void dirclust_t_weights(const double *x, const double *v, double *u, ptrdiff_t n, double mu, double nu, double b,
                        double *out);

/// Σ v u (x[i] − mu)² in the order of dirclust_t_weights (the Student-t M-step's spread).
double dirclust_t_spread(const double *x, const double *v, const double *u, ptrdiff_t n, double mu);

/// max[i] = row[i] > max[i] ? row[i] : max[i].
void dirclust_max_into(const double *row, double *max, ptrdiff_t n);

/// row[i] *= scale[i] where max[i] is finite (the E-step's normalisation; other rows are left as they are).
void dirclust_scale_finite_rows(double *row, const double *scale, const double *max, ptrdiff_t n);

/// Copies the points with v[i] > 0 to the front of packed_x / packed_v (in order, branch-free: both need room
/// for n), sets *total = Σ v[i] (in order) and returns how many there are.
ptrdiff_t dirclust_pack_positive(const double *x, const double *v, ptrdiff_t n, double *packed_x, double *packed_v,
                                 double *total);

#endif
