import DirClust
import Foundation

/// STFT throughput: forward + inverse of 10 s of stereo noise at 16 kHz and 44.1 kHz with the default
/// config (N = 2048, H = 512, periodic Hann), best of 5 runs after one warm-up, as wall-clock and as CPU
/// time of this thread (the CPU figure is the one to trust on a shared machine). Then the same work in
/// scipy.signal (stft + istft) via `scripts/bench_scipy_stft.py`, skipped with a note when python3 or
/// scipy is missing.
func benchSTFT() throws {
    let stft = try STFT()
    let cfg = stft.config
    let rates = [16_000, 44_100]
    var ours: [Int: (wall: Double, cpu: Double)] = [:]
    for rate in rates {
        var rng = SeededRandom(seed: 1, stream: UInt64(rate))
        let length = 10 * rate
        let audio = AudioBuffer(sampleRate: rate, channels: (0..<2).map { _ in
            (0..<length).map { _ in 2 * rng.uniform() - 1 }
        })
        var best = (forwardWall: Double.infinity, inverseWall: Double.infinity, cpu: Double.infinity)
        var error = 0.0
        for run in 0..<6 {
            let (w0, c0) = (wallMilliseconds(), threadCPUMilliseconds())
            let specs = stft.forward(audio)
            let w1 = wallMilliseconds()
            let back = stft.inverse(specs, length: length, sampleRate: rate)
            let (w2, c2) = (wallMilliseconds(), threadCPUMilliseconds())
            if run == 0 {
                for c in 0..<2 {
                    for i in 0..<length { error = max(error, abs(back.channels[c][i] - audio.channels[c][i])) }
                }
                continue
            }
            best.forwardWall = min(best.forwardWall, w1 - w0)
            best.inverseWall = min(best.inverseWall, w2 - w1)
            best.cpu = min(best.cpu, c2 - c0)
        }
        ours[rate] = (best.forwardWall + best.inverseWall, best.cpu)
        print("stft  10 s stereo @ \(rate) Hz, N=\(cfg.frameLength) H=\(cfg.hop) \(cfg.window.rawValue): "
            + "forward \(ms(best.forwardWall)) + inverse \(ms(best.inverseWall)) = \(ms(best.forwardWall + best.inverseWall)) ms wall, "
            + "\(ms(best.cpu)) ms CPU; max reconstruction error \(error)")
    }
    guard let scipy = scipySTFT(frameLength: cfg.frameLength, hop: cfg.hop, rates: rates) else { return }
    for rate in rates {
        guard let theirs = scipy[String(rate)], let wall = theirs["wall_ms"], let cpu = theirs["cpu_ms"],
              let mine = ours[rate] else { continue }
        print("stft  scipy.signal stft+istft @ \(rate) Hz: \(ms(wall)) ms wall, \(ms(cpu)) ms CPU "
            + "→ dirclust \(String(format: "%.1f", cpu / mine.cpu))× faster (CPU)")
    }
}

private func ms(_ x: Double) -> String { String(format: "%.1f", x) }

private func wallMilliseconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) * 1e-6
}

private func threadCPUMilliseconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) * 1e-6
}

/// `{"<rate>": {"wall_ms": …, "cpu_ms": …}}` from scripts/bench_scipy_stft.py, or nil with a note.
private func scipySTFT(frameLength: Int, hop: Int, rates: [Int]) -> [String: [String: Double]]? {
    let candidates = [
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/bench_scipy_stft.py"),
        URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("scripts/bench_scipy_stft.py"),
    ]
    guard let script = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
        print("stft  scipy ratio skipped: scripts/bench_scipy_stft.py not found")
        return nil
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path, String(frameLength), String(hop)] + rates.map(String.init)
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do {
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let result = try JSONSerialization.jsonObject(with: data) as? [String: [String: Double]]
        else {
            print("stft  scipy ratio skipped: python3 with numpy/scipy is not available")
            return nil
        }
        return result
    } catch {
        print("stft  scipy ratio skipped: \(error)")
        return nil
    }
}
