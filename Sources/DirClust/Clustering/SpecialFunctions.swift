import RealModule

// Special functions for the t and generalised-Gaussian M-steps. Accuracy (checked against SciPy on the
// committed table Tests/DirClustTests/Resources/special_functions.json): ≤ 1e-12 relative for x > 0.

/// log Γ(x) for x > 0 (swift-numerics, i.e. the platform's lgamma).
@inline(__always)
public func logGamma(_ x: Double) -> Double { Double.logGamma(x) }

/// The digamma function ψ(x) = d/dx log Γ(x).
///
/// - x ≥ 10: the asymptotic series ψ(x) = ln x − 1/(2x) − Σ_{k=1}^{7} B_{2k} / (2k x^{2k}).
/// - |x − x₀| < 0.3, x₀ = 1.46163… the positive root: the Taylor series Σ_k (−1)^{k+1} ζ(k+1, x₀) (x − x₀)^k,
///   which keeps full relative accuracy where ψ crosses zero.
/// - other 0 < x < 10: the recurrence ψ(x) = ψ(x + m) − Σ_{j<m} 1/(x + j) up to x + m ≥ 10.
/// - x < 0: the reflection ψ(x) = ψ(1 − x) − π cot(πx). Poles: ψ(+0) = −∞, ψ(−0) = +∞, ψ(−n) = NaN.
public func digamma(_ x: Double) -> Double {
    if x.isNaN || x == -.infinity { return .nan }
    if x == .infinity { return .infinity }
    if x == 0 { return x.sign == .plus ? -.infinity : .infinity }
    if x < 0 {
        let fraction = x - x.rounded(.down)  // exact, in (0, 1)
        if fraction == 0 { return .nan }
        let r = fraction > 0.5 ? fraction - 1 : fraction  // cot has period 1; keep π r in (−π/2, π/2]
        return digamma(1 - x) - Double.pi / Double.tan(Double.pi * r)
    }
    let dx = (x - DigammaRoot.high) - DigammaRoot.low
    if abs(dx) < 0.3 {
        var sum = 0.0
        for c in DigammaRoot.taylor.reversed() { sum = (sum + c) * dx }
        return sum
    }
    var y = x, shift = 0.0
    while y < 10 { shift += 1 / y; y += 1 }
    return digammaAsymptotic(y) - shift
}

/// The trigamma function ψ′(x) = d²/dx² log Γ(x).
///
/// - x ≥ 10: the asymptotic series ψ′(x) = 1/x + 1/(2x²) + Σ_{k=1}^{7} B_{2k} / x^{2k+1}.
/// - 0 < x < 10: the recurrence ψ′(x) = ψ′(x + m) + Σ_{j<m} 1/(x + j)² (all terms positive).
/// - x ≤ 0: the reflection ψ′(x) = π² / sin²(πx) − ψ′(1 − x); +∞ at the poles x = 0, −1, −2, …
public func trigamma(_ x: Double) -> Double {
    if x.isNaN || x == -.infinity { return .nan }
    if x == .infinity { return 0 }
    if x <= 0 {
        let fraction = x - x.rounded(.down)
        if fraction == 0 { return .infinity }
        let r = fraction > 0.5 ? fraction - 1 : fraction
        let s = Double.sin(Double.pi * r)
        return Double.pi * Double.pi / (s * s) - trigamma(1 - x)
    }
    var y = x, shift = 0.0
    while y < 10 { shift += 1 / (y * y); y += 1 }
    let z = 1 / (y * y)
    // B_2 … B_14 = 1/6, −1/30, 1/42, −1/30, 5/66, −691/2730, 7/6.
    let series = z * (1.0 / 6 + z * (-1.0 / 30 + z * (1.0 / 42 + z * (-1.0 / 30 + z * (5.0 / 66
        + z * (-691.0 / 2730 + z * (7.0 / 6)))))))
    return (1 + 0.5 / y + series) / y + shift
}

/// ψ(y) for y ≥ 10 by the asymptotic (Stirling) series.
private func digammaAsymptotic(_ y: Double) -> Double {
    let z = 1 / (y * y)
    // B_{2k} / (2k) for k = 1 … 7: 1/12, −1/120, 1/252, −1/240, 1/132, −691/32760, 1/12.
    let series = z * (1.0 / 12 + z * (-1.0 / 120 + z * (1.0 / 252 + z * (-1.0 / 240 + z * (1.0 / 132
        + z * (-691.0 / 32760 + z * (1.0 / 12)))))))
    return Double.log(y) - 0.5 / y - series
}

/// The positive root x₀ of ψ as high + low (double-double) and the Taylor coefficients
/// (−1)^{k+1} ζ(k+1, x₀), k = 1 … 26, of ψ about it, computed with mpmath at 40 digits
/// (`scripts/gen_clustering_golden.py --digamma-coefficients`).
private enum DigammaRoot {
    static let high = 1.4616321449683622
    static let low = 9.549995429965697e-17
    static let taylor: [Double] = [
        0.9676722454476212, -0.4427631689835921, 0.258499760955651, -0.16394270544240652,
        0.10782405069126237, -0.07219956125645471, 0.04880428816414311, -0.03316112647484736,
        0.022597648232218104, -0.01542476590494896, 0.010538791616612175, -0.007204534386356869,
        0.004926781395729853, -0.003369801655439328, 0.002305126326734928, -0.0015769367714301972,
        0.0010788252019162967, -0.0007380709389960052, 0.000504953265834602, -0.0003454680251063077,
        0.00023635601564027053, -0.00016170622091974803, 0.0001106337276874741, -7.569179582195066e-05,
        5.178575795222081e-05, -3.5430070947659604e-05,
    ]
}
