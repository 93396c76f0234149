/// The separation core shared by `dirclust run` (one in-memory mixture, `MixtureSeparator`) and
/// `dirclust separate` (a file streamed block by block, `analyseDirections` / `resynthesiseClusters`):
///
///   direction feature θ_n, w_n  →  fitting points (θ̄_j, W_j)  →  fit (`FitSettings`)  →
///   posteriors r_jk at the fitting points  →  masks M_k(n) = r_{j(n)k}  →  target clusters  →  Ŷ = M ∘ X
///
/// Posteriors are evaluated where the clusterer was fitted: at the histogram cells' mean directions θ̄_j
/// (the default everywhere; every bin n takes the row of its cell j(n)), or at every bin when a config
/// fits on the bins (`fitOnHistogram: false`). Per cell is an approximation of per bin of order
/// δ = 0.005°, far below every component's 0.1° scale floor (measured in the README).

/// EM (or Lloyd) stopping rule of every fit (`ClusteringOptions.maxIterations` / `tolerance`) and the number
/// of starts each fit keeps the best of (`Restarts`).
public struct EMSettings: Codable, Sendable, Hashable {
    /// Upper bound on M-steps.
    public var maxIterations = 200
    /// Stop when |L_t − L_{t−1}| ≤ tolerance · max(|L_t|, Σ w).
    public var tolerance = 1e-6
    /// R, the starts per fit (k-means++ seeds derived from the fit's seed; 1 = the seed's start alone).
    public var restarts = EMSettings.defaultRestarts
    /// Mixtures: EM first on the fitting points merged into cells of this width (degrees), then on the
    /// points themselves (`ClusteringOptions.coarseCellWidth`); 0 = on the points only.
    public var coarseCellDeg = EMSettings.defaultCoarseCellDeg

    /// The default R = 4, chosen on the held-back chorales (`configs/tuning/restarts.json`, 4 of them ×
    /// 8 scenes × 5 seeds): from R = 4 the median per-trial SDR range across seeds is ≤ 0.05 dB for every
    /// method (R = 2: k-means 0.36, GGMM 0.23); the maxima stay above 1 dB for k-means, tMM and GGMM at
    /// R = 4 and at R = 8 (tMM 3.3, GGMM 3.0 / 2.4 dB: distinct optima whose likelihood does not track SDR),
    /// so more starts buy little there and the statistics average the seeds instead (README).
    public static let defaultRestarts = 4

    /// The default coarse phase on 0.05° cells. Without it EM on the 0.005° histogram stopped at the
    /// 200-iteration cap in most noisy fits, far from the optimum (README: convergence); with it the fits
    /// converge, and the coarse width rarely decides the result (0.02°, 0.05°, 0.1° measured in the README).
    public static let defaultCoarseCellDeg = 0.05

    public init(maxIterations: Int = 200, tolerance: Double = 1e-6, restarts: Int = EMSettings.defaultRestarts,
                coarseCellDeg: Double = EMSettings.defaultCoarseCellDeg) {
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.restarts = restarts
        self.coarseCellDeg = coarseCellDeg
    }

    enum CodingKeys: String, CodingKey { case maxIterations, tolerance, restarts, coarseCellDeg }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxIterations = try c.decode(Int.self, forKey: .maxIterations)
        tolerance = try c.decode(Double.self, forKey: .tolerance)
        restarts = try c.decodeIfPresent(Int.self, forKey: .restarts) ?? 1
        coarseCellDeg = try c.decodeIfPresent(Double.self, forKey: .coarseCellDeg) ?? 0
    }

    /// The clusterer's options for K components from `seed` (R is applied by `Restarts`, not here).
    public func clusteringOptions(componentCount: Int, seed: UInt64,
                                  initialization: ClusteringInitialization = .kmeans) -> ClusteringOptions {
        ClusteringOptions(componentCount: componentCount, seed: seed, maxIterations: maxIterations, tolerance: tolerance,
                          initialization: initialization, coarseCellWidth: coarseCellDeg * .pi / 180)
    }

    /// `restarts` is written only when it is not 1, so a config with one start keeps the canonical JSON, and
    /// the hash, it had before restarts existed (runs made before restarts stay resumable and mergeable);
    /// an absent `restarts` in a saved config.json therefore means 1, not today's default. Likewise
    /// `coarseCellDeg` is written only when it is not 0, and absent means 0 (EM on the points only).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(maxIterations, forKey: .maxIterations)
        try c.encode(tolerance, forKey: .tolerance)
        if restarts != 1 { try c.encode(restarts, forKey: .restarts) }
        if coarseCellDeg != 0 { try c.encode(coarseCellDeg, forKey: .coarseCellDeg) }
    }
}

