import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How `dirclust run` runs a plan.
public struct RunOptions: Sendable {
    public var outDir: String
    /// Scenes evaluated concurrently (default: the number of cores).
    public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    public var shard: Shard?
    /// Stop after evaluating this many scenes without finalising, as if the run had been killed (tests).
    public var sceneLimit: Int?
    public var quiet = false
    /// Discard an earlier run in `outDir` instead of resuming it.
    public var fresh = false
    /// Write `report.html` with these settings when an unsharded run finishes (nil: no report).
    public var report: ReportSettings?
    public init(outDir: String) { self.outDir = outDir }
}

/// What a run did.
public struct RunReport: Sendable {
    /// Every row now in `trials.csv` (sorted when `finished`).
    public var records: [TrialRecord]
    public var scenesEvaluated: Int
    public var scenesResumed: Int
    public var timings: StageTimings
    public var wallSeconds: Double
    /// False when stopped by `sceneLimit` (outputs other than trials.csv not written).
    public var finished: Bool
}

/// Runs an experiment into a directory: validates everything first (nothing is written for a bad config),
/// resumes what an earlier run of the same config already recorded, evaluates the remaining scenes
/// `jobs` at a time, appends each finished scene to `trials.csv` atomically, and finally writes the sorted
/// `trials.csv`, `summary.csv`, `summary.md`, `figure.svg`, `config.json` and `provenance.json`.
public struct ExperimentRunner: Sendable {
    public let config: ExperimentConfig
    public let evaluator: any SceneEvaluator
    public let options: RunOptions

    public init(config: ExperimentConfig, evaluator: any SceneEvaluator, options: RunOptions) {
        self.config = config
        self.evaluator = evaluator
        self.options = options
    }

    public func run() async throws -> RunReport {
        let start = ContinuousClock.now
        let gitState = Provenance.git()
        let plan = ExperimentPlan(config)
        let scenes = plan.scenes(in: options.shard)
        guard options.jobs >= 1 else { throw DirClustError("--jobs \(options.jobs) is invalid; expected at least 1") }
        try Self.checkPieces(plan)
        try await evaluator.validate(plan.scenes)

        let fm = FileManager.default
        let out = options.outDir
        let csvPath = "\(out)/\(TrialTable.fileName)"
        let configPath = "\(out)/config.json"
        let canonical = config.canonicalJSON()
        if !options.fresh, let saved = fm.contents(atPath: configPath), saved != canonical {
            throw DirClustError("\(out) holds a run of a different config (see \(configPath)); pass --fresh to replace it or choose another --out")
        }
        if !options.fresh, fm.fileExists(atPath: csvPath), !fm.fileExists(atPath: configPath) {
            throw DirClustError("\(csvPath) exists without its config.json, so it cannot be resumed safely; pass --fresh to replace it or choose another --out")
        }
        do { try fm.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
            throw DirClustError("output directory \(out) cannot be created (\(error.localizedDescription))")
        }
        if options.fresh {
            // The run's own files only (results/ also holds other runs' folders), its demo clips included.
            for f in RunOutputs.files + [TrialTable.fileName, reportFileName, demoFolderName] { try? fm.removeItem(atPath: "\(out)/\(f)") }
        }
        // A resumed run's provenance also counts the time of the finished run it continues (same config).
        let earlier = options.fresh ? nil : fm.contents(atPath: "\(out)/provenance.json")
            .flatMap { try? JSONDecoder().decode(Provenance.self, from: $0) }.flatMap { $0.configHash == config.hash ? $0 : nil }
        try writeAtomically(canonical, to: configPath)

        // Resume: keep every complete row already recorded; redo scenes missing any of their trials.
        var byKey: [TrialKey: TrialRecord] = [:]
        if fm.fileExists(atPath: csvPath) {
            for r in try TrialTable.read(path: csvPath).records { byKey[r.key] = r }
        }
        let todo = scenes.filter { !$0.trials.allSatisfy { byKey[$0] != nil } }
        let resumed = scenes.count - todo.count
        let limited = options.sceneLimit.map { Array(todo.prefix($0)) } ?? todo
        let appender = try TrialAppender(path: csvPath)
        let progress = Progress(total: scenes.count, done: resumed, quiet: options.quiet || isatty(2) == 0)
        progress.start(resumed: resumed, jobs: options.jobs, shard: options.shard)

        var timings = StageTimings()
        for (stage, seconds) in earlier?.stageSeconds ?? [:] { timings.add(stage, seconds) }
        let evaluator = self.evaluator
        do {
            try await withThrowingTaskGroup(of: (ScenePlan, SceneOutcome, Double).self) { group in
                var next = limited.makeIterator()
                func launch() {
                    guard let scene = next.next() else { return }
                    group.addTask {
                        let t0 = ContinuousClock.now
                        let outcome = try await evaluator.evaluate(scene)
                        try Self.check(outcome, against: scene)
                        return (scene, outcome, (ContinuousClock.now - t0).seconds)
                    }
                }
                for _ in 0..<options.jobs { launch() }
                while let (scene, outcome, seconds) = try await group.next() {
                    try await appender.append(outcome.records)
                    for r in outcome.records { byKey[r.key] = r }
                    timings.add(outcome.timings)
                    progress.finished(scene, seconds: seconds, records: outcome.records)
                    launch()
                }
            }
        } catch {
            await appender.close()
            throw error
        }
        await appender.close()

        let records = byKey.values.sorted { $0.key < $1.key }
        let wall = (ContinuousClock.now - start).seconds
        let finished = limited.count == todo.count
        if finished {
            try writeAtomically(Data(TrialTable.text(records).utf8), to: csvPath)
            var env = await evaluator.provenance()
            if let shard = options.shard { env["shard"] = shard.description }
            let prov = Provenance(config: config, environment: env, timings: timings, wallSeconds: wall + (earlier?.wallSeconds ?? 0),
                                  jobs: options.jobs, scenes: scenes.count, scenesResumed: resumed, trials: records.count,
                                  git: gitState)
            try RunOutputs.write(records: records, config: config, provenance: prov, to: out)
            if let settings = options.report, options.shard == nil {
                try writeReport(runDirectory: out, options: ReportOptions(settings: settings))
            }
        }
        progress.done(wall: wall, finished: finished)
        return RunReport(records: records, scenesEvaluated: limited.count, scenesResumed: resumed,
                         timings: timings, wallSeconds: wall, finished: finished)
    }

