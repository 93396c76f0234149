/// How cluster posteriors become TF masks.
/// - `binary`: M_k(n) = 1 if k = argmax_j r_nj (the MAP cluster, as in the paper), else 0.
/// - `soft`: M_k(n) = r_nk (the posterior itself).
public enum MaskKind: String, Codable, Sendable, CaseIterable {
    case binary, soft
}

/// K masks over all bins of the feature's STFT from posteriors r_nk on the active bins.
///
/// `posteriors` is row-major N_active × K: r_nk at `posteriors[i*K + k]` for the i-th active bin
/// `feature.activeBins[i]`. Inactive bins get 0 in every mask. Binary: exactly one 1 per active bin
/// (ties go to the lower k); soft: r_nk clamped to [0, 1], so masks sum to Σ_k r_nk = 1 on active bins.
/// A non-finite posterior counts as 0 (soft) or is never chosen (binary): no NaN reaches a mask.
public func clusterMasks(posteriors: [Double], componentCount k: Int, feature: DirectionFeature,
                         kind: MaskKind) -> [[Double]] {
    precondition(k >= 1, "clusterMasks: componentCount must be ≥ 1")
    precondition(posteriors.count == feature.activeBins.count * k,
                 "clusterMasks: \(posteriors.count) posteriors for \(feature.activeBins.count) active bins × \(k)")
    var masks = [[Double]](repeating: [Double](repeating: 0, count: feature.binCount), count: k)
    for (i, n) in feature.activeBins.enumerated() {
        let row = i * k
        switch kind {
        case .binary:
            var best = -1
            var bestValue = -Double.infinity
            for j in 0..<k {
                let r = posteriors[row + j]
                if r.isFinite, r > bestValue { best = j; bestValue = r }
            }
            if best >= 0 { masks[best][n] = 1 }
        case .soft:
            for j in 0..<k {
                let r = posteriors[row + j]
                masks[j][n] = r.isFinite ? min(max(r, 0), 1) : 0
            }
        }
    }
    return masks
}

/// The target's mask from the selected clusters: M(n) = Σ_{k ∈ selected} M_k(n), capped at 1
/// (for binary masks the union; for soft masks the summed posterior).
public func combineMasks(_ masks: [[Double]], selecting clusters: [Int]) -> [Double] {
    guard let first = masks.first else { return [] }
    var combined = [Double](repeating: 0, count: first.count)
    for k in Set(clusters) {
        precondition(masks.indices.contains(k), "combineMasks: cluster \(k) out of range 0..<\(masks.count)")
        let m = masks[k]
        for n in combined.indices { combined[n] += m[n] }
    }
    for n in combined.indices { combined[n] = min(combined[n], 1) }
    return combined
}

/// The ideal binary mask of source `target` (the runner's upper bound):
///
///   M(n) = 1  iff  Σ_c |S_target,c(n)|² > Σ_c |Σ_{i≠target} S_i,c(n) + N_c(n)|²,
///
/// i.e. where the target's stereo image is louder than everything else in the mixture (local SNR > 0 dB,
/// Wang 2005). `imageSpectrograms[i][c]` is the STFT of channel c of source i's image; `noise[c]` that of
/// the noise image (nil for a noiseless scene). Bins where both sides are 0 get 0.
public func idealBinaryMask(target: Int, imageSpectrograms: [[Spectrogram]], noise: [Spectrogram]?) -> [Double] {
    precondition(imageSpectrograms.indices.contains(target), "idealBinaryMask: target \(target) out of range")
    let reference = imageSpectrograms[target]
    precondition(!reference.isEmpty, "idealBinaryMask: target image has no channels")
    let binCount = reference[0].binCount
    var targetPower = [Double](repeating: 0, count: binCount)
    var otherPower = [Double](repeating: 0, count: binCount)
    var otherRe = [Double](repeating: 0, count: binCount)
    var otherIm = [Double](repeating: 0, count: binCount)
    for c in reference.indices {
        let s = reference[c]
        for n in 0..<binCount { targetPower[n] += s.real[n] * s.real[n] + s.imag[n] * s.imag[n] }
        // Interference in channel c: the complex sum of the other images and the noise.
        for n in 0..<binCount { otherRe[n] = 0; otherIm[n] = 0 }
        var interferers = imageSpectrograms.indices.filter { $0 != target }.map { imageSpectrograms[$0][c] }
        if let noise { interferers.append(noise[c]) }
        for x in interferers {
            precondition(x.binCount == binCount, "idealBinaryMask: spectrograms differ in shape")
            for n in 0..<binCount { otherRe[n] += x.real[n]; otherIm[n] += x.imag[n] }
        }
        for n in 0..<binCount { otherPower[n] += otherRe[n] * otherRe[n] + otherIm[n] * otherIm[n] }
    }
    var mask = [Double](repeating: 0, count: binCount)
    for n in 0..<binCount where targetPower[n] > otherPower[n] { mask[n] = 1 }
    return mask
}
