import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// A test source: a few harmonic partials plus a little noise, with digital silence in [silentFrom, silentTo).
private func toySource(length: Int, sampleRate: Double, f0: Double, seed: UInt64,
                       silentFrom: Int = 0, silentTo: Int = 0) -> [Double] {
    var rng = SeededRandom(seed: seed)
    return (0..<length).map { i in
        if i >= silentFrom && i < silentTo { return 0 }
        let t = Double(i) / sampleRate
        var v = 0.0
        for h in 1...4 { v += sin(2 * Double.pi * f0 * Double(h) * t) / Double(h) }
        return v + 0.01 * (2 * rng.uniform() - 1)
    }
}

/// Constant-power panning: image = (cos φ · s, sin φ · s).
private func pan(_ s: [Double], degrees: Double) -> [[Double]] {
    let phi = degrees * Double.pi / 180
    return [s.map { cos(phi) * $0 }, s.map { sin(phi) * $0 }]
}

private func snrDB(reference: [Double], estimate: [Double]) -> Double {
    var signal = 0.0, error = 0.0
    for i in reference.indices {
        signal += reference[i] * reference[i]
        error += (reference[i] - estimate[i]) * (reference[i] - estimate[i])
    }
    return 10 * log10(signal / error)
}

@Suite struct SeparationTests {
    /// A single source panned at φ gives θ_ft = φ on every active bin; the silent stretch is inactive.
    @Test(arguments: [0.0, 5.0, 20.0, 45.0, 60.0, 85.0, 90.0])
    func pannedSourceGivesItsAngle(degrees: Double) throws {
        let stft = try STFT(STFTConfig(frameLength: 1024, hop: 256))
        let s = toySource(length: 16000, sampleRate: 16000, f0: 220, seed: 3, silentFrom: 6000, silentTo: 10000)
        let image = pan(s, degrees: degrees)
        let specs = stft.forward(AudioBuffer(sampleRate: 16000, channels: image))
        let feature = try directionFeature(specs, weighting: .none)
        let phi = degrees * Double.pi / 180
        #expect(feature.activeBins.count > feature.binCount / 2)
        var worst = 0.0
        for θ in feature.activeTheta() { worst = max(worst, abs(θ - phi)) }
        #expect(worst < 1e-9, "φ = \(degrees)°: max |θ − φ| = \(worst)")
        // Frames lying wholly inside the digital silence (padded frame t covers samples tH − N/2 … tH + N/2 − 1).
        let active = Set(feature.activeBins)
        var silentChecked = 0
        for t in 0..<feature.frameCount where t * 256 - 512 >= 6000 && t * 256 + 512 <= 10000 {
            for f in 0..<feature.frequencyCount {
                #expect(!active.contains(t * feature.frequencyCount + f))
                #expect(feature.weight[t * feature.frequencyCount + f] == 0)
                silentChecked += 1
            }
        }
        #expect(silentChecked >= 10 * 513)
        #expect(feature.activeWeights().allSatisfy { $0 == 1 })
    }

    @Test func weightsAndThreshold() throws {
        let stft = try STFT(STFTConfig(frameLength: 512, hop: 128))
        let s = toySource(length: 8000, sampleRate: 16000, f0: 300, seed: 4)
        let specs = stft.forward(AudioBuffer(sampleRate: 16000, channels: pan(s, degrees: 30)))
        let power = directionFeature(left: specs[0], right: specs[1], weighting: .power)
        let pl = specs[0].power(), pr = specs[1].power()
        let maxP = zip(pl, pr).map(+).max()!
        for n in power.activeBins {
            #expect(abs(power.weight[n] - (pl[n] + pr[n])) <= 1e-12 * (pl[n] + pr[n]))
            #expect(pl[n] + pr[n] >= maxP * 1e-8)
        }
        // Bins below −80 dB are inactive; a looser threshold keeps more, −∞ keeps every non-zero bin.
        let inactive = Set(0..<power.binCount).subtracting(power.activeBins)
        #expect(inactive.allSatisfy { pl[$0] + pr[$0] < maxP * 1e-8 })
        let strict = directionFeature(left: specs[0], right: specs[1], weighting: .none, silenceThresholdDB: -30)
        let all = directionFeature(left: specs[0], right: specs[1], weighting: .none, silenceThresholdDB: -.infinity)
        #expect(strict.activeBins.count < power.activeBins.count)
        #expect(all.activeBins.count == zip(pl, pr).filter { $0 + $1 > 0 }.count)
        #expect(throws: DirClustError.self) { try directionFeature([specs[0]], weighting: .none) }
    }

