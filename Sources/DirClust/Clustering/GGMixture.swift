import CVectorMath
import RealModule

/// Generalised-Gaussian mixture of directions with learned shape β (proposed), fitted by weighted EM.
///
/// Density β / (2α Γ(1/β)) · exp(−|x − μ|^β / α^β): β = 1 Laplace, 2 Gaussian, → ∞ uniform. Per component
/// the M-step (a generalised M-step: each part only has to increase the expected log-likelihood) does
/// 1. μ: decrease S(μ) = Σ v |x − μ|^β (`updateLocation`);
/// 2. β: safeguarded Newton on the profile log-likelihood (`updateShape`), clamped to `shapeBounds`
///    (default [0.3, 8]); skipped when `fixedShape` is set (β = 1 Laplace, β = 2 Gaussian mixture);
/// 3. α: the closed form α^β = (β / N_k) Σ v |x − μ|^β, floored at `minimumScale`.
/// Throws as described in `DirectionClusterer`.
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
    /// ln|x_n − μ| at the location search's best μ and at its trial μ (−∞ where x_n = μ), reused scratch.
    private var logDistance: [Double] = []
    private var trialLogDistance: [Double] = []

    init(minimumScale: Double, fixedShape: Double?, bounds: ClosedRange<Double>) {
        self.minimumScale = minimumScale
        self.fixedShape = fixedShape
        self.bounds = bounds
    }

    var method: ClusteringMethod { .ggmm }
    var reportsShape: Bool { true }

    static func logDensities(_ x: UnsafeBufferPointer<Double>, _ θ: MixtureComponent, offset: Double,
                             into out: UnsafeMutablePointer<Double>) {
        let β = θ.shape, μ = θ.mean, inverseScale = 1 / θ.scale
        let a = offset + Double.log(β) - Double.log(2 * θ.scale) - logGamma(1 / β)
        if β == 2 {
            for i in 0..<x.count { let d = (x[i] - μ) * inverseScale; out[i] = a - d * d }
        } else if β == 1 {
            for i in 0..<x.count { out[i] = a - abs(x[i] - μ) * inverseScale }
        } else {
            // |d/α|^β = exp(β ln|d/α|), 0 at d = 0, vectorised.
            dirclust_gg_log_density(x.baseAddress, out, x.count, μ, inverseScale, β, a)
        }
    }

    func initialComponent(mean: Double, rms: Double, shape: Double?) -> MixtureComponent {
        let β = fixedShape ?? min(max(shape ?? GGMixture.defaultInitialShape, bounds.lowerBound), bounds.upperBound)
        // Match the cluster's variance: Var = α² Γ(3/β) / Γ(1/β).
        let α = rms * Double.exp(0.5 * (logGamma(1 / β) - logGamma(3 / β)))
        return MixtureComponent(mean: mean, scale: max(α, minimumScale), shape: β)
    }

    mutating func updateComponent(_ θ: MixtureComponent, x: UnsafeBufferPointer<Double>,
                                  v: UnsafeBufferPointer<Double>, total: Double) -> MixtureComponent {
        if logDistance.count < x.count {
            logDistance = [Double](repeating: 0, count: x.count)
            trialLogDistance = logDistance
        }
        // The location search leaves ln|x − μ| of its μ in logDistance and the moments of S at β₀.
        let (μ, moments) = updateLocation(θ.mean, shape: θ.shape, scale: θ.scale, x: x, v: v)
        // S(β) at the final β: the shape search's last accepted profile has it (same sums, same bits).
        let (β, profiled) = fixedShape == nil ? updateShape(θ.shape, moments: moments, v: v, total: total) : (θ.shape, nil)
        let s = profiled ?? moments.s
        let α = s > 0 && s.isFinite ? Double.pow(β * s / total, 1 / β) : 0
        return MixtureComponent(mean: μ, scale: max(α, minimumScale), shape: β)
    }

    /// Location proposals and shape (Newton) steps per M-step: EM only needs each M-step to improve, and the
    /// E-step's cost is of the same order as one proposal, so more inner steps buy little (1 + 1 instead of
    /// 2 + 2 was measured: GGMM 4.3× → 3.0× our GMM per iteration, each M-step climbing less; not adopted).
    static let locationSteps = 2, shapeSteps = 2

    /// Lowers S(μ) = Σ v |x − μ|^β: up to `locationSteps` proposals, each accepted only if S falls (else its
    /// step is halved, at most 8 times in all). A proposal moves μ by Σ ω d / (c Σ ω), d = x − μ, ω = v|d|^{β−2}:
    /// - β > 2: Newton (c = β − 1; S is smooth and convex);
    /// - β ≤ 2: IRLS (c = 1) with ω capped at v ε^{β−2}, ε = 10⁻³ α, where |d| ≤ ε. Without the cap this is
    ///   the MM step of S (concave in d²); the cap makes it an approximation where |d| ≤ ε, so monotonicity rests
    ///   on the check of the true S below, not on the MM argument (plain Newton fails where S is not smooth);
    /// - β ≤ 1: S is concave between data points, so its minima sit on data points: the two data points
    ///   bracketing the last proposal are tried as well.
    /// One vectorised pass per evaluated μ (`dirclust_gg_location_pass`) gives S, the next proposal's sums and
    /// ln|x − μ| with the shape moments at β, which the shape search and α start from (so the true S is checked at
    /// every accepted μ and EM stays monotone). Returns μ and (S, S′, S″) there; logDistance holds ln|x − μ|.
    mutating func updateLocation(_ μ0: Double, shape β: Double, scale α: Double, x: UnsafeBufferPointer<Double>,
                                 v: UnsafeBufferPointer<Double>) -> (Double, (s: Double, s1: Double, s2: Double)) {
        let ε2 = β > 2 ? 0 : 1e-6 * α * α
        let floorWeight = β > 2 ? 0 : Double.pow(ε2, (β - 2) / 2)
        let curvature = β > 2 ? β - 1 : 1
        /// (S, S′, S″, Σ ω, Σ ω d) at μ, ln|x − μ| into trialLogDistance.
        func pass(_ μ: Double, weights: Bool) -> SIMD8<Double> {
            var out = SIMD8<Double>()
            trialLogDistance.withUnsafeMutableBufferPointer { ℓ in
                withUnsafeMutableBytes(of: &out) { o in
                    dirclust_gg_location_pass(x.baseAddress, v.baseAddress, ℓ.baseAddress, x.count, μ, β, weights ? 1 : 0,
                                              ε2, floorWeight, o.baseAddress!.assumingMemoryBound(to: Double.self))
                }
            }
            return out
        }
        var μ = μ0
        var best = pass(μ, weights: Self.locationSteps > 0)
        swap(&logDistance, &trialLogDistance)
        var step = best[4] / (curvature * best[3])
        var proposals = 0, halvings = 0
        while proposals < Self.locationSteps, best[3] > 0, step.isFinite, halvings < 8 {
            let last = proposals + 1 == Self.locationSteps
            let trial = pass(μ + step, weights: !last)
            guard trial[0] < best[0] else { step *= 0.5; halvings += 1; continue }
            let decrease = best[0] - trial[0]
            μ += step
            best = trial
            swap(&logDistance, &trialLogDistance)
            proposals += 1
            if last || !(decrease > 1e-13 * best[0]) { break }
            step = best[4] / (curvature * best[3])
        }
        if β <= 1, step.isFinite {
            let target = μ + step
            var below = -Double.infinity, above = Double.infinity
            for i in 0..<x.count {
                if x[i] < target { below = max(below, x[i]) } else { above = min(above, x[i]) }
            }
            for point in [below, above] where point.isFinite && point != μ {
                let trial = pass(point, weights: false)
                if trial[0] < best[0] { μ = point; best = trial; swap(&logDistance, &trialLogDistance) }
            }
        }
        return (μ, (best[0], best[1], best[2]))
    }

    /// Safeguarded Newton on the profile log-likelihood of β (α at its closed form, μ fixed), per unit N_k:
    ///   q(β) = log β − log Γ(1/β) − 1/β − (1/β) log(β S/N_k),  S = Σ v |x − μ|^β,
    ///   q′(β) = 1/β + ψ(1/β)/β² + log(β S/N_k)/β² − S′/(β S),  S′ = Σ v |x − μ|^β ln|x − μ|.
    /// A Newton step −q′/q″ where q is concave (else a step of β/4 uphill), limited to ±β/2 and to
    /// `bounds`, halved until q increases (≤ 8 times); `shapeSteps` steps. Starts from the moments at β₀ (from
    /// the location search); returns β and S(β) (nil when the profile does not exist at β₀).
    func updateShape(_ β0: Double, moments: (s: Double, s1: Double, s2: Double), v: UnsafeBufferPointer<Double>,
                     total: Double) -> (Double, Double?) {
        let bounds = bounds, minimumScale = minimumScale
        let n = v.count
        return logDistance.withUnsafeBufferPointer { all in
            let ℓ = UnsafeBufferPointer(rebasing: all[0..<n])
            var β = β0
            guard var current = ShapeProfile(β, moments: moments, total: total, minimumScale: minimumScale)
            else { return (β0, nil) }
            for _ in 0..<Self.shapeSteps {
                var step = current.curvature < 0 ? -current.slope / current.curvature : (current.slope > 0 ? 0.25 : -0.25) * β
                step = min(max(step, -0.5 * β), 0.5 * β)
                step = min(max(β + step, bounds.lowerBound), bounds.upperBound) - β
                var accepted = false
                for _ in 0..<8 where abs(step) > 1e-10 * β {
                    if let trial = ShapeProfile(β + step, moments: ShapeProfile.moments(β + step, logDistance: ℓ, v: v),
                                                total: total, minimumScale: minimumScale),
                       trial.value > current.value {
                        β += step
                        current = trial
                        accepted = true
                        break
                    }
                    step *= 0.5
                }
                if !accepted || abs(step) < 1e-8 * β { break }
            }
            return (β, current.s)
        }
    }
}

