import DirClust
import Foundation

/// Clusterer throughput: EM (Lloyd) iterations per second of each method on N = 200 000 directions, K = 8,
/// from one explicit start, a fixed number of iterations (tolerance 0), best of 3; then scikit-learn's
/// GaussianMixture from the same start on the same data, timed in the same run by
/// `scripts/bench_sklearn_gmm.py` (n/a, with a note, when python3 or scikit-learn is missing or
/// DIRCLUST_BENCH_SKIP_REFERENCES=1).
/// `dirclust-bench clustering [N] [iterations] [methods…]` runs this part alone (smaller N for profiling).
func benchClustering(_ arguments: [String] = []) throws {
    let n = arguments.count > 0 ? Int(arguments[0]) ?? 200_000 : 200_000
    let iterations = arguments.count > 1 ? Int(arguments[1]) ?? 20 : 20
    let only = Set(arguments.dropFirst(2).compactMap(ClusteringMethod.init(rawValue:)))
    let k = 8
    // Eight panned sources with Student-t spread (ν = 4) around their directions, clipped to [0, π/2].
    var rng = SeededRandom(seed: 2024)
    let centres = (0..<k).map { 0.12 + 1.33 * Double($0) / Double(k - 1) }
    let x = (0..<n).map { i -> Double in
        let chi2 = (0..<4).reduce(0.0) { s, _ in let g = rng.gaussian(); return s + g * g }
        let t = rng.gaussian() / (chi2 / 4).squareRoot()
        return min(max(centres[i % k] + 0.04 * t, 0), Double.pi / 2)
    }
    let sigmas = [Double](repeating: 0.06, count: k), weights = [Double](repeating: 1.0 / Double(k), count: k)
    let start = ClusteringInitialization.parameters(means: centres.map { $0 + 0.02 }, scales: sigmas, mixtureWeights: weights)

    print("clustering  N = \(n), K = \(k), \(iterations) iterations from one start (best of 3)")
    var perIteration: [ClusteringMethod: Double] = [:]
    for method in ClusteringMethod.allCases where only.isEmpty || only.contains(method) {
        let options = ClusteringOptions(componentCount: k, maxIterations: iterations, tolerance: 0, initialization: start)
        let clusterer = makeClusterer(method, options: options)
        var fit: ClusterFit?
        let seconds = try clusteringBestOf3 { fit = try clusterer.fit(x, weights: nil) }
        let secondsPerIteration = seconds / Double(max(fit!.iterations, 1))
        perIteration[method] = secondsPerIteration
        // Each mixture's cost per iteration relative to our GMM (issue 14: Cauchy, tMM, GGMM ≤ 2×).
        let ratio = method == .kmeans ? "" : perIteration[.gmm].map { String(format: ", %.2f× our GMM", secondsPerIteration / $0) } ?? ""
        print("clustering  \(method.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)) "
            + "\(String(format: "%8.1f", 1 / secondsPerIteration)) it/s  (\(String(format: "%.2f", secondsPerIteration * 1000)) ms/it, "
            + "\(fit!.iterations) it\(ratio))")
    }
    guard let gmm = perIteration[.gmm] else { return }
    let skip = ProcessInfo.processInfo.environment["DIRCLUST_BENCH_SKIP_REFERENCES"] == "1"
    if !skip, let sklearn = sklearnSecondsPerIteration(x, start: start, iterations: iterations) {
        print("clustering  sklearn GaussianMixture \(String(format: "%8.1f", 1 / sklearn)) it/s  "
            + "(\(String(format: "%.2f", sklearn * 1000)) ms/it) → dirclust GMM is "
            + "\(String(format: "%.1f", sklearn / gmm))× faster per iteration (issue 14: ≥ 8×)")
    } else {
        print("clustering  sklearn GaussianMixture n/a → dirclust GMM vs scikit-learn: n/a")
    }
}

/// Best wall-clock seconds of three runs.
private func clusteringBestOf3(_ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<3 {
        let t0 = Date()
        try body()
        best = min(best, Date().timeIntervalSince(t0))
    }
    return best
}

/// scikit-learn's seconds per GaussianMixture iteration on the same data and start, or nil (with a note)
/// when python3, scikit-learn or the script is unavailable.
private func sklearnSecondsPerIteration(_ x: [Double], start: ClusteringInitialization, iterations: Int) -> Double? {
    guard case let .parameters(means, sigmas, weights, _) = start else { return nil }
    let candidates = [
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/bench_sklearn_gmm.py"),
        URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("scripts/bench_sklearn_gmm.py"),
    ]
    guard let script = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
        print("clustering  sklearn ratio skipped: scripts/bench_sklearn_gmm.py not found")
        return nil
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dirclust-bench-\(getpid())")
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let data = directory.appendingPathComponent("x.f64"), startFile = directory.appendingPathComponent("start.json")
        try x.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: data)  // little-endian on every supported host
        let startJSON: [String: Any] = ["means": means, "sigmas": sigmas, "weights": weights, "iterations": iterations]
        try JSONSerialization.data(withJSONObject: startJSON).write(to: startFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, data.path, startFile.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reply = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let object = try JSONSerialization.jsonObject(with: reply) as? [String: Any],
              let seconds = (object["secondsPerIteration"] as? NSNumber)?.doubleValue, seconds > 0
        else {
            print("clustering  sklearn ratio skipped: python3 with scikit-learn not available (exit \(process.terminationStatus))")
            return nil
        }
        return seconds
    } catch {
        print("clustering  sklearn ratio skipped: \(error)")
        return nil
    }
}
