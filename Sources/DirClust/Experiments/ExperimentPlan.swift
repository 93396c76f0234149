/// The sweep of a config expanded into scenes and, per scene, the identities of its trials.
///
/// Scenes = pieces × layouts × angles × (conditions, each × its SNR list). Trials per scene = the two
/// bounds (`mixture`, `ibm`, when `bounds`) + stages × K × methods × weighting × seeds × selection × mask.
/// Everything is deterministic: the same config gives the same scenes, ids, noise seeds and trial keys.
public struct ExperimentPlan: Sendable {
    public let config: ExperimentConfig
    /// Scenes in trial-key order (piece, layout, angle, condition, SNR).
    public let scenes: [ScenePlan]

    public init(_ config: ExperimentConfig) {
        self.config = config
        var scenes: [ScenePlan] = []
        for piece in config.pieces {
            for layout in config.layouts {
                for angle in config.angles {
                    for condition in config.conditions {
                        let snrs: [Double?] = condition.noise ? condition.snrDb.map { $0 } : [nil]
                        for snr in snrs {
                            scenes.append(ScenePlan(config: config, piece: piece, layout: layout, angleDeg: angle,
                                                    condition: condition, snrDb: snr))
                        }
                    }
                }
            }
        }
        self.scenes = scenes.sorted { $0.fields < $1.fields }
    }

    public var trialCount: Int { scenes.reduce(0) { $0 + $1.trials.count } }

    /// The scenes of shard `index` of `count` (1-based): every `count`-th scene, so the shards are
    /// disjoint, cover the plan and each gets a similar mix of conditions.
    public func scenes(in shard: Shard?) -> [ScenePlan] {
        guard let shard else { return scenes }
        return scenes.enumerated().filter { $0.offset % shard.count == shard.index - 1 }.map(\.element)
    }
}

/// `--shard i/n`: run the i-th of n disjoint parts of a plan (1 ≤ i ≤ n).
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int
    public init(index: Int, count: Int) throws {
        guard count >= 1, (1...count).contains(index) else {
            throw DirClustError("--shard \(index)/\(count) is invalid; expected i/n with 1 ≤ i ≤ n, e.g. 2/3")
        }
        self.index = index
        self.count = count
    }
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw DirClustError("--shard \(text) is invalid; expected i/n with 1 ≤ i ≤ n, e.g. 2/3")
        }
        try self.init(index: i, count: n)
    }
    public var description: String { "\(index)/\(count)" }
}

/// One scene: a piece's parts rendered, panned by a layout at angle θ, under a condition, with its trials.
public struct ScenePlan: Sendable, Equatable {
    public let id: String
    public let piece: String
    public let midiPath: String
    public let layout: LayoutKind
    public let angleDeg: Double
    public let condition: ExperimentConfig.Condition
    /// nil when the condition has no noise.
    public let snrDb: Double?
    /// Seed of the scene's diffuse noise: derived from `noiseSeed` and the scene without its SNR, so an
    /// SNR sweep scales one noise signal.
    public let noiseSeed: UInt64
    /// The trials as the evaluator runs them (bounds; weighting → fit → mask → selection → stages).
    public let work: SceneWork
    /// The identities of every trial this scene yields, sorted.
    public let trials: [TrialKey]

    init(config: ExperimentConfig, piece: String, layout: LayoutKind, angleDeg: Double,
         condition: ExperimentConfig.Condition, snrDb: Double?) {
        let name = ExperimentConfig.pieceName(piece)
        self.piece = name
        self.midiPath = config.midiPath(of: piece)
        self.layout = layout
        self.angleDeg = angleDeg
        self.condition = condition
        self.snrDb = snrDb
        let base = "\(name)_\(layout.rawValue)_\(formatNumber(angleDeg))_\(condition.name)"
        id = snrDb.map { "\(base)_snr\(formatNumber($0))" } ?? base
        var rng = SeededRandom(seed: UInt64(config.noiseSeed), stream: fnv1a64(base))
        noiseSeed = rng.next()
        work = SceneWork(config: config, scene: TrialKey.SceneFields(
            sceneID: id, piece: name, layout: layout.rawValue, angleDeg: formatNumber(angleDeg),
            condition: condition.name, snrDb: snrDb.map(formatNumber) ?? ""))
        trials = work.keys.sorted()
    }

    var fields: TrialKey.SceneFields { trials.first?.scene ?? .init(sceneID: id, piece: piece, layout: layout.rawValue,
        angleDeg: formatNumber(angleDeg), condition: condition.name, snrDb: snrDb.map(formatNumber) ?? "") }

    /// The scene's layout at its angle.
    public var sceneLayout: Layout { layout.layout(thetaDeg: angleDeg) }
}

/// The trials of one scene as a tree in the order the work is shared: the bounds; then per weighting one
/// direction feature, per (K, method, seed) one fit, per mask kind one set of masks, per selection one
/// target mask, and per stage one row. Every value is typed; each leaf carries its saved `TrialKey`.
public struct SceneWork: Sendable, Equatable {
    public struct BoundTrial: Sendable, Equatable { public let bound: Bound; public let key: TrialKey }
    public struct StageTrial: Sendable, Equatable { public let stage: Stage; public let key: TrialKey }
    public struct SelectionWork: Sendable, Equatable { public let selection: TargetSelection; public let stages: [StageTrial] }
    public struct MaskWork: Sendable, Equatable { public let mask: MaskKind; public let selections: [SelectionWork] }
    public struct FitWork: Sendable, Equatable {
        public let K: Int
        public let method: ClusteringMethod
        public let seed: Int
        public let masks: [MaskWork]
        /// The core's fit settings with the config's EM rule.
        public func settings(em: EMSettings) -> FitSettings {
            FitSettings(method: method, componentCount: K, seed: UInt64(seed), em: em)
        }
    }
    public struct WeightingWork: Sendable, Equatable { public let weighting: BinWeighting; public let fits: [FitWork] }

    public let bounds: [BoundTrial]
    public let weightings: [WeightingWork]

    /// The config's axes for one scene, in config order.
    init(config c: ExperimentConfig, scene: TrialKey.SceneFields) {
        bounds = c.bounds ? Bound.allCases.map { BoundTrial(bound: $0, key: TrialKey(scene: scene, bound: $0)) } : []
        weightings = c.weighting.map { w in
            WeightingWork(weighting: w, fits: c.K.flatMap { k in c.methods.flatMap { method in c.seeds.map { seed in
                FitWork(K: k, method: method, seed: seed, masks: c.mask.map { mask in
                    MaskWork(mask: mask, selections: c.selection.map { selection in
                        SelectionWork(selection: selection, stages: c.stages.map { stage in
                            StageTrial(stage: stage, key: TrialKey(scene: scene, K: k, method: method, stage: stage, weighting: w,
                                                                   selection: selection, mask: mask, seed: seed))
                        })
                    })
                })
            } } })
        }
    }

    /// Every trial's key, in tree order.
    public var keys: [TrialKey] {
        bounds.map(\.key) + weightings.flatMap { $0.fits.flatMap { $0.masks.flatMap { $0.selections.flatMap { $0.stages.map(\.key) } } } }
    }
}

/// 64-bit FNV-1a of a string's UTF-8 bytes (a stable, platform-independent hash for seeds).
func fnv1a64(_ s: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    return h
}
