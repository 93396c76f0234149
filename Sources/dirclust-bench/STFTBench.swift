import DirClust

/// STFT throughput: forward + inverse of 10 s of stereo noise at 16 kHz and 44.1 kHz with the default
/// config (N = 2048, H = 512, Hann), best of 5 runs after one warm-up; also reports the reconstruction error.
func benchSTFT() throws {
    let stft = try STFT()
    let cfg = stft.config
    for rate in [16_000, 44_100] {
        var rng = SeededRandom(seed: 1, stream: UInt64(rate))
        let length = 10 * rate
        let audio = AudioBuffer(sampleRate: rate, channels: (0..<2).map { _ in
            (0..<length).map { _ in 2 * rng.uniform() - 1 }
        })
        var best = (forward: Double.infinity, inverse: Double.infinity)
        var error = 0.0
        for run in 0..<6 {
            let clock = ContinuousClock()
            let t0 = clock.now
            let specs = stft.forward(audio)
            let t1 = clock.now
            let back = stft.inverse(specs, length: length, sampleRate: rate)
            let t2 = clock.now
            if run == 0 {
                for c in 0..<2 {
                    for i in 0..<length { error = max(error, abs(back.channels[c][i] - audio.channels[c][i])) }
                }
                continue
            }
            best.forward = min(best.forward, milliseconds(t1 - t0))
            best.inverse = min(best.inverse, milliseconds(t2 - t1))
        }
        let line = "stft  10 s stereo @ \(rate) Hz, N=\(cfg.frameLength) H=\(cfg.hop) \(cfg.window.rawValue): "
            + "forward \(format(best.forward)) ms, inverse \(format(best.inverse)) ms, "
            + "total \(format(best.forward + best.inverse)) ms, max reconstruction error \(error)"
        print(line)
    }
}

private func milliseconds(_ d: Duration) -> Double {
    let c = d.components
    return Double(c.seconds) * 1e3 + Double(c.attoseconds) * 1e-15
}

private func format(_ x: Double) -> String {
    let r = (x * 10).rounded() / 10
    return "\(r)"
}
