/// The five directional clusterers compared in the paper.
///
/// - `kmeans`: weighted Lloyd with k-means++ seeding.
/// - `gmm`: Gaussian mixture (Araki et al. 2007).
/// - `cauchy`: Cauchy mixture (Maeda et al. 2012) — the t-mixture with ν = 1 held fixed.
/// - `tmm`: Student-t mixture with learned degrees of freedom ν (proposed).
/// - `ggmm`: generalised-Gaussian mixture with learned shape β (proposed).
public enum ClusteringMethod: String, CaseIterable, Codable, Sendable {
    case kmeans, gmm, cauchy, tmm, ggmm
}

/// Where a mixture's EM starts. Every mixture starts from the same seeded weighted k-means by default, so
/// that methods compared on one data set differ only in their model, never in their start.
public enum ClusteringInitialization: Sendable, Equatable {
    /// k-means++ seeding from `ClusteringOptions.seed`, then weighted Lloyd to convergence (at most
    /// max(`maxIterations`, 100) updates) (default).
    case kmeans
    /// k-means++ seeding only (no Lloyd iterations): a cheaper, more random start for the mixtures
    /// (`KMeans` itself always runs Lloyd from the seeding).
    case kmeansPlusPlus
    /// Explicit initial parameters, K of each: means (rad), scales (σ for GMM, α otherwise; k-means uses the
    /// means only), mixture weights (normalised to sum 1) and optionally shapes (tMM ν, GGMM β; nil = the
    /// family's default initial shape). Used for golden tests against scikit-learn and for warm starts.
    case parameters(means: [Double], scales: [Double], mixtureWeights: [Double], shapes: [Double]? = nil)
}

/// Settings of a clusterer. Every field has a default except K.
public struct ClusteringOptions: Sendable, Equatable {
    /// The smallest scale (σ or α) any component may take: 0.1° in radians. It keeps over-estimated
    /// components from collapsing onto a single repeated direction (a zero-width component).
    public static let defaultMinimumScale = 0.1 * Double.pi / 180

    /// K, the number of clusters / mixture components (≥ 1).
    public var componentCount: Int
    /// Upper bound on EM (or Lloyd) iterations, i.e. M-steps (default 200; 0 returns the initial fit).
    public var maxIterations: Int
    /// Convergence: stop when |L_t − L_{t−1}| ≤ tolerance · max(|L_t|, Σ w), L the weighted
    /// log-likelihood (k-means: −weighted SSE). Default 1e-6; 0 runs until the log-likelihood stops
    /// changing exactly (k-means: until the assignment stops changing) or `maxIterations`.
    public var tolerance: Double
    /// Seed of the k-means++ seeding (the only randomness in every clusterer).
    public var seed: UInt64
    /// Where EM starts (default: seeded weighted k-means).
    public var initialization: ClusteringInitialization
    /// tMM ν or GGMM β held fixed instead of learned (ablations: tMM with ν = 1 is the Cauchy mixture,
    /// GGMM with β = 1 the Laplace and β = 2 the Gaussian mixture). nil = learned. Ignored by the others.
    public var fixedShape: Double?
    /// Bounds for the learned shape; nil = the family default (ν ∈ [0.05, 200], β ∈ [0.3, 8]).
    public var shapeBounds: ClosedRange<Double>?
    /// Initial shape when it is learned; nil = the family default (ν₀ = 10, β₀ = 2).
    public var initialShape: Double?
    /// Floor on every component's scale σ or α, in radians (default 0.1°). Must be > 0.
    public var minimumScale: Double
    /// Mixtures: width h (radians) of the cells the points are merged into for a first EM phase before EM
    /// on the points themselves (`EMDriver.fit`); 0 = EM on the points only (default). k-means ignores it.
    public var coarseCellWidth: Double
    /// Upper bound on the M-steps of that first phase (default 2000).
    public var coarseMaxIterations: Int

    public init(
        componentCount: Int,
        seed: UInt64 = 0,
        maxIterations: Int = 200,
        tolerance: Double = 1e-6,
        initialization: ClusteringInitialization = .kmeans,
        fixedShape: Double? = nil,
        shapeBounds: ClosedRange<Double>? = nil,
        initialShape: Double? = nil,
        minimumScale: Double = ClusteringOptions.defaultMinimumScale,
        coarseCellWidth: Double = 0,
        coarseMaxIterations: Int = 2000
    ) {
        self.componentCount = componentCount
        self.seed = seed
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.initialization = initialization
        self.fixedShape = fixedShape
        self.shapeBounds = shapeBounds
        self.initialShape = initialShape
        self.minimumScale = minimumScale
        self.coarseCellWidth = coarseCellWidth
        self.coarseMaxIterations = coarseMaxIterations
    }

    /// Throws a `DirClustError` naming the first invalid field.
    public func validate() throws {
        func fail(_ field: String, _ value: Any, _ expected: String) -> DirClustError {
            DirClustError("clustering option \(field) = \(value) is invalid; expected \(expected).")
        }
        guard componentCount >= 1 else { throw fail("componentCount", componentCount, "an integer ≥ 1") }
        guard maxIterations >= 0 else { throw fail("maxIterations", maxIterations, "an integer ≥ 0") }
        guard tolerance.isFinite, tolerance >= 0 else { throw fail("tolerance", tolerance, "a finite number ≥ 0") }
        guard coarseCellWidth.isFinite, coarseCellWidth >= 0 else {
            throw fail("coarseCellWidth", coarseCellWidth, "a finite number ≥ 0 (radians; 0 = no coarse phase)")
        }
        guard coarseMaxIterations >= 0 else { throw fail("coarseMaxIterations", coarseMaxIterations, "an integer ≥ 0") }
        guard minimumScale.isFinite, minimumScale > 0 else {
            throw fail("minimumScale", minimumScale, "a finite number > 0 (radians)")
        }
        if let b = shapeBounds {
            guard b.lowerBound.isFinite, b.upperBound.isFinite, b.lowerBound > 0 else {
                throw fail("shapeBounds", b, "finite positive bounds")
            }
        }
        if let s = fixedShape {
            guard s.isFinite, s > 0 else { throw fail("fixedShape", s, "a finite number > 0, or nil to learn it") }
        }
        if let s = initialShape {
            guard s.isFinite, s > 0 else { throw fail("initialShape", s, "a finite number > 0, or nil") }
        }
        if case let .parameters(means, scales, weights, shapes) = initialization {
            let k = componentCount
            guard means.count == k, scales.count == k, weights.count == k, shapes.map({ $0.count == k }) ?? true else {
                throw fail("initialization", "parameters", "K = \(k) means, scales, mixture weights (and shapes)")
            }
            guard means.allSatisfy(\.isFinite), scales.allSatisfy({ $0.isFinite && $0 > 0 }),
                  weights.allSatisfy({ $0.isFinite && $0 >= 0 }), weights.reduce(0, +) > 0,
                  (shapes ?? []).allSatisfy({ $0.isFinite && $0 > 0 })
            else {
                throw fail("initialization", "parameters",
                           "finite means, positive scales and shapes, non-negative mixture weights with a positive sum")
            }
        }
    }
}
