import DirClust
/// A two-sided interval [low, high].
public struct ConfidenceInterval: Sendable, Equatable {
    public var low: Double
    public var high: Double
    public init(low: Double, high: Double) { self.low = low; self.high = high }

    /// +1 when the interval lies above `value` (excludes it, low > value), −1 when below, 0 when it covers it.
    public func side(of value: Double) -> Int { low > value ? 1 : (high < value ? -1 : 0) }
}

/// The seeded percentile bootstrap of a mean over pieces (Efron & Tibshirani 1993, ch. 13).
///
/// Given one value per piece y_1 … y_n (a piece's SDR, or a paired difference, averaged over its seeds),
/// resample b = 1 … B draws n indices i_b1 … i_bn uniformly with replacement, takes the mean
/// m_b = (1/n) Σ_j y_{i_bj}, and returns the (α/2, 1 − α/2) percentiles of m_1 … m_B with linear
/// interpolation between order statistics (NumPy's default `percentile`, Hyndman–Fan type 7: the q-th
/// percentile of sorted m is m_(h) + (h − ⌊h⌋)(m_(⌊h⌋+1) − m_(⌊h⌋)), h = (B − 1) q/100, 0-based). This is
/// `scipy.stats.bootstrap(..., method='percentile')` with our own generator.
///
/// Pieces are the resampled unit because they are the independent draws from the population the claims
/// are about (the music); seeds of one piece share its audio and are not independent. Averaging a piece's
/// seeds first and resampling the averages equals resampling pieces as clusters with all their seeds when
/// every piece has the same seeds (the plan is a cartesian product, so it always has).
///
/// Indices come from `SeededRandom(seed: seed, stream: n)`: i = ⌊u · n⌋ per draw, u the generator's
/// 53-bit uniform, drawn resample by resample. Every analysis with the same n therefore sees the same
/// resamples (common random numbers), independent of what else is analysed. Deterministic per seed.
public struct Bootstrap: Sendable, Equatable {
    /// B, the number of resamples (issue 15: ≥ 2000).
    public var resamples: Int
    public var seed: UInt64
    /// Two-sided level: 0.95 gives the 2.5 and 97.5 percentiles.
    public var level: Double

    /// B = 10 000: the Monte-Carlo error of a 2.5 % percentile is then ≈ 0.02 standard errors of the mean
    /// (√(q(1−q)/B) / φ(1.96) ≈ 0.0016/0.058 ≈ 0.027), well below the two decimals the tables print.
    public static let standard = Bootstrap(resamples: 10_000, seed: 20_261_128, level: 0.95)

    public init(resamples: Int, seed: UInt64, level: Double) {
        self.resamples = resamples; self.seed = seed; self.level = level
    }

    /// The n × B resample indices, resample-major (`indices[b * n + j]`), as `interval` draws them.
    public func indices(count n: Int) -> [Int] {
        var rng = SeededRandom(seed: seed, stream: UInt64(n))
        return (0..<(resamples * n)).map { _ in min(Int(rng.uniform() * Double(n)), n - 1) }
    }

    /// The percentile interval of the mean of `values` (one per piece). nil for no values; a single value
    /// gives the degenerate interval [y, y].
    public func interval(_ values: [Double]) -> ConfidenceInterval? {
        let n = values.count
        guard n > 0, resamples > 0 else { return nil }
        var rng = SeededRandom(seed: seed, stream: UInt64(n))
        var means = [Double](repeating: 0, count: resamples)
        values.withUnsafeBufferPointer { y in
            for b in 0..<resamples {
                var sum = 0.0
                for _ in 0..<n { sum += y[min(Int(rng.uniform() * Double(n)), n - 1)] }
                means[b] = sum / Double(n)
            }
        }
        means.sort()
        let tail = (1 - level) / 2 * 100
        return ConfidenceInterval(low: Self.percentile(sorted: means, tail), high: Self.percentile(sorted: means, 100 - tail))
    }

    /// The q-th percentile (0 ≤ q ≤ 100) of ascending `sorted` by linear interpolation (NumPy's default).
    public static func percentile(sorted: [Double], _ q: Double) -> Double {
        let h = Double(sorted.count - 1) * q / 100
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}
