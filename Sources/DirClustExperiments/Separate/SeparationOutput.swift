import DirClust
import Foundation

/// `clusters.json`: what `dirclust separate` fitted and wrote, enough to redraw the plot or reuse the
/// clusters. Angles are in degrees (θ scale: 0 = left, 45 = centre, 90 = right); cluster k (1-based) is
/// the k-th by ascending direction and is the file `clusters[k−1].file`.
public struct SeparationSummary: Codable, Sendable, Equatable {
    public struct Cluster: Codable, Sendable, Equatable {
        /// k, 1-based, by ascending direction.
        public var index: Int
        /// Its output file (nil when the outputs are sources: see `sources.json`).
        public var file: String?
        /// μ_k in degrees.
        public var meanDeg: Double
        /// The component's scale in degrees (see `scaleKind`).
        public var scaleDeg: Double
        /// tMM ν or GGMM β (nil for the other methods).
        public var shape: Double?
        /// π_k, the component's share of the (weighted) bins.
        public var weight: Double
    }

    public struct Target: Codable, Sendable, Equatable {
        public var directionDeg: Double
        /// The nearest cluster's k (1-based).
        public var cluster: Int
        public var file: String
    }

    public var input: String
    public var sampleRate: Int
    public var durationSeconds: Double
    public var method: ClusteringMethod
    public var componentCount: Int
    public var meansDeg: [Double]
    public var scalesDeg: [Double]
    /// What `scalesDeg` holds: "rms" (k-means: within-cluster weighted RMS), "sigma" (GMM) or "alpha"
    /// (Cauchy, tMM, GGMM).
    public var scaleKind: String
    public var shapes: [Double]?
    /// "nu" (tMM degrees of freedom) or "beta" (GGMM shape), nil otherwise.
    public var shapeKind: String?
    public var mixtureWeights: [Double]
    /// Weighted log-likelihood after each EM iteration (k-means: −weighted SSE), in the weight units of
    /// `options.weighting`.
    public var logLikelihoodTrace: [Double]
    public var iterations: Int
    public var converged: Bool
    public var clusters: [Cluster]
    public var target: Target?
    public var options: SeparationOptions
    /// Bins with a direction (above the silence threshold) and all bins of the STFT.
    public var activeBins: Int
    public var totalBins: Int
    /// Resolution of the θ grid the clusterer was fitted on (`DirectionHistogram.cellWidthDeg`).
    public var thetaResolutionDeg: Double
    public var dirclustVersion: String

    public init(analysis: DirectionAnalysis, input: String) {
        let fit = analysis.fit
        let toDeg = 180 / Double.pi
        self.input = input
        sampleRate = analysis.sampleRate
        durationSeconds = Double(analysis.signalLength) / Double(analysis.sampleRate)
        method = fit.method
        componentCount = fit.means.count
        meansDeg = fit.means.map { $0 * toDeg }
        scalesDeg = fit.scales.map { $0 * toDeg }
        scaleKind = fit.method == .kmeans ? "rms" : fit.method == .gmm ? "sigma" : "alpha"
        shapes = fit.shapes
        shapeKind = fit.method == .tmm ? "nu" : fit.method == .ggmm ? "beta" : nil
        mixtureWeights = fit.mixtureWeights
        logLikelihoodTrace = fit.logLikelihoodTrace
        iterations = fit.iterations
        converged = fit.converged
        clusters = fit.means.indices.map { k in
            Cluster(index: k + 1, file: analysis.sources == nil ? clusterFileName(index: k, meanRadians: fit.means[k]) : nil,
                    meanDeg: fit.means[k] * toDeg, scaleDeg: fit.scales[k] * toDeg,
                    shape: fit.shapes?[k], weight: fit.mixtureWeights[k])
        }
        if let k = analysis.targetCluster, let direction = analysis.options.targetDirectionDeg {
            target = Target(directionDeg: direction, cluster: k + 1, file: targetFileName)
        }
        options = analysis.options
        activeBins = analysis.histogram.activeBinCount
        totalBins = analysis.histogram.totalBinCount
        thetaResolutionDeg = DirectionHistogram.cellWidthDeg
        dirclustVersion = DirClustInfo.version
    }

    /// Pretty-printed JSON with sorted keys (the same analysis always gives the same bytes).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }
}

/// `cluster-<k>-at-<μ in degrees, one decimal>deg.wav`, k 1-based (`index` is 0-based).
public func clusterFileName(index: Int, meanRadians: Double) -> String {
    "cluster-\(index + 1)-at-\(String(format: "%.1f", meanRadians * 180 / Double.pi))deg.wav"
}

public let targetFileName = "target.wav"
public let clustersJSONFileName = "clusters.json"
public let sourcesJSONFileName = "sources.json"
public let residualFileName = "residual.wav"

