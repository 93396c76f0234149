/// A complex STFT of one channel, stored split (real / imaginary) and frame-major:
/// bin (f, t) is at index `t * frequencyCount + f`, f = 0 … nFFT/2, t = 0 … frameCount−1.
public struct Spectrogram: Sendable, Equatable {
    public let frequencyCount: Int
    public let frameCount: Int
    public var real: [Double]
    public var imag: [Double]

    public init(frequencyCount: Int, frameCount: Int, real: [Double], imag: [Double]) {
        precondition(real.count == frequencyCount * frameCount && imag.count == real.count)
        self.frequencyCount = frequencyCount
        self.frameCount = frameCount
        self.real = real
        self.imag = imag
    }

    public init(frequencyCount: Int, frameCount: Int) {
        self.init(frequencyCount: frequencyCount, frameCount: frameCount,
                  real: [Double](repeating: 0, count: frequencyCount * frameCount),
                  imag: [Double](repeating: 0, count: frequencyCount * frameCount))
    }

    public var binCount: Int { real.count }
    @inline(__always) public func index(frequency f: Int, frame t: Int) -> Int { t * frequencyCount + f }

    /// |X(f,t)|² for every bin, in the same layout.
    public func power() -> [Double] {
        var p = [Double](repeating: 0, count: binCount)
        for i in 0..<binCount { p[i] = real[i] * real[i] + imag[i] * imag[i] }
        return p
    }

    /// |X(f,t)| for every bin, in the same layout.
    public func magnitude() -> [Double] { power().map { $0.squareRoot() } }
}