/// The profile log-likelihood q(β) of a generalised-Gaussian component (see `updateShape`) with its first
/// and second derivatives; nil when S(β) is zero or not finite (all weight at μ).
///
/// `value` is the profile under the scale floor α ≥ s: q = log β − log Γ(1/β) − log α_c − S/(N_k α_c^β) with
/// α_c^β = max(β S/N_k, s^β), which equals the unconstrained q above the floor. Accepting β on this value
/// keeps EM monotone when a component is pinned at the floor; slope and curvature (the Newton proposal)
/// are those of the unconstrained q.
struct ShapeProfile {
    /// S = Σ v |x − μ|^β.
    var s: Double
    var value: Double
    var slope: Double
    var curvature: Double

    /// S = Σ v e^{βℓ}, S′ = Σ v e^{βℓ} ℓ, S″ = Σ v e^{βℓ} ℓ² with ℓ = ln|x − μ| (terms with ℓ = −∞ are 0),
    /// vectorised.
    static func moments(_ β: Double, logDistance ℓ: UnsafeBufferPointer<Double>,
                        v: UnsafeBufferPointer<Double>) -> (s: Double, s1: Double, s2: Double) {
        var out = (0.0, 0.0, 0.0)
        withUnsafeMutablePointer(to: &out) {
            $0.withMemoryRebound(to: Double.self, capacity: 3) { o in
                dirclust_shape_moments(ℓ.baseAddress, v.baseAddress, ℓ.count, β, o)
            }
        }
        return out
    }

    /// The profile at β from its moments (S, S′, S″) (`moments`).
    init?(_ β: Double, moments: (s: Double, s1: Double, s2: Double), total: Double, minimumScale: Double) {
        let (s, s1, s2) = moments
        guard s > 0, s.isFinite, s1.isFinite, s2.isFinite else { return nil }
        self.s = s
        let b = 1 / β, h = Double.log(β * s / total)
        let ψ = digamma(b), r1 = s1 / s, r2 = s2 / s
        let floorPower = Double.pow(minimumScale, β)  // s^β
        value = β * s / total >= floorPower
            ? Double.log(β) - logGamma(b) - b - b * h
            : Double.log(β) - logGamma(b) - Double.log(minimumScale) - s / (total * floorPower)
        slope = b + ψ * b * b + h * b * b - r1 * b
        curvature = -b * b - trigamma(b) * b * b * b * b - 2 * ψ * b * b * b + b * b * b + r1 * b * b
            - 2 * h * b * b * b - r2 * b + r1 * b * b + r1 * r1 * b
    }
}
