/// STFT parameters, in samples.
///
/// Default: N = 2048, H = 512 (¼ overlap step), periodic Hann. At 16 kHz that is a 128 ms frame with
/// 7.8 Hz bins and a 32 ms step: long enough that the harmonics of sustained instrument notes fall in
/// separate bins (W-disjoint orthogonality of music improves with frequency resolution), short enough
/// for note onsets at chorale tempo. The paper does not state its STFT; this is a config field.
public struct STFTConfig: Codable, Sendable, Hashable {
    /// N: samples per frame = DFT length (any N ≥ 2; a power of two is not required, only faster).
    public var frameLength: Int
    /// H: samples between successive frames, 1 ≤ H ≤ ⌊N/2⌋ (see `validate`).
    public var hop: Int
    /// The analysis (and synthesis) window.
    public var window: WindowKind

    public init(frameLength: Int = 2048, hop: Int = 512, window: WindowKind = .hann) {
        self.frameLength = frameLength
        self.hop = hop
        self.window = window
    }

    public static let `default` = STFTConfig()

    /// Decodes with every field optional (missing fields take the defaults above).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = STFTConfig()
        frameLength = try c.decodeIfPresent(Int.self, forKey: .frameLength) ?? d.frameLength
        hop = try c.decodeIfPresent(Int.self, forKey: .hop) ?? d.hop
        window = try c.decodeIfPresent(WindowKind.self, forKey: .window) ?? d.window
    }

    /// The largest hop accepted, ⌊N/2⌋: every sample then lies in at least two frames (and the last
    /// frame, centred on (T−1)H ≥ L − H, reaches past the end), and the least-squares denominator
    /// D[n] = Σ_t w²[n − tH] stays bounded away from 0 — for both windows D ≥ ½ at H = N/2 (Hann:
    /// sin⁴ + cos⁴ ≥ ½; √Hann: sin² + cos² = 1) and only grows as H shrinks. Beyond N/2, D falls towards
    /// 0 between frame centres (exactly 0 at H = N, where w[0] = 0), and a masked spectrogram's inverse
    /// divides by it: the clusters came back 10⁴ times louder than the input.
    public var maxHop: Int { frameLength / 2 }

    /// Throws a `DirClustError` naming the field if N ∉ [2, 2²⁰] or H ∉ [1, ⌊N/2⌋].
    public func validate() throws {
        guard frameLength >= 2, frameLength <= 1 << 20 else {
            throw DirClustError("stft.frameLength is \(frameLength); expected an integer in 2 … \(1 << 20).")
        }
        guard hop >= 1, hop <= maxHop else {
            throw DirClustError("stft.hop is \(hop); expected an integer in 1 … frameLength/2 (\(maxHop) for frameLength \(frameLength)): a larger hop leaves samples that no two frames cover, which the inverse STFT cannot reconstruct from masked spectrograms.")
        }
    }

    /// N/2 + 1 frequency bins, f = 0 … N/2 (bin f is at f·sampleRate/N Hz).
    public var frequencyCount: Int { frameLength / 2 + 1 }

    /// Frames for a signal of L samples: T = 1 + ⌊L/H⌋ (centre padding of ⌊N/2⌋ on each side).
    public func frameCount(signalLength: Int) -> Int { 1 + signalLength / hop }
}

/// Short-time Fourier transform and its least-squares inverse (FFTW r2c / c2r).
///
/// Forward, with the signal zero-padded by P = ⌊N/2⌋ samples on each side (x_p[n] = x[n − P]) so that
/// frame t is centred on sample tH and every sample lies well inside some frame:
///
///   X(f, t) = Σ_{m=0}^{N−1} w[m] x_p[tH + m] e^{−2πi fm/N},   f = 0 … N/2,  t = 0 … T−1.
///
/// Inverse (Griffin & Lim 1984, the least-squares signal whose STFT is nearest Y):
///
///   y_p[n] = Σ_t w[n − tH] IDFT(Y(·, t))[n − tH] / Σ_t w²[n − tH],   y[n] = y_p[n + P],
///
/// which returns x exactly when Y = STFT(x) (perfect reconstruction); `STFTConfig.validate` keeps
/// H ≤ N/2 so that the denominator is ≥ ½ at every sample.
///
/// Plans are cached process-wide (see `RealFFT`); every call uses its own scratch, so one `STFT` may be
/// used from many tasks at once. Allocation per call: the output and one padded buffer, never per frame.
public final class STFT: @unchecked Sendable {
    public let config: STFTConfig
    private let fft: RealFFT
    /// w[m].
    private let window: [Double]
    /// w[m] / N: synthesis window with the 1/N of the inverse DFT folded in.
    private let synthesisWindow: [Double]

