import RealModule

/// How many sources a stereo mix holds, and at which directions: the prominent peaks of the smoothed,
/// weighted θ histogram (the DUET idea — Yilmaz & Rickard 2004 count the peaks of their weighted
/// attenuation/delay histogram; Araki et al. 2007 count the clusters of the normalised features — reduced
/// to our one feature θ).
///
/// With amplitude panning a source whose bins dominate lies exactly at its pan direction φ, so every
/// source is a sharp peak of the weighted θ density h(θ); overlapping bins fall between sources and
/// diffuse noise spreads broadly (∝ sin 2θ), so neither makes a sharp peak. On a grid of `gridDeg` bins:
///
///   h_s = h ∗ G_σ − floor   (Gaussian kernel, σ = `smoothingDeg`, mirrored at 0° and 90°; floor: the
///   opening of h ∗ G_σ over `floorWidthDeg`, `diffuseFloor`, clipped at 0),
///   peak i: a local maximum of h_s; its prominence p_i = h_s(i) − max(min h_s on the way left to a higher
///   point or 0°, the same on the right) (the topographic prominence);
///   i is a source  ⇔  p_i ≥ `relativeProminence` · max_j p_j.
///
/// The relative threshold makes the count independent of the level and of the weighting's units; the
/// smoothing sets the closest pair of sources that can still be told apart (≈ 2.5 σ). Without the floor
/// the largest prominence is the whole height of the diffuse hump under the top peak (its bases are 0°
/// and 90°), so with diffuse noise every other source falls below the threshold; after subtracting the
/// floor, prominences are heights above the diffuse level. The cost is one pass
/// over the 18 000-cell histogram and a few over the coarse grid — never over the bins.
public struct SourceCountingOptions: Codable, Sendable, Equatable {
    /// σ of the Gaussian smoothing, degrees.
    public var smoothingDeg: Double
    /// A peak counts as a source if its prominence is at least this fraction of the largest prominence.
    public var relativeProminence: Double
    /// Width of the coarse grid the peaks are searched on, degrees (must divide 90° into a whole number of
    /// `DirectionHistogram` cells).
    public var gridDeg: Double
    /// At most this many sources are reported (the most prominent).
    public var maximumSources: Int
    /// Peaks on ln h_s instead of h_s: the prominence is then a contrast (ln of peak over base), and the
    /// threshold `relativeProminence` an absolute log ratio rather than a fraction of the largest.
    public var logScale: Bool = false
    /// Width W of the diffuse floor's opening, degrees; 0: no floor is subtracted (see `diffuseFloor`).
    public var floorWidthDeg: Double = 0

    public init(smoothingDeg: Double = 0.5, relativeProminence: Double = 0.1, gridDeg: Double = 0.1,
                maximumSources: Int = 16, floorWidthDeg: Double = 20) {
        self.smoothingDeg = smoothingDeg
        self.relativeProminence = relativeProminence
        self.gridDeg = gridDeg
        self.maximumSources = maximumSources
        self.floorWidthDeg = floorWidthDeg
    }

    public static let `default` = SourceCountingOptions()

    /// Number of coarse grid bins over 0° … 90°.
    var gridCount: Int { Int((90 / gridDeg).rounded()) }

