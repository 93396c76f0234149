import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// Random test signal in [−1, 1) from the project RNG.
func randomSignal(_ count: Int, seed: UInt64) -> [Double] {
    var rng = SeededRandom(seed: seed)
    return (0..<count).map { _ in 2 * rng.uniform() - 1 }
}

func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    var m = 0.0
    for i in a.indices { m = max(m, abs(a[i] - b[i])) }
    return m
}

@Suite struct STFTTests {
    /// (N, H, L): powers of two and not, odd N, odd L, H from N/2 down to 1-sample-ish steps.
    static let shapes: [(Int, Int, Int)] = [
        (2048, 512, 16000), (2048, 1024, 16001), (1024, 256, 9999), (1000, 250, 12345),
        (513, 128, 7777), (257, 100, 3001), (64, 32, 1000), (64, 7, 999), (16, 8, 5), (8, 4, 1),
    ]

    @Test(arguments: [WindowKind.hann, .sqrtHann])
    func perfectReconstruction(window: WindowKind) throws {
        for (i, (n, h, l)) in Self.shapes.enumerated() {
            let stft = try STFT(STFTConfig(frameLength: n, hop: h, window: window))
            let x = randomSignal(l, seed: UInt64(100 + i))
            let spec = stft.forward(x)
            #expect(spec.frequencyCount == n / 2 + 1)
            #expect(spec.frameCount == 1 + l / h)
            let y = stft.inverse(spec, length: l)
            let err = maxAbsDifference(x, y)
            #expect(err < 1e-9, "N=\(n) H=\(h) L=\(l) \(window): max error \(err)")
        }
    }

    /// X(f,t) = Σ_m w[m] x_p[tH + m] e^{−2πi fm/N} computed naively, against FFTW, on a few frames
    /// (first, interior, last — the first and last include the zero padding).
    @Test func forwardMatchesDirectDFT() throws {
        for (n, h, l) in [(64, 16, 500), (45, 20, 301), (256, 128, 1000)] {
            let stft = try STFT(STFTConfig(frameLength: n, hop: h, window: .hann))
            let x = randomSignal(l, seed: UInt64(n))
            let spec = stft.forward(x)
            let w = WindowKind.hann.coefficients(length: n)
            let pad = n / 2
            for t in [0, 1, spec.frameCount / 2, spec.frameCount - 1] {
                var worst = 0.0
                for f in 0..<spec.frequencyCount {
                    var re = 0.0, im = 0.0
                    for m in 0..<n {
                        let idx = t * h + m - pad
                        let v = (idx >= 0 && idx < l) ? w[m] * x[idx] : 0
                        let a = -2 * Double.pi * Double(f * m % n) / Double(n)
                        re += v * cos(a)
                        im += v * sin(a)
                    }
                    let k = spec.index(frequency: f, frame: t)
                    worst = max(worst, abs(spec.real[k] - re), abs(spec.imag[k] - im))
                }
                #expect(worst < 1e-9, "N=\(n) H=\(h) frame \(t): max deviation \(worst)")
            }
        }
    }

    @Test func realFFTRoundTripAndKnownValues() throws {
        // DFT of a unit impulse at m0 is e^{−2πi k m0/N}; of a constant c is N·c at k = 0 only.
        let fft = try RealFFT(size: 12)
        var impulse = [Double](repeating: 0, count: 12)
        impulse[3] = 1
        let (re, im) = fft.forward(impulse)
        for k in 0..<fft.frequencyCount {
            let a = -2 * Double.pi * Double(3 * k) / 12
            #expect(abs(re[k] - cos(a)) < 1e-14 && abs(im[k] - sin(a)) < 1e-14)
        }
        let (cre, cim) = fft.forward([Double](repeating: 0.5, count: 12))
        #expect(abs(cre[0] - 6) < 1e-14)
        #expect(cre.dropFirst().allSatisfy { abs($0) < 1e-14 } && cim.allSatisfy { abs($0) < 1e-14 })
        let x = randomSignal(12, seed: 9)
        #expect(maxAbsDifference(fft.inverse(real: re, imag: im), impulse) < 1e-14)
        let (xr, xi) = fft.forward(x)
        #expect(maxAbsDifference(fft.inverse(real: xr, imag: xi), x) < 1e-14)
    }

