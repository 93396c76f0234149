/// A nonnegative F×T spectrogram-like matrix (rows = frequencies, columns = frames), stored frame-major
/// exactly like `Spectrogram`: entry (f, t) is at `t * frequencyCount + f`. This is the X (and the
/// masks / models) that the NMF code reads and returns.
public struct NonnegativeMatrix: Sendable, Equatable {
    public let frequencyCount: Int
    public let frameCount: Int
    public var values: [Double]

    public init(frequencyCount: Int, frameCount: Int, values: [Double]) {
        precondition(frequencyCount >= 0 && frameCount >= 0 && values.count == frequencyCount * frameCount)
        self.frequencyCount = frequencyCount
        self.frameCount = frameCount
        self.values = values
    }

    public init(frequencyCount: Int, frameCount: Int) {
        self.init(frequencyCount: frequencyCount, frameCount: frameCount,
                  values: [Double](repeating: 0, count: frequencyCount * frameCount))
    }

    @inline(__always) public func index(frequency f: Int, frame t: Int) -> Int { t * frequencyCount + f }
    public subscript(frequency f: Int, frame t: Int) -> Double {
        get { values[t * frequencyCount + f] }
        set { values[t * frequencyCount + f] = newValue }
    }

    /// The spectrogram the hybrid stage's NMF sees for a (multichannel) STFT, raised to `power` q:
    ///
    ///     X_ft = ( Σ_c |X_c(f,t)|² )^(q/2)
    ///
    /// i.e. the root of the channel-summed power to the q. For amplitude-panned sources with a
    /// constant-power law (g_L² + g_R² = 1) this equals the source's own |S|^q whatever its direction,
    /// so bases learned on a mono solo fit a panned target; a mono STFT gives |X|^q.
    public static func spectrogram(of channels: [Spectrogram], power q: Int) throws -> NonnegativeMatrix {
        guard let first = channels.first else {
            throw DirClustError("mixture: no channels given; expected at least one STFT channel.")
        }
        for (c, s) in channels.enumerated()
        where s.frequencyCount != first.frequencyCount || s.frameCount != first.frameCount {
            throw DirClustError("mixture: channel \(c) has \(s.frequencyCount)×\(s.frameCount) bins, channel 0 has \(first.frequencyCount)×\(first.frameCount); expected equal sizes.")
        }
        guard q == 1 || q == 2 else {
            throw DirClustError("nmf.spectrogramPower: \(q) is invalid; expected 1 (magnitude) or 2 (power).")
        }
        var x = [Double](repeating: 0, count: first.binCount)
        for s in channels {
            s.real.withUnsafeBufferPointer { re in
                s.imag.withUnsafeBufferPointer { im in
                    for i in 0..<x.count { x[i] += re[i] * re[i] + im[i] * im[i] }
                }
            }
        }
        if q == 1 { for i in 0..<x.count { x[i] = x[i].squareRoot() } }
        for i in 0..<x.count where !x[i].isFinite {
            throw DirClustError("mixture: the STFT holds a non-finite value at bin \(i); expected finite samples.")
        }
        return NonnegativeMatrix(frequencyCount: first.frequencyCount, frameCount: first.frameCount, values: x)
    }
}
