// Vectorised exp, log and log1p over buffers, and the clusterers' loops built on them.
//
// Each function is a plain loop over a branch-free scalar kernel that the compiler vectorises: SSE2 (two
// lanes) on baseline x86_64 and, on Linux x86_64, clones for x86-64-v3 (AVX2, four lanes) and x86-64-v4
// (AVX-512, eight lanes; 15–25 % faster per element than AVX2 on a Xeon with AVX-512) chosen at load time by
// the CPU (`target_clones`); other targets get the compiler's own vectorisation. Contraction into FMA is off and
// the only fused multiply-adds are explicit `fma` calls (exact IEEE operations), so every clone does the same IEEE
// operations and returns bit-identical results.
//
// The kernels are FreeBSD msun's e_exp.c, e_log.c and s_log1p.c (Cody–Waite reduction, then the same rational
// / polynomial approximations), each within 1 ulp of the correctly rounded result; ClusteringVectorMathTests
// asserts ≤ 1 ulp against libm on dense grids and the special values exactly. The generalised Gaussian's
// |d|^β uses two division-free kernels of its own (table_log, fma_exp; see there).
#include "CVectorMath.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#pragma clang fp contract(off)

#if defined(__x86_64__) && defined(__linux__) && defined(__clang__)
#define DIRCLUST_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define DIRCLUST_CLONES
#endif

/// Inline into each clone (a plain static inline helper is called out of line, scalar, from the clones).
#define INLINE __attribute__((always_inline))

/// Vectorise the next loop even where the cost model for two SSE2 lanes hesitates.
#define VECTORIZE _Pragma("clang loop vectorize(enable) interleave_count(1)")

static inline uint64_t bits_of(double x) { uint64_t u; memcpy(&u, &x, sizeof u); return u; }
static inline double double_of(uint64_t u) { double x; memcpy(&x, &u, sizeof x); return x; }

// e_exp.c
static const double inv_ln2 = 1.44269504088896338700e+00;
static const double ln2_hi = 6.93147180369123816490e-01;
static const double ln2_lo = 1.90821492927058770002e-10;
static const double P1 = 1.66666666666666019037e-01;
static const double P2 = -2.77777777770155933842e-03;
static const double P3 = 6.61375632143793436117e-05;
static const double P4 = -1.65339022054652515390e-06;
static const double P5 = 4.13813679705723846039e-08;
static const double exp_overflow = 7.09782712893383973096e+02;
static const double exp_underflow = -7.45133219101941108420e+02;
/// 1.5·2⁵²: adding it rounds to an integer and leaves the integer in the low mantissa bits.
static const double rounding_shift = 6755399441055744.0;

/// eˣ from eʳ = y and x = k ln 2 + r (kd = k): y · 2^k₁ · 2^k₂ with k₁ = round(k/2), k₂ = k − k₁ (covers k = 1024
/// and the subnormal range), and eˣ's special values: +∞ above exp_overflow, 0 below exp_underflow, NaN for NaN.
static inline INLINE double exp_scale(double y, double kd, double x) {
    double k1 = (kd * 0.5 + rounding_shift) - rounding_shift, k2 = kd - k1;
    uint64_t bias = bits_of(rounding_shift) - 1023;
    double s1 = double_of((bits_of(k1 + rounding_shift) - bias) << 52);
    double s2 = double_of((bits_of(k2 + rounding_shift) - bias) << 52);
    double result = y * s1 * s2;
    result = x > exp_overflow ? INFINITY : result;
    result = x < exp_underflow ? 0.0 : result;
    return x != x ? x : result;
}

/// eˣ: x = k ln 2 + r, |r| ≤ ½ ln 2; eʳ = 1 + r + r·c/(2 − c), c = r − r²(P1 + … + r⁸P5); then exp_scale.
static inline double exp_kernel(double x) {
    double xc = x < -746.0 ? -746.0 : x;
    xc = xc > 710.0 ? 710.0 : xc;
    double shifted = xc * inv_ln2 + rounding_shift;
    double kd = shifted - rounding_shift;
    double hi = xc - kd * ln2_hi, lo = kd * ln2_lo;
    double r = hi - lo, t = r * r;
    double c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
    double y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    return exp_scale(y, kd, x);
}