/// One fit of the core: which clusterer, K components, the seed of its k-means++ start and the EM rule.
/// New fields (e.g. a number of restarts) get a default here, so no caller has to change.
public struct FitSettings: Sendable, Hashable {
    public var method: ClusteringMethod
    /// K.
    public var componentCount: Int
    public var seed: UInt64
    public var em: EMSettings

    public init(method: ClusteringMethod, componentCount: Int, seed: UInt64 = 0, em: EMSettings = EMSettings()) {
        self.method = method
        self.componentCount = componentCount
        self.seed = seed
        self.em = em
    }

    /// The clusterer's options.
    public var clusteringOptions: ClusteringOptions {
        em.clusteringOptions(componentCount: componentCount, seed: seed)
    }
}

/// The points a clusterer is fitted on, and how a bin finds its row among them.
public struct FittingPoints: Sendable {
    /// θ of each point (radians, ascending for the histogram).
    public let theta: [Double]
    /// The weight of each point.
    public let weights: [Double]
    /// For points that are histogram cells: the row of each of the 18 000 cells (−1 when empty);
    /// nil when the points are the active bins of one feature, in `activeBins` order.
    let rowOfCell: [Int]?

    /// The occupied cells of a histogram: θ̄_j = S_j / W_j with weights W_j (`DirectionHistogram`).
    public init(histogram: DirectionHistogram) {
        (theta, weights) = histogram.fittingData()
        var rows = [Int](repeating: -1, count: DirectionHistogram.cellCount), k = 0
        for j in 0..<DirectionHistogram.cellCount where histogram.cellWeight[j] > 0 { rows[j] = k; k += 1 }
        rowOfCell = rows
    }

    /// Every active bin of one feature (posteriors then exist for that feature's bins only).
    public init(bins feature: DirectionFeature) {
        theta = feature.activeTheta()
        weights = feature.activeWeights()
        rowOfCell = nil
    }

    /// The row of each active bin of `feature`.
    func rows(of feature: DirectionFeature) -> [Int] {
        guard let rowOfCell else {
            precondition(feature.activeBins.count == theta.count, "FittingPoints: the feature is not the one fitted on")
            return Array(0..<theta.count)
        }
        return feature.activeBins.map { rowOfCell[DirectionHistogram.cell(of: feature.theta[$0])] }
    }
}

/// A fitted direction model: the clusterer's fit and its posteriors at the fitting points, from which the
/// masks of any block of bins are looked up.
public struct DirectionalModel: Sendable {
    public let fit: ClusterFit
    public let points: FittingPoints
    /// r_jk at the fitting points, row-major (points × K).
    public let posteriors: [Double]

    /// Fits `settings.method` on `points` and evaluates its posteriors there.
    /// - Throws: the clusterer's `DirClustError` (too few points for K, invalid settings).
    public init(fitting points: FittingPoints, _ settings: FitSettings) throws {
        fit = try makeClusterer(settings.method, options: settings.clusteringOptions, restarts: settings.em.restarts)
            .fit(points.theta, weights: points.weights)
        self.points = points
        posteriors = fit.posteriors(points.theta)
    }

    /// A model from a fit made elsewhere (e.g. the anchored fit of `analyseSources`) on `points`.
    public init(fit: ClusterFit, points: FittingPoints) {
        self.fit = fit
        self.points = points
        posteriors = fit.posteriors(points.theta)
    }

    public var componentCount: Int { fit.means.count }

