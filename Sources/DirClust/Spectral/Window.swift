#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The STFT analysis window. Both are **periodic** (DFT-even): the length-N window is the first N
/// samples of the symmetric window of length N+1, so shifted copies overlap-add to a constant at
/// hops N/2, N/4, … — the convention of scipy's `get_window(…, fftbins=True)` and librosa.
///
/// - `hann`: w[m] = ½ − ½ cos(2πm/N), m = 0 … N−1 (w[0] = 0, peak 1 at m = N/2).
/// - `sqrtHann`: w[m] = √(½ − ½ cos(2πm/N)); analysis × synthesis is then a Hann window
///   (Σ_t w²[m − tH] = 1 exactly for H = N/2, the classic WOLA pair).
///
/// The inverse STFT normalises by Σ_t w²[n − tH] (least squares), so either window reconstructs
/// perfectly at any hop that leaves no sample uncovered.
public enum WindowKind: String, Codable, Sendable, CaseIterable {
    case hann, sqrtHann

    /// The N window coefficients.
    public func coefficients(length n: Int) -> [Double] {
        var w = [Double](repeating: 0, count: n)
        for m in 0..<n {
            let hann = 0.5 - 0.5 * cos(2 * Double.pi * Double(m) / Double(n))
            switch self {
            case .hann: w[m] = hann
            case .sqrtHann: w[m] = hann.squareRoot()
            }
        }
        return w
    }
}