/// `source-<s>-at-<φ in degrees, one decimal>deg.wav`, s 1-based (`index` is 0-based).
public func sourceFileName(index: Int, directionDeg: Double) -> String {
    "source-\(index + 1)-at-\(String(format: "%.1f", directionDeg))deg.wav"
}

/// The output files of an analysis, in output order: one per cluster, or one per source then the residual.
public func outputFileNames(_ analysis: DirectionAnalysis) -> [String] {
    guard let sources = analysis.sources else {
        return analysis.fit.means.indices.map { clusterFileName(index: $0, meanRadians: analysis.fit.means[$0]) }
    }
    return sources.grouping.sources.enumerated().map { sourceFileName(index: $0, directionDeg: $1.directionDeg) } + [residualFileName]
}

/// `sources.json`: how many sources `dirclust separate` counted, where, which fitted components (1-based,
/// the clusters of `clusters.json`) form each, and the histogram evidence the count rests on.
public struct SourcesSummary: Codable, Sendable, Equatable {
    public struct Source: Codable, Sendable, Equatable {
        public var index: Int
        public var file: String
        public var directionDeg: Double
        public var components: [Int]
        /// Σ π_k of its components.
        public var weight: Double
    }
    public var input: String
    /// "counted" or "fixed".
    public var countMode: String
    public var count: Int
    public var directionsDeg: [Double]
    public var sources: [Source]
    /// The residual (diffuse) part: its file and components (1-based).
    public var residualFile: String
    public var residualComponents: [Int]
    /// Counted directions that no fitted component represented (dropped).
    public var unmatchedDirectionsDeg: [Double]
    /// Every peak of the smoothed θ histogram with its prominence and whether it counted as a source.
    public var peaks: [DirectionPeak]
    public var settings: SourceSettings

    public init?(analysis: DirectionAnalysis, input: String) {
        guard let a = analysis.sources else { return nil }
        self.input = input
        if case .fixed? = analysis.options.sources { countMode = "fixed" } else { countMode = "counted" }
        count = a.grouping.sources.count
        directionsDeg = a.grouping.sources.map(\.directionDeg)
        sources = a.grouping.sources.enumerated().map { s, g in
            Source(index: s + 1, file: sourceFileName(index: s, directionDeg: g.directionDeg), directionDeg: g.directionDeg,
                   components: g.components.map { $0 + 1 }, weight: g.weight)
        }
        residualFile = residualFileName
        residualComponents = a.grouping.residual.map { $0 + 1 }
        unmatchedDirectionsDeg = a.grouping.unmatchedDirectionsDeg
        peaks = a.count.peaks
        settings = analysis.options.sourceSettings
        settings.method = analysis.options.method
    }

    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
public let directionPlotFileName = "directions.svg"

/// What `separateStereoFile` wrote.
public struct SeparationReport: Sendable {
    /// The output folder.
    public let outputFolder: String
    /// File names (inside `outputFolder`) of the clusters, by ascending direction.
    public let clusterFiles: [String]
    /// `target.wav` when a target direction was given.
    public let targetFile: String?
    public let summary: SeparationSummary
    public let analysis: DirectionAnalysis
}

/// Separates the stereo WAV file `input` by direction into `outputFolder`: one stereo float WAV per
/// cluster (`clusterFileName`), `target.wav` (a copy of the cluster nearest the target direction, if one
/// is given), `clusters.json` (`SeparationSummary`) and `directions.svg` (`DirectionPlot`).
///
/// All or nothing: the outputs are written into a hidden folder beside `outputFolder` and renamed into
/// place at the end, so an error leaves no partial output (and an earlier result in `outputFolder`
/// untouched). An existing `outputFolder` is replaced only if it is empty or holds nothing but the files
/// of an earlier `dirclust separate`. Memory: the input, one STFT block, and one cluster at a time while
/// writing (the clusters are streamed through float32 scratch files in the hidden folder).
/// - Throws: `DirClustError` for invalid options, an unusable output folder, an unreadable, mono, empty,
///   silent or single-direction input, or a failed write.
public func separateStereoFile(input: String, outputFolder: String, options: SeparationOptions = .default,
                               blockFrames: Int = separationBlockFrames,
                               progress: SeparationProgressHandler? = nil) throws -> SeparationReport {
    try options.validate()
    let destination = try OutputFolder(outputFolder, input: input)
    // The staging folder is made before any work, so an output folder that cannot be written is refused
    // at once, and it is removed if the process is interrupted (SIGINT/SIGTERM) as well as on an error.
    let staging = try destination.makeStaging()
    defer { InterruptCleanup.unregister(staging) }
    do {
        progress?(.reading, 0)
        var audio: AudioBuffer? = try readWAV(input)
        progress?(.reading, 1)
        let analysis = try analyseDirections(audio!, name: "WAV file '\(input)'", options: options,
                                             blockFrames: blockFrames, progress: progress)
        let summary = SeparationSummary(analysis: analysis, input: input)
        let names = outputFileNames(analysis)

        let scratch = names.indices.map { staging + "/.cluster-\($0 + 1).f32" }
        let files = try scratch.map { try ScratchFile(writing: $0) }
        try resynthesiseClusters(audio!, analysis: analysis, blockFrames: blockFrames, progress: progress) { k, samples in
            try files[k].append(samples)
        }
        for file in files { try file.close() }
        let sampleRate = audio!.sampleRate, length = audio!.frameCount
        audio = nil  // the mix is no longer needed: free it before the clusters are read back

        for (k, name) in names.enumerated() {
            progress?(.writing, Double(k) / Double(names.count + 2))
            let cluster = try ScratchFile.read(scratch[k], frames: length, sampleRate: sampleRate)
            try writeWAV(cluster, to: staging + "/" + name, format: .float32)
            if analysis.targetCluster == k { try writeWAV(cluster, to: staging + "/" + targetFileName, format: .float32) }
            try FileManager.default.removeItem(atPath: scratch[k])
        }
        try summary.jsonData().write(to: URL(fileURLWithPath: staging + "/" + clustersJSONFileName))
        if let sources = SourcesSummary(analysis: analysis, input: input) {
            try sources.jsonData().write(to: URL(fileURLWithPath: staging + "/" + sourcesJSONFileName))
        }
        let title = "Directions in \(URL(fileURLWithPath: input).lastPathComponent): \(options.method.rawValue), K = \(analysis.fit.means.count)"
            + (analysis.sources.map { ", \($0.grouping.sources.count) sources" } ?? "")
        try Data(DirectionPlot(analysis: analysis, title: title).svg().utf8)
            .write(to: URL(fileURLWithPath: staging + "/" + directionPlotFileName))
        progress?(.writing, 1)
        try destination.commit(staging)
        return SeparationReport(outputFolder: destination.path, clusterFiles: names,
                                targetFile: analysis.targetCluster == nil ? nil : targetFileName,
                                summary: summary, analysis: analysis)
    } catch {
        InterruptCleanup.yieldToInterrupt()
        destination.discard(staging)
        throw error
    }
}

/// The output folder of a separation, replaced as a whole: checked before any work starts, filled in a
/// hidden staging folder beside it, then renamed into place.
struct OutputFolder {
    let path: String
    let parent: String
    let name: String