    /// Throws a `DirClustError` naming the first invalid field.
    public func validate() throws {
        guard smoothingDeg.isFinite, smoothingDeg > 0, smoothingDeg <= 10 else {
            throw DirClustError("counting smoothing is \(smoothingDeg)°; expected a width in (0°, 10°].")
        }
        guard relativeProminence.isFinite, relativeProminence > 0, relativeProminence < (logScale ? 50 : 1) else {
            throw DirClustError("counting prominence is \(relativeProminence); expected \(logScale ? "a log ratio in (0, 50)" : "a fraction in (0, 1)").")
        }
        let cells = gridDeg / DirectionHistogram.cellWidthDeg
        guard gridDeg.isFinite, gridDeg > 0, abs(cells - cells.rounded()) < 1e-9,
              DirectionHistogram.cellCount % Int(cells.rounded()) == 0 else {
            throw DirClustError("counting grid is \(gridDeg)°; expected a multiple of \(DirectionHistogram.cellWidthDeg)° that divides 90° (e.g. 0.1).")
        }
        guard floorWidthDeg.isFinite, (0...45).contains(floorWidthDeg) else {
            throw DirClustError("counting floor width is \(floorWidthDeg)°; expected 0 (off) or a width in (0°, 45°].")
        }
        guard (1...64).contains(maximumSources) else {
            throw DirClustError("counting maximum sources is \(maximumSources); expected an integer in 1 … 64.")
        }
    }
}

/// One peak of the smoothed θ density and the evidence it was judged on.
public struct DirectionPeak: Codable, Sendable, Equatable {
    /// Peak direction in degrees (parabolic interpolation between grid bins).
    public var directionDeg: Double
    /// h_s at the peak (a density over degrees: Σ h · grid = 1).
    public var height: Double
    /// Topographic prominence p of the peak (same units as `height`).
    public var prominence: Double
    /// p / max_j p_j.
    public var relativeProminence: Double
    /// Share of the total weight between the peak's two bases (the minima that bound it).
    public var mass: Double
    /// Whether it counts as a source.
    public var isSource: Bool
}

/// What `countSources` found.
public struct SourceCount: Codable, Sendable, Equatable {
    /// Source directions in degrees, ascending.
    public var directionsDeg: [Double]
    /// Every local maximum of the smoothed density, ascending direction, with its evidence.
    public var peaks: [DirectionPeak]
    public var options: SourceCountingOptions

    public var count: Int { directionsDeg.count }
}

/// The sources of a mix from its θ histogram (see `SourceCountingOptions`). A histogram with no weight
/// gives no source.
public func countSources(_ histogram: DirectionHistogram, options: SourceCountingOptions = .default) throws -> SourceCount {
    try options.validate()
    let n = options.gridCount, grid = options.gridDeg
    let density = histogram.density(binCount: n)
    guard density.contains(where: { $0 > 0 }) else { return SourceCount(directionsDeg: [], peaks: [], options: options) }
    var smooth = gaussianSmoothed(density, sigmaBins: options.smoothingDeg / grid)
    if options.floorWidthDeg > 0 {
        let floor = diffuseFloor(smooth, widthBins: Int((options.floorWidthDeg / grid).rounded()))
        smooth = zip(smooth, floor).map { max($0 - $1, 0) }
    }
    // Log scale: prominence is the peak's contrast over its bases, independent of its level.
    let floor = (smooth.max() ?? 0) * 1e-6
    let h = options.logScale ? smooth.map { Double.log($0 + floor) - Double.log(floor) } : smooth

    // Local maxima (a plateau counts once, at its first bin).
    var maxima: [Int] = []
    for i in 0..<n {
        let left = i > 0 ? h[i - 1] : -Double.infinity
        var j = i
        while j + 1 < n, h[j + 1] == h[i] { j += 1 }
        let right = j + 1 < n ? h[j + 1] : -Double.infinity
        if h[i] > left, h[i] > right, h[i] > 0 { maxima.append(i) }
    }
    // Prominence and the bases that bound each peak.
    var found: [(index: Int, prominence: Double, lo: Int, hi: Int)] = []
    for i in maxima {
        var lo = i, leftMin = h[i]
        while lo > 0, h[lo - 1] <= h[i] { lo -= 1; leftMin = min(leftMin, h[lo]) }
        var hi = i, rightMin = h[i]
        while hi + 1 < n, h[hi + 1] <= h[i] { hi += 1; rightMin = min(rightMin, h[hi]) }
        // A side that reaches the edge without meeting a higher point has base 0 there.
        let leftBase = lo == 0 ? min(leftMin, 0) : leftMin
        let rightBase = hi == n - 1 ? min(rightMin, 0) : rightMin
        // The peak's own extent: from the minimum on each side.
        let loMin = (lo...i).min { h[$0] < h[$1] }!, hiMin = (i...hi).min { h[$0] < h[$1] }!
        found.append((i, h[i] - max(leftBase, rightBase), loMin, hiMin))
    }
    let top = options.logScale ? 1 : found.map(\.prominence).max() ?? 0
    let ranked = found.indices.sorted { (found[$1].prominence, found[$0].index) < (found[$0].prominence, found[$1].index) }
    let accepted = Set(ranked.prefix(options.maximumSources)
        .filter { top > 0 && found[$0].prominence >= options.relativeProminence * top })
    let total = h.reduce(0, +)
    let peaks = found.indices.map { p -> DirectionPeak in
        let f = found[p]
        return DirectionPeak(directionDeg: min(interpolatedPeak(h, f.index) * grid + grid / 2, 90),
                             height: h[f.index], prominence: f.prominence,
                             relativeProminence: top > 0 ? f.prominence / top : 0,
                             mass: total > 0 ? h[f.lo...f.hi].reduce(0, +) / total : 0,
                             isSource: accepted.contains(p))
    }
    return SourceCount(directionsDeg: peaks.filter(\.isSource).map(\.directionDeg), peaks: peaks, options: options)
}

