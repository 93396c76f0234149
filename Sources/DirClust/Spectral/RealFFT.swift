import CFFTW

/// A real-input discrete Fourier transform of fixed length n, computed by FFTW (double precision).
///
/// Forward (r2c): X[k] = Σ_{m=0}^{n−1} x[m] e^{−2πi km/n}, k = 0 … n/2 (the non-negative frequencies).
/// Inverse (c2r): x[m] = (1/n) Σ_{k=0}^{n−1} X[k] e^{+2πi km/n}, with X[n−k] = conj X[k]; this class
/// applies the 1/n that FFTW leaves out, so `inverse(forward(x)) == x` up to rounding. The imaginary
/// parts of X[0] (and of X[n/2] for even n) are ignored by the inverse, as for any real signal.
///
/// Plans are made with `FFTW_ESTIMATE` (bit-reproducible from run to run; `FFTW_MEASURE` is not), once
/// per length for the whole process, under `FFTWPlanner`'s global lock (FFTW's planner is not thread-safe).
/// Execution uses the new-array interface on a caller-owned `Workspace`, which is thread-safe, so one
/// `RealFFT` may be used from many tasks at once as long as each uses its own workspace.
public final class RealFFT: @unchecked Sendable {
    /// The transform length n.
    public let size: Int
    /// n/2 + 1: the number of non-negative frequencies returned by `forward`.
    public let frequencyCount: Int
    private let plans: FFTWPlanCache.Plans

    public init(size: Int) throws {
        guard size >= 1, size <= 1 << 24 else {
            throw DirClustError("FFT size \(size) is out of range; expected 1 … \(1 << 24).")
        }
        self.size = size
        self.frequencyCount = size / 2 + 1
        self.plans = FFTWPlanCache.shared.plans(size: size)
    }

    /// Scratch buffers for one thread of execution: n reals and n/2+1 complex values, allocated with
    /// `fftw_malloc` so they have the SIMD alignment the cached plans were made for.
    /// Not thread-safe; make one per task (it is cheap) and reuse it across frames.
    public final class Workspace {
        /// The n time-domain samples (input of `forward`, output of `inverse`).
        let time: UnsafeMutablePointer<Double>
        /// The n/2+1 complex spectrum values, interleaved (re, im).
        let spectrum: UnsafeMutablePointer<Double>
        let size: Int

        init(size: Int) {
            self.size = size
            let complexCount = size / 2 + 1
            time = fftw_malloc(MemoryLayout<Double>.stride * size)!
                .bindMemory(to: Double.self, capacity: size)
            spectrum = fftw_malloc(MemoryLayout<Double>.stride * 2 * complexCount)!
                .bindMemory(to: Double.self, capacity: 2 * complexCount)
            time.initialize(repeating: 0, count: size)
            spectrum.initialize(repeating: 0, count: 2 * complexCount)
        }

        deinit {
            fftw_free(time)
            fftw_free(spectrum)
        }

        /// The spectrum buffer as FFTW's complex type (Swift itself only reads it as `Double`).
        var fftwSpectrum: UnsafeMutablePointer<fftw_complex> {
            UnsafeMutableRawPointer(spectrum).assumingMemoryBound(to: fftw_complex.self)
        }
    }

    public func makeWorkspace() -> Workspace { Workspace(size: size) }

    /// r2c on the workspace: `workspace.time` (n reals) → `workspace.spectrum` (n/2+1 complex).
    @inline(__always) func executeForward(_ workspace: Workspace) {
        fftw_execute_dft_r2c(plans.forward, workspace.time, workspace.fftwSpectrum)
    }

    /// c2r on the workspace, unnormalised (× n) and destroying `workspace.spectrum`.
    @inline(__always) func executeInverseUnnormalised(_ workspace: Workspace) {
        fftw_execute_dft_c2r(plans.inverse, workspace.fftwSpectrum, workspace.time)
    }

    /// X = DFT(x) for n samples at `input`, written split into `real[0..<n/2+1]`, `imag[0..<n/2+1]`.
    public func forward(_ input: UnsafePointer<Double>, real: UnsafeMutablePointer<Double>,
                        imag: UnsafeMutablePointer<Double>, workspace: Workspace) {
        precondition(workspace.size == size, "RealFFT: workspace of another size")
        workspace.time.update(from: input, count: size)
        executeForward(workspace)
        let s = workspace.spectrum
        for k in 0..<frequencyCount {
            real[k] = s[2 * k]
            imag[k] = s[2 * k + 1]
        }
    }

    /// x = IDFT(X) (normalised by 1/n) from split `real`, `imag` (n/2+1 each) into n samples at `output`.
    public func inverse(real: UnsafePointer<Double>, imag: UnsafePointer<Double>,
                        output: UnsafeMutablePointer<Double>, workspace: Workspace) {
        precondition(workspace.size == size, "RealFFT: workspace of another size")
        let s = workspace.spectrum
        for k in 0..<frequencyCount {
            s[2 * k] = real[k]
            s[2 * k + 1] = imag[k]
        }
        executeInverseUnnormalised(workspace)
        let scale = 1.0 / Double(size)
        for m in 0..<size { output[m] = workspace.time[m] * scale }
    }

    /// Convenience: X = DFT(x) for an array of exactly n samples.
    public func forward(_ x: [Double]) -> (real: [Double], imag: [Double]) {
        precondition(x.count == size, "RealFFT.forward: expected \(size) samples, got \(x.count)")
        var re = [Double](repeating: 0, count: frequencyCount)
        var im = [Double](repeating: 0, count: frequencyCount)
        let ws = makeWorkspace()
        x.withUnsafeBufferPointer { xp in
            re.withUnsafeMutableBufferPointer { rp in
                im.withUnsafeMutableBufferPointer { ip in
                    forward(xp.baseAddress!, real: rp.baseAddress!, imag: ip.baseAddress!, workspace: ws)
                }
            }
        }
        return (re, im)
    }

    /// Convenience: x = IDFT(X) (normalised) from n/2+1 split complex values.
    public func inverse(real: [Double], imag: [Double]) -> [Double] {
        precondition(real.count == frequencyCount && imag.count == frequencyCount,
                     "RealFFT.inverse: expected \(frequencyCount) frequencies")
        var x = [Double](repeating: 0, count: size)
        let ws = makeWorkspace()
        real.withUnsafeBufferPointer { rp in
            imag.withUnsafeBufferPointer { ip in
                x.withUnsafeMutableBufferPointer { xp in
                    inverse(real: rp.baseAddress!, imag: ip.baseAddress!, output: xp.baseAddress!, workspace: ws)
                }
            }
        }
        return x
    }
}