// e_log.c
static const double Lg1 = 6.666666666666735130e-01;
static const double Lg2 = 3.999999999940941908e-01;
static const double Lg3 = 2.857142874366239149e-01;
static const double Lg4 = 2.222219843214978396e-01;
static const double Lg5 = 1.818357216161805012e-01;
static const double Lg6 = 1.531383769920937332e-01;
static const double Lg7 = 1.479819860511658591e-01;

/// ln x + tail (tail = c/x from log1p; with_tail = 0 for ln, a compile-time constant after inlining, so ln does not
/// pay a division for 0/x, which is +0 for every x > 0 that reaches the result): x = 2ᵏ(1 + f),
/// √2/2 ≤ 1 + f < √2 (subnormals scaled by 2⁵⁴ first), s = f/(2 + f),
/// ln(1 + f) = f − (f²/2 − s(f²/2 + R(s²))), R the Remez polynomial Lg1…Lg7.
static inline double log_kernel(double x, double tail, int with_tail) {
    int subnormal = x < 2.2250738585072014e-308;
    double scaled = subnormal ? x * 18014398509481984.0 : x;
    uint64_t m = bits_of(scaled) + (0x3ff0000000000000ULL - 0x3fe6a09e00000000ULL);
    uint64_t biased_k = (m >> 52) - (subnormal ? 54 : 0);
    m = (m & 0x000fffffffffffffULL) + 0x3fe6a09e00000000ULL;
    double f = double_of(m) - 1.0;
    double dk = double_of(biased_k + (bits_of(rounding_shift) - 1023)) - rounding_shift;
    double s = f / (2.0 + f), z = s * s, w = z * z;
    double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
    double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
    double hfsq = 0.5 * f * f;
    double low = with_tail ? dk * ln2_lo + tail : dk * ln2_lo;
    double result = dk * ln2_hi - ((hfsq - (s * (hfsq + t1 + t2) + low)) - f);
    result = x == 0.0 ? -INFINITY : result;
    result = x == INFINITY ? INFINITY : result;
    result = x < 0.0 ? NAN : result;
    return x != x ? x : result;
}

static inline double log_only(double x) { return log_kernel(x, 0.0, 0); }

// The generalised Gaussian's |d|^β = exp(β ln|d|): two division-free kernels (the msun ones above each divide
// once, and a vector division costs as much as the rest of the kernel). Both use fused multiply-adds, which are
// exact IEEE operations (the AVX2 and AVX-512 clones issue vfmadd, the default clone calls libm's fma), so every
// clone still returns the same bits. Constants from scripts/gen_power_table.py.
#include "power_table.h"

