/// What BSS Eval needs to know about one estimate channel e: its energy and the energies of its
/// least-squares projections onto the delayed references (delays 0…flen−1, e zero-padded by flen−1).
///
/// Because P is an orthogonal projection, ‖P e‖² = dᵀ G⁻¹ d where d_i(a) = ⟨s_i(· − a), e⟩ and G is the
/// Gram matrix of the delayed references; the residual energies follow without rebuilding any signal:
/// ‖e − P e‖² = ‖e‖² − ‖P e‖², and for nested subspaces ‖P_all e − P_j e‖² = ‖P_all e‖² − ‖P_j e‖².
struct ProjectionEnergies: Sendable {
    /// ‖e‖².
    var energy: Double
    /// ‖P_all e‖²: projection onto the delayed copies of every reference signal.
    var projectedOnAll: Double
    /// ‖P_j e‖² for each source j: projection onto the delayed copies of source j's signals only.
    var projectedOnSource: [Double]
    /// ⟨e, s_i⟩ (delay 0) for each reference signal i.
    var innerProducts: [Double]
}

/// The reference side of BSS Eval v3, built and factored once per set of references.
///
/// Holds the block spectra of every reference signal (for the estimate's cross-correlations), the
/// factored inverse of the Gram matrix of all delayed reference signals (P_all) and one per source
/// (P_j). A source owns one reference signal (`bss_eval_sources`) or one per channel (`bss_eval_images`,
/// where each channel of the estimate is projected onto the delayed copies of every channel).
struct ReferenceProjection: Sendable {
    /// mir_eval's distortion filter length (Vincent et al. 2006, §III.B): delays 0…511.
    static let filterLength = 512

    let length: Int
    /// Reference signal indices spanning each source's subspace.
    let sources: [[Int]]
    let signalCount: Int
    /// ‖s_i‖² of each reference signal.
    let signalEnergies: [Double]
    private let correlator: BlockCorrelator
    private let windowSpectra: [[Double]]
    private let all: BlockToeplitzInverse
    private let perSource: [BlockToeplitzInverse]

    /// - Parameters:
    ///   - signals: the reference signals, validated (same length, finite, not silent).
    ///   - sources: for each source, the indices of its signals in `signals`.
    ///   - describe: names source j for an error message ("reference 2").
    init(signals: [[Double]], sources: [[Int]], describe: (Int) -> String) throws {
        let p = Self.filterLength, lag = p - 1
        let m = signals.count
        length = signals[0].count
        self.sources = sources
        signalCount = m
        let correlator = BlockCorrelator(length: length, maxLag: lag)
        self.correlator = correlator
        windowSpectra = signals.map { s in s.withUnsafeBufferPointer { correlator.allWindowSpectra($0) } }

        // r_ij(k) = Σ_n s_i[n + k] s_j[n], |k| ≤ L, for i ≤ j, from Σ_b W_i,b conj(Y_j,b).
        let spectrumCount = correlator.spectrumCount
        let pairCount = m * (m + 1) / 2
        let accumulators = FFTWBuffer(count: pairCount * spectrumCount)
        let blockSpectra = FFTWBuffer(count: m * spectrumCount)
        let work = FFTWBuffer(count: correlator.fftSize)
        for block in 0..<correlator.blockCount {
            for j in 0..<m {
                signals[j].withUnsafeBufferPointer {
                    correlator.blockSpectrum($0, block: block, work: work, into: blockSpectra.pointer + j * spectrumCount)
                }
            }
            var pair = 0
            for i in 0..<m {
                windowSpectra[i].withUnsafeBufferPointer { w in
                    let wb = w.baseAddress! + block * spectrumCount
                    for j in i..<m {
                        correlator.accumulateCrossSpectrum(wb, blockSpectra.pointer + j * spectrumCount,
                                                           into: accumulators.pointer + pair * spectrumCount)
                        pair += 1
                    }
                }
            }
        }
        // R(k)_ij = r_ij(k) for k = 0…p−1 (and R(k)_ji = r_ij(−k)), row-major m × m blocks.
        var gramBlocks = [Double](repeating: 0, count: p * m * m)
        var lags = [Double](repeating: 0, count: 2 * lag + 1)
        var pair = 0
        for i in 0..<m {
            for j in i..<m {
                lags.withUnsafeMutableBufferPointer {
                    correlator.correlationLags(fromCrossSpectrum: accumulators.pointer + pair * spectrumCount,
                                               work: work, into: $0.baseAddress!)
                }
                for k in 0..<p {
                    gramBlocks[(k * m + i) * m + j] = lags[lag + k]
                    gramBlocks[(k * m + j) * m + i] = lags[lag - k]
                }
                pair += 1
            }
        }
        signalEnergies = (0..<m).map { gramBlocks[$0 * m + $0] }

        let minimumLength = (sources.count - 1) * 512 + 1, length = self.length
        all = try Self.factor(gramBlocks, blockSize: m) { order in
            DirClustError(
                "bss_eval: the references' Gram matrix is singular at filter tap \(order): delayed copies of the references are linearly dependent; references must be distinct, non-silent and at least (sources − 1) × 512 + 1 = \(minimumLength) samples long (they have \(length))")
        }
        var perSource = [BlockToeplitzInverse]()
        for (j, members) in sources.enumerated() {
            let g = members.count
            var blocks = [Double](repeating: 0, count: p * g * g)
            for k in 0..<p {
                for (a, i) in members.enumerated() {
                    for (b, l) in members.enumerated() { blocks[(k * g + a) * g + b] = gramBlocks[(k * m + i) * m + l] }
                }
            }
            perSource.append(try Self.factor(blocks, blockSize: g) { order in
                DirClustError("bss_eval: \(describe(j)) has a singular Gram matrix at filter tap \(order); expected a non-degenerate reference signal")
            })
        }
        self.perSource = perSource
    }

