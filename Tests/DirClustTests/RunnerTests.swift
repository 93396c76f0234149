import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// A stand-in for the science in the runner-mechanics tests: a deterministic score per trial key (and a
/// random fit time, like the real thing), so resume, shards and merge are tested without rendering audio.
struct HashScoreEvaluator: SceneEvaluator {
    func validate(_ scenes: [ScenePlan]) async throws {}
    func evaluate(_ scene: ScenePlan) async throws -> SceneOutcome {
        var t = StageTimings()
        t.add("fit", 0.001)
        let records = scene.trials.map { k -> TrialRecord in
            let h = fnv1a64(k.columns.joined(separator: ","))
            let sdr = Double(h % 10_000) / 1000 - 2
            let fitted = k.stage != "baseline"
            return TrialRecord(key: k, sdr: sdr, sir: sdr + 5, sar: sdr + 1, iterations: fitted ? Int(h % 97) : nil,
                               loglik: fitted ? -Double(h % 1000) : nil, converged: fitted ? true : nil,
                               targetDeg: fitted ? 45 : nil, fitSeconds: fitted ? Double.random(in: 0..<1) : nil,
                               restarts: fitted ? 1 : nil, loglikSpread: fitted ? 0 : nil)
        }
        return SceneOutcome(records: records, timings: t)
    }
    func provenance() async -> [String: String] { ["evaluator": "hash"] }
}

/// trials.csv without the fit_seconds column (the only one allowed to differ between identical runs).
func withoutFitTimes(_ path: String) throws -> String {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let column = TrialTable.columns.firstIndex(of: "fit_seconds")!
    return text.split(separator: "\n").map { line in
        var cells = line.split(separator: ",", omittingEmptySubsequences: false)
        cells.remove(at: column)
        return cells.joined(separator: ",")
    }.joined(separator: "\n")
}