    /// Whether `file` is one of the files `dirclust separate` writes.
    static func isSeparationOutput(_ file: String) -> Bool {
        if [targetFileName, clustersJSONFileName, sourcesJSONFileName, residualFileName, directionPlotFileName].contains(file) { return true }
        return (file.hasPrefix("cluster-") || file.hasPrefix("source-")) && file.hasSuffix("deg.wav") && file.contains("-at-")
    }

    /// Checks the folder (creating missing parents, as `mkdir -p` does): it must not hold `input` (it is
    /// replaced as a whole), and an existing one must hold only earlier `dirclust separate` outputs.
    init(_ path: String, input: String) throws {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        self.path = url.path
        self.parent = url.deletingLastPathComponent().path
        self.name = url.lastPathComponent
        let resolved = url.resolvingSymlinksInPath().path
        let inputPath = URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath().path
        if inputPath == resolved || inputPath.hasPrefix(resolved.hasSuffix("/") ? resolved : resolved + "/") {
            throw DirClustError("--out '\(path)' holds the input '\(input)'; the output folder is replaced as a whole, which would delete the input. Choose an --out outside the input's folder.")
        }
        try createOutputFolder(parent, what: "--out '\(path)': folder")
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: self.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw DirClustError("output folder '\(path)' is an existing file; expected a new folder or the folder of an earlier `dirclust separate`.")
            }
            let contents = (try? fm.contentsOfDirectory(atPath: self.path)) ?? []
            if let other = contents.sorted().first(where: { !Self.isSeparationOutput($0) }) {
                throw DirClustError("output folder '\(path)' already holds '\(other)', which `dirclust separate` did not write; expected a new or empty folder, or the folder of an earlier `dirclust separate` (which is replaced).")
            }
        }
    }

    /// A new hidden folder beside the output folder, `.<name>.partial-<pid>-<n>`, removed on SIGINT/SIGTERM
    /// (`InterruptCleanup`). Staging folders of processes that no longer exist (killed with SIGKILL, or
    /// by a power cut) are removed first.
    func makeStaging() throws -> String {
        removeStaleStaging()
        let staging = parent + "/.\(name).partial-\(getpid())-\(temporaryCounter.next())"
        InterruptCleanup.register(staging)  // before it exists, so no signal can fall between
        guard mkdir(staging, 0o777) == 0 else {
            let reason = String(cString: strerror(errno))
            InterruptCleanup.unregister(staging)
            throw DirClustError("output folder '\(path)' cannot be created: making '\(staging)' failed (\(reason)); choose a folder you can write to.")
        }
        return staging
    }

    /// Removes `.<name>.partial-<pid>-<n>` folders whose process is gone (`kill(pid, 0)` fails with
    /// ESRCH), and `.<name>.replaced-<pid>-<n>` ones of gone processes once the output folder exists
    /// (before that, the aside copy is the only earlier result and is left alone).
    func removeStaleStaging() {
        let fm = FileManager.default
        for entry in (try? fm.contentsOfDirectory(atPath: parent)) ?? [] {
            for kind in ["partial", "replaced"] {
                let prefix = ".\(name).\(kind)-"
                guard entry.hasPrefix(prefix), let pid = Int32(entry.dropFirst(prefix.count).split(separator: "-").first ?? "") else { continue }
                guard kill(pid, 0) != 0 && errno == ESRCH else { continue }
                if kind == "replaced" && !fm.fileExists(atPath: path) { continue }
                try? fm.removeItem(atPath: parent + "/" + entry)
            }
        }
    }

    /// Puts the staging folder in place of the output folder (moving an earlier result aside, then
    /// deleting it once the new one is in place).
    func commit(_ staging: String) throws {
        let fm = FileManager.default
        var previous: String?
        if fm.fileExists(atPath: path) {
            let aside = parent + "/.\(name).replaced-\(ProcessInfo.processInfo.processIdentifier)-\(temporaryCounter.next())"
            guard rename(path, aside) == 0 else {
                throw DirClustError("output folder '\(path)' could not be replaced: moving the earlier result aside failed (errno \(errno)).")
            }
            previous = aside
        }
        guard rename(staging, path) == 0 else {
            let code = errno
            if let previous { _ = rename(previous, path) }
            throw DirClustError("output folder '\(path)' could not be created: renaming the finished outputs into place failed (errno \(code)).")
        }
        if let previous { try? fm.removeItem(atPath: previous) }
    }

    func discard(_ staging: String) {
        try? FileManager.default.removeItem(atPath: staging)
    }
}

