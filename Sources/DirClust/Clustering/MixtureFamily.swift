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

    /// E-step statistics: how many per-component sums the E-step gathers for the M-step (0: none), and how many
    /// rows of per-point scratch (`EStepWorkspace.blockSize` each) the density pass leaves for them.
    var statisticCount: Int { get }
    var scratchRows: Int { get }
    /// `logDensities` (same `out` bits) that also fills the component's scratch rows; `out` holds the previous
    /// E-step's v_n on entry, which a family may fold into `statistics` (a proposal check, see `propose`).
    static func logDensities(_ x: UnsafeBufferPointer<Double>, _ θ: MixtureComponent, offset: Double,
                             into out: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>,
                             statistics: UnsafeMutablePointer<Double>)
    /// After normalisation: adds the block's sums over v_n = v[n] (and the scratch) into `statistics`.
    static func accumulate(_ x: UnsafeBufferPointer<Double>, _ θ: MixtureComponent, v: UnsafePointer<Double>,
                           scratch: UnsafePointer<Double>, statistics: UnsafeMutablePointer<Double>)
    /// `updateComponent` given the component's E-step statistics (at the same θ) when `statisticCount` > 0.
    mutating func updateComponent(_ θ: MixtureComponent, x: UnsafeBufferPointer<Double>,
                                  v: UnsafeBufferPointer<Double>, total: Double,
                                  statistics: UnsafeBufferPointer<Double>) -> MixtureComponent

    /// Whether the M-step is a proposal from the statistics alone (no pass over the data), checked by the next
    /// E-step. Such a family's statistics start with N_k = Σ_n v_nk; the driver then calls `propose` instead of
    /// `updateComponent`, and after the next E-step `review`, which accepts the proposal only if it raises the
    /// component's expected complete-data log-likelihood under the old v (then EM stays monotone), else
    /// returns a fallback that provably does, and the E-step is run again.
    var proposesFromStatistics: Bool { get }
    mutating func propose(_ θ: MixtureComponent, component k: Int, statistics: UnsafeBufferPointer<Double>)
        -> MixtureComponent
    /// nil when `proposal` (made from θ0 and its statistics `previous`) passes, given the statistics of the
    /// E-step at the proposal (`current`), else the fallback.
    mutating func review(_ proposal: MixtureComponent, from θ0: MixtureComponent, component k: Int,
                         previous: UnsafeBufferPointer<Double>, current: UnsafeBufferPointer<Double>) -> MixtureComponent?
}

extension MixtureFamily {
    var statisticCount: Int { 0 }
    var scratchRows: Int { 0 }
    static func logDensities(_ x: UnsafeBufferPointer<Double>, _ θ: MixtureComponent, offset: Double,
                             into out: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>,
                             statistics: UnsafeMutablePointer<Double>) {
        logDensities(x, θ, offset: offset, into: out)
    }
    static func accumulate(_ x: UnsafeBufferPointer<Double>, _ θ: MixtureComponent, v: UnsafePointer<Double>,
                           scratch: UnsafePointer<Double>, statistics: UnsafeMutablePointer<Double>) {}
    mutating func updateComponent(_ θ: MixtureComponent, x: UnsafeBufferPointer<Double>,
                                  v: UnsafeBufferPointer<Double>, total: Double,
                                  statistics: UnsafeBufferPointer<Double>) -> MixtureComponent {
        updateComponent(θ, x: x, v: v, total: total)
    }
    var proposesFromStatistics: Bool { false }
    mutating func propose(_ θ: MixtureComponent, component k: Int, statistics: UnsafeBufferPointer<Double>)
        -> MixtureComponent { preconditionFailure("\(Self.self) updates from the data (proposesFromStatistics is false)") }
    mutating func review(_ proposal: MixtureComponent, from θ0: MixtureComponent, component k: Int,
                         previous: UnsafeBufferPointer<Double>, current: UnsafeBufferPointer<Double>) -> MixtureComponent? {
        preconditionFailure("\(Self.self) makes no proposals")
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
