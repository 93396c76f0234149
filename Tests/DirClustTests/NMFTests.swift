import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// Synthetic nonnegative low-rank data for the NMF tests: W (F×K, unit-norm columns, basis-major),
/// H (T×K, frame-major) and X = W H (frame-major), all from a seed.
private struct LowRankData {
    let F: Int, T: Int, K: Int
    var w: [Double]
    var h: [Double]

    init(F: Int, T: Int, K: Int, seed: UInt64) {
        self.F = F; self.T = T; self.K = K
        var random = SeededRandom(seed: seed)
        // Peaky spectra (harmonic-like): a few strong bins over a weak floor.
        var bases = (0..<(K * F)).map { _ in let u = random.uniform(); return u > 0.8 ? 0.5 + u : 0.05 * u }
        for k in 0..<K {
            var norm = 0.0
            for f in 0..<F { norm += bases[k * F + f] * bases[k * F + f] }
            for f in 0..<F { bases[k * F + f] /= norm.squareRoot() }
        }
        w = bases
        // Sparse-ish activations: each component is on in about half the frames.
        h = (0..<(T * K)).map { _ in let u = random.uniform(); return u > 0.5 ? 2 * u : 0 }
    }

    /// W[components] H[components] on every bin, frame-major.
    func product(_ components: Range<Int>) -> [Double] {
        var x = [Double](repeating: 0, count: F * T)
        for t in 0..<T { for k in components { for f in 0..<F { x[t * F + f] += w[k * F + f] * h[t * K + k] } } }
        return x
    }

    func bases(_ components: Range<Int>) -> NMFBases {
        NMFBases(frequencyCount: F, count: components.count,
                 values: Array(w[(components.lowerBound * F)..<(components.upperBound * F)]), spectrogramPower: 1)
    }
}

/// 1 observed, 0 missing: each bin missing with probability `missing`.
private func randomMask(count: Int, missing: Double, seed: UInt64) -> [Double] {
    var random = SeededRandom(seed: seed)
    return (0..<count).map { _ in random.uniform() < missing ? 0 : 1 }
}

/// ‖(estimate − truth) on the missing bins‖_F / ‖truth on the missing bins‖_F.
private func relativeErrorOnMissingBins(_ estimate: [Double], _ truth: [Double], mask: [Double]) -> Double {
    var err = 0.0, ref = 0.0
    for i in 0..<truth.count where mask[i] == 0 {
        err += (estimate[i] - truth[i]) * (estimate[i] - truth[i])
        ref += truth[i] * truth[i]
    }
    return (err / ref).squareRoot()
}

private let divergences: [NMFDivergence] = [.euclidean, .kullbackLeibler, .beta(0.5)]

@Suite struct NMFTests {
    @Test(arguments: divergences)
    func maskedObjectiveNeverIncreases(divergence: NMFDivergence) throws {
        // Full-rank noisy data, so the fit keeps descending without reaching zero.
        let F = 40, T = 50
        var random = SeededRandom(seed: 7)
        let x = NonnegativeMatrix(frequencyCount: F, frameCount: T, values: (0..<(F * T)).map { _ in
            let u = random.uniform(); return u < 0.1 ? 0 : u * u * 3 })
        let mask = randomMask(count: F * T, missing: 0.3, seed: 8)
        let bases = LowRankData(F: F, T: 1, K: 6, seed: 9).bases(0..<6)
        let options = NMFOptions(interfererBases: 4, iterations: 80, divergence: divergence, seed: 3)
        let fit = try supervisedNMFRestore(magnitude: x, observed: mask, bases: bases, options: options)
        #expect(fit.objective.count == 81)
        for i in 1..<fit.objective.count {
            #expect(fit.objective[i] <= fit.objective[i - 1] * (1 + 1e-9), "iteration \(i)")
        }
        #expect(fit.objective.last! < 0.8 * fit.objective.first!)

        // The unsupervised training fit (all bases free) is monotone too.
        let trained = try trainTargetBases(solo: x, options: NMFOptions(targetBases: 5, trainingIterations: 60,
                                                                          divergence: divergence, seed: 1))
        for i in 1..<trained.trainingObjective.count {
            #expect(trained.trainingObjective[i] <= trained.trainingObjective[i - 1] * (1 + 1e-9), "training iteration \(i)")
        }
    }

