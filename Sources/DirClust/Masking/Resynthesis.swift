/// The masked estimate: Ŷ_c(f, t) = M(f, t) · X_c(f, t) for every channel c, inverted by the
/// least-squares iSTFT to `length` samples — the stereo image of whatever the mask keeps.
/// Mask values that are not finite count as 0.
public func applyMask(_ mask: [Double], to spectrograms: [Spectrogram], stft: STFT, length: Int,
                      sampleRate: Int) -> AudioBuffer {
    let masked = spectrograms.map { x -> Spectrogram in
        precondition(x.binCount == mask.count, "applyMask: mask has \(mask.count) bins, spectrogram \(x.binCount)")
        var y = x
        for n in 0..<mask.count {
            let m = mask[n].isFinite ? mask[n] : 0
            y.real[n] *= m
            y.imag[n] *= m
        }
        return y
    }
    return stft.inverse(masked, length: length, sampleRate: sampleRate)
}
