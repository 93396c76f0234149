import CVectorMath
import RealModule

/// Student-t mixture of directions with learned degrees of freedom ν (proposed), fitted by weighted EM.
///
/// With d = (x − μ)/α and u_n = (ν + 1)/(ν + d_n²) from the E-step parameters, the M-step is
///   μ = Σ v u x / Σ v u,   α² = Σ v u (x − μ)² / N_k   (floored at `minimumScale`²),
/// and ν solves log(ν/2) − ψ(ν/2) = c with
///   c = −[1 + (1/N_k) Σ_n v_n (log u_n − u_n) + ψ((ν_old + 1)/2) − log((ν_old + 1)/2)]
/// (`TMixture.degreesOfFreedom`), clamped to `shapeBounds` (default [0.05, 200]). `fixedShape` holds ν
/// fixed (ν = 1 is the Cauchy mixture). Throws as described in `DirectionClusterer`.
public struct TMixture: DirectionClusterer {
    public let options: ClusteringOptions
    public init(options: ClusteringOptions) { self.options = options }

    /// Default bounds of the learned ν.
    public static let defaultShapeBounds: ClosedRange<Double> = 0.05...200
    /// ν₀ when it is learned and `initialShape` is nil.
    public static let defaultInitialShape = 10.0

    public func fit(_ x: [Double], weights: [Double]?) throws -> ClusterFit {
        let family = StudentTFamily(method: .tmm, minimumScale: options.minimumScale, fixedShape: options.fixedShape,
                                    bounds: options.shapeBounds ?? TMixture.defaultShapeBounds)
        var driver = EMDriver(family: family, options: options)
        return try driver.fit(x, weights: weights)
    }

    /// The root ν of log(ν/2) − ψ(ν/2) = c, clamped to `bounds`.
    ///
    /// Start from the closed form of the extended Stirling series ψ(y) ≈ ln y − 1/(2y) − 1/(12y²), i.e.
    /// 1/ν + 1/(3ν²) = c:  ν₀ = (1 + √(1 + 4c/3)) / (2c)  (2.9 % off at ν ≈ 1.2, 0.01 % at ν ≈ 10), then
    /// Newton steps on the exact equation in z = 1/ν (in which it is nearly linear). One step brings ν to
    /// 1e-8 for ν ≥ 10 and 5e-7 at ν ≈ 3; the loop continues (≤ 8 steps, 2–4 in practice) until the step
    /// is below 1e-13 relative, so the result is the exact root for all ν ≥ 0.05. c ≤ 0 (ν → ∞) gives
    /// the upper bound.
    public static func degreesOfFreedom(solving c: Double, bounds: ClosedRange<Double> = defaultShapeBounds) -> Double {
        guard c > 0 else { return bounds.upperBound }
        var ν = (1 + (1 + 4 * c / 3).squareRoot()) / (2 * c)
        if ν > 4 * bounds.upperBound { return bounds.upperBound }
        for _ in 0..<8 {
            let f = Double.log(ν / 2) - digamma(ν / 2) - c
            let slope = 1 / ν - trigamma(ν / 2) / 2  // df/dν < 0
            let z = 1 / ν + f / (ν * ν * slope)      // Newton in z: dz = −f / (df/dz), df/dz = −ν² df/dν
            guard z > 0 else { ν = bounds.upperBound; break }
            let next = 1 / z
            let done = abs(next - ν) <= 1e-13 * ν
            ν = next
            if done || ν < bounds.lowerBound / 4 { break }
        }
        return min(max(ν, bounds.lowerBound), bounds.upperBound)
    }
}

/// The Student-t density with location μ, scale α and ν degrees of freedom:
///   log p = log Γ((ν+1)/2) − log Γ(ν/2) − ½ log(νπ) − log α − (ν+1)/2 · log(1 + d²/ν),  d = (x − μ)/α.
struct StudentTFamily: MixtureFamily {
    let method: ClusteringMethod
    let minimumScale: Double
    /// ν held fixed (Cauchy: 1), or nil to learn it.
    let fixedShape: Double?
    let bounds: ClosedRange<Double>
    /// u_n of the current component (reused scratch).
    private var u: [Double] = []

    init(method: ClusteringMethod, minimumScale: Double, fixedShape: Double?, bounds: ClosedRange<Double>) {
        self.method = method
        self.minimumScale = minimumScale
        self.fixedShape = fixedShape
        self.bounds = bounds
    }

    var reportsShape: Bool { method == .tmm }

    static func logDensities(_ x: UnsafeBufferPointer<Double>, _ θ: MixtureComponent, offset: Double,
                             into out: UnsafeMutablePointer<Double>) {
        logDensities(x, θ, offset: offset, into: out, term: nil)
    }

    /// The learned-ν M-step needs Σ v log u_n, and log u_n = log((ν + 1)/ν) − g_n with g_n = log1p(d_n²/ν), the
    /// density's own term: one statistic, T_k = Σ_n v_nk g_nk, from one scratch row holding g.
    var statisticCount: Int { fixedShape == nil ? 1 : 0 }
    var scratchRows: Int { statisticCount }

