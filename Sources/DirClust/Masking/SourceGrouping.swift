/// From fitted components to sources. With K over-estimated, one source's bins spread over several
/// narrow components, and broad components collect the bins between sources (overlaps, diffuse noise).
/// Returning one component per direction then splits a source's energy; grouping gives each source
/// every narrow component at its direction and leaves the broad ones to a residual.
///
/// Rule, for sources at directions φ_1 < … < φ_S (from `countSources`) and component k with mean μ_k and
/// scale a_k (degrees; the clusterer's σ, α or RMS): let s be the source nearest μ_k and h_s half the
/// distance from φ_s to its nearest neighbouring source (45° for a single source). Component k belongs to
/// source s iff
///
///   a_k ≤ `widthFraction` · h_s   (narrow: it does not straddle two sources)  and
///   |μ_k − φ_s| ≤ `offsetFraction` · h_s   (it sits at the source, not between sources);
///
/// otherwise it is diffuse (the residual). A source left without any component takes the nearest
/// residual component; if there is none it is dropped (reported in `unmatchedDirectionsDeg`).
public struct SourceGroupingOptions: Codable, Sendable, Equatable {
    public var widthFraction: Double
    public var offsetFraction: Double

    public init(widthFraction: Double = 0.5, offsetFraction: Double = 0.5) {
        self.widthFraction = widthFraction
        self.offsetFraction = offsetFraction
    }

    public static let `default` = SourceGroupingOptions()

    public func validate() throws {
        guard widthFraction.isFinite, widthFraction > 0 else {
            throw DirClustError("grouping width fraction is \(widthFraction); expected a number > 0.")
        }
        guard offsetFraction.isFinite, offsetFraction > 0, offsetFraction <= 1 else {
            throw DirClustError("grouping offset fraction is \(offsetFraction); expected a fraction in (0, 1].")
        }
    }
}

/// One source: its direction and the components (0-based, ascending) that form it.
public struct SourceGroup: Codable, Sendable, Equatable {
    public var directionDeg: Double
    public var components: [Int]
    /// Σ_{k ∈ components} π_k.
    public var weight: Double
}

/// Which components form each source, and which are diffuse.
public struct SourceGrouping: Codable, Sendable, Equatable {
    /// The sources, ascending direction.
    public var sources: [SourceGroup]
    /// Components that belong to no source (broad or between sources), ascending.
    public var residual: [Int]
    /// Counted directions no component could represent.
    public var unmatchedDirectionsDeg: [Double]

    /// The source whose direction is nearest φ (degrees), nil without sources.
    public func sourceNearest(directionDeg phi: Double) -> Int? {
        sources.indices.min { (abs(sources[$0].directionDeg - phi), $0) < (abs(sources[$1].directionDeg - phi), $1) }
    }

    /// group[k] = the source index of component k, or nil for the residual.
    public func sourceOfComponent(componentCount: Int) -> [Int?] {
        var owner = [Int?](repeating: nil, count: componentCount)
        for (s, g) in sources.enumerated() { for k in g.components { owner[k] = s } }
        return owner
    }
}