    /// The periodic Hann window: w[0] = 0, w[N/2] = 1, and shifted copies at H = N/4 sum to 2 exactly
    /// (Σ w = 1.5 for squares); sqrtHann squares to Hann.
    @Test func windows() {
        let n = 16
        let w = WindowKind.hann.coefficients(length: n)
        #expect(w[0] == 0 && abs(w[n / 2] - 1) < 1e-15)
        for m in 0..<n / 4 {
            let sum = w[m] + w[m + 4] + w[m + 8] + w[m + 12]
            let sumSq = w[m] * w[m] + w[m + 4] * w[m + 4] + w[m + 8] * w[m + 8] + w[m + 12] * w[m + 12]
            #expect(abs(sum - 2) < 1e-14 && abs(sumSq - 1.5) < 1e-14)
        }
        let s = WindowKind.sqrtHann.coefficients(length: n)
        #expect(maxAbsDifference(s.map { $0 * $0 }, w) < 1e-15)
    }

    @Test func stereoRoundTripThroughAudioBuffer() throws {
        let stft = try STFT()
        let audio = AudioBuffer(sampleRate: 16000,
                                channels: [randomSignal(20000, seed: 1), randomSignal(20000, seed: 2)])
        let specs = stft.forward(audio)
        #expect(specs.count == 2)
        let back = stft.inverse(specs, length: audio.frameCount, sampleRate: audio.sampleRate)
        #expect(back.sampleRate == 16000 && back.channelCount == 2)
        #expect(maxAbsDifference(back.channels[0], audio.channels[0]) < 1e-9)
        #expect(maxAbsDifference(back.channels[1], audio.channels[1]) < 1e-9)
    }

    @Test func invalidConfigsThrowNamingTheField() {
        for (n, h, field) in [(1, 1, "frameLength"), (0, 1, "frameLength"), (64, 0, "hop"), (64, 65, "hop"),
                                (64, 33, "hop"), (2048, 1025, "hop"), (2048, 1536, "hop"), (2048, 2048, "hop")] {
            do {
                _ = try STFT(STFTConfig(frameLength: n, hop: h))
                Issue.record("N=\(n) H=\(h) accepted")
            } catch let e as DirClustError {
                #expect(e.message.contains(field), "\(e.message)")
            } catch { Issue.record("unexpected error \(error)") }
        }
    }

    /// Issue 17 item 1: every accepted (N, H, window) reconstructs masked spectrograms — the clusters of a
    /// random binary partition of the bins sum to the input, and none is louder than a few times the input
    /// (at H = 1536 > N/2 they came back 10⁴ times louder) — and H = ⌊N/2⌋ + 1 is refused naming the limit.
    @Test(arguments: [WindowKind.hann, .sqrtHann])
    func maskedClustersSumToTheInputForEveryAcceptedHop(window: WindowKind) throws {
        var rng = SeededRandom(seed: 17)
        for n in [16, 65, 256, 2048] {
            let hops = Set([1, n / 8, n / 4, n / 3, n / 2 - 1, n / 2].filter { $0 >= 1 }).sorted()
            for h in hops {
                let stft = try STFT(STFTConfig(frameLength: n, hop: h, window: window))
                let l = 3 * n + 7
                let x = randomSignal(l, seed: UInt64(n * 1000 + h))
                let spec = stft.forward(x)
                let owner = (0..<spec.real.count).map { _ in Int(rng.uniform() * 3) }
                var sum = [Double](repeating: 0, count: l)
                for k in 0..<3 {
                    var masked = spec
                    for i in owner.indices where owner[i] != k { masked.real[i] = 0; masked.imag[i] = 0 }
                    let y = stft.inverse(masked, length: l)
                    let peak = y.map(abs).max() ?? 0
                    #expect(peak < 10, "N=\(n) H=\(h) \(window): cluster \(k) peaks at \(peak) for an input within ±1")
                    for i in 0..<l { sum[i] += y[i] }
                }
                #expect(maxAbsDifference(sum, x) < 1e-9, "N=\(n) H=\(h) \(window)")
            }
            #expect(throws: DirClustError.self) { try STFT(STFTConfig(frameLength: n, hop: n / 2 + 1, window: window)) }
        }
        do {
            _ = try STFT(STFTConfig(frameLength: 2048, hop: 1536, window: window))
        } catch let e as DirClustError {
            #expect(e.message.contains("stft.hop is 1536") && e.message.contains("1024"), "\(e.message)")
        }
    }