    @Test(arguments: [NMFDivergence.euclidean, .kullbackLeibler])
    func restoresMissingBinsWithKnownBases(divergence: NMFDivergence) throws {
        let data = LowRankData(F: 64, T: 80, K: 5, seed: 11)
        let truth = data.product(0..<5)
        let mask = randomMask(count: truth.count, missing: 0.3, seed: 12)
        var observed = truth
        for i in 0..<truth.count where mask[i] == 0 { observed[i] = 0 }  // what a binary mask leaves
        let options = NMFOptions(interfererBases: 0, iterations: 300, divergence: divergence, seed: 5)
        let fit = try supervisedNMFRestore(magnitude: NonnegativeMatrix(frequencyCount: 64, frameCount: 80, values: observed),
                                           observed: mask, bases: data.bases(0..<5), options: options)
        let error = relativeErrorOnMissingBins(fit.target.values, truth, mask: mask)
        #expect(error < 0.05, "relative error on missing bins \(error)")
        #expect(fit.interferer.values.allSatisfy { $0 == 0 })
    }

    @Test func restoresMissingBinsWithUnsupervisedInterferer() throws {
        // X = W_t H_t + W_i H_i with W_t known and W_i learned on the observed 70 % only.
        let data = LowRankData(F: 64, T: 80, K: 8, seed: 21)
        let truth = data.product(0..<8), targetTruth = data.product(0..<5)
        let mask = randomMask(count: truth.count, missing: 0.3, seed: 22)
        let options = NMFOptions(interfererBases: 3, iterations: 1500, divergence: .kullbackLeibler, seed: 2)
        let fit = try supervisedNMFRestore(magnitude: NonnegativeMatrix(frequencyCount: 64, frameCount: 80, values: truth),
                                           observed: mask, bases: data.bases(0..<5), options: options)
        let model = zip(fit.target.values, fit.interferer.values).map { $0 + $1 }
        let totalError = relativeErrorOnMissingBins(model, truth, mask: mask)
        let targetError = relativeErrorOnMissingBins(fit.target.values, targetTruth, mask: mask)
        #expect(totalError < 0.05, "model error on missing bins \(totalError)")
        #expect(targetError < 0.05, "target error on missing bins \(targetError)")
    }

    @Test func deterministicPerSeed() throws {
        let data = LowRankData(F: 32, T: 30, K: 6, seed: 31)
        let x = NonnegativeMatrix(frequencyCount: 32, frameCount: 30, values: data.product(0..<6))
        let mask = randomMask(count: x.values.count, missing: 0.4, seed: 32)
        let options = NMFOptions(interfererBases: 2, iterations: 40, seed: 77)
        let a = try supervisedNMFRestore(magnitude: x, observed: mask, bases: data.bases(0..<4), options: options)
        let b = try supervisedNMFRestore(magnitude: x, observed: mask, bases: data.bases(0..<4), options: options)
        #expect(a == b)
        var other = options; other.seed = 78
        let c = try supervisedNMFRestore(magnitude: x, observed: mask, bases: data.bases(0..<4), options: other)
        #expect(c.target != a.target)
        let t1 = try trainTargetBases(solo: x, options: NMFOptions(targetBases: 4, trainingIterations: 20, seed: 5))
        let t2 = try trainTargetBases(solo: x, options: NMFOptions(targetBases: 4, trainingIterations: 20, seed: 5))
        #expect(t1 == t2)
    }