/// Groups the components of `fit` into the sources at `sourceDirectionsDeg` (see `SourceGroupingOptions`).
public func groupComponents(_ fit: ClusterFit, sourceDirectionsDeg: [Double],
                            options: SourceGroupingOptions = .default) -> SourceGrouping {
    let toDeg = 180 / Double.pi
    let phi = sourceDirectionsDeg.sorted()
    let means = fit.means.map { $0 * toDeg }, scales = fit.scales.map { $0 * toDeg }
    guard !phi.isEmpty else {
        return SourceGrouping(sources: [], residual: Array(means.indices), unmatchedDirectionsDeg: [])
    }
    let halfGap = phi.indices.map { s -> Double in
        var gap = Double.infinity
        if s > 0 { gap = min(gap, phi[s] - phi[s - 1]) }
        if s + 1 < phi.count { gap = min(gap, phi[s + 1] - phi[s]) }
        return gap.isFinite ? gap / 2 : 45
    }
    func nearest(_ x: Double) -> Int {
        phi.indices.min { (abs(x - phi[$0]), $0) < (abs(x - phi[$1]), $1) }!
    }
    var members = [[Int]](repeating: [], count: phi.count)
    var residual: [Int] = []
    for k in means.indices {
        let s = nearest(means[k])
        if scales[k] <= options.widthFraction * halfGap[s], abs(means[k] - phi[s]) <= options.offsetFraction * halfGap[s] {
            members[s].append(k)
        } else {
            residual.append(k)
        }
    }
    var unmatched: [Double] = []
    for s in phi.indices where members[s].isEmpty {
        if let k = residual.min(by: { (abs(means[$0] - phi[s]), $0) < (abs(means[$1] - phi[s]), $1) }),
           nearest(means[k]) == s {
            members[s] = [k]
            residual.removeAll { $0 == k }
        } else {
            unmatched.append(phi[s])
        }
    }
    let sources = phi.indices.filter { !members[$0].isEmpty }.map { s in
        SourceGroup(directionDeg: phi[s], components: members[s].sorted(),
                    weight: members[s].reduce(0) { $0 + fit.mixtureWeights[$1] })
    }
    return SourceGrouping(sources: sources, residual: residual.sorted(), unmatchedDirectionsDeg: unmatched)
}

/// One mask per source plus the residual (last), over all bins of the feature's STFT, from the component
/// posteriors r_nk on the active bins (row-major N_active × K, as `clusterMasks` takes them):
/// - soft: M_s(n) = Σ_{k ∈ s} r_nk, M_res(n) = Σ_{k ∈ residual} r_nk (they sum to 1 on active bins);
/// - binary: M_s(n) = 1 iff the MAP component argmax_k r_nk belongs to s (ties to the lower k).
/// Inactive bins get 0 everywhere; a non-finite posterior counts as 0 and is never the MAP.
public func sourceMasks(posteriors: [Double], componentCount k: Int, grouping: SourceGrouping,
                        feature: DirectionFeature, kind: MaskKind) -> [[Double]] {
    precondition(posteriors.count == feature.activeBins.count * k,
                 "sourceMasks: \(posteriors.count) posteriors for \(feature.activeBins.count) active bins × \(k)")
    let owner = grouping.sourceOfComponent(componentCount: k)
    let residual = grouping.sources.count
    let group = owner.map { $0 ?? residual }
    var masks = [[Double]](repeating: [Double](repeating: 0, count: feature.binCount), count: residual + 1)
    for (i, n) in feature.activeBins.enumerated() {
        let row = i * k
        switch kind {
        case .binary:
            var best = -1, bestValue = -Double.infinity
            for j in 0..<k {
                let r = posteriors[row + j]
                if r.isFinite, r > bestValue { best = j; bestValue = r }
            }
            if best >= 0 { masks[group[best]][n] = 1 }
        case .soft:
            for j in 0..<k {
                let r = posteriors[row + j]
                if r.isFinite { masks[group[j]][n] += min(max(r, 0), 1) }
            }
            for g in masks.indices where masks[g][n] > 1 { masks[g][n] = 1 }
        }
    }
    return masks
}

