/// One mixture component's parameters: location μ, scale (σ for the Gaussian, α otherwise) and shape
/// (ν for the t family, β for the generalised Gaussian; unused by the Gaussian).
struct MixtureComponent: Sendable, Equatable {
    var mean: Double
    var scale: Double
    var shape: Double
}

/// What makes one mixture family different from another — its component density and its M-step. The
/// EM driver (`EMDriver`) owns everything else: initialisation, E-step, mixture weights, convergence,
/// the log-likelihood trace and the returned `ClusterFit`.
protocol MixtureFamily {
    /// Writes `offset + log p(x_n | θ)` into `out[n]` for every n (the driver passes offset = log π_k).
    static func logDensities(_ x: UnsafeBufferPointer<Double>, _ θ: MixtureComponent, offset: Double,
                             into out: UnsafeMutablePointer<Double>)
    /// The method this family fits (`.cauchy` and `.tmm` share the t family).
    var method: ClusteringMethod { get }
    /// Whether `ClusterFit.shapes` is reported.
    var reportsShape: Bool { get }
    /// The initial component for a k-means cluster with weighted mean `mean` and weighted RMS `rms`.
    func initialComponent(mean: Double, rms: Double, shape: Double?) -> MixtureComponent
    /// The M-step for one component: new parameters from v_n = w_n r_nk (responsibility times weight) with
    /// total N_k = Σ_n v_n > 0, starting from the current parameters θ (which the E-step used). Must not
    /// decrease the component's expected complete-data log-likelihood (that makes EM monotone).
    mutating func updateComponent(_ θ: MixtureComponent, x: UnsafeBufferPointer<Double>,
                                  v: UnsafeBufferPointer<Double>, total: Double) -> MixtureComponent

    /// Whether the M-step uses T_k = Σ_n v_nk g_nk of a per-point term g that the density computes anyway
    /// (`logDensities(…, term:)`); the E-step then sums it, which saves the M-step a transcendental pass.
    var usesDensityTerm: Bool { get }
    /// `logDensities` that also writes the family's per-point term g_n into `term[n]` (same `out` bits).
    static func logDensities(_ x: UnsafeBufferPointer<Double>, _ θ: MixtureComponent, offset: Double,
                             into out: UnsafeMutablePointer<Double>, term: UnsafeMutablePointer<Double>)
    /// `updateComponent` given T_k = Σ_n v_n g_n over all points (when `usesDensityTerm`).
    mutating func updateComponent(_ θ: MixtureComponent, x: UnsafeBufferPointer<Double>,
                                  v: UnsafeBufferPointer<Double>, total: Double, termSum: Double) -> MixtureComponent
}

extension MixtureFamily {
    var usesDensityTerm: Bool { false }
    static func logDensities(_ x: UnsafeBufferPointer<Double>, _ θ: MixtureComponent, offset: Double,
                             into out: UnsafeMutablePointer<Double>, term: UnsafeMutablePointer<Double>) {
        logDensities(x, θ, offset: offset, into: out)
    }
    mutating func updateComponent(_ θ: MixtureComponent, x: UnsafeBufferPointer<Double>,
                                  v: UnsafeBufferPointer<Double>, total: Double, termSum: Double) -> MixtureComponent {
        updateComponent(θ, x: x, v: v, total: total)
    }
}

extension ClusteringMethod {
    /// The density family of a mixture method (nil for k-means), used to evaluate a fitted mixture.
    var densityFamily: (any MixtureFamily.Type)? {
        switch self {
        case .kmeans: return nil
        case .gmm: return GaussianFamily.self
        case .cauchy, .tmm: return StudentTFamily.self
        case .ggmm: return GeneralizedGaussianFamily.self
        }
    }
}
