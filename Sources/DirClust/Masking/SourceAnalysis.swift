/// Counting and grouping together: how `separate` and the runner's `grouped` selection turn a θ
/// histogram into sources.
///
/// 1. Count: the prominent peaks of the smoothed θ histogram (`countSources`), or the N most prominent
///    when the number of sources is given (completed by the middles of the widest gaps if the histogram
///    has fewer peaks).
/// 2. Fit: K = S + `spareComponents` components of `method`, EM started at the counted directions plus
///    broad spares between them (`anchoredInitialization`).
/// 3. Group: each narrow component to the source at its direction, broad ones to the residual
///    (`groupComponents`).
///
/// Defaults (Cauchy, no spare component; `separate` adds soft masks) were chosen on the dev split of
/// `scripts/gen_speech_stems.py` (8 three-speaker mixtures, `dirclust-bench sources`): Cauchy + 0 spares +
/// soft 8.68 dB mean SDR vs 8.64 (k-means, binary), 8.50 (tMM, soft); 2 spares cost 0.5–1.5 dB with every
/// family (the spares take the bins between sources into the residual).
public struct SourceSettings: Codable, Sendable, Equatable {
    public var method: ClusteringMethod
    /// K − S: components beyond one per source, to take the bins between sources and diffuse noise.
    public var spareComponents: Int
    public var counting: SourceCountingOptions
    public var grouping: SourceGroupingOptions

    public init(method: ClusteringMethod = .cauchy, spareComponents: Int = 0, counting: SourceCountingOptions = .default,
                grouping: SourceGroupingOptions = .default) {
        self.method = method
        self.spareComponents = spareComponents
        self.counting = counting
        self.grouping = grouping
    }

    public static let `default` = SourceSettings()

    public func validate() throws {
        guard (0...32).contains(spareComponents) else {
            throw DirClustError("spare components is \(spareComponents); expected an integer in 0 … 32.")
        }
        try counting.validate()
        try grouping.validate()
    }
}

/// The sources of a mix: the count (with its evidence), the anchored fit and the grouping.
public struct SourceAnalysis: Sendable {
    public var count: SourceCount
    /// The anchored fit and its posteriors at the fitting points.
    public var model: DirectionalModel
    public var grouping: SourceGrouping

    public var fit: ClusterFit { model.fit }
}

/// Counts (or takes `fixedSourceCount` of) the sources in `histogram`, fits the anchored mixture on
/// `points` (the histogram's cells, or the bins it was made of) and groups the components (see
/// `SourceSettings`).
/// - Throws: `DirClustError` for invalid settings, an empty histogram, or fewer occupied cells than K.
public func analyseSources(_ histogram: DirectionHistogram, points: FittingPoints, settings: SourceSettings = .default,
                           fixedSourceCount: Int? = nil, seed: UInt64 = 0, maxIterations: Int = 200,
                           tolerance: Double = 1e-6) throws -> SourceAnalysis {
    try settings.validate()
    var counting = settings.counting
    if let n = fixedSourceCount {
        guard (1...64).contains(n) else { throw DirClustError("number of sources is \(n); expected an integer in 1 … 64.") }
        counting.maximumSources = n
        counting.relativeProminence = 1e-12
    }
    var count = try countSources(histogram, options: counting)
    if let n = fixedSourceCount, count.count < n {
        count.directionsDeg = (count.directionsDeg + widestGapMiddles(count.directionsDeg, count: n - count.count).map(\.middle)).sorted()
    }
    if count.count == 0 { count.directionsDeg = [45] }
    let k = count.count + settings.spareComponents
    guard points.theta.count >= k else {
        throw DirClustError("the mix has sound in only \(points.theta.count) distinct direction(s), fewer than the \(k) components needed for \(count.count) source(s); expected a stereo mix with sources at several directions.")
    }
    let options = ClusteringOptions(componentCount: k, seed: seed, maxIterations: maxIterations, tolerance: tolerance,
                                    initialization: anchoredInitialization(sourceDirectionsDeg: count.directionsDeg, componentCount: k))
    let fit = try makeClusterer(settings.method, options: options).fit(points.theta, weights: points.weights)
    let grouping = groupComponents(fit, sourceDirectionsDeg: count.directionsDeg, options: settings.grouping)
    return SourceAnalysis(count: count, model: DirectionalModel(fit: fit, points: points), grouping: grouping)
}

extension DirectionalModel {
    /// One mask per source and the residual (last) over every bin of `feature` (see `sourceMasks`).
    public func sourceMasks(for feature: DirectionFeature, grouping: SourceGrouping, kind: MaskKind) -> [[Double]] {
        DirClust.sourceMasks(posteriors: binPosteriors(feature), componentCount: componentCount, grouping: grouping,
                             feature: feature, kind: kind)
    }
}