/// ln a for the generalised Gaussian, division-free, absolute error ≲ 1 ulp of max(|ln a|, 1) (not correctly
/// rounded near a = 1, where |ln a| is small; ClusteringVectorMathTests bounds it): a = 2ᵏ m, m ∈ [1, 2), in the
/// 32-cell table's cell i with centre c_i; r = (m − c_i) · (1/c_i) (m − c_i exact), |r| ≤ 1/65;
/// ln a = k ln 2 + ln c_i + r + r²(L2 + r(L3 + … + r L8)).
static inline INLINE double table_log(double a) {
    int subnormal = a < 2.2250738585072014e-308;
    double scaled = subnormal ? a * 18014398509481984.0 : a;
    uint64_t u = bits_of(scaled);
    uint64_t cell = (u >> 47) & 31;
    double m = double_of((u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
    double c = double_of(0x3ff0000000000000ULL | (cell << 47) | (1ULL << 46));
    double dk = double_of((u >> 52) - (subnormal ? 54 : 0) + (bits_of(rounding_shift) - 1023)) - rounding_shift;
    double r = (m - c) * power_table_inverse[cell];
    const double *L = power_log_taylor;
    double p = fma(r, L[6], L[5]);
    p = fma(r, p, L[4]);
    p = fma(r, p, L[3]);
    p = fma(r, p, L[2]);
    p = fma(r, p, L[1]);
    p = fma(r, p, L[0]);
    double result = (dk * ln2_hi + power_table_log[cell]) + fma(dk, ln2_lo, fma(r * r, p, r));
    result = a == 0.0 ? -INFINITY : result;
    result = a == INFINITY ? INFINITY : result;
    result = a < 0.0 ? NAN : result;
    return a != a ? a : result;
}

/// eˣ, division-free: x = k ln 2 + r (r = x − k ln2_hi − k ln2_lo by fma), |r| ≤ ½ ln 2,
/// eʳ = E0 + r(E1 + … + r E13) (Taylor, remainder < 2⁻⁵⁷), then exp_scale.
static inline INLINE double fma_exp(double x) {
    double xc = x < -746.0 ? -746.0 : x;
    xc = xc > 710.0 ? 710.0 : xc;
    double kd = fma(xc, inv_ln2, rounding_shift) - rounding_shift;
    double r = fma(-kd, ln2_lo, fma(-kd, ln2_hi, xc));
    const double *E = power_exp_taylor;
    double p = fma(r, E[13], E[12]);
    for (int n = 11; n >= 0; n--) p = fma(r, p, E[n]);
    return exp_scale(p, kd, x);
}

/// ln(1 + x) = ln u + c/u with u = 1 + x rounded and c its exact rounding error.
static inline double log1p_kernel(double x) {
    double u = 1.0 + x;
    double c = x > 1.0 ? 1.0 - (u - x) : x - (u - 1.0);
    c = (u == 0.0 || u == INFINITY) ? 0.0 : c;
    return log_kernel(u, c / u, 1);
}

DIRCLUST_CLONES void dirclust_exp(const double *x, double *y, ptrdiff_t n) {
    VECTORIZE for (ptrdiff_t i = 0; i < n; i++) y[i] = exp_kernel(x[i]);
}

DIRCLUST_CLONES void dirclust_log(const double *x, double *y, ptrdiff_t n) {
    VECTORIZE for (ptrdiff_t i = 0; i < n; i++) y[i] = log_only(x[i]);
}

DIRCLUST_CLONES void dirclust_log1p(const double *x, double *y, ptrdiff_t n) {
    VECTORIZE for (ptrdiff_t i = 0; i < n; i++) y[i] = log1p_kernel(x[i]);
}

DIRCLUST_CLONES void dirclust_estep_exp(double *restrict row, const double *restrict max, double *restrict sum,
                                        ptrdiff_t n, double threshold) {
    VECTORIZE for (ptrdiff_t i = 0; i < n; i++) {
        double d = row[i] - max[i];
        double e = d < threshold ? 0.0 : exp_kernel(d);
        row[i] = e;
        sum[i] += e;
    }
}

DIRCLUST_CLONES void dirclust_t_log_density(const double *restrict x, double *restrict y, ptrdiff_t n, double mu,
                                            double a, double b, double power) {
    VECTORIZE for (ptrdiff_t i = 0; i < n; i++) {
        double d = x[i] - mu;
        y[i] = a - power * log1p_kernel(b * d * d);
    }
}

DIRCLUST_CLONES void dirclust_t_log_density_term(const double *restrict x, double *restrict y, double *restrict term,
                                                 ptrdiff_t n, double mu, double a, double b, double power) {
    VECTORIZE for (ptrdiff_t i = 0; i < n; i++) {
        double d = x[i] - mu;
        double l = log1p_kernel(b * d * d);
        term[i] = l;
        y[i] = a - power * l;
    }
}

DIRCLUST_CLONES void dirclust_gg_log_density(const double *restrict x, double *restrict y, ptrdiff_t n, double mu,
                                             double inverse_scale, double beta, double a) {
    VECTORIZE for (ptrdiff_t i = 0; i < n; i++) y[i] = a - fma_exp(beta * table_log(fabs(x[i] - mu) * inverse_scale));
}

static inline INLINE double lane_sum(const double *s) { return (s[0] + s[1]) + (s[2] + s[3]); }

DIRCLUST_CLONES void dirclust_gg_estep_density(const double *restrict x, double *restrict y, double *restrict ell,
                                               double *restrict t, ptrdiff_t n, double mu, double inverse_scale,
                                               double beta, double a, double *restrict check) {
    double c[4] = {0, 0, 0, 0};
    VECTORIZE for (ptrdiff_t i = 0; i < n; i++) {
        double d = (x[i] - mu) * inverse_scale, ad = fabs(d);
        double l = table_log(ad);
        double power = beta == 2.0 ? d * d : (beta == 1.0 ? ad : fma_exp(beta * l));
        ell[i] = l;
        t[i] = power;
    }
    ptrdiff_t full = n - n % 4;
    for (ptrdiff_t i = 0; i < full; i += 4)
        for (int j = 0; j < 4; j++) c[j] += y[i + j] * t[i + j];
    for (ptrdiff_t i = full; i < n; i++) c[i - full] += y[i] * t[i];
    VECTORIZE for (ptrdiff_t i = 0; i < n; i++) y[i] = a - t[i];
    *check += lane_sum(c);
}

/// Lane j of the six sums of dirclust_gg_estep_moments += point i's terms.
static inline INLINE void add_gg_moments(double s[6][4], int j, double v, double t, double ell, double d, double eps2,
                                         double floor_weight) {
    double l = ell != -INFINITY ? ell : 0.0, d2 = d * d;
    double e = v * t, w = d2 > eps2 ? e / d2 : v * floor_weight;
    s[0][j] += v;
    s[1][j] += e;
    s[2][j] += e * l;
    s[3][j] += e * l * l;
    s[4][j] += w;
    s[5][j] += w * d;
}

DIRCLUST_CLONES void dirclust_gg_estep_moments(const double *restrict x, const double *restrict v,
                                               const double *restrict ell, const double *restrict t, ptrdiff_t n,
                                               double mu, double eps2, double floor_weight, double *restrict out) {
    double s[6][4] = {{0}};
    ptrdiff_t full = n - n % 4;
    for (ptrdiff_t i = 0; i < full; i += 4)
        for (int j = 0; j < 4; j++) add_gg_moments(s, j, v[i + j], t[i + j], ell[i + j], x[i + j] - mu, eps2, floor_weight);
    for (ptrdiff_t i = full; i < n; i++) add_gg_moments(s, (int)(i - full), v[i], t[i], ell[i], x[i] - mu, eps2, floor_weight);
    for (int m = 0; m < 6; m++) out[m] += lane_sum(s[m]);
}

DIRCLUST_CLONES void dirclust_t_weights(const double *restrict x, const double *restrict v, double *restrict u,
                                        ptrdiff_t n, double mu, double nu, double b, double *restrict out) {
    VECTORIZE for (ptrdiff_t i = 0; i < n; i++) {
        double d = x[i] - mu;
        u[i] = (nu + 1) / (nu + b * d * d);
    }
    double s0[4] = {0, 0, 0, 0}, s1[4] = {0, 0, 0, 0};
    ptrdiff_t full = n - n % 4;
    for (ptrdiff_t i = 0; i < full; i += 4)
        for (int j = 0; j < 4; j++) {
            double w = v[i + j] * u[i + j];
            s0[j] += w;
            s1[j] += w * (x[i + j] - mu);
        }
    for (ptrdiff_t i = full; i < n; i++) {
        double w = v[i] * u[i];
        s0[i - full] += w;
        s1[i - full] += w * (x[i] - mu);
    }
    out[0] = lane_sum(s0);
    out[1] = lane_sum(s1);
}

DIRCLUST_CLONES double dirclust_t_spread(const double *restrict x, const double *restrict v, const double *restrict u,
                                         ptrdiff_t n, double mu) {
    double s[4] = {0, 0, 0, 0};
    ptrdiff_t full = n - n % 4;
    for (ptrdiff_t i = 0; i < full; i += 4)
        for (int j = 0; j < 4; j++) {
            double d = x[i + j] - mu;
            s[j] += v[i + j] * u[i + j] * d * d;
        }
    for (ptrdiff_t i = full; i < n; i++) {
        double d = x[i] - mu;
        s[i - full] += v[i] * u[i] * d * d;
    }
    return lane_sum(s);
}

DIRCLUST_CLONES void dirclust_max_into(const double *restrict row, double *restrict max, ptrdiff_t n) {
    VECTORIZE for (ptrdiff_t i = 0; i < n; i++) max[i] = row[i] > max[i] ? row[i] : max[i];
}

DIRCLUST_CLONES void dirclust_scale_finite_rows(double *restrict row, const double *restrict scale,
                                                const double *restrict max, ptrdiff_t n) {
    VECTORIZE for (ptrdiff_t i = 0; i < n; i++) row[i] = fabs(max[i]) < INFINITY ? row[i] * scale[i] : row[i];
}

ptrdiff_t dirclust_pack_positive(const double *restrict x, const double *restrict v, ptrdiff_t n,
                                 double *restrict packed_x, double *restrict packed_v, double *restrict total) {
    ptrdiff_t active = 0;
    double sum = 0.0;
    for (ptrdiff_t i = 0; i < n; i++) {
        // Every point is written; the cursor moves past the positive ones (exact zeros add nothing to the sum).
        packed_x[active] = x[i];
        packed_v[active] = v[i];
        sum += v[i];
        active += v[i] > 0.0;
    }
    *total = sum;
    return active;
}
