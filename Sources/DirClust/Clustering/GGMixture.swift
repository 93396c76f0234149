import CVectorMath
import RealModule

/// Generalised-Gaussian mixture of directions with learned shape β (proposed), fitted by generalised EM.
///
/// Density β / (2α Γ(1/β)) · exp(−|x − μ|^β / α^β): β = 1 Laplace, 2 Gaussian, → ∞ uniform. The M-step of a
/// component makes no pass over the data: from sums the E-step gathers at θ = (μ, α, β) it proposes
/// 1. μ: one step lowering S(μ) = Σ v |x − μ|^β (IRLS for β ≤ 2, Newton for β > 2; `propose`);
/// 2. β: one safeguarded Newton step on the profile log-likelihood (`ShapeProfile`; α at its closed form, or
///    held at `minimumScale` where the closed form is below it), clamped to `shapeBounds`
///    (default [0.3, 8]); none when `fixedShape` is set (β = 1 Laplace, β = 2 the Gaussian mixture);
/// 3. α: the closed form α^β = (β / N_k) S at the proposal, S predicted to second order from the same sums;
/// and the next E-step checks it (`review`): the component's expected complete-data log-likelihood under the
/// old responsibilities must not fall, else the component takes (μ, α*, β) with α* the exact closed form at
/// the old μ and β (which never lowers it), its next steps are damped, and the E-step is repeated. So EM stays
/// monotone, and a fixed point (zero steps) is a stationary point of the likelihood. Throws as described in
/// `DirectionClusterer`.
public struct GGMixture: DirectionClusterer {
    public let options: ClusteringOptions
    public init(options: ClusteringOptions) { self.options = options }

    /// Default bounds of the learned β.
    public static let defaultShapeBounds: ClosedRange<Double> = 0.3...8
    /// β₀ when it is learned and `initialShape` is nil (the Gaussian).
    public static let defaultInitialShape = 2.0

    public func fit(_ x: [Double], weights: [Double]?) throws -> ClusterFit {
        let family = GeneralizedGaussianFamily(minimumScale: options.minimumScale, fixedShape: options.fixedShape,
                                               bounds: options.shapeBounds ?? GGMixture.defaultShapeBounds)
        var driver = EMDriver(family: family, options: options)
        return try driver.fit(x, weights: weights)
    }
}

/// The generalised Gaussian: log p = log β − log 2α − log Γ(1/β) − |(x − μ)/α|^β.
struct GeneralizedGaussianFamily: MixtureFamily {
    let minimumScale: Double
    let fixedShape: Double?
    let bounds: ClosedRange<Double>
    /// Per component, the factor on its next proposal's steps: halved twice on a failed check, doubled (up to 1)
    /// on a passed one.
    private var damping: [Double] = []

    init(minimumScale: Double, fixedShape: Double?, bounds: ClosedRange<Double>) {
        self.minimumScale = minimumScale
        self.fixedShape = fixedShape
        self.bounds = bounds
    }

    var method: ClusteringMethod { .ggmm }
    var reportsShape: Bool { true }

    /// The log-density constant log β − log 2α − log Γ(1/β).
    static func logNormaliser(_ θ: MixtureComponent) -> Double {
        Double.log(θ.shape) - Double.log(2 * θ.scale) - logGamma(1 / θ.shape)
    }

    static func logDensities(_ x: UnsafeBufferPointer<Double>, _ θ: MixtureComponent, offset: Double,
                             into out: UnsafeMutablePointer<Double>) {
        let β = θ.shape, μ = θ.mean, inverseScale = 1 / θ.scale
        let a = offset + logNormaliser(θ)
        if β == 2 {
            for i in 0..<x.count { let d = (x[i] - μ) * inverseScale; out[i] = a - d * d }
        } else if β == 1 {
            for i in 0..<x.count { out[i] = a - abs(x[i] - μ) * inverseScale }
        } else {
            // |d/α|^β = exp(β ln|d/α|), 0 at d = 0, vectorised.
            dirclust_gg_log_density(x.baseAddress, out, x.count, μ, inverseScale, β, a)
        }
    }

    /// Statistics of a component at θ, with t_n = |x_n − μ|^β / α^β, ℓ_n = ln(|x_n − μ| / α), d_n = x_n − μ:
    /// [N, C, A0, A1, A2, W0, W1] = [Σ v, Σ v_old t, Σ v t, Σ v t ℓ, Σ v t ℓ², Σ ω̃, Σ ω̃ d], where v_old are the
    /// previous E-step's responsibilities (for `review`) and ω̃ = v t / d² (the IRLS weight v |d|^{β−2} over α^β),
    /// capped at v ε^{β−2} / α^β where |d| ≤ ε = 10⁻³ α when β ≤ 2. Scratch rows: ℓ and t.
    var statisticCount: Int { 7 }
    var scratchRows: Int { 2 }
    private static let cap = 1e-3

