import DirClust
import Foundation

/// `dirclust-bench counting ROOT [--scenes N] [--seed S]`: the confusion of true vs estimated source count.
/// ROOT holds stem folders (`scripts/gen_speech_stems.py dev|heldout DIR` makes them); all their stems form
/// one pool. For S = 2 … 7 and each noise condition (none, diffuse at 10 dB and 0 dB SNR against all
/// sources) it draws N scenes: S distinct stems from the pool at S random directions in 0° … 90°, at least
/// 3° apart (seeded), mixes them as the runner does (`makeScene`: RMS-normalised, constant-power panning),
/// and counts the peaks of the θ histogram with the default `SourceCountingOptions`.
///
/// `dirclust-bench sources ROOT [--seed S]`: the issue-16 metric on every stem folder of ROOT: the stems at
/// random distinct directions (≥ 15° apart in 10° … 80°), then for each true source the output nearest its
/// direction, scored with BSS Eval v3 (mid (L+R)/2 vs the dry source); mean SDR per method.
func benchCounting(_ arguments: [String]) throws {
    let (root, options) = try benchArguments(arguments)
    let scenes = options["scenes"].flatMap(Int.init) ?? 10
    let seed = options["seed"].flatMap(UInt64.init) ?? 1
    let counting = try countingOptions(options)
    let pool = try stemPool(root)
    print("counting  \(pool.count) stems from \(root); \(scenes) scenes per (S, noise); smoothing \(counting.smoothingDeg)°, relative prominence \(counting.relativeProminence), floor width \(counting.floorWidthDeg)°")
    let counts = Array(2...7), conditions: [Double?] = [nil, 10, 0]
    let stft = try STFT(.default)
    var total = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 8)
    for snr in conditions {
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 8)
        for s in counts {
            for trial in 0..<scenes {
                var rng = SeededRandom(seed: seed &+ UInt64(s * 1000 + trial), stream: 16)
                let stems = pickDistinct(pool.count, s, &rng).map { pool[$0] }
                let angles = randomDirections(s, minimumSeparation: 3, range: 0...90, &rng)
                let histogram = try mixHistogram(stems, angles: angles, snr: snr, noiseSeed: rng.next(), stft: stft).histogram
                let found = try countSources(histogram, options: counting)
                let estimated = found.count
                if options["verbose"] == "1" {
                    let f1 = { (x: Double) in String(format: "%.1f", x) }
                    FileHandle.standardError.write(Data(("S \(s) snr \(snr.map { "\($0)" } ?? "-") true \(angles.sorted().map(f1)) peaks "
                        + found.peaks.filter { $0.relativeProminence > 0.01 }.map { "\(f1($0.directionDeg)):\(String(format: "%.3f", $0.relativeProminence))\($0.isSource ? "*" : "")" }.joined(separator: " ") + "\n").utf8))
                }
                confusion[s][min(estimated, 9)] += 1
                total[s][min(estimated, 9)] += 1
            }
        }
        printConfusion(confusion, counts: counts, title: snr.map { "diffuse noise, SNR \(Int($0)) dB" } ?? "no noise")
    }
    printConfusion(total, counts: counts, title: "all conditions")
}

func printConfusion(_ m: [[Int]], counts: [Int], title: String) {
    print("\n\(title): rows true S, columns estimated count (9 = 9 or more)\n")
    print("| true \\ est | " + (0...9).map(String.init).joined(separator: " | ") + " | correct |")
    print("|---|" + String(repeating: "---:|", count: 11))
    var right = 0, all = 0
    for s in counts {
        let row = m[s], n = row.reduce(0, +)
        right += row[s]; all += n
        print("| \(s) | " + row.map(String.init).joined(separator: " | ") + " | \(String(format: "%.0f", 100 * Double(row[s]) / Double(max(n, 1)))) % |")
    }
    print("\ncorrect: \(right) / \(all) (\(String(format: "%.1f", 100 * Double(right) / Double(max(all, 1)))) %)")
}

