import Foundation

/// The `report` block of a config: which trials the listening section of `report.html` plays.
/// Like `output`, it does not change any trial, so it is not part of the config hash.
public struct ReportSettings: Codable, Sendable, Equatable {
    /// The scenes of the first `demoPieces` pieces of the config get demo audio (0: no listening section).
    public var demoPieces = 1
    /// Length of each demo clip in seconds, from the start of the excerpt (the whole excerpt when shorter).
    public var demoSeconds = 5.0
    /// File format of the clips: lossless 16-bit `flac` (≈ 60 % of the size) or `wav`.
    public var audioFormat = AudioContainer.flac

    public init(demoPieces: Int = 1, demoSeconds: Double = 5.0, audioFormat: AudioContainer = .flac) {
        self.demoPieces = demoPieces
        self.demoSeconds = demoSeconds
        self.audioFormat = audioFormat
    }
}

/// The demo subset of a run: every scene of the first `demoPieces` pieces (each layout × angle ×
/// condition × SNR), and in each of them the two bounds and every method × stage at one setting of the
/// other swept fields — the first K, weighting, selection, mask and seed of the config.
///
/// Each demo trial has one clip: `mixture`, `ibm`, or `<method>-<stage>` (e.g. `tmm-hybrid`); every demo
/// scene also has the target's dry source as `reference`. Files: `demo/<scene_id>/<clip>.flac` (or `.wav`).
public struct DemoSelection: Sendable, Equatable {
    public let settings: ReportSettings
    /// Piece names (as in `trials.csv`) whose scenes are in the demo.
    public let pieces: [String]
    /// The setting of each other swept field that the demo plays (as written in `trials.csv`).
    public let K, weighting, selection, mask, seed: String

    /// The clip of the target's dry source, present in every demo scene.
    public static let referenceClip = "reference"

    public init(config: ExperimentConfig, settings: ReportSettings) {
        self.settings = settings
        pieces = config.pieces.prefix(max(settings.demoPieces, 0)).map(ExperimentConfig.pieceName)
        K = config.K.first.map(String.init) ?? ""
        weighting = config.weighting.first?.rawValue ?? ""
        selection = config.selection.first?.description ?? ""
        mask = config.mask.first?.rawValue ?? ""
        seed = config.seeds.first.map(String.init) ?? ""
    }

    public func includes(_ scene: ScenePlan) -> Bool { pieces.contains(scene.piece) }

    /// The clip a trial is played as, or nil when the trial is not in the demo.
    public func clip(for key: TrialKey) -> String? {
        guard pieces.contains(key.scene.piece) else { return nil }
        if key.stage == Stage.baselineName { return key.method }
        guard key.K == K, key.weighting == weighting, key.selection == selection, key.mask == mask, key.seed == seed
        else { return nil }
        return "\(key.method)-\(key.stage)"
    }

    /// The demo trials of a scene, in trial order (none when the scene is not in the demo).
    public func trials(of scene: ScenePlan) -> [TrialKey] {
        includes(scene) ? scene.trials.filter { clip(for: $0) != nil } : []
    }

    /// Every clip of a demo scene: the reference, then one per demo trial.
    public func clips(of scene: ScenePlan) -> [String] {
        includes(scene) ? [Self.referenceClip] + trials(of: scene).compactMap(clip(for:)) : []
    }
}

/// The folder of a run directory that holds its demo clips (removed with the rest of a run by `--fresh`).
public let demoFolderName = "demo"

/// `demo/<scene_id>/<clip>.<flac|wav>`: a demo clip's path relative to the run directory (what the report links).
public func demoAudioRelativePath(sceneID: String, clip: String, format: AudioContainer) -> String {
    "\(demoFolderName)/\(sceneID)/\(clip).\(format.rawValue)"
}

/// A demo clip's path inside a run directory.
public func demoAudioPath(runDirectory: String, sceneID: String, clip: String, format: AudioContainer) -> String {
    "\(runDirectory)/\(demoAudioRelativePath(sceneID: sceneID, clip: clip, format: format))"
}

/// Writes the demo clips of one scene while it is evaluated (nil for a scene outside the demo).
///
/// Each clip is the first `demoSeconds` of the signal as 16-bit PCM (FLAC or WAV) at the scene's sample
/// rate (samples beyond ±1 clip). The mixture is kept in stereo so the directions can be heard; estimates are written
/// as what the metric scored: the mid signal (L + R)/2 for `sources`, the stereo image for `images`.
public struct DemoClipWriter: Sendable {
    public let selection: DemoSelection
    public let runDirectory: String
    public let sceneID: String
    public let monoEstimates: Bool

    public init?(selection: DemoSelection, runDirectory: String, scene: ScenePlan, metric: Metric) throws {
        guard selection.includes(scene) else { return nil }
        self.selection = selection
        self.runDirectory = runDirectory
        sceneID = scene.id
        monoEstimates = metric != .images
        let folder = "\(runDirectory)/\(demoFolderName)/\(scene.id)"
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw DirClustError("demo folder \(folder) cannot be created (\(error.localizedDescription)); expected a writable output directory")
        }
    }

    /// The target's dry source.
    public func writeReference(_ dry: [Double], sampleRate: Int) throws {
        try write(AudioBuffer(sampleRate: sampleRate, channels: [dry]), clip: DemoSelection.referenceClip)
    }

    /// The signal of trial `key` (the mixture itself for the `mixture` trial); ignored outside the demo.
    public func write(_ key: TrialKey, _ audio: AudioBuffer) throws {
        guard let clip = selection.clip(for: key) else { return }
        let keepStereo = key.method == Bound.mixture.rawValue || !monoEstimates
        try write(keepStereo ? audio : AudioBuffer(sampleRate: audio.sampleRate, channels: [Scorer.mid(audio)]), clip: clip)
    }

    func write(_ audio: AudioBuffer, clip: String) throws {
        let frames = min(audio.frameCount, Int((selection.settings.demoSeconds * Double(audio.sampleRate)).rounded()))
        let excerpt = AudioBuffer(sampleRate: audio.sampleRate, channels: audio.channels.map { Array($0.prefix(frames)) })
        let format = selection.settings.audioFormat
        try writeWAV(excerpt, to: demoAudioPath(runDirectory: runDirectory, sceneID: sceneID, clip: clip, format: format),
                     format: .pcm16, container: format)
    }
}