    @Test(arguments: divergences)
    func degenerateInputsStayFinite(divergence: NMFDivergence) throws {
        let F = 16, T = 12
        let data = LowRankData(F: F, T: T, K: 4, seed: 41)
        var x = data.product(0..<4)
        for f in 0..<F { x[3 * F + f] = 0; x[7 * F + f] = 0 }  // two silent frames
        for t in 0..<T { x[t * F + 5] = 0 }                    // one silent frequency
        let options = NMFOptions(interfererBases: 2, iterations: 30, divergence: divergence, seed: 1)
        let bases = data.bases(0..<2)
        var mask = randomMask(count: F * T, missing: 0.3, seed: 42)
        for f in 0..<F { mask[9 * F + f] = 0 }                 // a frame the mask removed entirely
        let cases: [(String, [Double], [Double])] = [
            ("zero columns", x, mask),
            ("empty mask", x, [Double](repeating: 0, count: F * T)),
            ("zero input", [Double](repeating: 0, count: F * T), mask),
        ]
        for (name, values, m) in cases {
            let fit = try supervisedNMFRestore(magnitude: NonnegativeMatrix(frequencyCount: F, frameCount: T, values: values),
                                               observed: m, bases: bases, options: options)
            #expect(fit.target.values.allSatisfy { $0.isFinite && $0 >= 0 }, "\(name)")
            #expect(fit.interferer.values.allSatisfy { $0.isFinite && $0 >= 0 }, "\(name)")
            #expect(fit.objective.allSatisfy { $0.isFinite }, "\(name)")
            let stereo = (0..<2).map { _ in
                Spectrogram(frequencyCount: F, frameCount: T, real: values, imag: [Double](repeating: 0, count: F * T)) }
            let gain = try hybridTargetGain(mixture: stereo, targetMask: m, bases: bases, options: options)
            #expect(gain.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 }, "\(name)")
            if name != "zero columns" { #expect(gain.allSatisfy { $0 == 0 }, "\(name)") }
        }
        // A frame with no observed bin has no evidence: its activations, hence its target model, are 0.
        let fit = try supervisedNMFRestore(magnitude: NonnegativeMatrix(frequencyCount: F, frameCount: T, values: x),
                                           observed: mask, bases: bases, options: options)
        #expect(fit.target.values[(9 * F)..<(10 * F)].allSatisfy { $0 == 0 })
    }

    @Test func trainedBasesAreNormalisedAndFitTheSolo() throws {
        let data = LowRankData(F: 48, T: 60, K: 5, seed: 51)
        let solo = NonnegativeMatrix(frequencyCount: 48, frameCount: 60, values: data.product(0..<5))
        let bases = try trainTargetBases(solo: solo, options: NMFOptions(targetBases: 5, trainingIterations: 200, seed: 4))
        #expect(bases.count == 5 && bases.frequencyCount == 48 && bases.values.count == 240)
        #expect(bases.values.allSatisfy { $0 >= 0 && $0.isFinite })
        for k in 0..<5 {
            let norm = bases.basis(k).reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-12)
        }
        let objective = bases.trainingObjective
        #expect(objective.count == 201)
        #expect(objective.last! < 0.01 * objective.first!, "KL fell from \(objective.first!) to \(objective.last!)")
        // The learned bases explain the solo: refitting activations alone reproduces it.
        let refit = try supervisedNMFRestore(magnitude: solo, observed: [Double](repeating: 1, count: solo.values.count),
                                             bases: bases, options: NMFOptions(interfererBases: 0, iterations: 200))
        let err = zip(refit.target.values, solo.values).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let ref = solo.values.reduce(0.0) { $0 + $1 * $1 }
        #expect((err / ref).squareRoot() < 0.05)
    }

