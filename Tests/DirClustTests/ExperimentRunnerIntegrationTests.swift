import ArgumentParser
import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments
@testable import DirClustCLI

/// The runner with the real pipeline (render → scene → STFT → clusterers → masks → BSS Eval) on a tiny
/// config: one chorale, 1.5 s, the small TimGM6mb SoundFont, both angles and conditions, all five methods.
@Suite(.serialized) struct ExperimentRunnerIntegrationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func tinyConfigJSON(_ extra: String = "") -> String {
        """
        {"name": "tiny", "pieces": ["bwv66.6"], "midiDirectory": "\(root)/experiments/midi",
         "soundFont": "/usr/share/sounds/sf2/TimGM6mb.sf2", "excerpt": {"seconds": 1.5},
         "layouts": ["centreTarget"], "angles": [15, 45]\(extra)}
        """
    }

    static func tinyConfig() throws -> ExperimentConfig {
        try ExperimentConfig.decode(Data(tinyConfigJSON().utf8), source: "tiny.json")
    }

    func run(_ c: ExperimentConfig, _ out: String, shard: Shard? = nil, limit: Int? = nil) async throws -> RunReport {
        var o = RunOptions(outDir: out)
        o.shard = shard; o.sceneLimit = limit; o.jobs = 2
        return try await ExperimentRunner(config: c, evaluator: try DirectionalSceneEvaluator(config: c), options: o).run()
    }

    @Test func realRunScoresEveryTrialBetweenItsBounds() async throws {
        let c = try Self.tinyConfig()
        let dir = temporaryDirectory("real")
        let report = try await run(c, dir + "/whole")
        #expect(report.records.count == 4 * (2 + 5))
        for scene in Set(report.records.map(\.key.scene.sceneID)) {
            let rows = report.records.filter { $0.key.scene.sceneID == scene }
            let mixture = rows.first { $0.key.method == "mixture" }!.sdr
            let ibm = rows.first { $0.key.method == "ibm" }!.sdr
            #expect(ibm > mixture + 3, "\(scene): ibm \(ibm) vs mixture \(mixture)")
            for r in rows where r.key.stage == "clustering" {
                #expect(r.sdr.isFinite && r.sdr < ibm + 1 && (r.iterations ?? 0) >= 1, "\(scene) \(r.key.method)")
                #expect(abs(r.targetDeg! - 45) < 10, "\(scene) \(r.key.method): target cluster at \(r.targetDeg!)°")
            }
        }
        let prov = try String(contentsOfFile: dir + "/whole/provenance.json", encoding: .utf8)
        #expect(prov.contains("soundFontSHA256") && prov.contains("libsndfile") && prov.contains("\"fit\""))

        // Rerunning a finished run resumes every scene and keeps its timings in the provenance.
        let first = try JSONDecoder().decode(Provenance.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/whole/provenance.json")))
        let again = try await run(c, dir + "/whole")
        let second = try JSONDecoder().decode(Provenance.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/whole/provenance.json")))
        #expect(again.scenesEvaluated == 0 && second.scenesResumed == 4)
        #expect(second.stageSeconds["fit"] == first.stageSeconds["fit"] && second.wallSeconds >= first.wallSeconds)

        // Resume after a "kill" (1 of 4 scenes done, a torn last row) gives the same table.
        _ = try await run(c, dir + "/resumed", limit: 1)
        let h = FileHandle(forWritingAtPath: dir + "/resumed/trials.csv")!
        h.seekToEndOfFile(); h.write(Data("bwv66.6_centreTarget_45_overK,bwv66.6,centreT".utf8)); h.closeFile()
        let rest = try await run(c, dir + "/resumed")
        #expect(rest.scenesResumed == 1 && rest.scenesEvaluated == 3)
        #expect(try withoutFitTimes(dir + "/resumed/trials.csv") == withoutFitTimes(dir + "/whole/trials.csv"))

        // Shards 1/3, 2/3, 3/3 merged equal the unsharded run.
        for i in 1...3 { _ = try await run(c, dir + "/s\(i)", shard: try Shard(index: i, count: 3)) }
        try MergeRuns.merge((1...3).map { dir + "/s\($0)" }, into: dir + "/merged")
        #expect(try withoutFitTimes(dir + "/merged/trials.csv") == withoutFitTimes(dir + "/whole/trials.csv"))
    }

    /// The `nmf` stage (supervised NMF without restoration) shares the `hybrid` stage's NMF fit: adding it
    /// leaves every hybrid score unchanged, and its own estimates differ from the restored ones.
    @Test func nmfStageSharesTheHybridFit() async throws {
        let shared = #", "conditions": [{"name": "overK", "noise": false}], "methods": ["kmeans", "ggmm"], "report": {"demoPieces": 0}, "hybrid": {"trainingMIDI": "\#(Self.root)/experiments/midi/training/scales.mid", "iterations": 20, "trainingIterations": 20}"#
        let dir = temporaryDirectory("stages")
        func config(_ stages: String) throws -> ExperimentConfig {
            try ExperimentConfig.decode(Data(Self.tinyConfigJSON(shared + #", "stages": \#(stages)"#).utf8), source: "stages.json")
        }
        let both = try await run(config(#"["clustering", "nmf", "hybrid"]"#), dir + "/both").records
        let hybridOnly = try await run(config(#"["clustering", "hybrid"]"#), dir + "/hybrid").records
        let hybrid = both.filter { $0.key.stage == "hybrid" }, nmf = both.filter { $0.key.stage == "nmf" }
        #expect(hybrid.count == 2 * 2 && nmf.count == 2 * 2)
        for r in hybrid {
            let alone = hybridOnly.first { $0.key == r.key }
            #expect(alone?.sdr == r.sdr && alone?.sir == r.sir && alone?.sar == r.sar, "\(r.key)")
        }
        for r in nmf {
            let restored = hybrid.first { $0.key.scene == r.key.scene && $0.key.method == r.key.method }!
            #expect(r.sdr.isFinite && r.sdr != restored.sdr, "\(r.key): nmf \(r.sdr) vs hybrid \(restored.sdr)")
        }
        let summary = try String(contentsOfFile: dir + "/both/summary.md", encoding: .utf8)
        #expect(summary.contains("spectrogram restoration improves SDR over supervised NMF"))
    }

    /// Each bad config through the CLI: one clear error, and the output directory is never created.
    @Test(arguments: [
        (#", "bogus": 1"#, "unknown key 'bogus'"),
        (#", "K": [0]"#, "K[0] = 0 is out of range"),
        (#", "conditions": [{"name": "noise", "noise": true, "snrDb": "x"}]"#, "conditions[0].snrDb[0] = \"x\" is invalid"),
        (#", "methods": ["kmeans", "spectral"]"#, "methods[1] = \"spectral\" is not allowed"),
        (#", "stages": ["clustering", "hybrid"], "hybrid": {"openSoundFont": "/nonexistent.sf2"}"#, "/nonexistent.sf2"),
    ])
    func badConfigWritesNothing(extra: String, expected: String) async throws {
        let dir = temporaryDirectory("bad")
        let json = Self.tinyConfigJSON(extra)
        try json.write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
        let out = dir + "/out"
        var command = try DirClustCommand.parseAsRoot(["run", "--config", dir + "/bad.json", "--out", out, "--quiet"]) as! AsyncParsableCommand
        do {
            try await command.run()
            Issue.record("no error for \(extra)")
        } catch let e as DirClustError {
            #expect(e.message.contains(expected), "\(e.message)")
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func missingPieceThroughTheCLIWritesNothing() async throws {
        let dir = temporaryDirectory("missing")
        let json = Self.tinyConfigJSON().replacingOccurrences(of: "\"bwv66.6\"", with: "\"bwv66.6\", \"bwv9999\"")
        try json.write(toFile: dir + "/c.json", atomically: true, encoding: .utf8)
        var command = try DirClustCommand.parseAsRoot(["run", "--config", dir + "/c.json", "--out", dir + "/out"]) as! AsyncParsableCommand
        await #expect { try await command.run() } throws: { ($0 as? DirClustError)?.message.contains("bwv9999.mid does not exist") ?? false }
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
    }
}
