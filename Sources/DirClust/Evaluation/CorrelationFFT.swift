import CFFTW
import Foundation

/// A pair of FFTW plans (real → half-complex forward, half-complex → real inverse) of one size, taken
/// from the process-wide `FFTWPlanCache` that the STFT uses too: one planner lock for the whole process
/// (the FFTW planner is not thread-safe), `FFTW_ESTIMATE` (bit-reproducible run to run), never destroyed.
/// Execution uses FFTW's new-array interface on buffers from `fftw_alloc_real`, so one plan serves every
/// thread at once.
struct CorrelationFFTPlan: @unchecked Sendable {
    let size: Int
    private let plans: FFTWPlanCache.Plans

    /// The plans for transforms of `size` points (even), created on first use.
    static func forSize(_ size: Int) -> CorrelationFFTPlan {
        CorrelationFFTPlan(size: size, plans: FFTWPlanCache.shared.plans(size: size))
    }

    private init(size: Int, plans: FFTWPlanCache.Plans) {
        self.size = size
        self.plans = plans
    }

    /// X[f] = Σ_n x[n] e^{−2πi fn/size}, f = 0…size/2, written interleaved (re, im) into `spectrum`
    /// (size + 2 doubles). Both buffers must come from `fftw_alloc_real`.
    func forward(_ signal: UnsafeMutablePointer<Double>, _ spectrum: UnsafeMutablePointer<Double>) {
        spectrum.withMemoryRebound(to: fftw_complex.self, capacity: size / 2 + 1) {
            fftw_execute_dft_r2c(plans.forward, signal, $0)
        }
    }

    /// x[n] = Σ_f X[f] e^{+2πi fn/size} (unnormalised: the caller divides by `size`). Destroys `spectrum`.
    func inverse(_ spectrum: UnsafeMutablePointer<Double>, _ signal: UnsafeMutablePointer<Double>) {
        spectrum.withMemoryRebound(to: fftw_complex.self, capacity: size / 2 + 1) {
            fftw_execute_dft_c2r(plans.inverse, $0, signal)
        }
    }
}

/// An FFTW-aligned scratch buffer of doubles, freed when it goes out of scope.
final class FFTWBuffer {
    let pointer: UnsafeMutablePointer<Double>
    let count: Int
    init(count: Int) {
        self.count = count
        pointer = fftw_alloc_real(max(count, 1))!
        pointer.initialize(repeating: 0, count: max(count, 1))
    }
    deinit { fftw_free(pointer) }
    func zero() { pointer.update(repeating: 0, count: count) }
}

/// Cross-correlations at lags −L…L of long signals of one length N, by overlap-save blocks:
///
///     r_xy(k) = Σ_n x[n + k] · y[n],   |k| ≤ L,   (x, y zero outside 0…N−1)
///
/// y is cut into blocks of `hop` = F − 2L samples; block b of y is paired with the window
/// x[bB − L …< bB + B + L] of x, both zero-padded to F points. The circular correlation of the pair has no
/// wrap-around at lags |k| ≤ L, so summing the cross-spectra W_b · conj(Y_b) over blocks and inverting once
/// gives r_xy exactly (up to rounding). Only lags 0…L (2L+1 values) are ever needed by BSS Eval, which
/// makes this far cheaper than one FFT of the whole signal when N ≫ L.
struct BlockCorrelator: Sendable {
    let length: Int
    let maxLag: Int
    let plan: CorrelationFFTPlan
    var fftSize: Int { plan.size }
    /// Samples of y per block (B).
    let hop: Int
    let blockCount: Int
    /// Doubles in one interleaved half spectrum: F/2 + 1 complex values.
    var spectrumCount: Int { fftSize + 2 }

    /// Largest FFT used for long signals; 8192 keeps a block's spectra in cache and wastes 12 % on padding.
    static let longSignalFFTSize = 8192

    init(length: Int, maxLag: Int) {
        self.length = length
        self.maxLag = maxLag
        var size = 2
        while size < length + 2 * maxLag && size < Self.longSignalFFTSize { size *= 2 }
        while size - 2 * maxLag < max(maxLag, 1) { size *= 2 }  // a block must hold at least L samples
        plan = CorrelationFFTPlan.forSize(size)
        hop = size - 2 * maxLag
        blockCount = max(1, (length + hop - 1) / hop)
    }

    /// Spectrum of the window of `x` for block `block`: x[bB − L …< bB + B + L], zero-padded to F.
    func windowSpectrum(_ x: UnsafeBufferPointer<Double>, block: Int, work: FFTWBuffer, into spectrum: UnsafeMutablePointer<Double>) {
        let start = block * hop - maxLag
        fill(work, from: x, start: start, count: hop + 2 * maxLag)
        plan.forward(work.pointer, spectrum)
    }

    /// Spectrum of block `block` of `y`: y[bB …< bB + B], zero-padded to F.
    func blockSpectrum(_ y: UnsafeBufferPointer<Double>, block: Int, work: FFTWBuffer, into spectrum: UnsafeMutablePointer<Double>) {
        fill(work, from: y, start: block * hop, count: hop)
        plan.forward(work.pointer, spectrum)
    }

    /// The window spectra of `x` for every block, concatenated (blockCount × spectrumCount doubles).
    func allWindowSpectra(_ x: UnsafeBufferPointer<Double>) -> [Double] {
        let work = FFTWBuffer(count: fftSize)
        let spectrum = FFTWBuffer(count: spectrumCount)
        var all = [Double](repeating: 0, count: blockCount * spectrumCount)
        all.withUnsafeMutableBufferPointer { out in
            for b in 0..<blockCount {
                windowSpectrum(x, block: b, work: work, into: spectrum.pointer)
                (out.baseAddress! + b * spectrumCount).update(from: spectrum.pointer, count: spectrumCount)
            }
        }
        return all
    }

    /// accumulator += W · conj(Y), interleaved complex, `spectrumCount` doubles.
    @inline(__always)
    func accumulateCrossSpectrum(_ w: UnsafePointer<Double>, _ y: UnsafePointer<Double>, into accumulator: UnsafeMutablePointer<Double>) {
        var i = 0
        while i < spectrumCount {
            let wr = w[i], wi = w[i + 1], yr = y[i], yi = y[i + 1]
            accumulator[i] += wr * yr + wi * yi
            accumulator[i + 1] += wi * yr - wr * yi
            i += 2
        }
    }

    /// Inverts an accumulated cross-spectrum (destroying it) and writes r(k), k = −L…L, to `lags`
    /// (2L + 1 values, index k + L). `work` holds F doubles.
    func correlationLags(fromCrossSpectrum accumulator: UnsafeMutablePointer<Double>, work: FFTWBuffer, into lags: UnsafeMutablePointer<Double>) {
        plan.inverse(accumulator, work.pointer)
        let scale = 1 / Double(fftSize)
        for t in 0...(2 * maxLag) { lags[t] = work.pointer[t] * scale }
    }

    /// Copies x[start …< start + count] (zero outside 0…N−1) into the start of `work`, zeroing the rest.
    private func fill(_ work: FFTWBuffer, from x: UnsafeBufferPointer<Double>, start: Int, count: Int) {
        let lo = max(start, 0), hi = min(start + count, x.count)
        work.zero()
        if hi > lo { (work.pointer + (lo - start)).update(from: x.baseAddress! + lo, count: hi - lo) }
    }
}
