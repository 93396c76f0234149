/// Target bases W_t learned from a solo recording of the target instrument (the "supervision" of
/// supervised NMF): `count` spectra of `frequencyCount` bins, each of unit L2 norm, stored basis-major
/// (basis k's spectrum at `k * frequencyCount + f`). Codable so that a runner can cache them.
public struct NMFBases: Codable, Sendable, Equatable {
    public let frequencyCount: Int
    public let count: Int
    public var values: [Double]
    /// q of the spectrogram |X|^q the bases model (must match the spectrogram they are used on).
    public let spectrogramPower: Int
    /// The divergence minimised in training, before the first and after every iteration.
    public var trainingObjective: [Double]

    public init(frequencyCount: Int, count: Int, values: [Double], spectrogramPower: Int,
                trainingObjective: [Double] = []) {
        precondition(values.count == frequencyCount * count)
        self.frequencyCount = frequencyCount
        self.count = count
        self.values = values
        self.spectrogramPower = spectrogramPower
        self.trainingObjective = trainingObjective
    }

    /// Basis k's spectrum.
    public func basis(_ k: Int) -> ArraySlice<Double> { values[(k * frequencyCount)..<((k + 1) * frequencyCount)] }
}

/// The result of `supervisedNMFRestore`: the target model W_t H_t and the interferer model W_i H_i on
/// every bin (frame-major, in the same |X|^q domain as the input; bins with B = 0 are predictions),
/// plus the masked objective before the first and after every iteration.
public struct NMFRestoration: Sendable, Equatable {
    public var target: NonnegativeMatrix
    public var interferer: NonnegativeMatrix
    public var objective: [Double]
}

/// Frames of a solo whose total X is below this fraction of the loudest frame's carry no spectral shape
/// (silence, release tails) and are left out of training.
let soloSilenceThreshold = 1e-6

/// Learns the target bases W_t (F × K_t, `options.targetBases` columns of unit L2 norm) from a solo
/// recording's spectrogram X = |S|^q by unsupervised NMF, X ≈ W_t H, minimising
/// `options.divergence` with `options.trainingIterations` multiplicative updates (see `fitMaskedNMF`,
/// all bins observed). Silent frames (below 10⁻⁶ of the loudest frame's sum) are skipped.
/// `solo` must be built with `NonnegativeMatrix.spectrogram(of:power: options.spectrogramPower)`.
public func trainTargetBases(solo: NonnegativeMatrix, options: NMFOptions) throws -> NMFBases {
    try options.validate()
    let F = solo.frequencyCount
    guard F > 0, solo.frameCount > 0 else {
        throw DirClustError("solo: the training spectrogram is empty (\(F)×\(solo.frameCount)); expected at least one frame.")
    }
    try requireNonnegativeFinite(solo.values, name: "solo")
    var frameSums = [Double](repeating: 0, count: solo.frameCount)
    for t in 0..<solo.frameCount { for f in 0..<F { frameSums[t] += solo.values[t * F + f] } }
    let loudest = frameSums.max() ?? 0
    guard loudest > 0 else {
        throw DirClustError("solo: the training recording is silent; expected a solo with audible notes.")
    }
    var kept: [Double] = []
    kept.reserveCapacity(solo.values.count)
    for t in 0..<solo.frameCount where frameSums[t] >= soloSilenceThreshold * loudest {
        kept.append(contentsOf: solo.values[(t * F)..<((t + 1) * F)])
    }
    let frames = kept.count / F
    let fit = fitMaskedNMF(data: kept, weights: [Double](repeating: 1, count: kept.count),
                           frequencyCount: F, frameCount: frames, fixedBases: [], fixedCount: 0,
                           componentCount: options.targetBases, iterations: options.trainingIterations,
                           divergence: options.divergence, seed: options.seed)
    return NMFBases(frequencyCount: F, count: options.targetBases, values: fit.bases,
                    spectrogramPower: options.spectrogramPower, trainingObjective: fit.objective)
}

/// `trainTargetBases` on the STFT of a solo (one or more channels, combined as in
/// `NonnegativeMatrix.spectrogram(of:power:)`).
public func trainTargetBases(solo: [Spectrogram], options: NMFOptions) throws -> NMFBases {
    try options.validate()
    return try trainTargetBases(solo: NonnegativeMatrix.spectrogram(of: solo, power: options.spectrogramPower),
                                options: options)
}

/// Supervised NMF with spectrogram restoration (Kitamura et al. 2013):
///
///     X ≈ W_t H_t + W_i H_i,  fitted only on bins with B_ft > 0,
///
/// with W_t = `bases` fixed and W_i (`options.interfererBases` columns), H_t, H_i updated by the masked
/// β-divergence multiplicative rules of `fitMaskedNMF` (Euclidean: W ← W∘((B∘X)Hᵀ)/((B∘WH)Hᵀ),
/// H ← H∘(Wᵀ(B∘X))/(Wᵀ(B∘WH)); KL and β analogues) for `options.iterations` iterations. The target
/// model W_t H_t is returned on ALL bins, i.e. restored where B = 0. `options.targetBases` is ignored
/// (the bases fix K_t).
///
/// - Parameters:
///   - X: |X|^q, q = `options.spectrogramPower` (`NonnegativeMatrix.spectrogram(of:power:)`).
///   - observed: B, one weight per bin in the same frame-major layout: 1 observed, 0 missing (values
///     in between weight the bin). All zeros (an empty cluster) → zero models.
public func supervisedNMFRestore(magnitude X: NonnegativeMatrix, observed B: [Double], bases: NMFBases,
                                 options: NMFOptions) throws -> NMFRestoration {
    try options.validate()
    let F = X.frequencyCount, T = X.frameCount
    guard B.count == X.values.count else {
        throw DirClustError("observed mask: \(B.count) values for a \(F)×\(T) spectrogram; expected \(X.values.count), one per bin.")
    }
    guard bases.frequencyCount == F else {
        throw DirClustError("nmf bases: trained on \(bases.frequencyCount) frequency bins, the spectrogram has \(F); expected the same STFT size.")
    }
    guard bases.spectrogramPower == options.spectrogramPower else {
        throw DirClustError("nmf bases: trained on |X|^\(bases.spectrogramPower), options ask for |X|^\(options.spectrogramPower); expected the same nmf.spectrogramPower.")
    }
    guard bases.count >= 1, bases.values.count == bases.count * F else {
        throw DirClustError("nmf bases: \(bases.values.count) values for \(bases.count) bases of \(F) bins; expected count × frequencyCount.")
    }
    try requireNonnegativeFinite(X.values, name: "spectrogram")
    try requireNonnegativeFinite(B, name: "observed mask")
    try requireNonnegativeFinite(bases.values, name: "nmf bases")
    let K = bases.count + options.interfererBases
    let fit = fitMaskedNMF(data: X.values, weights: B, frequencyCount: F, frameCount: T,
                           fixedBases: bases.values, fixedCount: bases.count, componentCount: K,
                           iterations: options.iterations, divergence: options.divergence, seed: options.seed)
    return NMFRestoration(target: NonnegativeMatrix(frequencyCount: F, frameCount: T, values: fit.fixedModel),
                          interferer: NonnegativeMatrix(frequencyCount: F, frameCount: T, values: fit.freeModel),
                          objective: fit.objective)
}

/// Throws unless every value is finite and ≥ 0.
func requireNonnegativeFinite(_ values: [Double], name: String) throws {
    for (i, v) in values.enumerated() where !(v.isFinite && v >= 0) {
        throw DirClustError("\(name): value \(v) at index \(i); expected finite nonnegative values.")
    }
}
