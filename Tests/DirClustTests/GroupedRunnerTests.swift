import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// The runner's `grouped` selection is `separate` without -K: the same counted sources, the same anchored fit
/// and the same target estimate, made once whatever K the config lists.
@Suite(.serialized) struct GroupedRunnerTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test func groupedSelectionGivesTheEstimateOfSeparateWithoutK() async throws {
        let json = """
        {"name": "grouped", "pieces": ["\(Self.root)/experiments/stems/speech-1/"], "instruments": [0, 0, 0],
         "excerpt": {"seconds": 4}, "layouts": ["fan"], "angles": [30], "conditions": [{"name": "clean", "noise": false}],
         "K": [3, 6], "methods": ["kmeans"], "selection": ["grouped"], "mask": ["soft"]}
        """
        let config = try ExperimentConfig.decode(Data(json.utf8), source: "grouped.json")
        let plan = try #require(ExperimentPlan(config).scenes.first)
        let evaluator = try DirectionalSceneEvaluator(config: config)
        let outcome = try await evaluator.evaluate(plan)
        let rows = outcome.records.filter { $0.key.stage == "clustering" }
        #expect(rows.count == 2)
        // K is not used: both rows are the one grouped estimate, and no per-K fit was made for them.
        #expect(Set(rows.map(\.sdr)).count == 1 && Set(rows.map(\.iterations)).count == 1)

        // `separate` without -K on the same mixture.
        let scene = try await evaluator.scene(plan)
        var options = SeparationOptions(method: .kmeans, mask: .soft, seed: UInt64(config.seeds[0]), stft: config.stft.stftConfig,
                                        silenceThresholdDB: config.silenceThresholdDB)
        options.sources = .counted
        let (analysis, outputs) = try separateStereo(scene.mixture, options: options)
        let sources = try #require(analysis.sources)
        #expect(sources.count.count == 3)
        let targetDeg = scene.gains[config.target].directionDeg
        let s = try #require(sources.grouping.sourceNearest(directionDeg: targetDeg))
        #expect(abs(rows[0].targetDeg! - sources.grouping.sources[s].directionDeg) < 1e-12)
        let scorer = try Scorer(dry: scene.dry, images: scene.images, metric: config.metric)
        let sdr = try scorer.score(outputs[s], target: config.target).sdr
        #expect(abs(sdr - rows[0].sdr) < 1e-6, "separate \(sdr) dB vs runner \(rows[0].sdr) dB")
        // And it separates: well above the mixture itself.
        let mixture = try #require(outcome.records.first { $0.key.method == "mixture" })
        #expect(rows[0].sdr > mixture.sdr + 6, "grouped \(rows[0].sdr) dB vs mixture \(mixture.sdr) dB")
    }
}
