/// Diffuse noise: independent Gaussian noise in the two channels, optionally with inter-channel
/// coherence ρ.
///
/// For each frame n, two standard normal draws a_n, b_n (in that order) from
/// `SeededRandom(seed: seed, stream: diffuseNoiseStream)` give
///     n_L[n] = a_n,   n_R[n] = ρ·a_n + √(1 − ρ²)·b_n,
/// so both channels have unit variance and correlation E[n_L n_R] = ρ (ρ = 0: fully diffuse, whose
/// direction atan2(|N_R|, |N_L|) has density ∝ sin 2θ, peaking at the centre).
/// The caller scales the result to the wanted SNR (see `makeScene`).
public func diffuseNoise(frames: Int, coherence rho: Double, seed: UInt64) -> [[Double]] {
    var rng = SeededRandom(seed: seed, stream: diffuseNoiseStream)
    let mix = (1 - rho * rho).squareRoot()
    var left = [Double](repeating: 0, count: frames)
    var right = [Double](repeating: 0, count: frames)
    for n in 0..<frames {
        let a = rng.gaussian()
        let b = rng.gaussian()
        left[n] = a
        right[n] = rho * a + mix * b
    }
    return [left, right]
}

/// The `SeededRandom` stream used for scene noise, so the same seed elsewhere draws different numbers.
public let diffuseNoiseStream: UInt64 = 0x6E6F_6973_65  // "noise"

/// Energy Σ_c Σ_n x_c[n]² summed over all channels.
func energy(_ channels: [[Double]]) -> Double {
    var total = 0.0
    for channel in channels {
        channel.withUnsafeBufferPointer { x in
            for v in x { total += v * v }
        }
    }
    return total
}
