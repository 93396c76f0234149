import DirClust
import Foundation

/// BSS Eval v3 throughput: (a) 4 sources × 10 s at 16 kHz (`bssEvalSources`, without and with the
/// permutation search) and (b) one estimate against 4 references × 30 s at 44.1 kHz (`SourcesScorer`,
/// target 0: the runner's case). The same signals go to mir_eval and fast_bss_eval (NumPy) through
/// scripts/bench_bss_eval_reference.py in the same run when python3 has them; otherwise those ratios are
/// skipped (or when DIRCLUST_BENCH_SKIP_REFERENCES=1). dirclust and fast_bss_eval: best of 3 runs;
/// mir_eval: one run. Wall and CPU seconds are both reported (CPU time is the fairer figure on a shared
/// machine; for NumPy it includes every BLAS thread). Peak RSS is measured for (b).
func benchBSSEval() throws {
    print("\n== BSS Eval v3 (sources, 512-tap filter) ==")
    let a = BSSEvalBenchData(sources: 4, seconds: 10, sampleRate: 16_000, estimates: 4, seed: 1)
    let b = BSSEvalBenchData(sources: 4, seconds: 30, sampleRate: 44_100, estimates: 1, seed: 2)

    var swiftSeconds: [String: Double] = [:], swiftCPU: [String: Double] = [:]
    var swiftSDR: [String: [Double]] = [:]
    for (name, permutation) in [("a_no_permutation", false), ("a_permutation", true)] {
        var scores: SourcesScores?
        (swiftSeconds[name], swiftCPU[name]) = try bestOf(3) {
            scores = try bssEvalSources(references: a.references, estimates: a.estimates, computePermutation: permutation)
        }
        swiftSDR[name] = scores!.sdr
    }

    let peakBefore = PeakMemory.reset()
    var targetScores: (sdr: Double, sir: Double, sar: Double)?
    var initSeconds = Double.infinity, scoreSeconds = Double.infinity
    (swiftSeconds["b_target"], swiftCPU["b_target"]) = try bestOf(3) {
        let start = ContinuousClock.now
        let scorer = try SourcesScorer(references: b.references)
        let built = ContinuousClock.now
        targetScores = try scorer.score(estimate: b.estimates[0], target: 0)
        initSeconds = min(initSeconds, seconds(built - start))
        scoreSeconds = min(scoreSeconds, seconds(ContinuousClock.now - built))
    }
    let peakB = PeakMemory.current()
    swiftSDR["b_target"] = [targetScores!.sdr]

    let reference = ProcessInfo.processInfo.environment["DIRCLUST_BENCH_SKIP_REFERENCES"] == "1"
        ? (results: nil, skipReason: "DIRCLUST_BENCH_SKIP_REFERENCES=1") : runPythonReferences(a: a, b: b)
    let rows: [(String, String)] = [
        ("a_no_permutation", "(a) 4 src × 10 s @ 16 kHz, no permutation"),
        ("a_permutation", "(a) 4 src × 10 s @ 16 kHz, permutation"),
        ("b_target", "(b) 1 est vs 4 ref × 30 s @ 44.1 kHz"),
    ]
    for (key, label) in rows {
        var line = "\(label): dirclust \(format(swiftSeconds[key]!)) s (CPU \(format(swiftCPU[key]!)) s)"
        for library in ["mir_eval", "fast_bss_eval"] {
            guard let entry = reference.results?[key]?[library] else {
                line += " | \(library): skipped (\(reference.skipReason ?? "no result"))"
                continue
            }
            if let t = entry.seconds, let cpu = entry.cpu_seconds {
                line += " | \(library) \(format(t)) s, CPU \(format(cpu)) s: dirclust "
                    + "\(String(format: "%.1f", t / swiftSeconds[key]!))× faster (CPU \(String(format: "%.1f", cpu / swiftCPU[key]!))×)"
                if let sdr = entry.sdr, let mine = swiftSDR[key], sdr.count == mine.count {
                    let diff = zip(sdr, mine).map { abs($0 - $1) }.max() ?? 0
                    line += " max|ΔSDR| \(String(format: "%.1e", diff)) dB"
                }
            } else {
                line += " | \(library): skipped (\(entry.error ?? "no timing"))"
            }
        }
        print(line)
    }
    print("(b) split: scorer init (reference spectra + Gram factorisation) \(format(initSeconds)) s, "
          + "score per estimate \(format(scoreSeconds)) s")
    if let peakB {
        let note = peakBefore ? "peak RSS during (b)" : "process peak RSS (could not reset the high-water mark)"
        print("(b) memory: \(note) \(String(format: "%.0f", Double(peakB) / 1_048_576)) MB (budget 1024 MB)")
    }
}