    /// Every piece's MIDI file must exist before anything is written.
    static func checkPieces(_ plan: ExperimentPlan) throws {
        for (i, piece) in plan.config.pieces.enumerated() {
            let path = plan.config.midiPath(of: piece)
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw DirClustError("pieces[\(i)] = \"\(piece)\": the MIDI file \(path) does not exist; expected a file in \(plan.config.midiDirectory)/ (see experiments/README.md for the chorales available)")
            }
        }
    }

    /// An evaluator must return exactly the planned trials of its scene, all finite.
    static func check(_ outcome: SceneOutcome, against scene: ScenePlan) throws {
        let got = outcome.records.map(\.key).sorted()
        guard got == scene.trials else {
            let missing = Set(scene.trials).subtracting(got).sorted().first.map { $0.columns.joined(separator: ",") } ?? "-"
            throw DirClustError("scene \(scene.id): the evaluator returned \(got.count) rows for \(scene.trials.count) planned trials (first missing: \(missing))")
        }
        for r in outcome.records where !r.sdr.isFinite || [r.sir, r.sar, r.isr ?? 0].contains(where: \.isNaN) || !(r.loglik?.isFinite ?? true) {
            throw DirClustError("scene \(scene.id): trial \(r.key.method)/\(r.key.stage) produced an undefined score (SDR \(r.sdr), SIR \(r.sir), SAR \(r.sar)); nothing was recorded for this scene")
        }
    }
}

/// One line per finished scene on stderr (silent when stderr is not a terminal or with --quiet).
final class Progress: @unchecked Sendable {
    let total: Int
    var done: Int
    let quiet: Bool
    init(total: Int, done: Int, quiet: Bool) { self.total = total; self.done = done; self.quiet = quiet }

    func say(_ s: String) { if !quiet { FileHandle.standardError.write(Data((s + "\n").utf8)) } }

    func start(resumed: Int, jobs: Int, shard: Shard?) {
        let part = shard.map { " (shard \($0))" } ?? ""
        say("dirclust: \(total) scenes\(part), \(resumed) already recorded, \(jobs) jobs")
    }

    func finished(_ scene: ScenePlan, seconds: Double, records: [TrialRecord]) {
        done += 1
        let best = records.filter { $0.key.stage != Stage.baselineName }.max { $0.sdr < $1.sdr }
        let bestText = best.map { "best \($0.key.method) " + String(format: "%.2f dB", $0.sdr) } ?? ""
        say("[\(done)/\(total)] \(scene.id)  " + String(format: "%.1f s  ", seconds) + bestText)
    }

    func done(wall: Double, finished: Bool) {
        say("dirclust: \(finished ? "done" : "stopped early (scene limit)") in " + String(format: "%.1f s", wall))
    }
}