    @Test func configDecodesWithDefaults() throws {
        let c = try JSONDecoder().decode(STFTConfig.self, from: Data(#"{"hop": 256}"#.utf8))
        #expect(c == STFTConfig(frameLength: 2048, hop: 256, window: .hann))
        let d = try JSONDecoder().decode(STFTConfig.self, from: Data(#"{"frameLength":1024,"window":"sqrtHann"}"#.utf8))
        #expect(d == STFTConfig(frameLength: 1024, hop: 512, window: .sqrtHann))
        let round = try JSONDecoder().decode(STFTConfig.self, from: JSONEncoder().encode(d))
        #expect(round == d)
    }

    /// Two tasks running forward+inverse at once on one shared STFT (and a second STFT of another size
    /// planned concurrently) give bit-identical results to a serial run.
    @Test func concurrentUseMatchesSerial() async throws {
        let stft = try STFT(STFTConfig(frameLength: 1024, hop: 256))
        let signals = (0..<4).map { randomSignal(30000, seed: UInt64(50 + $0)) }
        let serial = signals.map { stft.inverse(stft.forward($0), length: $0.count) }
        let serialSpecs = signals.map { stft.forward($0) }
        let parallel = await withTaskGroup(of: (Int, Spectrogram, [Double]).self) { group in
            for (i, x) in signals.enumerated() {
                group.addTask {
                    // New sizes are planned while other tasks execute: the planner lock is exercised.
                    let other = try! STFT(STFTConfig(frameLength: 600 + 2 * i, hop: 150))
                    _ = other.inverse(other.forward(x), length: x.count)
                    let s = stft.forward(x)
                    return (i, s, stft.inverse(s, length: x.count))
                }
            }
            var out = [(Int, Spectrogram, [Double])]()
            for await r in group { out.append(r) }
            return out.sorted { $0.0 < $1.0 }
        }
        for (i, spec, y) in parallel {
            #expect(spec == serialSpecs[i])
            #expect(y == serial[i])
        }
    }

    /// Same input, two fresh STFT objects: identical bytes (FFTW_ESTIMATE plans are reproducible).
    @Test func deterministic() throws {
        let x = randomSignal(16000, seed: 77)
        let a = try STFT().forward(x)
        let b = try STFT().forward(x)
        #expect(a == b)
        let bitsA = a.real.map(\.bitPattern) + a.imag.map(\.bitPattern)
        let bitsB = b.real.map(\.bitPattern) + b.imag.map(\.bitPattern)
        #expect(bitsA == bitsB)
        #expect(try STFT().inverse(a, length: x.count).map(\.bitPattern)
                == STFT().inverse(b, length: x.count).map(\.bitPattern))
    }

    @Test func emptyAndShortSignals() throws {
        let stft = try STFT(STFTConfig(frameLength: 64, hop: 16))
        let empty = stft.forward([])
        #expect(empty.frameCount == 1 && empty.real.allSatisfy { $0 == 0 })
        #expect(stft.inverse(empty, length: 0).isEmpty)
        let one = stft.forward([0.25])
        #expect(abs(stft.inverse(one, length: 1)[0] - 0.25) < 1e-15)
    }
}
