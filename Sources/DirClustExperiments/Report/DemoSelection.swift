import DirClust

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

extension ScenePlan {
    /// `bwv66.6 · fan · θ = 15° · noise (SNR 0 dB)`: how the report names a scene.
    public var title: String {
        "\(piece) · \(layout.rawValue) · θ = \(formatNumber(angleDeg))° · \(condition.name)"
            + (snrDb.map { " (SNR \(formatNumber($0)) dB)" } ?? "")
    }
}
