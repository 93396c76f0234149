/// Several starts per fit, keeping the best (scikit-learn's `n_init`), for any of the five clusterers.
///
/// One EM (or Lloyd) run climbs to the local optimum its start leads to, and which optimum that is decides
/// the separation (issue 15: the same trial's SDR moved by up to 6.4 dB over five seeds). `Restarts` runs
/// the clusterer from R starts and returns the fit with the highest final objective
///
///   r* = argmax_r L_r,   L_r = Σ_n w_n log Σ_k π_k p_k(x_n)  (k-means: L_r = −Σ_n w_n min_k (x_n − c_k)²,
///                                                            so the lowest weighted inertia wins),
///
/// ties going to the earlier start. Start r is the clusterer's usual start from the seed s_r
/// (`Restarts.seed(restart:of:)`): k-means++ seeding from s_r (then Lloyd, and for a mixture EM from that
/// k-means solution). s_0 is the trial seed itself, so R = 1 returns exactly the single-start fit; s_r for
/// r ≥ 1 is a SplitMix-derived stream of the trial seed, so the result is deterministic per trial seed.
///
/// The returned fit records R (`ClusterFit.restarts`) and the spread max_r L_r − min_r L_r
/// (`ClusterFit.logLikelihoodSpread`): 0 when every start reached the same optimum.
public struct Restarts: DirectionClusterer {
    public let method: ClusteringMethod
    /// The options of start 0 (its `seed` is the trial seed).
    public let options: ClusteringOptions
    /// R ≥ 1.
    public let count: Int

    public init(_ method: ClusteringMethod, options: ClusteringOptions, count: Int) {
        self.method = method
        self.options = options
        self.count = count
    }

    /// The largest R accepted (a typo guard: 1000 starts of GGMM on one scene would take minutes).
    public static let maximumCount = 1000

    /// Throws a `DirClustError` for R < 1, R > `maximumCount`, or R > 1 with explicit initial parameters
    /// (every start would be the same); otherwise as described in `DirectionClusterer`.
    public func fit(_ x: [Double], weights: [Double]?) throws -> ClusterFit {
        guard (1...Self.maximumCount).contains(count) else {
            throw DirClustError("restarts = \(count) is invalid; expected an integer from 1 to \(Self.maximumCount) (1 = a single start).")
        }
        if count > 1, case .parameters = options.initialization {
            throw DirClustError("restarts = \(count) with explicit initial parameters would repeat one start \(count) times; expected restarts = 1, or a seeded (k-means) initialisation.")
        }
        var best: ClusterFit?
        var lowest = Double.infinity, highest = -Double.infinity
        for r in 0..<count {
            var o = options
            o.seed = Self.seed(restart: r, of: options.seed)
            let fit = try makeClusterer(method, options: o).fit(x, weights: weights)
            lowest = min(lowest, fit.logLikelihood)
            highest = max(highest, fit.logLikelihood)
            if best == nil || fit.logLikelihood > best!.logLikelihood { best = fit }
        }
        var chosen = best!
        chosen.restarts = count
        chosen.logLikelihoodSpread = highest - lowest
        return chosen
    }

    /// s_r, the k-means++ seed of start r: s_0 = `seed` (today's single start), s_r for r ≥ 1 the first
    /// output of `SeededRandom(seed:stream:)` on the stream `restartStream + r`.
    public static func seed(restart r: Int, of seed: UInt64) -> UInt64 {
        guard r > 0 else { return seed }
        var rng = SeededRandom(seed: seed, stream: restartStream &+ UInt64(r))
        return rng.next()
    }

    static let restartStream: UInt64 = 0x7265_7374_6172_7473  // "restarts"
}

/// The clusterer for `method` with R starts (R = 1: `makeClusterer(method, options:)` itself).
public func makeClusterer(_ method: ClusteringMethod, options: ClusteringOptions, restarts: Int) -> any DirectionClusterer {
    restarts == 1 ? makeClusterer(method, options: options) : Restarts(method, options: options, count: restarts)
}
