import CFFTW
import Foundation

/// The one lock around FFTW's planner. FFTW's plan creation and destruction are not thread-safe (only
/// `fftw_execute*` is), and the planner is one global state for the whole process, so **every** call to
/// an `fftw_plan_*` or `fftw_destroy_plan` function anywhere in dirclust must run inside
/// `FFTWPlanner.withLock` — two separate locks would still let two planners race.
enum FFTWPlanner {
    private static let lock = NSLock()

    static func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}

/// The process-wide cache of real-DFT plan pairs (r2c, c2r) by length, used by `RealFFT` (and so by the
/// STFT). Plans are made with `FFTW_ESTIMATE` under `FFTWPlanner`'s lock and kept for the life of the
/// process (there are only a few distinct lengths).
final class FFTWPlanCache: @unchecked Sendable {
    struct Plans: @unchecked Sendable {
        let forward: OpaquePointer
        let inverse: OpaquePointer
    }

    static let shared = FFTWPlanCache()
    /// Guarded by `FFTWPlanner`'s lock.
    private var cache: [Int: Plans] = [:]

    func plans(size n: Int) -> Plans {
        FFTWPlanner.withLock {
            if let p = cache[n] { return p }
            // Planning arrays only fix the alignment: FFTW_ESTIMATE never reads or writes them.
            let ws = RealFFT.Workspace(size: n)
            let flags = UInt32(FFTW_ESTIMATE)
            guard let forward = fftw_plan_dft_r2c_1d(Int32(n), ws.time, ws.fftwSpectrum, flags),
                  let inverse = fftw_plan_dft_c2r_1d(Int32(n), ws.fftwSpectrum, ws.time, flags)
            else { fatalError("FFTW could not plan a real DFT of length \(n)") }
            let p = Plans(forward: forward, inverse: inverse)
            cache[n] = p
            return p
        }
    }
}
