#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The weight w_ft each TF bin carries in the clusterers' M-steps (v_nk = w_n r_nk).
/// - `none`: w = 1 (the paper's default: every active bin counts the same).
/// - `power`: w = |X_L|² + |X_R|² (loud bins, whose direction is reliable, dominate).
public enum BinWeighting: String, Codable, Sendable, CaseIterable {
    case none, power
}

/// The direction feature of a stereo STFT: for every bin n = (f, t) (index t·F + f, as in `Spectrogram`)
///
///   θ_n = atan2(|X_R(f,t)|, |X_L(f,t)|) ∈ [0, π/2]  (radians; 0 = hard left, π/4 = centre, π/2 = hard right),
///
/// its weight w_n, and the list of *active* bins — those with a direction. A bin whose power
/// |X_L|² + |X_R|² is zero, not finite, or below `silenceThresholdDB` relative to the loudest bin has no
/// meaningful direction (atan2(0, 0) = 0 would be a spurious spike at 0°): it is excluded from fitting,
/// gets weight 0 and belongs to no cluster (mask 0).
public struct DirectionFeature: Sendable, Equatable {
    public let frequencyCount: Int
    public let frameCount: Int
    /// θ_n for all bins (0 for bins that are not finite).
    public let theta: [Double]
    /// w_n for all bins; 0 on inactive bins.
    public let weight: [Double]
    /// Indices (into `theta`) of the active bins, ascending. Posteriors are indexed by position in this list.
    public let activeBins: [Int]

    public var binCount: Int { theta.count }

    /// θ on the active bins, in `activeBins` order: the data the clusterers fit.
    public func activeTheta() -> [Double] { activeBins.map { theta[$0] } }

    /// w on the active bins, in `activeBins` order.
    public func activeWeights() -> [Double] { activeBins.map { weight[$0] } }
}

/// θ_n = atan2(|X_R|, |X_L|) and w_n per bin (see `DirectionFeature`).
///
/// A bin is active iff p_n = |X_L|² + |X_R|² is finite, > 0 and ≥ max_n p_n · 10^(silenceThresholdDB/10).
/// The default −80 dB keeps every bin that carries signal in a normalised music mixture while dropping the
/// window's far side-lobe leakage and digital silence, where θ is rounding noise.
/// Pass `-.infinity` to keep every non-zero bin.
public func directionFeature(left: Spectrogram, right: Spectrogram, weighting: BinWeighting,
                             silenceThresholdDB: Double = -80) -> DirectionFeature {
    directionFeature(left: left, right: right, weighting: weighting,
                     floorPower: loudestBinPower(left, right) * pow(10, silenceThresholdDB / 10))
}

/// θ_n and w_n per bin with an absolute silence floor: a bin is active iff p_n is finite, > 0 and
/// ≥ `floorPower` (`separate` takes the floor from the loudest bin of the whole file, block by block).
public func directionFeature(left: Spectrogram, right: Spectrogram, weighting: BinWeighting,
                             floorPower floor: Double) -> DirectionFeature {
    precondition(left.frequencyCount == right.frequencyCount && left.frameCount == right.frameCount,
                 "directionFeature: left and right spectrograms differ in shape")
    let count = left.binCount
    var theta = [Double](repeating: 0, count: count)
    var power = [Double](repeating: 0, count: count)
    for n in 0..<count {
        let pl = left.real[n] * left.real[n] + left.imag[n] * left.imag[n]
        let pr = right.real[n] * right.real[n] + right.imag[n] * right.imag[n]
        let p = pl + pr
        power[n] = p
        if p.isFinite { theta[n] = atan2(pr.squareRoot(), pl.squareRoot()) }
    }
    var weight = [Double](repeating: 0, count: count)
    var active = [Int]()
    active.reserveCapacity(count)
    for n in 0..<count {
        let p = power[n]
        guard p.isFinite, p > 0, p >= floor else { continue }
        active.append(n)
        weight[n] = weighting == .power ? p : 1
    }
    return DirectionFeature(frequencyCount: left.frequencyCount, frameCount: left.frameCount,
                            theta: theta, weight: weight, activeBins: active)
}

/// max_n p_n = |X_L(n)|² + |X_R(n)|² over the bins where it is finite (0 when there are none).
public func loudestBinPower(_ left: Spectrogram, _ right: Spectrogram) -> Double {
    var loudest = 0.0
    for n in 0..<left.binCount {
        let pl = left.real[n] * left.real[n] + left.imag[n] * left.imag[n]
        let pr = right.real[n] * right.real[n] + right.imag[n] * right.imag[n]
        let p = pl + pr  // summed as in `directionFeature`, so the floor is the same bit for bit
        if p.isFinite, p > loudest { loudest = p }
    }
    return loudest
}

/// The direction feature of a stereo STFT given as [left, right]; throws if there are not two channels.
public func directionFeature(_ spectrograms: [Spectrogram], weighting: BinWeighting,
                             silenceThresholdDB: Double = -80) throws -> DirectionFeature {
    guard spectrograms.count == 2 else {
        throw DirClustError("Directional clustering needs a stereo mixture; got \(spectrograms.count) channel(s), expected 2.")
    }
    return directionFeature(left: spectrograms[0], right: spectrograms[1], weighting: weighting,
                            silenceThresholdDB: silenceThresholdDB)
}