    /// Exact zeros, NaN and silence: never active, always mask 0, no NaN in θ.
    @Test func silentAndNonFiniteBinsAreInactiveAndMaskedOut() {
        var left = Spectrogram(frequencyCount: 3, frameCount: 2)
        var right = Spectrogram(frequencyCount: 3, frameCount: 2)
        left.real = [1, 0, 0.5, .nan, 0, 1e-6]
        right.real = [1, 0, 0.5, 1, 0, 0]
        right.imag = [0, 0, 0.5, 0, 0, 0]
        let feature = directionFeature(left: left, right: right, weighting: .power)
        #expect(feature.activeBins == [0, 2])   // 1e-6 is −120 dB re the max: inactive
        #expect(feature.theta.allSatisfy { $0.isFinite })
        #expect(abs(feature.theta[0] - Double.pi / 4) < 1e-15)
        #expect(abs(feature.theta[2] - atan2(0.5.squareRoot() * 1, 0.5)) < 1e-15)
        for kind in MaskKind.allCases {
            let masks = clusterMasks(posteriors: [0.3, 0.7, 0.9, 0.1], componentCount: 2, feature: feature, kind: kind)
            for n in [1, 3, 4, 5] { #expect(masks[0][n] == 0 && masks[1][n] == 0) }
        }
    }

    @Test func masksPartitionTheActiveBins() {
        var rng = SeededRandom(seed: 11)
        let fCount = 9, tCount = 7, k = 4
        var left = Spectrogram(frequencyCount: fCount, frameCount: tCount)
        var right = left
        for n in 0..<left.binCount where n % 5 != 0 {   // every 5th bin silent
            left.real[n] = rng.gaussian(); right.imag[n] = rng.gaussian()
        }
        let feature = directionFeature(left: left, right: right, weighting: .none, silenceThresholdDB: -.infinity)
        #expect(feature.activeBins.count == left.binCount - (left.binCount + 4) / 5)
        var posteriors = [Double]()
        for _ in feature.activeBins {
            let row = (0..<k).map { _ in rng.uniform() + 1e-3 }
            let s = row.reduce(0, +)
            posteriors += row.map { $0 / s }
        }
        posteriors[5] = .nan   // one corrupt entry (active bin 1, component 1)
        let soft = clusterMasks(posteriors: posteriors, componentCount: k, feature: feature, kind: .soft)
        let binary = clusterMasks(posteriors: posteriors, componentCount: k, feature: feature, kind: .binary)
        #expect(soft.count == k && soft.allSatisfy { $0.count == left.binCount })
        for (i, n) in feature.activeBins.enumerated() {
            let total = (0..<k).reduce(0.0) { $0 + soft[$1][n] }
            if i != 1 { #expect(abs(total - 1) < 1e-12) } else { #expect(total < 1 && total > 0) }
            let ones = (0..<k).filter { binary[$0][n] == 1 }
            #expect(ones.count == 1)
            #expect((0..<k).allSatisfy { binary[$0][n] == 0 || binary[$0][n] == 1 })
            let row = (0..<k).map { posteriors[i * k + $0] }.map { $0.isFinite ? $0 : -1 }
            #expect(ones.first == row.indices.max { row[$0] < row[$1] })
        }
        for n in stride(from: 0, to: left.binCount, by: 5) {
            #expect((0..<k).allSatisfy { soft[$0][n] == 0 && binary[$0][n] == 0 })
        }
        #expect(soft.allSatisfy { $0.allSatisfy(\.isFinite) })
        // Union of two binary masks = bins whose MAP cluster is 0 or 2.
        let union = combineMasks(binary, selecting: [2, 0, 2])
        for n in 0..<left.binCount { #expect(union[n] == max(binary[0][n], binary[2][n])) }
        let allSoft = combineMasks(soft, selecting: Array(0..<k))
        #expect(allSoft.allSatisfy { $0 <= 1 })
    }

    @Test func selection() throws {
        let deg = Double.pi / 180
        let means = [10 * deg, 44 * deg, 47 * deg, 80 * deg, .nan, 40 * deg]
        #expect(selectClusters(means: means, targetDirectionDeg: 45, selection: .nearest) == [1])
        #expect(selectClusters(means: means, targetDirectionDeg: 46, selection: .nearest) == [2])
        #expect(selectClusters(means: means, targetDirectionDeg: 45, selection: .merge(deltaDeg: 3)) == [1, 2])
        #expect(selectClusters(means: means, targetDirectionDeg: 45, selection: .merge(deltaDeg: 5)) == [1, 2, 5])
        #expect(selectClusters(means: means, targetDirectionDeg: 60, selection: .merge(deltaDeg: 5)) == [2])
        #expect(selectClusters(means: means, targetDirectionDeg: 45, selection: .oracle) == [1, 2, 5, 0, 3])
        #expect(selectClusters(means: [], targetDirectionDeg: 45, selection: .nearest).isEmpty)
        // Equal distance: the lower index wins.
        #expect(selectClusters(means: [40 * deg, 50 * deg], targetDirectionDeg: 45, selection: .nearest) == [0])

        for (text, value) in [("nearest", TargetSelection.nearest), ("oracle", .oracle),
                              ("merge:10", .merge(deltaDeg: 10)), ("merge:2.5", .merge(deltaDeg: 2.5))] {
            #expect(try TargetSelection(parsing: text) == value)
            #expect(value.description == text)
            let json = try JSONEncoder().encode([value])
            #expect(String(decoding: json, as: UTF8.self) == "[\"\(text)\"]")
            #expect(try JSONDecoder().decode([TargetSelection].self, from: json) == [value])
        }
        for bad in ["near", "merge", "merge:-1", "merge:x", ""] {
            #expect(throws: DirClustError.self) { try TargetSelection(parsing: bad) }
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(TargetSelection.self, from: Data("\"merge:\"".utf8)) }
    }

    /// Two sources with disjoint spectra at 20° and 70° plus weak noise: the ideal binary mask of each keeps
    /// its own partials, and mask · mixture inverted recovers that source's image to > 25 dB SNR.
    @Test func idealBinaryMaskRecoversTheDominantSource() throws {
        let rate = 16000.0, length = 16000
        let stft = try STFT(STFTConfig(frameLength: 1024, hop: 256))
        let a = toySource(length: length, sampleRate: rate, f0: 200, seed: 1).map { $0 * 0.8 }
        let b = toySource(length: length, sampleRate: rate, f0: 1130, seed: 2)
        let images = [pan(a, degrees: 20), pan(b, degrees: 70)]
        var rng = SeededRandom(seed: 5)
        let noise = (0..<2).map { _ in (0..<length).map { _ in 1e-3 * rng.gaussian() } }
        var mixture = noise
        for c in 0..<2 {
            for i in 0..<length { mixture[c][i] += images[0][c][i] + images[1][c][i] }
        }
        let imageSpecs = images.map { stft.forward(AudioBuffer(sampleRate: 16000, channels: $0)) }
        let noiseSpecs = stft.forward(AudioBuffer(sampleRate: 16000, channels: noise))
        let mixSpecs = stft.forward(AudioBuffer(sampleRate: 16000, channels: mixture))
        let fCount = stft.frequencyCount
        for target in 0..<2 {
            let mask = idealBinaryMask(target: target, imageSpectrograms: imageSpecs, noise: noiseSpecs)
            #expect(mask.allSatisfy { $0 == 0 || $0 == 1 })
            // Frame 20, the fundamental's bin of each source: 200 Hz → bin 12.8, 1130 Hz → bin 72.3.
            let own = target == 0 ? 13 : 72, other = target == 0 ? 72 : 13
            #expect(mask[20 * fCount + own] == 1 && mask[20 * fCount + other] == 0)
            let estimate = applyMask(mask, to: mixSpecs, stft: stft, length: length, sampleRate: 16000)
            for c in 0..<2 {
                let snr = snrDB(reference: images[target][c], estimate: estimate.channels[c])
                #expect(snr > 25, "source \(target) channel \(c): SNR \(snr) dB")
            }
        }
        // Without noise the masks of the two sources never both claim a bin (|A|² > |B|² excludes the
        // converse) and each keeps its own partials.
        let quietA = idealBinaryMask(target: 0, imageSpectrograms: imageSpecs, noise: nil)
        let quietB = idealBinaryMask(target: 1, imageSpectrograms: imageSpecs, noise: nil)
        #expect(zip(quietA, quietB).allSatisfy { $0 + $1 <= 1 })
        #expect(quietA[20 * fCount + 13] == 1 && quietA[20 * fCount + 72] == 0)
        #expect(quietB[20 * fCount + 72] == 1 && quietB[20 * fCount + 13] == 0)
    }

    /// The whole mask path on a toy scene: θ feature → (hand-made) nearest-mean posteriors → binary
    /// masks → nearest selection → masked inversion recovers the source panned nearest the target.
    @Test func directionalMaskingSeparatesTwoPannedSources() throws {
        let rate = 16000.0, length = 24000
        let stft = try STFT()
        let a = toySource(length: length, sampleRate: rate, f0: 261.6, seed: 7)
        let b = toySource(length: length, sampleRate: rate, f0: 1480, seed: 8)
        let images = [pan(a, degrees: 45), pan(b, degrees: 15)]
        let mixture: [[Double]] = (0..<2).map { c in zip(images[0][c], images[1][c]).map { $0 + $1 } }
        let specs = stft.forward(AudioBuffer(sampleRate: 16000, channels: mixture))
        let feature = try directionFeature(specs, weighting: .power)
        let means = [15.0, 45.0, 80.0].map { $0 * Double.pi / 180 }
        var posteriors = [Double]()
        for θ in feature.activeTheta() {
            let d = means.map { abs($0 - θ) }
            let best = d.indices.min { d[$0] < d[$1] }!
            posteriors += means.indices.map { $0 == best ? 1 : 0 }
        }
        let masks = clusterMasks(posteriors: posteriors, componentCount: 3, feature: feature, kind: .binary)
        let chosen = selectClusters(means: means, targetDirectionDeg: 45, selection: .nearest)
        #expect(chosen == [1])
        let estimate = applyMask(combineMasks(masks, selecting: chosen), to: specs, stft: stft,
                                 length: length, sampleRate: 16000)
        #expect(estimate.sampleRate == 16000 && estimate.frameCount == length)
        for c in 0..<2 {
            let snr = snrDB(reference: images[0][c], estimate: estimate.channels[c])
            #expect(snr > 20, "channel \(c): SNR \(snr) dB")
        }
        // All-ones mask gives back the mixture; the all-zero mask silence.
        let ones = applyMask([Double](repeating: 1, count: feature.binCount), to: specs, stft: stft,
                             length: length, sampleRate: 16000)
        #expect(maxAbsDifference(ones.channels[0], mixture[0]) < 1e-9)
        let zeros = applyMask([Double](repeating: 0, count: feature.binCount), to: specs, stft: stft,
                              length: length, sampleRate: 16000)
        #expect(zeros.channels.allSatisfy { $0.allSatisfy { $0 == 0 } })
    }

    @Test func featureIsDeterministic() throws {
        let stft = try STFT()
        let s = toySource(length: 20000, sampleRate: 16000, f0: 440, seed: 9)
        let specs = stft.forward(AudioBuffer(sampleRate: 16000, channels: pan(s, degrees: 33)))
        let f1 = directionFeature(left: specs[0], right: specs[1], weighting: .power)
        let f2 = directionFeature(left: specs[0], right: specs[1], weighting: .power)
        #expect(f1.theta.map(\.bitPattern) == f2.theta.map(\.bitPattern))
        #expect(f1.weight.map(\.bitPattern) == f2.weight.map(\.bitPattern) && f1.activeBins == f2.activeBins)
    }
}