func temporaryDirectory(_ name: String) -> String {
    let dir = NSTemporaryDirectory() + "dirclust-\(name)-\(UUID().uuidString.prefix(8))"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

@Suite struct RunnerTests {
    /// A config over three fake pieces (empty .mid files: the hash evaluator never reads them).
    func fixture() throws -> (ExperimentConfig, String) {
        let dir = temporaryDirectory("runner")
        for p in ["p1", "p2", "p3"] { _ = FileManager.default.createFile(atPath: "\(dir)/\(p).mid", contents: Data()) }
        var c = try ExperimentConfig(json: try JSONValue.parse(Data(#"{"pieces": ["p1", "p2", "p3"], "layouts": ["centreTarget", "fan"], "seeds": [1, 2]}"#.utf8), source: "t"), source: "t")
        c.midiDirectory = dir
        return (c, dir)
    }

    func run(_ c: ExperimentConfig, _ out: String, shard: Shard? = nil, limit: Int? = nil, jobs: Int = 2,
             progress: RunProgressHandler? = nil) async throws -> RunReport {
        var o = RunOptions(outDir: out)
        o.shard = shard; o.sceneLimit = limit; o.jobs = jobs; o.progress = progress
        return try await ExperimentRunner(config: c, evaluator: HashScoreEvaluator(), options: o).run()
    }

    @Test func writesAllOutputsWithOneRowPerTrial() async throws {
        let (c, dir) = try fixture()
        let out = dir + "/run"
        let report = try await run(c, out)
        #expect(report.finished && report.records.count == ExperimentPlan(c).trialCount)
        for f in ["trials.csv", "summary.csv", "summary.md", "figure.svg", "provenance.json", "config.json"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(f)"), "\(f)")
        }
        let read = try TrialTable.read(path: "\(out)/trials.csv")
        #expect(read.records.map(\.key) == report.records.map(\.key).sorted())
        #expect(read.records.map(\.sdr) == report.records.sorted { $0.key < $1.key }.map { Double(TrialTable.fixed($0.sdr))! })
        let prov = try JSONDecoder().decode(Provenance.self, from: Data(contentsOf: URL(fileURLWithPath: "\(out)/provenance.json")))
        #expect(prov.configHash == c.hash && prov.trials == report.records.count && prov.stageShare["fit"] == 1)
    }

    /// A run killed by an older dirclust (trials.csv without `restarts` and `loglik_spread`) resumes: its rows
    /// read as one start, spread 0, the file is rewritten in the current format, and the result is the table
    /// of an uninterrupted run.
    @Test func resumesATableWrittenBeforeTheRestartsColumns() async throws {
        let (c, dir) = try fixture()
        _ = try await run(c, dir + "/whole")
        _ = try await run(c, dir + "/old", limit: 4)
        let path = dir + "/old/trials.csv"
        let legacy = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).dropLast(2).joined(separator: ",")
        }.joined(separator: "\n") + "\n"
        try legacy.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(legacy.hasPrefix(TrialTable.headerWithoutRestarts + "\n"))
        let old = try TrialTable.read(path: path).records
        #expect(!old.isEmpty && old.allSatisfy { $0.key.stage == "baseline" ? $0.restarts == nil : $0.restarts == 1 && $0.loglikSpread == 0 })
        let rest = try await run(c, dir + "/old")
        #expect(rest.finished && rest.scenesResumed == 4)
        #expect(try withoutFitTimes(path) == withoutFitTimes(dir + "/whole/trials.csv"))
    }

    @Test func killedRunResumesToTheSameTable() async throws {
        let (c, dir) = try fixture()
        _ = try await run(c, dir + "/whole")
        // "Kill" after 5 of 24 scenes, and leave a half-written row behind as a crash mid-append would.
        let partial = try await run(c, dir + "/resumed", limit: 5)
        #expect(!partial.finished && partial.scenesEvaluated == 5)
        #expect(!FileManager.default.fileExists(atPath: dir + "/resumed/summary.md"))
        let h = FileHandle(forWritingAtPath: dir + "/resumed/trials.csv")!
        h.seekToEndOfFile(); h.write(Data("p3_fan_45_overK,p3,fan,45,ov".utf8)); h.closeFile()
        let rest = try await run(c, dir + "/resumed")
        #expect(rest.finished && rest.scenesResumed == 5 && rest.scenesEvaluated == 19)
        #expect(try withoutFitTimes(dir + "/resumed/trials.csv") == withoutFitTimes(dir + "/whole/trials.csv"))
        // Deleting finished rows redoes exactly their scenes.
        var lines = try String(contentsOfFile: dir + "/whole/trials.csv", encoding: .utf8).split(separator: "\n")
        lines.removeSubrange(10..<30)
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/whole/trials.csv", atomically: true, encoding: .utf8)
        let redo = try await run(c, dir + "/whole")
        #expect(redo.scenesEvaluated == 3 && redo.scenesResumed == 21)  // rows 9…28 touch scenes 0, 1 and 2
        #expect(try withoutFitTimes(dir + "/resumed/trials.csv") == withoutFitTimes(dir + "/whole/trials.csv"))
        let again = try await run(c, dir + "/whole")
        #expect(again.scenesEvaluated == 0)
    }

    /// The runner reports through its handler (it prints nothing itself): started with the resumed count,
    /// one scene-finished event per evaluated scene, counting on from the resumed scenes to the total and
    /// naming the scene's best clustering trial, then done.
    @Test func emitsOneSceneFinishedEventPerScene() async throws {
        let (c, dir) = try fixture()
        let total = ExperimentPlan(c).scenes.count
        let first = RunEventLog(), rest = RunEventLog()
        _ = try await run(c, dir + "/run", limit: 5, progress: first.handler)
        let report = try await run(c, dir + "/run", progress: rest.handler)
        #expect(first.events.first == .started(scenes: total, resumed: 0, jobs: 2, shard: nil))
        #expect(first.scenes.map(\.done) == Array(1...5) && first.scenes.allSatisfy { $0.total == total })
        guard case .done(_, finished: false) = first.events.last else { Issue.record("\(first.events)"); return }
        #expect(rest.events.first == .started(scenes: total, resumed: 5, jobs: 2, shard: nil))
        #expect(rest.scenes.map(\.done) == Array(6...total) && rest.events.count == total - 5 + 2)
        guard case .done(_, finished: true) = rest.events.last else { Issue.record("\(rest.events)"); return }
        #expect(Set(first.scenes.map(\.sceneID) + rest.scenes.map(\.sceneID)) == Set(ExperimentPlan(c).scenes.map(\.id)))
        for s in rest.scenes {
            let scored = report.records.filter { $0.key.scene.sceneID == s.sceneID && $0.key.stage != Stage.baselineName }
            let best = try #require(s.best)
            #expect(best.sdr == scored.map(\.sdr).max() && scored.contains { $0.key.method == best.method && $0.sdr == best.sdr })
            #expect(s.seconds >= 0)
        }
    }

    @Test func mergedShardsEqualTheUnshardedRun() async throws {
        let (c, dir) = try fixture()
        _ = try await run(c, dir + "/all", jobs: 1)
        for i in 1...3 { _ = try await run(c, dir + "/shard\(i)", shard: try Shard(index: i, count: 3)) }
        #expect(throws: DirClustError.self) { try MergeRuns.merge([dir + "/shard1", dir + "/shard2"], into: dir + "/bad") }
        try MergeRuns.merge((1...3).map { dir + "/shard\($0)" }, into: dir + "/merged")
        #expect(try withoutFitTimes(dir + "/merged/trials.csv") == withoutFitTimes(dir + "/all/trials.csv"))
        #expect(try String(contentsOfFile: dir + "/merged/summary.csv", encoding: .utf8) == String(contentsOfFile: dir + "/all/summary.csv", encoding: .utf8))
    }

    @Test func badRunsWriteNothing() async throws {
        let (c, dir) = try fixture()
        var missing = c
        missing.pieces = ["p1", "nope"]
        await #expect(throws: DirClustError.self) { _ = try await run(missing, dir + "/missing") }
        #expect(!FileManager.default.fileExists(atPath: dir + "/missing"))
        do { _ = try await run(missing, dir + "/missing") } catch let e as DirClustError {
            #expect(e.message.contains("pieces[1] = \"nope\"") && e.message.contains("nope.mid does not exist"))
        }
        // A directory holding another config's run is not resumed into.
        _ = try await run(c, dir + "/other")
        var changed = c
        changed.K = [5]
        await #expect(throws: DirClustError.self) { _ = try await run(changed, dir + "/other") }
    }

    @Test func regressionFlagsMovedAndMissingTrials() async throws {
        let (c, dir) = try fixture()
        let base = try await run(c, dir + "/base").records
        #expect(try RegressionReport(baseline: base, candidate: base, tolerance: 0.05).passed)
        var cand = base
        cand[3].sdr += 0.04
        #expect(try RegressionReport(baseline: base, candidate: cand, tolerance: 0.05).passed)
        cand[7].sdr -= 0.06
        cand.removeLast()
        let r = try RegressionReport(baseline: base, candidate: cand, tolerance: 0.05)
        #expect(!r.passed && r.moved.count == 1 && r.missing.count == 1 && r.moved[0].key == base[7].key)
        #expect(r.text.contains("-0.0600") && r.text.contains("make baseline"))
        // A tolerance that would disable the gate is refused (issue 17 item 2).
        for bad in [Double.nan, .infinity, -0.05, -.infinity] {
            #expect(throws: DirClustError.self) { try RegressionReport(baseline: base, candidate: cand, tolerance: bad) }
        }
    }
}

/// Collects the events of a run (its handler may be called from any task).
final class RunEventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [RunEvent] = []
    var handler: RunProgressHandler { { [self] event in lock.lock(); stored.append(event); lock.unlock() } }
    var events: [RunEvent] { lock.lock(); defer { lock.unlock() }; return stored }
    var scenes: [SceneProgress] { events.compactMap { if case let .sceneFinished(s) = $0 { s } else { nil } } }
}