/// A float32 scratch file holding one cluster's stereo samples, interleaved (L, R), appended block by block.
/// Closed by `close()`, or when released (after an error).
final class ScratchFile {
    private var file: UnsafeMutablePointer<FILE>?
    let path: String

    init(writing path: String) throws {
        self.path = path
        guard let f = fopen(path, "wb") else {
            throw DirClustError("cannot create scratch file '\(path)' (errno \(errno)).")
        }
        file = f
    }

    deinit { if let f = file { fclose(f) } }

    func append(_ audio: AudioBuffer) throws {
        let n = audio.frameCount
        var interleaved = [Float](repeating: 0, count: 2 * n)
        for c in 0..<2 {
            audio.channels[c].withUnsafeBufferPointer { src in
                for i in 0..<n { interleaved[2 * i + c] = Float(src[i]) }
            }
        }
        let written = interleaved.withUnsafeBufferPointer { fwrite($0.baseAddress, 4, 2 * n, file) }
        guard written == 2 * n else {
            throw DirClustError("cannot write scratch file '\(path)': the disk may be full (errno \(errno)).")
        }
    }

    func close() throws {
        guard let f = file else { return }
        file = nil
        guard fclose(f) == 0 else { throw DirClustError("cannot finish scratch file '\(path)' (errno \(errno)).") }
    }

    /// Reads `frames` stereo frames back as audio, 64 k frames at a time.
    static func read(_ path: String, frames: Int, sampleRate: Int) throws -> AudioBuffer {
        guard let f = fopen(path, "rb") else { throw DirClustError("cannot read scratch file '\(path)' (errno \(errno)).") }
        defer { fclose(f) }
        var left = [Double](repeating: 0, count: frames), right = [Double](repeating: 0, count: frames)
        let chunk = 65_536
        var buffer = [Float](repeating: 0, count: 2 * chunk)
        var done = 0
        while done < frames {
            let count = min(chunk, frames - done)
            let got = buffer.withUnsafeMutableBufferPointer { fread($0.baseAddress, 4, 2 * count, f) }
            guard got == 2 * count else { throw DirClustError("scratch file '\(path)' is shorter than expected.") }
            for i in 0..<count {
                left[done + i] = Double(buffer[2 * i])
                right[done + i] = Double(buffer[2 * i + 1])
            }
            done += count
        }
        return AudioBuffer(sampleRate: sampleRate, channels: [left, right])
    }
}