/// The per-source SDR table of issue 16 on every stem folder of ROOT.
func benchSources(_ arguments: [String]) throws {
    let (root, options) = try benchArguments(arguments)
    let seed = options["seed"].flatMap(UInt64.init) ?? 1
    let counting = try countingOptions(options)
    let folders = try FileManager.default.contentsOfDirectory(atPath: root).sorted()
        .map { root + "/" + $0 }.filter { (try? StemFolder($0)) != nil }
    let stft = try STFT(.default)
    var table: [String: [Double]] = [:], order: [String] = []
    func add(_ name: String, _ sdr: Double) {
        if table[name] == nil { order.append(name); table[name] = [] }
        table[name]!.append(sdr)
    }
    for (f, folder) in folders.enumerated() {
        let stems = try StemFolder(folder)
        let dry = try stems.read(sampleRate: 16000, offset: 0, seconds: 10)
        var rng = SeededRandom(seed: seed &+ UInt64(f), stream: 1616)
        let angles = randomDirections(dry.count, minimumSeparation: 15, range: 10...80, &rng)
        let mixed = try mixHistogram(dry, angles: angles, snr: nil, noiseSeed: 0, stft: stft)
        let scorer = try SourcesScorer(references: mixed.scene.dry)
        let X = stft.forward(mixed.scene.mixture)
        let length = mixed.scene.mixture.frameCount
        var line = "\(URL(fileURLWithPath: folder).lastPathComponent) at \(angles.map { String(format: "%.0f°", $0) }.joined(separator: ", ")):"
        // Scores each true source with the output nearest its direction.
        func score(_ name: String, outputs: [(directionDeg: Double, mask: [Double])]) throws {
            var sdrs: [Double] = []
            for (s, angle) in angles.enumerated() {
                guard let nearest = outputs.min(by: { abs($0.directionDeg - angle) < abs($1.directionDeg - angle) }) else { continue }
                let estimate = applyMask(nearest.mask, to: X, stft: stft, length: length, sampleRate: 16000)
                let mid = zip(estimate.channels[0], estimate.channels[1]).map { 0.5 * ($0 + $1) }
                sdrs.append(try scorer.score(estimate: mid, target: s).sdr)
            }
            let mean = sdrs.reduce(0, +) / Double(sdrs.count)
            add(name, mean)
            line += " \(name) \(String(format: "%.2f", mean))"
        }
        let quick = options["quick"] == "1"
        // Raw clusters, one output per cluster (nearest).
        for (method, k) in quick ? [(ClusteringMethod.kmeans, 3)] : [(ClusteringMethod.kmeans, 3), (.ggmm, 3), (.kmeans, 5), (.cauchy, 5), (.tmm, 5), (.gmm, 5), (.tmm, 6)] {
            let fit = try makeClusterer(method, options: ClusteringOptions(componentCount: k, seed: 0)).fit(mixed.theta, weights: mixed.weights)
            let masks = clusterMasks(posteriors: fit.posteriors(mixed.feature.activeTheta()), componentCount: k,
                                     feature: mixed.feature, kind: .binary)
            try score("\(method.rawValue)K\(k)", outputs: fit.means.indices.map { (fit.means[$0] * 180 / .pi, masks[$0]) })
        }
        // Counted: DUET-like (binary mask to the nearest counted peak) and counting + grouping.
        let count = try countSources(mixed.histogram, options: counting)
        line += " [count \(count.count)]"
        let peaks = count.directionsDeg.map { $0 * Double.pi / 180 }
        let nearestPeak = try makeClusterer(.kmeans, options: ClusteringOptions(componentCount: peaks.count, maxIterations: 0,
            initialization: .parameters(means: peaks, scales: peaks.map { _ in 0.01 }, mixtureWeights: peaks.map { _ in 1 })))
            .fit(mixed.theta, weights: mixed.weights)
        let peakMasks = clusterMasks(posteriors: nearestPeak.posteriors(mixed.feature.activeTheta()), componentCount: peaks.count,
                                     feature: mixed.feature, kind: .binary)
        try score("peaks-nearest", outputs: count.directionsDeg.indices.map { (count.directionsDeg[$0], peakMasks[$0]) })
        for method in quick ? [ClusteringMethod.kmeans, .cauchy] : [ClusteringMethod.kmeans, .tmm, .cauchy, .ggmm, .gmm] {
            for spares in quick ? [0] : [0, 2] {
                var settings = SourceSettings(method: method, spareComponents: spares, counting: counting)
                if let w = options["width"].flatMap(Double.init) { settings.grouping.widthFraction = w }
                if let b = options["transition"].flatMap(Double.init) { settings.transitionDeg = b }
                let analysis = try analyseSources(mixed.histogram, points: FittingPoints(histogram: mixed.histogram), settings: settings)
                for kind in [MaskKind.binary, .soft] {
                    let masks = analysis.masks(for: mixed.feature, kind: kind)
                    try score("grouped-\(method.rawValue)+\(spares)-\(kind.rawValue)",
                              outputs: analysis.grouping.sources.indices.map { (analysis.grouping.sources[$0].directionDeg, masks[$0]) })
                }
            }
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
    print("\nmean SDR over \(folders.count) mixtures (\(root)), each true source scored with the output nearest its direction\n")
    print("| method | mean SDR (dB) | min | max |\n|---|---:|---:|---:|")
    for name in order {
        let v = table[name]!
        print("| \(name) | \(String(format: "%.2f", v.reduce(0, +) / Double(v.count))) | \(String(format: "%.2f", v.min()!)) | \(String(format: "%.2f", v.max()!)) |")
    }
}

/// ROOT and `--key value` pairs.
func benchArguments(_ arguments: [String]) throws -> (String, [String: String]) {
    guard let root = arguments.first, !root.hasPrefix("--") else {
        throw DirClustError("expected a folder of stem folders, e.g. `dirclust-bench counting /tmp/stems/heldout` (scripts/gen_speech_stems.py makes them).")
    }
    var options: [String: String] = [:]
    var i = 1
    while i + 1 < arguments.count, arguments[i].hasPrefix("--") {
        options[String(arguments[i].dropFirst(2))] = arguments[i + 1]
        i += 2
    }
    return (root, options)
}

func countingOptions(_ options: [String: String]) throws -> SourceCountingOptions {
    var counting = SourceCountingOptions.default
    if let s = options["smoothing"].flatMap(Double.init) { counting.smoothingDeg = s }
    if let p = options["prominence"].flatMap(Double.init) { counting.relativeProminence = p }
    if options["log"] == "1" { counting.logScale = true }
    if let w = options["floor"].flatMap(Double.init) { counting.floorWidthDeg = w }
    try counting.validate()
    return counting
}

/// Every stem (dry mono, 10 s at 16 kHz) of every stem folder in `root`.
func stemPool(_ root: String) throws -> [[Double]] {
    var pool: [[Double]] = []
    for name in try FileManager.default.contentsOfDirectory(atPath: root).sorted() {
        guard let folder = try? StemFolder(root + "/" + name) else { continue }
        pool += try folder.read(sampleRate: 16000, offset: 0, seconds: 10)
    }
    guard pool.count >= 7 else { throw DirClustError("\(root) holds \(pool.count) stems; expected at least 7.") }
    return pool
}

/// k distinct indices of 0..<n.
func pickDistinct(_ n: Int, _ k: Int, _ rng: inout SeededRandom) -> [Int] {
    var all = Array(0..<n)
    for i in 0..<k { all.swapAt(i, i + Int(rng.uniform() * Double(n - i))) }
    return Array(all.prefix(k))
}

/// n directions uniform in `range`, pairwise at least `minimumSeparation` apart (rejection sampling).
func randomDirections(_ n: Int, minimumSeparation: Double, range: ClosedRange<Double>, _ rng: inout SeededRandom) -> [Double] {
    while true {
        let a = (0..<n).map { _ in range.lowerBound + rng.uniform() * (range.upperBound - range.lowerBound) }
        let s = a.sorted()
        if zip(s, s.dropFirst()).allSatisfy({ $1 - $0 >= minimumSeparation }) { return a }
    }
}

/// The scene of `dry` at `angles` (with diffuse noise at `snr` dB against all sources, if given), its
/// power-weighted direction feature, the θ histogram and the histogram's fitting data.
func mixHistogram(_ dry: [[Double]], angles: [Double], snr: Double?, noiseSeed: UInt64, stft: STFT) throws
    -> (scene: Scene, feature: DirectionFeature, histogram: DirectionHistogram, theta: [Double], weights: [Double]) {
    let names = dry.indices.map { "s\($0)" }
    let spec = SceneSpec(sources: names.map { SceneSource(name: $0) }, anglesDeg: angles, snrDB: snr, noiseSeed: noiseSeed)
    let scene = try makeScene(dry: dry, names: names, spec: spec, sampleRate: 16000)
    let feature = try directionFeature(stft.forward(scene.mixture), weighting: .power)
    var histogram = DirectionHistogram()
    histogram.add(feature)
    let data = histogram.fittingData()
    return (scene, feature, histogram, data.theta, data.weights)
}

