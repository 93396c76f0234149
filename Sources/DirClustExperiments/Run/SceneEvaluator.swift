import DirClust

/// What the runner needs from the science: check the inputs of a plan, and evaluate one scene — build
/// it, fit every planned trial on its one STFT, score every estimate — returning one row per trial key.
///
/// `DirectionalSceneEvaluator` is the real one; the runner itself (resume, shards, CSV, summaries) is
/// independent of it.
public protocol SceneEvaluator: Sendable {
    /// Checks everything the scenes will need (MIDI files and their parts, SoundFonts) so that a bad
    /// config fails before anything is written.
    func validate(_ scenes: [ScenePlan]) async throws
    /// Rows for exactly `scene.trials`, and the time spent per stage.
    func evaluate(_ scene: ScenePlan) async throws -> SceneOutcome
    /// Environment facts for provenance (SoundFont hashes, library versions).
    func provenance() async -> [String: String]
}

/// Receives what an evaluation produces, for whoever runs it to keep (the run's demo clips, their scores
/// and the clustering example: `DemoClipWriter`); the evaluator itself writes nothing and knows nothing of
/// reports. Scenes are evaluated concurrently, so each scene gets a sink of its own.
public protocol EstimateSink: Sendable {
    /// The sink of one scene, once it is built (`scene`: its dry sources, images and mixture; `targetDeg`:
    /// the target's direction in the feature); nil when nothing of the scene is kept.
    func open(_ plan: ScenePlan, scene: Scene, targetDeg: Double) throws -> (any SceneSink)?
}

/// One scene's share of an `EstimateSink`, called from one task: every scored signal, the fit behind each
/// clustering trial, then `close`.
public protocol SceneSink: AnyObject {
    /// The signal scored for trial `key` (the mixture itself for the `mixture` bound).
    func estimate(_ audio: AudioBuffer, for key: TrialKey) throws
    /// The fit behind the `clustering`-stage trial `key`, the points it was fitted on, the clusters that
    /// formed the estimate and the trial's SDR.
    func fit(_ fit: ClusterFit, points: FittingPoints, weighting: BinWeighting, targetClusters: [Int], sdr: Double, for key: TrialKey)
    /// After the scene's last trial.
    func close() throws
}

public struct SceneOutcome: Sendable {
    public var records: [TrialRecord]
    public var timings: StageTimings
    public init(records: [TrialRecord], timings: StageTimings) {
        self.records = records
        self.timings = timings
    }
}

/// Seconds spent per pipeline stage (render, scene, stft, feature, fit, mask, eval, hybrid), summed
/// over scenes.
public struct StageTimings: Sendable, Equatable, Codable {
    public private(set) var seconds: [String: Double] = [:]
    public init() {}

    public mutating func add(_ stage: String, _ s: Double) { seconds[stage, default: 0] += s }
    public mutating func add(_ other: StageTimings) { for (k, v) in other.seconds { add(k, v) } }
    public var total: Double { seconds.values.reduce(0, +) }

    /// Runs `body`, adding its wall time to `stage`.
    public mutating func measure<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        let result = try body()
        add(stage, (ContinuousClock.now - start).seconds)
        return result
    }

    public mutating func measure<T>(_ stage: String, _ body: () async throws -> T) async rethrows -> T {
        let start = ContinuousClock.now
        let result = try await body()
        add(stage, (ContinuousClock.now - start).seconds)
        return result
    }
}

extension Duration {
    public var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}
