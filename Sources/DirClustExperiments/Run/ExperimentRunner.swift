import DirClust
import Foundation

/// How `dirclust run` runs a plan.
public struct RunOptions: Sendable {
    public var outDir: String
    /// Scenes evaluated concurrently (default: the number of cores).
    public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    public var shard: Shard?
    /// Stop after evaluating this many scenes without finalising, as if the run had been killed (tests).
    public var sceneLimit: Int?
    /// Told when the run starts, as each scene finishes and when it is over (nil: nobody listens).
    public var progress: RunProgressHandler?
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
        try createOutputFolder(out, what: "output directory")
        // This process owns the folder until it returns (the kernel releases the lock if it dies).
        let lock = try OutputFolderLock(folder: out, command: "dirclust run")
        defer { lock.release() }
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
            let (table, legacy) = try TrialTable.readTable(path: csvPath)
            try TrialTable.index(table.records, into: &byKey) { key in
                DirClustError("\(csvPath) holds two rows with different results for trial \(key.columns.joined(separator: ",")), so it cannot be resumed; delete one of them, or pass --fresh to run everything again")
            }
            // A trials.csv from before the restarts columns: rewritten in the current format before rows are appended.
            if legacy { try writeAtomically(Data(TrialTable.text(table.records).utf8), to: csvPath) }
        }
        let todo = scenes.filter { !$0.trials.allSatisfy { byKey[$0] != nil } }
        let resumed = scenes.count - todo.count
        let limited = options.sceneLimit.map { Array(todo.prefix($0)) } ?? todo
        let appender = try TrialAppender(path: csvPath)
        let progress = options.progress
        progress?(.started(scenes: scenes.count, resumed: resumed, jobs: options.jobs, shard: options.shard))
        var done = resumed

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
                    done += 1
                    progress?(.sceneFinished(SceneProgress(scene: scene, done: done, total: scenes.count,
                                                           seconds: seconds, records: outcome.records)))
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
        progress?(.done(wallSeconds: wall, finished: finished))
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
