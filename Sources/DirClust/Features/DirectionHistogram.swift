/// The weighted distribution of the direction θ over all active bins of a recording, accumulated block by
/// block on a fine grid of 0.005° cells (18 000 cells over 0° … 90°), in memory that does not depend on
/// the length of the file.
///
/// For cell j it keeps W_j = Σ_{n∈j} w_n and S_j = Σ_{n∈j} w_n θ_n. The clusterers are fitted on the
/// points θ̄_j = S_j / W_j with weights W_j: every weighted M-step and log-likelihood is a sum
/// Σ_n w_n g(θ_n), and Σ_n w_n g(θ_n) = Σ_j W_j g(θ̄_j) + O(δ²) for cells of width δ = 0.005°
/// (the first moment is kept exactly), far below the 0.1° scale floor of every component. This is what lets
/// a five-minute file (26 million bins at 44.1 kHz) be fitted in milliseconds and bounded memory.
public struct DirectionHistogram: Sendable, Equatable {
    /// δ, the width of a fitting cell, in degrees.
    public static let cellWidthDeg = 0.005
    /// 90° / δ cells; θ = 90° falls in the last one.
    public static let cellCount = 18_000

    /// W_j.
    public private(set) var cellWeight: [Double]
    /// S_j = Σ w θ (radians).
    public private(set) var cellWeightedTheta: [Double]
    /// Active bins accumulated so far.
    public private(set) var activeBinCount = 0
    /// All bins seen so far (active or not).
    public private(set) var totalBinCount = 0

    public init() {
        cellWeight = [Double](repeating: 0, count: Self.cellCount)
        cellWeightedTheta = [Double](repeating: 0, count: Self.cellCount)
    }

    /// The cell of a direction θ (radians), clamped to 0 … cellCount − 1.
    @inline(__always) static func cell(of theta: Double) -> Int {
        let j = Int(theta * (180 / Double.pi) / cellWidthDeg)
        return min(max(j, 0), cellCount - 1)
    }

    /// Adds every active bin of `feature`.
    public mutating func add(_ feature: DirectionFeature) {
        totalBinCount += feature.binCount
        activeBinCount += feature.activeBins.count
        let theta = feature.theta, weight = feature.weight
        cellWeight.withUnsafeMutableBufferPointer { wc in
            cellWeightedTheta.withUnsafeMutableBufferPointer { sc in
                for n in feature.activeBins {
                    let j = Self.cell(of: theta[n])
                    wc[j] += weight[n]
                    sc[j] += weight[n] * theta[n]
                }
            }
        }
    }

    /// Σ_j W_j.
    public var totalWeight: Double { cellWeight.reduce(0, +) }

    /// The occupied cells as fitting data: θ̄_j = S_j / W_j (radians, ascending) with weights W_j.
    public func fittingData() -> (theta: [Double], weights: [Double]) {
        var theta = [Double](), weights = [Double]()
        for j in 0..<Self.cellCount where cellWeight[j] > 0 {
            // Clamped into its own cell so rounding can never reorder or leave [0, π/2].
            let lo = Double(j) * Self.cellWidthDeg * Double.pi / 180
            let hi = Double(j + 1) * Self.cellWidthDeg * Double.pi / 180
            theta.append(min(max(cellWeightedTheta[j] / cellWeight[j], lo), min(hi, Double.pi / 2)))
            weights.append(cellWeight[j])
        }
        return (theta, weights)
    }

    /// The histogram as a density over degrees in `binCount` equal bins over 0° … 90° (binCount must divide
    /// 18 000): h_b = (Σ_{j∈b} W_j) / (Σ_j W_j · 90°/binCount), so Σ_b h_b · 90°/binCount = 1.
    /// All zeros when nothing is active.
    public func density(binCount: Int = 180) -> [Double] {
        precondition(binCount >= 1 && Self.cellCount % binCount == 0,
                     "DirectionHistogram.density: binCount must divide \(Self.cellCount)")
        let per = Self.cellCount / binCount, width = 90 / Double(binCount)
        let total = totalWeight
        guard total > 0 else { return [Double](repeating: 0, count: binCount) }
        return (0..<binCount).map { b in
            cellWeight[(b * per) ..< ((b + 1) * per)].reduce(0, +) / (total * width)
        }
    }
}
