/// Which fitted clusters make up the target, given the target's known direction φ*.
///
/// - `nearest`: the one cluster whose mean μ_k is nearest φ* (the paper).
/// - `merge(deltaDeg: δ)`: every cluster with |μ_k − φ*| ≤ δ (degrees); if none, the nearest.
/// - `oracle`: the single cluster whose estimate scores the best SDR — needs the reference, so the runner
///   does it; `selectClusters` returns all clusters, nearest first, as the candidates to score.
///
/// Coded (config JSON, `--set`, CSV) as one string: `"nearest"`, `"merge:10"` (δ = 10°), `"oracle"`.
public enum TargetSelection: Codable, Sendable, Hashable, CustomStringConvertible {
    case nearest
    case merge(deltaDeg: Double)
    case oracle
    /// The counted source nearest φ*: its grouped components' mask (`analyseSources`; the runner fits the
    /// anchored model itself, so K does not matter). `selectClusters` treats it as `nearest`.
    case grouped

    /// Parses `nearest`, `oracle` or `merge:<δ degrees ≥ 0>`; throws a `DirClustError` naming the text otherwise.
    public init(parsing text: String) throws {
        switch text {
        case "nearest": self = .nearest
        case "oracle": self = .oracle
        case "grouped": self = .grouped
        default:
            if text.hasPrefix("merge:"), let delta = Double(text.dropFirst("merge:".count)),
               delta.isFinite, delta >= 0 {
                self = .merge(deltaDeg: delta)
            } else {
                throw DirClustError("selection \"\(text)\" is not valid; expected \"nearest\", \"oracle\" or \"merge:<degrees ≥ 0>\" (e.g. \"merge:10\").")
            }
        }
    }

    public var description: String {
        switch self {
        case .nearest: "nearest"
        case .oracle: "oracle"
        case .grouped: "grouped"
        case .merge(let delta): "merge:\(delta == delta.rounded() && abs(delta) < 1e15 ? String(Int(delta)) : String(delta))"
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch let error as DirClustError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// The indices of the clusters that form the target (see `TargetSelection`); `means` are the clusters'
/// location parameters μ_k in radians (θ scale), the target direction φ* in degrees. Distances are
/// |μ_k·180/π − φ*|; ties go to the lower index; non-finite means are never selected.
public func selectClusters(means: [Double], targetDirectionDeg: Double, selection: TargetSelection) -> [Int] {
    let distance: [Double] = means.map { μ in
        let d = abs(μ * 180 / Double.pi - targetDirectionDeg)
        return d.isFinite ? d : .infinity
    }
    let byDistance = distance.indices.filter { distance[$0].isFinite }
        .sorted { (distance[$0], $0) < (distance[$1], $1) }
    guard let nearest = byDistance.first else { return [] }
    switch selection {
    case .nearest, .grouped:
        return [nearest]
    case .merge(let delta):
        let within = distance.indices.filter { distance[$0] <= delta }
        return within.isEmpty ? [nearest] : within
    case .oracle:
        return byDistance
    }
}