    @Test func silentSoloFramesAreSkippedAndSilentSoloThrows() throws {
        let data = LowRankData(F: 20, T: 10, K: 2, seed: 61)
        var padded = [Double](repeating: 0, count: 20 * 5)       // 5 silent frames first
        padded += data.product(0..<2)
        let options = NMFOptions(targetBases: 2, trainingIterations: 30, seed: 1)
        let a = try trainTargetBases(solo: NonnegativeMatrix(frequencyCount: 20, frameCount: 15, values: padded), options: options)
        let b = try trainTargetBases(solo: NonnegativeMatrix(frequencyCount: 20, frameCount: 10, values: data.product(0..<2)), options: options)
        #expect(a.values == b.values)
        #expect(throws: DirClustError.self) {
            try trainTargetBases(solo: NonnegativeMatrix(frequencyCount: 20, frameCount: 4), options: options)
        }
    }

    @Test func hybridGainSeparatesSameDirectionInterfererAndRestoresMaskedBins() throws {
        // Stereo scene in the STFT domain: target and a same-direction interferer in the centre, a third
        // source hard left. The oracle binary mask keeps the bins where the centre pair dominates.
        let F = 64, T = 80
        let data = LowRankData(F: F, T: T, K: 9, seed: 71)
        let target = data.product(0..<4), interferer = data.product(4..<6), left = data.product(6..<9)
        var random = SeededRandom(seed: 72)
        func phases() -> [Double] { (0..<(F * T)).map { _ in 2 * Double.pi * random.uniform() } }
        let (pt, pi, pl) = (phases(), phases(), phases())
        let g = 1 / 2.0.squareRoot()
        var channels = [Spectrogram(frequencyCount: F, frameCount: T), Spectrogram(frequencyCount: F, frameCount: T)]
        var targetRe = [Double](repeating: 0, count: F * T), targetIm = targetRe
        for i in 0..<(F * T) {
            targetRe[i] = g * target[i] * cos(pt[i]); targetIm[i] = g * target[i] * sin(pt[i])
            let cRe = targetRe[i] + g * interferer[i] * cos(pi[i]), cIm = targetIm[i] + g * interferer[i] * sin(pi[i])
            channels[0].real[i] = cRe + left[i] * cos(pl[i]); channels[0].imag[i] = cIm + left[i] * sin(pl[i])
            channels[1].real[i] = cRe; channels[1].imag[i] = cIm
        }
        let mask = (0..<(F * T)).map { target[$0] + interferer[$0] >= left[$0] ? 1.0 : 0.0 }
        let options = NMFOptions(interfererBases: 2, iterations: 300, seed: 3)
        let gain = try hybridTargetGain(mixture: channels, targetMask: mask, bases: data.bases(0..<4), options: options)
        #expect(gain.allSatisfy { $0 >= 0 && $0 <= 1 })
        // Error of the right-channel estimate (which holds only the centre pair) against the target image.
        func sdr(_ weights: [Double]) -> Double {
            var err = 0.0, ref = 0.0
            for i in 0..<(F * T) {
                let eRe = weights[i] * channels[1].real[i] - targetRe[i], eIm = weights[i] * channels[1].imag[i] - targetIm[i]
                err += eRe * eRe + eIm * eIm; ref += targetRe[i] * targetRe[i] + targetIm[i] * targetIm[i]
            }
            return 10 * log10(ref / err)
        }
        var observedOnly = options; observedOnly.restoreMissingBins = false
        let gainObserved = try hybridTargetGain(mixture: channels, targetMask: mask, bases: data.bases(0..<4), options: observedOnly)
        #expect(zip(gainObserved, mask).allSatisfy { $1 == 1 || $0 == 0 })
        let binary = sdr(mask), hybrid = sdr(gain), hybridObserved = sdr(gainObserved)
        #expect(hybridObserved > binary + 3, "binary mask \(binary) dB, hybrid on observed bins \(hybridObserved) dB")
        #expect(hybrid > hybridObserved + 0.5, "restoring the missing bins: \(hybridObserved) → \(hybrid) dB")
    }

    @Test func optionsDecodeWithDefaultsAndRejectBadFields() throws {
        let decoded = try JSONDecoder().decode(NMFOptions.self, from: Data(#"{"iterations": 7, "divergence": "beta=0.5"}"#.utf8))
        var expected = NMFOptions(); expected.iterations = 7; expected.divergence = .beta(0.5)
        #expect(decoded == expected)
        let roundTrip = try JSONDecoder().decode(NMFOptions.self, from: JSONEncoder().encode(expected))
        #expect(roundTrip == expected)
        #expect(NMFDivergence("kl") == .kullbackLeibler && NMFDivergence("euclidean") == .euclidean)
        #expect(NMFDivergence("beta:1.5") == .beta(1.5) && NMFDivergence("cosine") == nil)
        #expect(throws: DirClustError.self) {
            try JSONDecoder().decode(NMFOptions.self, from: Data(#"{"spectrogramPower": 3}"#.utf8))
        }
        #expect(throws: DirClustError.self) {
            try JSONDecoder().decode(NMFOptions.self, from: Data(#"{"divergence": "cosine"}"#.utf8))
        }
        let x = NonnegativeMatrix(frequencyCount: 4, frameCount: 3)
        let bases = NMFBases(frequencyCount: 4, count: 1, values: [1, 0, 0, 0], spectrogramPower: 1)
        #expect(throws: DirClustError.self) {
            try supervisedNMFRestore(magnitude: x, observed: [1, 1], bases: bases, options: NMFOptions())
        }
        let wrongSize = NMFBases(frequencyCount: 5, count: 1, values: [1, 0, 0, 0, 0], spectrogramPower: 1)
        #expect(throws: DirClustError.self) {
            try supervisedNMFRestore(magnitude: x, observed: [Double](repeating: 1, count: 12), bases: wrongSize, options: NMFOptions())
        }
    }
}