    static func logDensities(_ x: UnsafeBufferPointer<Double>, _ θ: MixtureComponent, offset: Double,
                             into out: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>,
                             statistics: UnsafeMutablePointer<Double>) {
        dirclust_gg_estep_density(x.baseAddress, out, scratch, scratch + EStepWorkspace.blockSize, x.count, θ.mean,
                                  1 / θ.scale, θ.shape, offset + logNormaliser(θ), statistics + 1)
    }

    static func accumulate(_ x: UnsafeBufferPointer<Double>, _ θ: MixtureComponent, v: UnsafePointer<Double>,
                           scratch: UnsafePointer<Double>, statistics: UnsafeMutablePointer<Double>) {
        let β = θ.shape, α = θ.scale
        let ε = cap * α
        // ε^{β−2} / α^β = cap^β / ε².
        let (eps2, floorWeight) = β > 2 ? (0.0, 0.0) : (ε * ε, Double.pow(cap, β) / (ε * ε))
        var sums = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        withUnsafeMutablePointer(to: &sums) {
            $0.withMemoryRebound(to: Double.self, capacity: 6) { o in
                dirclust_gg_estep_moments(x.baseAddress, v, scratch, scratch + EStepWorkspace.blockSize, x.count, θ.mean,
                                          eps2, floorWeight, o)
            }
        }
        statistics[0] += sums.0
        for (i, value) in [sums.1, sums.2, sums.3, sums.4, sums.5].enumerated() { statistics[2 + i] += value }
    }

    func initialComponent(mean: Double, rms: Double, shape: Double?) -> MixtureComponent {
        let β = fixedShape ?? min(max(shape ?? GGMixture.defaultInitialShape, bounds.lowerBound), bounds.upperBound)
        // Match the cluster's variance: Var = α² Γ(3/β) / Γ(1/β).
        let α = rms * Double.exp(0.5 * (logGamma(1 / β) - logGamma(3 / β)))
        return MixtureComponent(mean: mean, scale: max(α, minimumScale), shape: β)
    }

    mutating func updateComponent(_ θ: MixtureComponent, x: UnsafeBufferPointer<Double>,
                                  v: UnsafeBufferPointer<Double>, total: Double) -> MixtureComponent {
        preconditionFailure("the generalised Gaussian proposes from the E-step's statistics (propose)")
    }

    var proposesFromStatistics: Bool { true }

    /// S, S′ = ∂S/∂β and S″ at θ from the statistics (S = α^β A0, ln|d| = ℓ + ln α).
    private static func moments(_ θ: MixtureComponent, _ s: UnsafeBufferPointer<Double>) -> (s: Double, s1: Double, s2: Double) {
        let lnα = Double.log(θ.scale), a0 = s[2], r1 = s[3] / a0, r2 = s[4] / a0
        let total = Double.exp(θ.shape * lnα) * a0
        return (total, total * (r1 + lnα), total * (r2 + 2 * lnα * r1 + lnα * lnα))
    }

    /// α at the closed form α^β = β S / N_k, floored at `minimumScale` (nil when S is not positive and finite).
    private func closedFormScale(_ s: Double, shape β: Double, total: Double) -> Double? {
        guard s > 0, s.isFinite else { return nil }
        return max(Double.exp((Double.log(β * s / total)) / β), minimumScale)
    }

    /// The profile in β at β: with α at its closed form, or held at the floor where the closed form is below it.
    private func shapeProfile(_ β: Double, moments: (s: Double, s1: Double, s2: Double), total: Double) -> ShapeProfile? {
        let pinned = β * moments.s / total <= Double.exp(β * Double.log(minimumScale))
        return pinned ? ShapeProfile(β, floor: minimumScale, moments: moments, total: total)
            : ShapeProfile(β, moments: moments, total: total)
    }

    /// The proposal from θ's statistics s, each step scaled by the component's damping λ:
    /// Δμ = λ Σ ω d / (c Σ ω) (c = β − 1 for β > 2, else 1), Δβ = λ × the Newton step of `ShapeProfile` at μ (an
    /// uphill step of β/4 where the profile is not concave; within ±β/2 and `bounds`), and α from
    ///   S(μ + Δμ) ≈ S − β W1 Δμ + ½ β(β − 1) W0 Δμ²  (W = α^β Σ ω̃, Σ ω̃ d),
    ///   ln S(β + Δβ) ≈ ln S + Δβ S′/S + ½ Δβ² (S″/S − (S′/S)²),
    /// which is exact for β = 2 fixed (the Gaussian mixture's M-step).
    mutating func propose(_ θ: MixtureComponent, component k: Int, statistics s: UnsafeBufferPointer<Double>)
        -> MixtureComponent {
        if damping.count <= k { damping += [Double](repeating: 1, count: k + 1 - damping.count) }
        let λ = damping[k], total = s[0], β = θ.shape
        let moments = Self.moments(θ, s)
        guard moments.s.isFinite, moments.s >= 0 else { return θ }
        // All weight at μ: Q only grows as α shrinks.
        guard moments.s > 0 else { return MixtureComponent(mean: θ.mean, scale: minimumScale, shape: β) }
        let curvature = β > 2 ? β - 1 : 1
        var Δμ = λ * s[6] / (curvature * s[5])
        if !Δμ.isFinite { Δμ = 0 }
        var Δβ = 0.0
        if fixedShape == nil, let profile = shapeProfile(β, moments: moments, total: total) {
            var step = profile.curvature < 0 ? -profile.slope / profile.curvature : (profile.slope > 0 ? 0.25 : -0.25) * β
            step = λ * min(max(step, -0.5 * β), 0.5 * β)
            if step.isFinite { Δβ = min(max(β + step, bounds.lowerBound), bounds.upperBound) - β }
        }
        let scaled = Double.exp(β * Double.log(θ.scale))
        let shifted = moments.s + scaled * (-β * s[6] * Δμ + 0.5 * β * (β - 1) * s[5] * Δμ * Δμ)
        let r1 = moments.s1 / moments.s, r2 = moments.s2 / moments.s
        let lnS = Double.log(shifted > 0 ? shifted : moments.s) + Δβ * r1 + 0.5 * Δβ * Δβ * (r2 - r1 * r1)
        let β1 = β + Δβ
        guard let α = closedFormScale(Double.exp(lnS), shape: β1, total: total) else { return θ }
        return MixtureComponent(mean: θ.mean + Δμ, scale: α, shape: β1)
    }

