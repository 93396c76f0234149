/// The STFT of a long signal taken a block of frames at a time, so that memory does not grow with the
/// length of the file. Every block's frames are bit-identical to the same frames of the whole-file
/// `STFT.forward`, and the samples a block resynthesises are bit-identical to the whole-file
/// `STFT.inverse` of the same (masked) frames: block processing changes nothing but the memory used.
///
/// Frame t of the STFT is centred on sample tH and reads samples tH − P … tH − P + N − 1 (P = ⌊N/2⌋, zero
/// outside the signal). With e = ⌈P/H⌉ frames of context:
/// - forward frames [a, b): `STFT.forward` of the segment x[(a−e)H ..< (b−1)H + N − P] (zero-filled outside
///   the signal), keeping its frames e ..< e + b − a — their support lies inside the segment, so they see
///   exactly the samples the whole-file frames see;
/// - inverse of the *core* samples [t0·H, min(t1·H, L)) of a block of frames [t0, t1): the least-squares
///   inverse of frames [max(0, t0−e), min(T, t1+e)), which include every frame overlapping those samples,
///   summed in the same order as the whole-file inverse.
struct FrameBlocks: Sendable {
    let stft: STFT
    /// L, samples in the signal.
    let signalLength: Int
    /// T = 1 + ⌊L/H⌋ frames.
    let frameCount: Int
    /// Core frames per block.
    let blockFrames: Int
    /// e = ⌈P/H⌉: frames of context a block needs on each side.
    let context: Int

    init(stft: STFT, signalLength: Int, blockFrames: Int) {
        precondition(blockFrames >= 1, "FrameBlocks: blockFrames must be ≥ 1")
        self.stft = stft
        self.signalLength = signalLength
        self.frameCount = stft.config.frameCount(signalLength: signalLength)
        self.blockFrames = blockFrames
        let padding = stft.frameLength / 2
        self.context = (padding + stft.hop - 1) / stft.hop
    }

    /// The core frame ranges [t0, t1) covering 0 ..< T, in order.
    var blocks: [Range<Int>] {
        stride(from: 0, to: frameCount, by: blockFrames).map { $0 ..< min($0 + blockFrames, frameCount) }
    }

    /// The frames a block's resynthesis needs: its core widened by e frames each side, clipped to 0 ..< T.
    func extended(_ core: Range<Int>) -> Range<Int> {
        max(0, core.lowerBound - context) ..< min(frameCount, core.upperBound + context)
    }

    /// Frames [a, b) of the STFT of `signal` (length L), as one spectrogram of b − a frames.
    func forward(_ signal: [Double], frames: Range<Int>) -> Spectrogram {
        precondition(signal.count == signalLength, "FrameBlocks.forward: signal length changed")
        let h = stft.hop, padding = stft.frameLength / 2, e = context
        let start = (frames.lowerBound - e) * h
        let count = (frames.count + e - 1) * h + (stft.frameLength - padding)
        var segment = [Double](repeating: 0, count: count)
        let from = max(start, 0), to = min(start + count, signalLength)
        if from < to {
            segment.withUnsafeMutableBufferPointer { dst in
                signal.withUnsafeBufferPointer { src in
                    (dst.baseAddress! + (from - start)).update(from: src.baseAddress! + from, count: to - from)
                }
            }
        }
        let full = stft.forward(segment)
        let f = full.frequencyCount
        let range = (e * f) ..< ((e + frames.count) * f)
        return Spectrogram(frequencyCount: f, frameCount: frames.count,
                           real: Array(full.real[range]), imag: Array(full.imag[range]))
    }

    /// The samples [t0·H, min(t1·H, L)) of a block with core frames [t0, t1), from the audio that
    /// `STFT.inverse` makes of its extended frames (`audio` sample 0 = whole-file sample a·H).
    func coreSamples(of audio: AudioBuffer, core: Range<Int>) -> AudioBuffer {
        let ext = extended(core), h = stft.hop
        let skip = (core.lowerBound - ext.lowerBound) * h
        return AudioBuffer(sampleRate: audio.sampleRate, channels: audio.channels.map { Array($0[skip...]) })
    }

    /// The length to ask of `STFT.inverse` for a block's extended frames: up to the end of its core.
    func inverseLength(core: Range<Int>) -> Int {
        min(core.upperBound * stft.hop, signalLength) - extended(core).lowerBound * stft.hop
    }
}

/// Core frames per block in `separate`: 128 frames (1.5 s at 44.1 kHz with hop 512) keep every per-block
/// array (spectrograms, posteriors, K masks) at a few MB, so memory is dominated by the input itself;
/// larger blocks are no faster (measured on a 60 s 44.1 kHz mix: 1024 frames 248 MB peak RSS, 128 frames
/// 106 MB, same or less CPU time). The result does not depend on it (see `FrameBlocks`).
public let separationBlockFrames = 128
