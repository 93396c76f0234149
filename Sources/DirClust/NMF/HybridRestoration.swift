import RealModule

/// The hybrid stage end to end (Kitamura et al. 2013): the directional clustering's binary target mask B
/// marks the bins of the target cluster; a supervised NMF with restoration (`supervisedNMFRestore`) is
/// fitted to the mixture spectrogram on those bins only, X ≈ W_t H_t + W_i H_i, and predicts the target
/// on every bin. The target estimate is a Wiener-like gain applied to the stereo MIXTURE STFT (not the
/// masked one), so that bins the mask removed come back where the target model says the target is:
///
///     G_ft = A_t^p / ( A_t^p + A_i^p + (1 − B_ft) · max(M^p − A_t^p − A_i^p, 0) )
///
/// with A_t = (W_t H_t)^(1/q), A_i = (W_i H_i)^(1/q) the modelled target and same-direction interferer
/// magnitudes, M = √(Σ_c |X_c|²) the mixture magnitude the NMF saw, q = `options.spectrogramPower` and
/// p = `options.gainExponent` (2: power ratio, the classical Wiener gain).
/// - Observed bins (B = 1): G = A_t^p / (A_t^p + A_i^p), the Wiener split of the cluster between the
///   target and the same-direction interferer.
/// - Bins the mask removed (B = 0): the mixture there also holds the other-direction sources, whose
///   magnitude the cluster model does not describe; they are taken to be whatever the mixture has beyond
///   the model, so G = A_t^p / max(M^p, A_t^p + A_i^p): the restored target's share of the mixture
///   (never more than the whole bin).
/// With `options.restoreMissingBins == false` the gain is B_ft · A_t^p / (A_t^p + A_i^p) (observed bins
/// only). G ∈ [0, 1]; 0/0 (silent bins, an empty cluster) gives 0. Returned frame-major like `Spectrogram`,
/// ready for `applyMask` on every channel of the mixture.
public func hybridTargetGain(mixture: [Spectrogram], targetMask: [Double], bases: NMFBases,
                             options: NMFOptions) throws -> [Double] {
    let (magnitude, restoration) = try restoreTargetCluster(mixture: mixture, targetMask: targetMask, bases: bases,
                                                            options: options)
    return try hybridTargetGain(mixtureMagnitude: magnitude, restoration: restoration, targetMask: targetMask,
                                options: options)
}

/// The NMF half of `hybridTargetGain(mixture:…)`: the mixture magnitude M = √(Σ_c |X_c|²) and the
/// supervised NMF fitted to M^q on the target mask's bins. One fit serves both gains (with and without
/// restoration), which is how the runner scores its `nmf` and `hybrid` stages from a single NMF.
public func restoreTargetCluster(mixture: [Spectrogram], targetMask: [Double], bases: NMFBases,
                                 options: NMFOptions) throws -> (magnitude: NonnegativeMatrix, restoration: NMFRestoration) {
    try options.validate()
    let magnitude = try NonnegativeMatrix.spectrogram(of: mixture, power: 1)
    guard targetMask.count == magnitude.values.count else {
        throw DirClustError("target mask: \(targetMask.count) values for \(magnitude.frequencyCount)×\(magnitude.frameCount) bins; expected one per bin of the mixture STFT.")
    }
    var x = magnitude
    if options.spectrogramPower == 2 { for i in 0..<x.values.count { x.values[i] *= x.values[i] } }
    let restoration = try supervisedNMFRestore(magnitude: x, observed: targetMask, bases: bases, options: options)
    return (magnitude, restoration)
}

/// The gain G of `hybridTargetGain(mixture:…)` from a finished restoration; `mixtureMagnitude` is M
/// (= `NonnegativeMatrix.spectrogram(of: mixture, power: 1)`), the restoration's models are in |X|^q.
public func hybridTargetGain(mixtureMagnitude M: NonnegativeMatrix, restoration: NMFRestoration,
                             targetMask B: [Double], options: NMFOptions) throws -> [Double] {
    let n = M.values.count
    guard restoration.target.values.count == n, restoration.interferer.values.count == n, B.count == n else {
        throw DirClustError("hybrid gain: the restoration (\(restoration.target.values.count) bins) and the target mask (\(B.count)) must match the mixture's \(n) bins.")
    }
    let p = options.gainExponent, q = Double(options.spectrogramPower)
    let exponent = p / q  // A^p = (model)^(p/q)
    @inline(__always) func power(_ v: Double, _ e: Double) -> Double {
        e == 1 ? v : e == 2 ? v * v : e == 0.5 ? v.squareRoot() : Double.pow(v, e)
    }
    var gain = [Double](repeating: 0, count: n)
    for i in 0..<n {
        let target = power(max(restoration.target.values[i], 0), exponent)
        let interferer = power(max(restoration.interferer.values[i], 0), exponent)
        let observed = min(max(B[i], 0), 1), missing = 1 - observed
        let g: Double
        if options.restoreMissingBins {
            let residual = missing > 0 ? max(power(M.values[i], p) - target - interferer, 0) : 0
            let denominator = target + interferer + missing * residual
            g = denominator > 0 ? target / denominator : 0
        } else {
            let denominator = target + interferer
            g = denominator > 0 ? observed * target / denominator : 0
        }
        gain[i] = g.isFinite ? min(max(g, 0), 1) : 0
    }
    return gain
}
