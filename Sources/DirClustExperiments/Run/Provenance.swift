import DirClust
import Foundation

/// `provenance.json`: what produced a results directory — git commit, the config and its hash, SoundFont
/// and library versions (from the evaluator), the time per stage and its share, and the run's size.
public struct Provenance: Codable, Sendable {
    public var dirclustVersion = DirClustInfo.version
    public var gitCommit: String
    public var gitDirty: Bool
    public var configHash: String
    public var config: ExperimentConfig
    public var environment: [String: String]
    public var jobs: Int
    public var scenes: Int
    public var scenesResumed: Int
    public var trials: Int
    /// Wall-clock seconds of the run (plus those of the finished run it resumed, if any).
    public var wallSeconds: Double
    /// Seconds per stage summed over scenes (CPU-side, so ≈ jobs × wall when all cores are busy), likewise
    /// including a resumed finished run's.
    public var stageSeconds: [String: Double]
    /// Each stage's share of the summed stage time.
    public var stageShare: [String: Double]

    /// `git`: the repository state to record, taken when the run started (before it rewrote any tracked
    /// result file); nil reads it now.
    public init(config: ExperimentConfig, environment: [String: String], timings: StageTimings, wallSeconds: Double,
                jobs: Int, scenes: Int, scenesResumed: Int, trials: Int, git: (commit: String, dirty: Bool)? = nil) {
        (gitCommit, gitDirty) = git ?? Self.git()
        configHash = config.hash
        self.config = config
        self.environment = environment
        self.jobs = jobs
        self.scenes = scenes
        self.scenesResumed = scenesResumed
        self.trials = trials
        self.wallSeconds = (wallSeconds * 1000).rounded() / 1000
        stageSeconds = timings.seconds.mapValues { ($0 * 1000).rounded() / 1000 }
        let total = max(timings.total, 1e-12)
        stageShare = timings.seconds.mapValues { ($0 / total * 1000).rounded() / 1000 }
    }

    public func json() -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var d = (try? enc.encode(self)) ?? Data()
        d.append(0x0A)
        return d
    }

    /// HEAD of the working directory's git repository and whether tracked files outside `results/` differ
    /// from it ("unknown" outside a repository).
    static func git() -> (commit: String, dirty: Bool) {
        func run(_ args: [String]) -> String? {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["git"] + args
            let pipe = Pipe()
            p.standardOutput = pipe
            p.standardError = FileHandle.nullDevice
            guard (try? p.run()) != nil else { return nil }
            let out = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return p.terminationStatus == 0 ? String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : nil
        }
        guard let head = run(["rev-parse", "HEAD"]) else { return ("unknown", false) }
        // results/ holds generated outputs (one reproduce rewrites several runs there); only code and
        // configs decide whether the commit describes what ran.
        let dirty = !(run(["status", "--porcelain", "--untracked-files=no", "--", ":(top,exclude)results"]) ?? "").isEmpty
        return (head, dirty)
    }
}

/// The files a finished run (or a merge) writes next to `trials.csv`, each atomically.
public enum RunOutputs {
    public static let files = ["summary.csv", "summary.md", "pairs.csv", "pairs.md", "figure.svg", ClusteringExample.figureFileName, "provenance.json", "config.json"]

    /// Every summary is computed from the records as `trials.csv` holds them (`TrialTable.recorded`).
    public static func write(records: [TrialRecord], config: ExperimentConfig, provenance: Provenance, to dir: String) throws {
        let records = records.map(TrialTable.recorded)
        try writeAtomically(Data(Summary.csv(Summary.rows(records)).utf8), to: "\(dir)/summary.csv")
        try writeAtomically(Data(Summary.markdown(records, config: config).utf8), to: "\(dir)/summary.md")
        let pairs = PairedStatistics.rows(records)
        try writeAtomically(Data(PairedStatistics.csv(pairs).utf8), to: "\(dir)/pairs.csv")
        try writeAtomically(Data(PairedStatistics.markdown(pairs, config: config).utf8), to: "\(dir)/pairs.md")
        try writeAtomically(Data(Figure.svg(records, title: "\(config.name): SDR of the target estimate",
                                                conditionOrder: config.conditions.map(\.name)).utf8), to: "\(dir)/figure.svg")
        try writeAtomically(provenance.json(), to: "\(dir)/provenance.json")
        try writeAtomically(config.canonicalJSON(), to: "\(dir)/config.json")
        try ClusteringExample.writeFigure(runDirectory: dir, config: config)
    }
}