    static func logDensities(_ x: UnsafeBufferPointer<Double>, _ θ: MixtureComponent, offset: Double,
                             into out: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>,
                             statistics: UnsafeMutablePointer<Double>) {
        logDensities(x, θ, offset: offset, into: out, term: Optional(scratch))
    }

    static func accumulate(_ x: UnsafeBufferPointer<Double>, _ θ: MixtureComponent, v: UnsafePointer<Double>,
                           scratch: UnsafePointer<Double>, statistics: UnsafeMutablePointer<Double>) {
        statistics[0] += VectorMath.sum(count: x.count) { v[$0] * scratch[$0] }
    }

    /// The log densities, and g_n into `term` when it is given.
    private static func logDensities(_ x: UnsafeBufferPointer<Double>, _ θ: MixtureComponent, offset: Double,
                                     into out: UnsafeMutablePointer<Double>, term: UnsafeMutablePointer<Double>?) {
        let ν = θ.shape, μ = θ.mean
        let a = offset + logGamma((ν + 1) / 2) - logGamma(ν / 2) - 0.5 * Double.log(ν * .pi) - Double.log(θ.scale)
        let b = 1 / (ν * θ.scale * θ.scale), power = (ν + 1) / 2
        if let term {
            dirclust_t_log_density_term(x.baseAddress, out, term, x.count, μ, a, b, power)
        } else {
            dirclust_t_log_density(x.baseAddress, out, x.count, μ, a, b, power)
        }
    }

    func initialComponent(mean: Double, rms: Double, shape: Double?) -> MixtureComponent {
        let ν = fixedShape ?? min(max(shape ?? TMixture.defaultInitialShape, bounds.lowerBound), bounds.upperBound)
        return MixtureComponent(mean: mean, scale: rms, shape: ν)
    }

    mutating func updateComponent(_ θ: MixtureComponent, x: UnsafeBufferPointer<Double>,
                                  v: UnsafeBufferPointer<Double>, total: Double) -> MixtureComponent {
        precondition(fixedShape != nil, "a learned ν takes the E-step's Σ v log1p(d²/ν) (updateComponent(statistics:))")
        return update(θ, x: x, v: v, total: total, termSum: 0)
    }

    mutating func updateComponent(_ θ: MixtureComponent, x: UnsafeBufferPointer<Double>,
                                  v: UnsafeBufferPointer<Double>, total: Double,
                                  statistics: UnsafeBufferPointer<Double>) -> MixtureComponent {
        update(θ, x: x, v: v, total: total, termSum: fixedShape == nil ? statistics[0] : 0)
    }

    /// termSum = Σ_n v_n g_n, g_n = log1p(d_n²/ν) (the E-step's, at the same θ): Σ v log u = N_k log((ν+1)/ν) − termSum.
    private mutating func update(_ θ: MixtureComponent, x: UnsafeBufferPointer<Double>,
                                 v: UnsafeBufferPointer<Double>, total: Double, termSum: Double) -> MixtureComponent {
        let n = x.count, ν = θ.shape, μ0 = θ.mean
        if u.count < n { u = [Double](repeating: 0, count: n) }
        let b = 1 / (θ.scale * θ.scale)
        var sums = (0.0, 0.0)
        withUnsafeMutablePointer(to: &sums) {
            $0.withMemoryRebound(to: Double.self, capacity: 2) { out in
                dirclust_t_weights(x.baseAddress, v.baseAddress, &u, n, μ0, ν, b, out)
            }
        }
        let (s0, s1) = sums
        let μ = μ0 + s1 / s0
        let s2 = dirclust_t_spread(x.baseAddress, v.baseAddress, u, n, μ)
        let α = max(s2 / total, minimumScale * minimumScale).squareRoot()
        guard fixedShape == nil else { return MixtureComponent(mean: μ, scale: α, shape: ν) }
        // Σ v (log u − u) with Σ v log u from the E-step's term (no log pass here).
        let logTerm = total * Double.log((ν + 1) / ν) - termSum - s0
        let h = (ν + 1) / 2
        let c = -(1 + logTerm / total + digamma(h) - Double.log(h))
        // Q(ν)/N_k = (ν/2) log(ν/2) − log Γ(ν/2) − (ν/2)(c + 1), concave, maximised by the root; keep ν_old
        // if rounding or the clamp would lower it (EM must not decrease the likelihood).
        func q(_ ν: Double) -> Double { (ν / 2) * Double.log(ν / 2) - logGamma(ν / 2) - (ν / 2) * (c + 1) }
        let candidate = TMixture.degreesOfFreedom(solving: c, bounds: bounds)
        return MixtureComponent(mean: μ, scale: α, shape: q(candidate) >= q(ν) ? candidate : ν)
    }
}