    /// Diagonal loading used only when the Gram matrix is singular to working precision, relative to
    /// its largest diagonal entry.
    static let singularLoading = 1e-10

    /// Factors T⁻¹ exactly when T is numerically non-singular (then the numbers are mir_eval's).
    /// A singular T — delayed copies that are linearly dependent, as the two channels of an
    /// amplitude-panned image are — still defines a unique projection (mir_eval's LU solve finds it);
    /// here it is evaluated as xᵀ (T + λI)⁻¹ x with λ = 10⁻¹⁰ max diag R(0), which differs from the exact
    /// projection energy by O(λ / σ_min) of the non-zero spectrum, far below 0.01 dB.
    private static func factor(_ blocks: [Double], blockSize m: Int,
                               singular describe: (Int) -> DirClustError) throws -> BlockToeplitzInverse {
        let p = filterLength
        do {
            return try BlockToeplitzInverse(blocks: blocks, blockSize: m, order: p)
        } catch {
            var scale = 0.0
            for i in 0..<m { scale = max(scale, blocks[i * m + i]) }
            do {
                return try BlockToeplitzInverse(blocks: blocks, blockSize: m, order: p, loading: singularLoading * scale)
            } catch let failure {
                throw describe(failure.order)
            }
        }
    }

    /// Correlates one estimate channel with every reference signal (lags 0…flen−1) and evaluates the
    /// projection energies. Cost: one forward FFT per block of the estimate, m spectrum products, m
    /// inverse FFTs, and the quadratic forms.
    func energies(of estimate: UnsafeBufferPointer<Double>) -> ProjectionEnergies {
        precondition(estimate.count == length)
        let p = Self.filterLength, lag = p - 1, m = signalCount
        let spectrumCount = correlator.spectrumCount
        let accumulators = FFTWBuffer(count: m * spectrumCount)
        let spectrum = FFTWBuffer(count: spectrumCount)
        let work = FFTWBuffer(count: correlator.fftSize)
        for block in 0..<correlator.blockCount {
            correlator.blockSpectrum(estimate, block: block, work: work, into: spectrum.pointer)
            for i in 0..<m {
                windowSpectra[i].withUnsafeBufferPointer { w in
                    correlator.accumulateCrossSpectrum(w.baseAddress! + block * spectrumCount, spectrum.pointer,
                                                       into: accumulators.pointer + i * spectrumCount)
                }
            }
        }
        // d_i(a) = ⟨s_i(· − a), e⟩ = r_{s_i e}(−a), stored delay-major: x[a m + i].
        var x = [Double](repeating: 0, count: p * m)
        var lags = [Double](repeating: 0, count: 2 * lag + 1)
        for i in 0..<m {
            lags.withUnsafeMutableBufferPointer {
                correlator.correlationLags(fromCrossSpectrum: accumulators.pointer + i * spectrumCount, work: work,
                                           into: $0.baseAddress!)
            }
            for a in 0..<p { x[a * m + i] = lags[lag - a] }
        }
        var energy = 0.0
        for v in estimate { energy += v * v }
        let innerProducts = Array(x[0..<m])
        let projectedOnAll = x.withUnsafeBufferPointer { all.quadraticForm($0.baseAddress!) }
        var gathered = [Double](repeating: 0, count: p * (sources.map(\.count).max() ?? 1))
        let projectedOnSource = sources.indices.map { j -> Double in
            let members = sources[j], g = members.count
            for a in 0..<p { for (t, i) in members.enumerated() { gathered[a * g + t] = x[a * m + i] } }
            return gathered.withUnsafeBufferPointer { perSource[j].quadraticForm($0.baseAddress!) }
        }
        return ProjectionEnergies(energy: energy, projectedOnAll: projectedOnAll,
                                  projectedOnSource: projectedOnSource, innerProducts: innerProducts)
    }
}

/// 10 log₁₀(num / den), +∞ when the denominator vanishes (mir_eval's `_safe_db`). Denominators here are
/// differences of energies; one that rounding drives to zero or below means a perfect reconstruction.
@inline(__always)
func safeDecibels(_ numerator: Double, _ denominator: Double) -> Double {
    denominator <= 0 ? .infinity : 10 * log10(numerator / denominator)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
