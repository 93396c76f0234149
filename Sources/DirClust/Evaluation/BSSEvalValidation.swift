/// Input checks shared by every BSS Eval entry point, run before any computation (as mir_eval's
/// `separation.validate`). Each failure is one `DirClustError` naming the offending signal.
public enum BSSEvalValidation {
    /// mir_eval's `MAX_SOURCES`.
    public static let maximumSources = 100

    /// Checks one signal (channels × samples; a mono signal is one channel): not empty, every sample
    /// finite, not entirely zero. `name` is how the user knows it ("reference 2", "mix.wav").
    public static func checkSignal(_ channels: [[Double]], name: String) throws {
        guard let first = channels.first, !first.isEmpty else {
            throw DirClustError("bss_eval: \(name) is empty; expected at least one sample")
        }
        var silent = true
        for (c, channel) in channels.enumerated() {
            guard channel.count == first.count else {
                throw DirClustError("bss_eval: \(name) channel \(c + 1) has \(channel.count) samples but channel 1 has \(first.count); expected equal lengths")
            }
            for (n, v) in channel.enumerated() {
                guard v.isFinite else {
                    throw DirClustError("bss_eval: \(name) has a non-finite sample (\(v)) at index \(n)\(channels.count > 1 ? " of channel \(c + 1)" : ""); expected finite audio samples")
                }
                if v != 0 { silent = false }
            }
        }
        if silent {
            throw DirClustError("bss_eval: \(name) is all zeros; every reference and estimate must be non-silent (a silent signal makes the projection undefined)")
        }
    }

    /// Checks a set of signals that must share one shape (channels × samples).
    static func checkSet(_ signals: [[[Double]]], kind: String, shape: (channels: Int, samples: Int)?) throws {
        guard !signals.isEmpty else { throw DirClustError("bss_eval: no \(kind)s given; expected at least one") }
        guard signals.count <= maximumSources else {
            throw DirClustError("bss_eval: \(signals.count) \(kind)s given; at most \(maximumSources) are supported")
        }
        let shape = shape ?? (signals[0].count, signals[0].first?.count ?? 0)
        for (i, signal) in signals.enumerated() {
            let name = "\(kind) \(i + 1)"
            try checkSignal(signal, name: name)
            guard signal.count == shape.channels else {
                throw DirClustError("bss_eval: \(name) has \(signal.count) channels but expected \(shape.channels) (all references and estimates must have the same channel count)")
            }
            guard signal[0].count == shape.samples else {
                throw DirClustError("bss_eval: \(name) has \(signal[0].count) samples but expected \(shape.samples) (all references and estimates must have the same length)")
            }
        }
    }
}