/// Soft source masks with Laplace transitions: for sources at centres c_s (degrees) and widths b_s,
///
///   M_s(n) = (1 − M_res(n)) · e^{−|θ_n − c_s|/b_s} / Σ_j e^{−|θ_n − c_j|/b_j},   b_s = min(b, g_s / 3),
///
/// with g_s the distance from c_s to its nearest neighbouring centre and M_res the residual's summed
/// posteriors (`residual`, on the active bins; nil: no residual). Between two neighbouring centres of
/// equal width log(M_s / M_{s+1}) = (c_s + c_{s+1} − 2θ)/b_s: a logistic of scale b_s/2 about the midpoint
/// — the boundary of the hard (k-means) split, softened by b in degrees, and by a third of the gap for
/// sources closer than 3b (so a source keeps ≥ 95 % of its own centre). Returns the S source masks and the
/// residual mask (last) over all bins; inactive bins get 0.
public func transitionMasks(centresDeg: [Double], widthDeg b: Double, residual: [Double]?, feature: DirectionFeature) -> [[Double]] {
    precondition(b > 0 && !centresDeg.isEmpty, "transitionMasks: needs a width > 0 and at least one centre")
    precondition(residual == nil || residual!.count == feature.activeBins.count, "transitionMasks: residual is not on the active bins")
    let toDeg = 180 / Double.pi, s = centresDeg.count
    let widths = centresDeg.indices.map { i -> Double in
        let gap = centresDeg.indices.filter { $0 != i }.map { abs(centresDeg[$0] - centresDeg[i]) }.min() ?? .infinity
        return max(min(b, gap / 3), 1e-6)
    }
    var masks = [[Double]](repeating: [Double](repeating: 0, count: feature.binCount), count: s + 1)
    var e = [Double](repeating: 0, count: s)
    for (i, n) in feature.activeBins.enumerated() {
        let theta = feature.theta[n] * toDeg
        var top = -Double.infinity
        for j in 0..<s { e[j] = -abs(theta - centresDeg[j]) / widths[j]; top = max(top, e[j]) }
        var sum = 0.0
        for j in 0..<s { e[j] = Double.exp(e[j] - top); sum += e[j] }
        let res = residual.map { r in r[i].isFinite ? min(max(r[i], 0), 1) : 0 } ?? 0
        for j in 0..<s { masks[j][n] = (1 - res) * e[j] / sum }
        masks[s][n] = res
    }
    return masks
}

/// An EM start anchored at counted sources: K ≥ S components, the first S at the source directions
/// (scale 0.5°), the K − S spares at the middles of the widest gaps between sources and the ends 0°, 90°
/// (`widestGapMiddles`; scale a quarter of the gap: broad, to take the bins between sources). Mixture
/// weights: 0.8 shared by the sources, 0.2 by the spares (all equal without spares). Directions in degrees.
public func anchoredInitialization(sourceDirectionsDeg: [Double], componentCount k: Int) -> ClusteringInitialization {
    precondition(k >= sourceDirectionsDeg.count && k >= 1, "anchoredInitialization: K below the number of sources")
    let toRad = Double.pi / 180
    let phi = sourceDirectionsDeg.sorted()
    let spares = widestGapMiddles(phi, count: k - phi.count)
    let means = phi + spares.map(\.middle)
    let scales = [Double](repeating: 0.5, count: phi.count) + spares.map { max($0.width / 4, 0.5) }
    let weights = means.indices.map { i -> Double in
        spares.isEmpty || phi.isEmpty ? 1 / Double(k) : i < phi.count ? 0.8 / Double(phi.count) : 0.2 / Double(spares.count)
    }
    return .parameters(means: means.map { $0 * toRad }, scales: scales.map { $0 * toRad }, mixtureWeights: weights)
}

/// `count` new directions (degrees), each the middle of the widest gap left between `directions` and the
/// ends 0°, 90° (splitting that gap), with the width of the gap it split.
func widestGapMiddles(_ directions: [Double], count: Int) -> [(middle: Double, width: Double)] {
    let edges = [0.0] + directions.sorted() + [90.0]
    var gaps: [(Double, Double)] = []
    for i in 0..<(edges.count - 1) where edges[i + 1] > edges[i] { gaps.append((edges[i], edges[i + 1])) }
    if gaps.isEmpty { gaps = [(0, 90)] }
    var out: [(middle: Double, width: Double)] = []
    for _ in 0..<max(count, 0) {
        let w = gaps.indices.max { (gaps[$0].1 - gaps[$0].0, -$0) < (gaps[$1].1 - gaps[$1].0, -$1) }!
        let (a, b) = gaps.remove(at: w)
        out.append(((a + b) / 2, b - a))
        gaps.append((a, (a + b) / 2))
        gaps.append(((a + b) / 2, b))
    }
    return out
}