/// Seeded benchmark signals: coloured-noise sources with slow amplitude envelopes, and estimates that
/// mix their target with filtered interferers and noise.
private struct BSSEvalBenchData {
    let references: [[Double]]
    let estimates: [[Double]]
    var length: Int { references[0].count }

    init(sources: Int, seconds: Double, sampleRate: Double, estimates count: Int, seed: UInt64) {
        let n = Int(seconds * sampleRate)
        var rng = SeededRandom(seed: seed)
        var refs = [[Double]]()
        for j in 0..<sources {
            let a = [0.95, 0.5, -0.3, 0.8][j % 4]
            var x = [Double](repeating: 0, count: n)
            var prev = 0.0
            let period = 4_000 + 1_500 * j
            for i in 0..<n {
                prev = a * prev + rng.gaussian()
                let phase = Double(i % period) / Double(period)
                x[i] = prev * (0.2 + phase)
            }
            refs.append(x)
        }
        var ests = [[Double]]()
        for j in 0..<count {
            var e = [Double](repeating: 0, count: n)
            for (k, r) in refs.enumerated() {
                let gain = k == j ? 1.0 : 0.25
                let delay = k == j ? 0 : 3 + k
                for i in delay..<n { e[i] += gain * r[i - delay] }
            }
            for i in 0..<n { e[i] += 0.1 * rng.gaussian() }
            ests.append(e)
        }
        references = refs
        estimates = ests
    }
}

private struct ReferenceResult: Decodable {
    let seconds: Double?
    let cpu_seconds: Double?
    let sdr: [Double]?
    let error: String?
}

private func runPythonReferences(a: BSSEvalBenchData, b: BSSEvalBenchData) -> (results: [String: [String: ReferenceResult]]?, skipReason: String?) {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let script = root.appendingPathComponent("scripts/bench_bss_eval_reference.py")
    guard FileManager.default.fileExists(atPath: script.path) else { return (nil, "scripts/bench_bss_eval_reference.py not found") }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dirclust-bss-bench-\(getpid())")
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func write(_ signals: [[Double]], _ name: String) throws {
            var data = Data(capacity: signals.count * signals[0].count * 8)
            for s in signals { s.withUnsafeBytes { data.append(contentsOf: $0) } }
            try data.write(to: directory.appendingPathComponent(name))
        }
        try write(a.references, "a_ref.f64"); try write(a.estimates, "a_est.f64")
        try write(b.references, "b_ref.f64"); try write(b.estimates, "b_est.f64")
        func entry(_ name: String, _ data: BSSEvalBenchData, _ prefix: String, _ mode: String) -> [String: Any] {
            ["name": name, "mode": mode, "target": 0, "length": data.length, "n_ref": data.references.count,
             "n_est": data.estimates.count, "references": "\(prefix)_ref.f64", "estimates": "\(prefix)_est.f64"]
        }
        let manifest: [String: Any] = ["cases": [entry("a_no_permutation", a, "a", "no_permutation"),
                                                  entry("a_permutation", a, "a", "permutation"),
                                                  entry("b_target", b, "b", "target")]]
        try JSONSerialization.data(withJSONObject: manifest).write(to: directory.appendingPathComponent("manifest.json"))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, directory.path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        _ = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return (nil, "python3 exited with status \(process.terminationStatus)") }
        return (try JSONDecoder().decode([String: [String: ReferenceResult]].self, from: bytes), nil)
    } catch {
        return (nil, "python3 unavailable (\(error))")
    }
}

/// Best wall and best CPU seconds over `runs` runs.
private func bestOf(_ runs: Int, _ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    var best = (wall: Double.infinity, cpu: Double.infinity)
    for _ in 0..<runs {
        let start = ContinuousClock.now, cpuStart = cpuSeconds()
        try body()
        best = (min(best.wall, seconds(ContinuousClock.now - start)), min(best.cpu, cpuSeconds() - cpuStart))
    }
    return best
}

/// User + system CPU seconds of this process.
private func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
}

private func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

private func format(_ s: Double) -> String { String(format: s < 1 ? "%.3f" : "%.2f", s) }

/// Peak resident memory of this process from /proc (Linux): `reset` clears the high-water mark
/// (writing 5 to /proc/self/clear_refs), `current` reads VmHWM in bytes.
private enum PeakMemory {
    static func reset() -> Bool {
        (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
    }

    static func current() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Int($0) }.first
            return kb.map { $0 * 1024 }
        }
        return nil
    }
}
