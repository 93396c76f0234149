import DirClust
import Foundation

/// Writes the demo of a run (`DemoSelection`) as the evaluator hands over its signals: the runner's
/// `EstimateSink`. Scenes outside the demo are not opened; trials outside it are ignored.
///
/// Per demo scene: each clip, the first `demoSeconds` of the signal as 16-bit PCM (FLAC or WAV) at the
/// scene's sample rate (samples beyond ±1 clip); the mixture is kept in stereo so the directions can be
/// heard, estimates are written as what the metric scored: the mid signal (L + R)/2 for `sources`, the
/// stereo image for `images`. Each clip is also scored itself (`ClipScores`, what the report shows next
/// to it), and the scene of the clustering figure gets its `ClusteringExample`.
public struct DemoClipWriter: EstimateSink {
    public let selection: DemoSelection
    public let runDirectory: String
    public let metric: Metric
    /// The scene whose clustering fits are recorded for `clustering.svg` (`ClusteringExample.scene`); nil: none.
    public let exampleSceneID: String?

    public init(selection: DemoSelection, runDirectory: String, metric: Metric, exampleSceneID: String? = nil) {
        self.selection = selection
        self.runDirectory = runDirectory
        self.metric = metric
        self.exampleSceneID = exampleSceneID
    }

    /// The demo of a run of `config` in `runDirectory`.
    public init(config: ExperimentConfig, runDirectory: String) {
        let selection = DemoSelection(config: config, settings: config.report)
        self.init(selection: selection, runDirectory: runDirectory, metric: config.metric,
                  exampleSceneID: ClusteringExample.scene(of: ExperimentPlan(config).scenes, demo: selection)?.id)
    }

    public func open(_ plan: ScenePlan, scene: Scene, targetDeg: Double) throws -> (any SceneSink)? {
        guard selection.includes(plan) else { return nil }
        let clips = try DemoSceneClips(writer: self, plan: plan, scene: scene, targetDeg: targetDeg)
        try clips.write(clips.cut(AudioBuffer(sampleRate: scene.sampleRate, channels: [scene.dry[scene.spec.targetIndex]])),
                        clip: DemoSelection.referenceClip)
        return clips
    }
}

/// One demo scene's clips, their scores and (in the example scene) the clustering fits.
final class DemoSceneClips: SceneSink {
    let writer: DemoClipWriter
    let sceneID: String
    let sampleRate: Int
    /// The clip length in samples: the first `demoSeconds` of the excerpt (all of it when shorter).
    let frames: Int
    let target: Int
    /// BSS Eval of the clip against the references cut to the clip (the trial's metric).
    let scorer: Scorer
    var scores = ClipScores(seconds: 0, clips: [:])
    var example: ClusteringExample?

    init(writer: DemoClipWriter, plan: ScenePlan, scene: Scene, targetDeg: Double) throws {
        self.writer = writer
        sceneID = plan.id
        sampleRate = scene.sampleRate
        frames = min(scene.frameCount, Int((writer.selection.settings.demoSeconds * Double(scene.sampleRate)).rounded()))
        target = scene.spec.targetIndex
        let n = frames
        do {
            scorer = try Scorer(dry: scene.dry.map { Array($0.prefix(n)) },
                                images: scene.images.map { AudioBuffer(sampleRate: $0.sampleRate, channels: $0.channels.map { Array($0.prefix(n)) }) },
                                metric: writer.metric)
        } catch let e as DirClustError {
            throw DirClustError("scene \(plan.id): its first \(formatNumber(Double(frames) / Double(sampleRate))) s (report.demoSeconds) cannot be scored as a demo clip (\(e.message)); expected every source to sound in the clip, or a longer report.demoSeconds")
        }
        scores.seconds = Double(frames) / Double(sampleRate)
        if plan.id == writer.exampleSceneID {
            example = ClusteringExample(sceneID: plan.id, title: plan.title, weighting: .power, targetDeg: targetDeg, histogram: [], fits: [])
        }
    }

    func estimate(_ audio: AudioBuffer, for key: TrialKey) throws {
        guard let clip = writer.selection.clip(for: key) else { return }
        let cut = cut(audio)
        let s = try scorer.score(cut, target: target)
        scores.clips[clip] = ClipScores.Score(sdr: s.sdr, sir: s.sir, sar: s.sar, isr: s.isr)
        let keepStereo = key.method == Bound.mixture.rawValue || writer.metric == .images
        try write(keepStereo ? cut : AudioBuffer(sampleRate: cut.sampleRate, channels: [Scorer.mid(cut)]), clip: clip)
    }

    func fit(_ fit: ClusterFit, points: FittingPoints, weighting: BinWeighting, targetClusters: [Int], sdr: Double, for key: TrialKey) {
        guard example != nil, writer.selection.clip(for: key) != nil else { return }
        example!.weighting = weighting
        example!.histogram = ClusteringExample.density(theta: points.theta, weights: points.weights)
        example!.fits.append(.init(trial: key.columns, fit: fit, targetClusters: targetClusters, sdr: sdr))
    }

    func close() throws {
        try writeAtomically(scores.json(), to: ClipScores.path(runDirectory: writer.runDirectory, sceneID: sceneID))
        if let example, !example.fits.isEmpty { try example.write(runDirectory: writer.runDirectory) }
    }

    /// The first `frames` samples of `audio`: what is played, scored and written.
    func cut(_ audio: AudioBuffer) -> AudioBuffer {
        AudioBuffer(sampleRate: audio.sampleRate, channels: audio.channels.map { Array($0.prefix(frames)) })
    }

    /// `clip` (already `cut`) as the clip's file.
    func write(_ clip: AudioBuffer, clip name: String) throws {
        let folder = "\(writer.runDirectory)/\(demoFolderName)/\(sceneID)"
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw DirClustError("demo folder \(folder) cannot be created (\(error.localizedDescription)); expected a writable output directory")
        }
        let format = writer.selection.settings.audioFormat
        try writeWAV(clip, to: demoAudioPath(runDirectory: writer.runDirectory, sceneID: sceneID, clip: name, format: format),
                     format: .pcm16, container: format)
    }
}
