import DirClust
import Foundation

/// Hybrid-stage throughput: seconds of `hybridTargetGain` (supervised NMF with restoration + gain) per
/// 10 s stereo excerpt at 16 kHz with the default STFT (N = 2048, H = 512) and the default NMF options,
/// and of `trainTargetBases` on a 10 s solo; best of 3 runs. The signals are synthetic harmonic notes
/// (a centre target, a centre interferer of another timbre, a hard-left third part); the target mask keeps
/// the bins where the centre pair dominates.
func benchNMF() throws {
    let rate = 16_000, length = 10 * rate
    let stft = try STFT()
    let options = NMFOptions()
    let target = harmonicPart(pitches: [60, 64, 67, 72, 67, 64, 62, 60], rolloff: 1.0, length: length, rate: rate, seed: 1)
    let interferer = harmonicPart(pitches: [48, 52, 55, 53, 50, 55, 43, 48], rolloff: 2.0, length: length, rate: rate, seed: 2)
    let left = harmonicPart(pitches: [72, 76, 79, 77, 74, 79, 71, 72], rolloff: 1.5, length: length, rate: rate, seed: 3)
    let solo = harmonicPart(pitches: [57, 59, 61, 62, 64, 66, 68, 69], rolloff: 1.0, length: length, rate: rate, seed: 4)
    let g = 1 / 2.0.squareRoot()
    let centre = (0..<length).map { g * (target[$0] + interferer[$0]) }
    let mixture = AudioBuffer(sampleRate: rate, channels: [
        (0..<length).map { centre[$0] + left[$0] }, centre,
    ])
    let mixtureSTFT = stft.forward(mixture)
    let leftSTFT = stft.forward(left), centreSTFT = stft.forward(centre)
    let mask = (0..<leftSTFT.binCount).map { i -> Double in
        let c = centreSTFT.real[i] * centreSTFT.real[i] + centreSTFT.imag[i] * centreSTFT.imag[i]
        let l = leftSTFT.real[i] * leftSTFT.real[i] + leftSTFT.imag[i] * leftSTFT.imag[i]
        return c >= l ? 1 : 0
    }
    let soloSTFT = [stft.forward(solo)]

    var bases: NMFBases?
    let train = try bestOf3 { bases = try trainTargetBases(solo: soloSTFT, options: options) }
    var restoration: NMFRestoration?, gainValues: [Double] = []
    let gain = try bestOf3 {
        let (magnitude, fit) = try restoreTargetCluster(mixture: mixtureSTFT, targetMask: mask, bases: bases!, options: options)
        gainValues = try hybridTargetGain(mixtureMagnitude: magnitude, restoration: fit, targetMask: mask, options: options)
        restoration = fit
    }
    let shape = "F=\(stft.frequencyCount) T=\(mixtureSTFT[0].frameCount), K_t=\(options.targetBases) K_i=\(options.interfererBases), "
        + "\(options.divergence), \(options.iterations) it"
    print("nmf   hybrid gain per 10 s stereo excerpt @ \(rate) Hz (\(shape)): "
        + "\(String(format: "%.2f", gain.wall)) s (CPU \(String(format: "%.2f", gain.cpu)) s)")
    print("nmf   target-basis training on a 10 s solo (\(options.trainingIterations) it): "
        + "\(String(format: "%.2f", train.wall)) s (CPU \(String(format: "%.2f", train.cpu)) s)")
    // The bits of every output, so that a kernel change can be checked for bit-identical results.
    let observed = mask.reduce(0, +) / Double(mask.count)
    let bits = fingerprint([bases!.values, bases!.trainingObjective, restoration!.target.values,
                            restoration!.interferer.values, restoration!.objective, gainValues])
    print("nmf   fingerprint \(String(bits, radix: 16)) (observed bins \(String(format: "%.2f", observed)), "
        + "objective \(restoration!.objective.first!) → \(restoration!.objective.last!))")
}

/// FNV-1a over the bit patterns of the values, in order.
private func fingerprint(_ arrays: [[Double]]) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for array in arrays { for v in array { hash = (hash ^ v.bitPattern) &* 0x100_0000_01b3 } }
    return hash
}

/// Best wall-clock and best CPU seconds of three runs (CPU time is the fairer figure on a shared machine).
private func bestOf3(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    var wall = Double.infinity, cpu = Double.infinity
    for _ in 0..<3 {
        let start = Date(), cpuStart = clock()
        try body()
        cpu = min(cpu, Double(clock() - cpuStart) / Double(CLOCKS_PER_SEC))
        wall = min(wall, Date().timeIntervalSince(start))
    }
    return (wall, cpu)
}

/// Eight one-second-ish notes (MIDI pitches) of a harmonic tone with partial amplitudes 1/h^rolloff and
/// an exponential decay, slightly randomised per seed.
private func harmonicPart(pitches: [Int], rolloff: Double, length: Int, rate: Int, seed: UInt64) -> [Double] {
    var random = SeededRandom(seed: seed)
    var out = [Double](repeating: 0, count: length)
    let noteLength = length / pitches.count
    for (n, pitch) in pitches.enumerated() {
        let f0 = 440 * pow(2, Double(pitch - 69) / 12)
        let phase0 = random.uniform()
        for h in 1...12 where Double(h) * f0 < Double(rate) / 2 {
            let amplitude = 0.2 / pow(Double(h), rolloff)
            let w = 2 * Double.pi * Double(h) * f0 / Double(rate)
            for i in 0..<noteLength {
                let decay = exp(-3 * Double(i) / Double(noteLength))
                out[n * noteLength + i] += amplitude * decay * sin(w * Double(i) + 2 * Double.pi * phase0 * Double(h))
            }
        }
    }
    return out
}
