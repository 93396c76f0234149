/// Settings of `dirclust separate`: how a user's stereo recording is clustered by direction and masked.
///
/// Defaults (method tMM, K = 6, power weighting, binary mask) are those of the reproduction
/// (`configs/paper.json`): the proposed t-mixture with an over-estimated K, bins weighted by their power,
/// and the paper's MAP (binary) mask. Over-estimating K is deliberate: a spare component absorbs bins
/// between sources (overlaps, reverberation, diffuse noise) instead of dragging a source's cluster off its
/// direction, so K should exceed the number of sources you expect.
public struct SeparationOptions: Codable, Sendable, Equatable {
    /// The clusterer fitted to the directions θ of the active bins.
    public var method: ClusteringMethod
    /// K, the number of clusters (one output per cluster).
    public var componentCount: Int
    /// The weight w each bin carries in the fit (and in the histogram of `directions.svg`).
    public var weighting: BinWeighting
    /// How cluster posteriors become masks.
    public var mask: MaskKind
    /// φ* in degrees (0 = left, 45 = centre, 90 = right): the cluster nearest it is also written as the target.
    public var targetDirectionDeg: Double?
    /// Seed of the clusterer's k-means++ start (the only randomness).
    public var seed: UInt64
    /// EM iteration cap, tolerance and the number of starts per fit.
    public var em: EMSettings
    /// STFT frame length, hop and window.
    public var stft: STFTConfig
    /// Bins quieter than this, relative to the loudest bin of the whole file, have no direction (dB ≤ 0).
    public var silenceThresholdDB: Double
    /// nil: one output per cluster (K = `componentCount`). Otherwise one output per *source*: counted from
    /// the θ histogram (`.counted`) or a given number (`.fixed`), fitted and grouped by `sourceSettings`
    /// (its `method` is replaced by `method`), plus the diffuse residual.
    public var sources: SourceCountMode?
    /// Counting, spare components and grouping when `sources` is set.
    public var sourceSettings: SourceSettings = .default

    /// The largest K accepted (one output file per cluster).
    public static let maximumComponentCount = 100

    public init(method: ClusteringMethod = .tmm, componentCount: Int = 6, weighting: BinWeighting = .power,
                mask: MaskKind = .binary, targetDirectionDeg: Double? = nil, seed: UInt64 = 0, em: EMSettings = EMSettings(),
                stft: STFTConfig = .default, silenceThresholdDB: Double = -80) {
        self.method = method
        self.componentCount = componentCount
        self.weighting = weighting
        self.mask = mask
        self.targetDirectionDeg = targetDirectionDeg
        self.seed = seed
        self.em = em
        self.stft = stft
        self.silenceThresholdDB = silenceThresholdDB
    }

    public static let `default` = SeparationOptions()

    /// The fit these options ask of the separation core.
    public var fitSettings: FitSettings {
        FitSettings(method: method, componentCount: componentCount, seed: seed, em: em)
    }

    /// Throws a `DirClustError` naming the first invalid field.
    public func validate() throws {
        guard (1...Self.maximumComponentCount).contains(componentCount) else {
            throw DirClustError("K (number of clusters) is \(componentCount); expected an integer in 1 … \(Self.maximumComponentCount), a little more than the number of sources in the mix.")
        }
        if let target = targetDirectionDeg {
            guard target.isFinite, (0...90).contains(target) else {
                throw DirClustError("target direction is \(target)°; expected a direction in 0 … 90 degrees (0 = left, 45 = centre, 90 = right).")
            }
        }
        guard silenceThresholdDB.isFinite ? silenceThresholdDB <= 0 : silenceThresholdDB == -.infinity else {
            throw DirClustError("silence threshold is \(silenceThresholdDB) dB; expected a level ≤ 0 dB relative to the loudest bin.")
        }
        guard (1...Restarts.maximumCount).contains(em.restarts) else {
            throw DirClustError("restarts is \(em.restarts); expected an integer in 1 … \(Restarts.maximumCount): the fit keeps the best of that many k-means++ starts (1 = a single start).")
        }
        try stft.validate()
        if case .fixed(let n)? = sources, !(1...64).contains(n) {
            throw DirClustError("number of sources is \(n); expected an integer in 1 … 64.")
        }
        try sourceSettings.validate()
    }
}

/// How `separate` decides the number of sources (see `SeparationOptions.sources`).
public enum SourceCountMode: Codable, Sendable, Equatable {
    /// Counted from the peaks of the θ histogram (`countSources`).
    case counted
    /// Given by the user.
    case fixed(Int)
}