/// The broad floor under the peaks of h: its opening (running minimum, then running maximum, over W bins),
/// smoothed with σ = W/4 — what is left once every peak narrower than W is cut off (diffuse noise and the
/// spread of overlapping bins). Ends are mirrored.
func diffuseFloor(_ h: [Double], widthBins w: Int) -> [Double] {
    let n = h.count, r = max(w / 2, 1)
    func mirrored(_ i: Int) -> Int {
        var j = i
        while j < 0 || j >= n { j = j < 0 ? -j - 1 : 2 * n - j - 1 }
        return j
    }
    func running(_ x: [Double], _ pick: (Double, Double) -> Double) -> [Double] {
        (0..<n).map { i in (i - r...i + r).reduce(x[i]) { pick($0, x[mirrored($1)]) } }
    }
    let opened = running(running(h, min), max)
    return gaussianSmoothed(opened, sigmaBins: Double(w) / 4)
}

/// x ∗ G_σ with the kernel truncated at 4σ and the signal mirrored at both ends (mass near 0° or 90° stays
/// inside). σ in bins; σ < 0.01 returns x.
func gaussianSmoothed(_ x: [Double], sigmaBins sigma: Double) -> [Double] {
    guard sigma >= 0.01, x.count > 1 else { return x }
    let radius = Int((4 * sigma).rounded(.up))
    var kernel = (-radius...radius).map { d -> Double in
        let u = Double(d) / sigma
        return Double.exp(-0.5 * u * u)
    }
    let sum = kernel.reduce(0, +)
    kernel = kernel.map { $0 / sum }
    let n = x.count
    func mirrored(_ i: Int) -> Int {
        var j = i
        while j < 0 || j >= n { j = j < 0 ? -j - 1 : 2 * n - j - 1 }
        return j
    }
    var out = [Double](repeating: 0, count: n)
    for i in 0..<n {
        var s = 0.0
        for d in -radius...radius { s += kernel[d + radius] * x[mirrored(i + d)] }
        out[i] = s
    }
    return out
}

/// The sub-bin position of the maximum at i: the vertex of the parabola through (i−1, i, i+1).
func interpolatedPeak(_ h: [Double], _ i: Int) -> Double {
    guard i > 0, i + 1 < h.count else { return Double(i) }
    let a = h[i - 1], b = h[i], c = h[i + 1]
    let denominator = a - 2 * b + c
    guard denominator < 0 else { return Double(i) }
    return Double(i) + min(max(0.5 * (a - c) / denominator, -0.5), 0.5)
}