    public init(_ config: STFTConfig = .default) throws {
        try config.validate()
        self.config = config
        self.fft = try RealFFT(size: config.frameLength)
        self.window = config.window.coefficients(length: config.frameLength)
        let scale = 1.0 / Double(config.frameLength)
        self.synthesisWindow = window.map { $0 * scale }
    }

    public var frameLength: Int { config.frameLength }
    public var hop: Int { config.hop }
    public var frequencyCount: Int { config.frequencyCount }
    private var padding: Int { config.frameLength / 2 }

    /// Length of the padded time axis covered by T frames (≥ L + 2P).
    private func paddedLength(frames: Int, signalLength: Int) -> Int {
        max((frames - 1) * hop + frameLength, signalLength + 2 * padding)
    }

    /// X(f, t) of one channel (see the type's doc comment for the equation).
    public func forward(_ signal: [Double]) -> Spectrogram {
        let n = frameLength, h = hop, fCount = frequencyCount
        let frames = config.frameCount(signalLength: signal.count)
        var padded = [Double](repeating: 0, count: paddedLength(frames: frames, signalLength: signal.count))
        padded.withUnsafeMutableBufferPointer { p in
            signal.withUnsafeBufferPointer { s in
                if let src = s.baseAddress { (p.baseAddress! + padding).update(from: src, count: s.count) }
            }
        }
        let ws = fft.makeWorkspace()
        var imag = [Double]()
        // Every element of both outputs is written exactly once below, so they start uninitialised.
        let real = [Double](unsafeUninitializedCapacity: frames * fCount) { re, reCount in
            imag = [Double](unsafeUninitializedCapacity: frames * fCount) { im, imCount in
                padded.withUnsafeBufferPointer { xp in
                    window.withUnsafeBufferPointer { w in
                        let time = ws.time, spec = ws.spectrum
                        for t in 0..<frames {
                            let frame = xp.baseAddress! + t * h
                            for m in 0..<n { time[m] = w[m] * frame[m] }
                            fft.executeForward(ws)
                            let base = t * fCount
                            for f in 0..<fCount {
                                re[base + f] = spec[2 * f]
                                im[base + f] = spec[2 * f + 1]
                            }
                        }
                    }
                }
                imCount = frames * fCount
            }
            reCount = frames * fCount
        }
        return Spectrogram(frequencyCount: fCount, frameCount: frames, real: real, imag: imag)
    }

    /// The least-squares inverse: `length` samples (normally the length of the analysed signal).
    public func inverse(_ spectrogram: Spectrogram, length: Int) -> [Double] {
        precondition(spectrogram.frequencyCount == frequencyCount,
                     "STFT.inverse: spectrogram has \(spectrogram.frequencyCount) bins, expected \(frequencyCount)")
        precondition(length >= 0, "STFT.inverse: negative length")
        let n = frameLength, h = hop, fCount = frequencyCount, pad = padding
        let frames = spectrogram.frameCount
        let total = paddedLength(frames: max(frames, 1), signalLength: length)
        var numerator = [Double](repeating: 0, count: total)
        var denominator = [Double](repeating: 0, count: total)
        let ws = fft.makeWorkspace()
        spectrogram.real.withUnsafeBufferPointer { re in
            spectrogram.imag.withUnsafeBufferPointer { im in
                window.withUnsafeBufferPointer { w in
                    synthesisWindow.withUnsafeBufferPointer { ws1 in
                        numerator.withUnsafeMutableBufferPointer { num in
                            denominator.withUnsafeMutableBufferPointer { den in
                                let time = ws.time, spec = ws.spectrum
                                for t in 0..<frames {
                                    let base = t * fCount
                                    for f in 0..<fCount {
                                        spec[2 * f] = re[base + f]
                                        spec[2 * f + 1] = im[base + f]
                                    }
                                    fft.executeInverseUnnormalised(ws)
                                    let o = num.baseAddress! + t * h
                                    let d = den.baseAddress! + t * h
                                    for m in 0..<n {
                                        o[m] += ws1[m] * time[m]
                                        d[m] += w[m] * w[m]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var out = [Double](repeating: 0, count: length)
        for i in 0..<length {
            let d = denominator[i + pad]
            out[i] = d > 0 ? numerator[i + pad] / d : 0
        }
        return out
    }

    /// One spectrogram per channel.
    public func forward(_ audio: AudioBuffer) -> [Spectrogram] {
        audio.channels.map { forward($0) }
    }

    /// One channel per spectrogram, each `length` samples, as audio at `sampleRate`.
    public func inverse(_ spectrograms: [Spectrogram], length: Int, sampleRate: Int) -> AudioBuffer {
        AudioBuffer(sampleRate: sampleRate, channels: spectrograms.map { inverse($0, length: length) })
    }
}