    /// Passes when Q(θ1) ≥ Q(θ0) with Q(θ) = N_k log-normaliser(θ) − Σ v_old t(θ) (N_k, Σ v_old t(θ0) from the
    /// statistics at θ0; Σ v_old t(θ1) is the check sum C at θ1); else the fallback (μ0, α*, β0).
    mutating func review(_ proposal: MixtureComponent, from θ0: MixtureComponent, component k: Int,
                         previous: UnsafeBufferPointer<Double>, current: UnsafeBufferPointer<Double>) -> MixtureComponent? {
        let total = previous[0]
        let q1 = total * Self.logNormaliser(proposal) - current[1]
        let q0 = total * Self.logNormaliser(θ0) - previous[2]
        if q1 >= q0 {
            damping[k] = min(1, 2 * damping[k])
            return nil
        }
        damping[k] = max(damping[k] / 4, 0x1p-20)
        var fallback = θ0
        if let α = closedFormScale(Self.moments(θ0, previous).s, shape: θ0.shape, total: total) { fallback.scale = α }
        return fallback
    }
}

/// The slope and curvature in β of a generalised-Gaussian component's profile log-likelihood per unit N_k
/// (α at its closed form, μ fixed):
///   q(β) = log β − log Γ(1/β) − 1/β − (1/β) log(β S/N_k),  S = Σ v |x − μ|^β,
///   q′(β) = 1/β + ψ(1/β)/β² + log(β S/N_k)/β² − S′/(β S),  S′ = Σ v |x − μ|^β ln|x − μ|;
/// nil when S is zero or a moment is not finite (all weight at μ).
struct ShapeProfile {
    var slope: Double
    var curvature: Double

    /// The profile at β from its moments (S, S′, S″), S″ = Σ v |x − μ|^β ln²|x − μ|.
    init?(_ β: Double, moments: (s: Double, s1: Double, s2: Double), total: Double) {
        let (s, s1, s2) = moments
        guard s > 0, s.isFinite, s1.isFinite, s2.isFinite else { return nil }
        let b = 1 / β, h = Double.log(β * s / total)
        let ψ = digamma(b), r1 = s1 / s, r2 = s2 / s
        slope = b + ψ * b * b + h * b * b - r1 * b
        curvature = -b * b - trigamma(b) * b * b * b * b - 2 * ψ * b * b * b + b * b * b + r1 * b * b
            - 2 * h * b * b * b - r2 * b + r1 * b * b + r1 * r1 * b
    }

    /// The log-likelihood per unit N_k with α held at the scale floor s (where α's closed form is below it):
    ///   q(β) = log β − log 2s − log Γ(1/β) − T/N_k,  T = S/s^β,
    ///   q′ = 1/β + ψ(1/β)/β² − T′/N_k,  q″ = −1/β² − ψ′(1/β)/β⁴ − 2ψ(1/β)/β³ − T″/N_k,
    /// T′ = (S′ − S ln s)/s^β, T″ = (S″ − 2 S′ ln s + S ln² s)/s^β.
    init?(_ β: Double, floor: Double, moments: (s: Double, s1: Double, s2: Double), total: Double) {
        let lnFloor = Double.log(floor), scale = Double.exp(-β * lnFloor)
        let t1 = (moments.s1 - moments.s * lnFloor) * scale
        let t2 = (moments.s2 - 2 * moments.s1 * lnFloor + moments.s * lnFloor * lnFloor) * scale
        guard t1.isFinite, t2.isFinite, total > 0 else { return nil }
        let b = 1 / β, ψ = digamma(b)
        slope = b + ψ * b * b - t1 / total
        curvature = -b * b - trigamma(b) * b * b * b * b - 2 * ψ * b * b * b - t2 / total
    }
}