    /// The K masks over every bin of `feature` (see `clusterMasks`): bin n gets the posteriors of its point.
    public func masks(for feature: DirectionFeature, kind: MaskKind) -> [[Double]] {
        clusterMasks(posteriors: binPosteriors(feature), componentCount: componentCount, feature: feature, kind: kind)
    }

    /// r_nk for every active bin of `feature` (row-major N_active × K): the row of its fitting point.
    func binPosteriors(_ feature: DirectionFeature) -> [Double] {
        let k = componentCount
        let rows = points.rows(of: feature)
        var perBin = [Double](repeating: 0, count: rows.count * k)
        posteriors.withUnsafeBufferPointer { src in
            perBin.withUnsafeMutableBufferPointer { dst in
                for (i, row) in rows.enumerated() { for j in 0..<k { dst[i * k + j] = src[row * k + j] } }
            }
        }
        return perBin
    }

    /// The clusters whose mask is non-zero on some bin. Every fitting point carries at least one active bin,
    /// so this is read off the posterior rows: a MAP winner (binary) or a positive posterior (soft).
    public func owningClusters(_ kind: MaskKind) -> [Int] {
        let k = componentCount
        var owns = [Bool](repeating: false, count: k)
        for row in 0..<(posteriors.count / max(k, 1)) {
            switch kind {
            case .binary:
                var best = -1, bestValue = -Double.infinity
                for j in 0..<k where posteriors[row * k + j].isFinite && posteriors[row * k + j] > bestValue {
                    best = j; bestValue = posteriors[row * k + j]
                }
                if best >= 0 { owns[best] = true }
            case .soft:
                for j in 0..<k where posteriors[row * k + j].isFinite && posteriors[row * k + j] > 0 { owns[j] = true }
            }
        }
        return owns.indices.filter { owns[$0] }
    }

    /// The target's clusters for direction φ* (degrees): `selectClusters` among the clusters that own bins
    /// (an empty cluster would give a silent estimate). For `oracle`, the candidates nearest first.
    public func targetClusters(directionDeg: Double, selection: TargetSelection, mask: MaskKind) -> [Int] {
        let owning = owningClusters(mask)
        return selectClusters(means: owning.map { fit.means[$0] }, targetDirectionDeg: directionDeg, selection: selection)
            .map { owning[$0] }
    }
}

/// The runner's side of the core: one mixture STFT X held in memory, the feature per weighting, fits,
/// masks and the masked, inverted estimates.
public struct MixtureSeparator: Sendable {
    public let stft: STFT
    /// X: the mixture's STFT, [left, right].
    public let mixture: [Spectrogram]
    public let length: Int
    public let sampleRate: Int
    public let silenceThresholdDB: Double
    /// Fit on the 0.005° histogram of θ (default) or on every active bin.
    public let fitOnHistogram: Bool

    public init(stft: STFT, mixture: [Spectrogram], length: Int, sampleRate: Int, silenceThresholdDB: Double = -80,
                fitOnHistogram: Bool = true) throws {
        guard mixture.count == 2 else {
            throw DirClustError("Directional clustering needs a stereo mixture; got \(mixture.count) channel(s), expected 2.")
        }
        self.stft = stft
        self.mixture = mixture
        self.length = length
        self.sampleRate = sampleRate
        self.silenceThresholdDB = silenceThresholdDB
        self.fitOnHistogram = fitOnHistogram
    }

    /// The direction feature of X under `weighting`, the points a fit is made on, and the θ histogram
    /// (what source counting reads).
    public func directions(_ weighting: BinWeighting) -> (feature: DirectionFeature, points: FittingPoints, histogram: DirectionHistogram) {
        let feature = directionFeature(left: mixture[0], right: mixture[1], weighting: weighting,
                                       silenceThresholdDB: silenceThresholdDB)
        var histogram = DirectionHistogram()
        histogram.add(feature)
        return (feature, fitOnHistogram ? FittingPoints(histogram: histogram) : FittingPoints(bins: feature), histogram)
    }

    /// Ŷ_c = M ∘ X_c, inverted to the mixture's length.
    public func estimate(_ mask: [Double]) -> AudioBuffer {
        applyMask(mask, to: mixture, stft: stft, length: length, sampleRate: sampleRate)
    }
}
