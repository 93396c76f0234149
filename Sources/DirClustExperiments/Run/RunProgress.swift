import DirClust

/// What `dirclust run` and `dirclust render` report while they work. The library only emits these
/// through an optional `RunProgressHandler`; the command line decides whether and how to show them
/// (as `separate` does with `SeparationStage` events).
public enum RunEvent: Sendable, Equatable {
    /// The run is about to evaluate: `scenes` in this run (or shard), `resumed` of them already recorded.
    case started(scenes: Int, resumed: Int, jobs: Int, shard: Shard?)
    /// One scene was evaluated (or rendered).
    case sceneFinished(SceneProgress)
    /// The run is over after `wallSeconds`; `finished` is false when it stopped at its scene limit.
    case done(wallSeconds: Double, finished: Bool)
}

/// One finished scene: its place in the run and the best clustering trial it scored.
public struct SceneProgress: Sendable, Equatable {
    public var sceneID: String
    /// Scenes done so far, this one and the resumed ones included, of `total`.
    public var done: Int
    public var total: Int
    /// Wall time of this scene.
    public var seconds: Double
    /// The non-baseline trial with the highest SDR (nil when nothing was scored, as in `render`).
    public var best: Best?

    /// A trial's method and SDR (dB).
    public struct Best: Sendable, Equatable {
        public var method: String
        public var sdr: Double
        public init(method: String, sdr: Double) { self.method = method; self.sdr = sdr }
    }

    public init(sceneID: String, done: Int, total: Int, seconds: Double, best: Best? = nil) {
        self.sceneID = sceneID; self.done = done; self.total = total; self.seconds = seconds; self.best = best
    }

    /// The scene's progress with `best` taken from its scored rows.
    init(scene: ScenePlan, done: Int, total: Int, seconds: Double, records: [TrialRecord]) {
        let best = records.filter { $0.key.stage != Stage.baselineName }.max { $0.sdr < $1.sdr }
        self.init(sceneID: scene.id, done: done, total: total, seconds: seconds, best: best.map { Best(method: $0.key.method, sdr: $0.sdr) })
    }
}

/// Receives the events of a run; called from the run's own task, one event at a time, in order.
public typealias RunProgressHandler = @Sendable (RunEvent) -> Void
