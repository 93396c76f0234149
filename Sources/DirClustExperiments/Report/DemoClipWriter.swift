import DirClust
import Foundation

/// Writes the demo clips of a run (`DemoSelection`) as the evaluator hands over its signals: the runner's
/// `EstimateSink`. Trials and scenes outside the demo are ignored.
///
/// Each clip is the first `demoSeconds` of the signal as 16-bit PCM (FLAC or WAV) at the scene's sample
/// rate (samples beyond ±1 clip). The mixture is kept in stereo so the directions can be heard; estimates are written
/// as what the metric scored: the mid signal (L + R)/2 for `sources`, the stereo image for `images`.
public struct DemoClipWriter: EstimateSink {
    public let selection: DemoSelection
    public let runDirectory: String
    public let monoEstimates: Bool

    public init(selection: DemoSelection, runDirectory: String, metric: Metric) {
        self.selection = selection
        self.runDirectory = runDirectory
        monoEstimates = metric != .images
    }

    /// The demo clips of a run of `config` in `runDirectory`.
    public init(config: ExperimentConfig, runDirectory: String) {
        self.init(selection: DemoSelection(config: config, settings: config.report), runDirectory: runDirectory, metric: config.metric)
    }

    /// The target's dry source of a demo scene.
    public func reference(_ dry: AudioBuffer, scene: ScenePlan) throws {
        guard selection.includes(scene) else { return }
        try write(dry, sceneID: scene.id, clip: DemoSelection.referenceClip)
    }

    /// The signal of trial `key` (the mixture itself for the `mixture` trial); ignored outside the demo.
    public func estimate(_ audio: AudioBuffer, for key: TrialKey) throws {
        guard let clip = selection.clip(for: key) else { return }
        let keepStereo = key.method == Bound.mixture.rawValue || !monoEstimates
        try write(keepStereo ? audio : AudioBuffer(sampleRate: audio.sampleRate, channels: [Scorer.mid(audio)]),
                  sceneID: key.scene.sceneID, clip: clip)
    }

    func write(_ audio: AudioBuffer, sceneID: String, clip: String) throws {
        let folder = "\(runDirectory)/\(demoFolderName)/\(sceneID)"
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw DirClustError("demo folder \(folder) cannot be created (\(error.localizedDescription)); expected a writable output directory")
        }
        let frames = min(audio.frameCount, Int((selection.settings.demoSeconds * Double(audio.sampleRate)).rounded()))
        let excerpt = AudioBuffer(sampleRate: audio.sampleRate, channels: audio.channels.map { Array($0.prefix(frames)) })
        let format = selection.settings.audioFormat
        try writeWAV(excerpt, to: demoAudioPath(runDirectory: runDirectory, sceneID: sceneID, clip: clip, format: format),
                     format: .pcm16, container: format)
    }
}
