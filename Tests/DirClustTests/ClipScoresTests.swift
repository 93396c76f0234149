import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// The demo clips are scored themselves (issue 15 item 6): the clip's SDR is BSS Eval of the played
/// segment against the references' same segment, with the trial's metric — the whole trial's score only
/// when the clip is the whole excerpt.
@Suite struct ClipScoresTests {
    /// A 1 s, 4-source centre-target scene with diffuse noise at 5 dB, and its first scene plan (piece "a").
    static func scene() throws -> (ScenePlan, Scene) {
        let config = try ExperimentConfig.decode(Data(#"{"pieces": ["a"]}"#.utf8), source: "clips.json")
        let plan = ExperimentPlan(config).scenes[0]
        // Noise bursts that start and stop at different times, so the first half and the whole differ.
        var dry: [[Double]] = []
        for i in 0..<4 {
            let x = AudioTestSupport.noise(16_000, seed: UInt64(i + 1))
            let period = Double(4_000 + 3_000 * i)
            dry.append((0..<x.count).map { n in sin(Double.pi * Double(n) / period) * x[n] })
        }
        let spec = try SceneSpec(sources: (0..<4).map { SceneSource(name: "s\($0)") }, layout: .centreTarget(theta: 15),
                                 snrDB: 5, noiseSeed: 3)
        return (plan, try makeScene(dry: dry, names: ["s0", "s1", "s2", "s3"], spec: spec, sampleRate: 16_000))
    }

    /// An estimate of source 0: its image plus a share of source 2's.
    static func estimate(_ scene: Scene) -> AudioBuffer {
        AudioBuffer(sampleRate: 16_000, channels: (0..<2).map { c in
            zip(scene.images[0].channels[c], scene.images[2].channels[c]).map { $0 + 0.4 * $1 }
        })
    }

    static func clipScores(seconds: Double, metric: Metric) throws -> (ClipScores, whole: Double, AudioBuffer, [[Double]], Scene) {
        let (plan, scene) = try Self.scene()
        let dir = temporaryDirectory("clip-scores")
        let config = try ExperimentConfig.decode(Data(#"{"pieces": ["a"]}"#.utf8), source: "clips.json")
        let writer = DemoClipWriter(selection: DemoSelection(config: config, settings: ReportSettings(demoSeconds: seconds, audioFormat: .wav)),
                                    runDirectory: dir, metric: metric)
        let sink = try #require(try writer.open(plan, scene: scene, targetDeg: 45))
        let key = try #require(plan.trials.first { $0.method == "tmm" && $0.stage == "clustering" })
        let estimate = Self.estimate(scene)
        try sink.estimate(estimate, for: key)
        try sink.close()
        let scores = try ClipScores.read(runDirectory: dir, sceneID: plan.id)
        let whole = try Scorer(dry: scene.dry, images: scene.images, metric: metric).score(estimate, target: 0).sdr
        let clip = try readWAV(demoAudioPath(runDirectory: dir, sceneID: plan.id, clip: "tmm-clustering", format: .wav))
        return (scores, whole, clip, estimate.channels, scene)
    }

    /// A clip as long as the excerpt scores exactly as the trial.
    @Test(arguments: [Metric.sources, .images])
    func wholeExcerptClipScoresAsTheTrial(metric: Metric) throws {
        let (scores, whole, _, _, _) = try Self.clipScores(seconds: 5, metric: metric)
        #expect(scores.seconds == 1)
        #expect(try #require(scores.clips["tmm-clustering"]).sdr == whole)
    }

    /// A half-length clip: bss_eval_sources of the first 8000 samples (mid of the estimate against the dry
    /// sources), not the trial's score.
    @Test func shortClipIsScoredOnItsOwnSegment() throws {
        let (scores, whole, clip, estimate, scene) = try Self.clipScores(seconds: 0.5, metric: .sources)
        #expect(scores.seconds == 0.5 && clip.frameCount == 8_000 && clip.channelCount == 1)
        let mid = (0..<8_000).map { 0.5 * (estimate[0][$0] + estimate[1][$0]) }
        let references = scene.dry.map { Array($0.prefix(8_000)) }
        let reference = try bssEvalSources(references: references, estimates: [mid] + references.dropFirst(), computePermutation: false)
        let sdr = try #require(scores.clips["tmm-clustering"]).sdr
        #expect(abs(sdr - reference.sdr[0]) < 1e-9, "clip \(sdr) vs bss_eval_sources \(reference.sdr[0])")
        #expect(abs(sdr - whole) > 0.05, "clip \(sdr) vs trial \(whole): the segment should score differently")
    }
}
