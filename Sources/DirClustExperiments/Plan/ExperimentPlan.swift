import DirClust

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

/// `--shard i/n`: run the i-th of n disjoint parts of a plan (1 ≤ i ≤ n); `--shard slurm` takes i/n from
/// the SLURM array task (`fromSLURM(environment:)`).
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

    /// The variables SLURM sets in every task of a job array (`sbatch --array=MIN-MAX`).
    public static let slurmVariables = ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX",
                                        "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_STEP"]

    /// `--shard slurm`: the shard of this SLURM array task, i = ID − MIN + 1 of n = MAX − MIN + 1 (or n =
    /// COUNT when MAX is absent). The array must be one contiguous range (`--array=1-16`, `0-15`): with a
    /// step or a list (`1-15:2`, `1,4,7`) the task ids do not number the shards, so it is refused (COUNT or
    /// STEP disagree with MIN…MAX). A requeued task keeps its array's variables, hence its shard.
    public static func fromSLURM(environment env: [String: String]) throws -> Shard {
        func value(_ name: String) throws -> Int? {
            guard let text = env[name] else { return nil }
            guard let v = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw DirClustError("--shard slurm: \(name)=\(text) is not an integer")
            }
            return v
        }
        let id = try value("SLURM_ARRAY_TASK_ID"), first = try value("SLURM_ARRAY_TASK_MIN")
        let last = try value("SLURM_ARRAY_TASK_MAX"), count = try value("SLURM_ARRAY_TASK_COUNT")
        let step = try value("SLURM_ARRAY_TASK_STEP") ?? 1
        guard let id, let first, let n = last.map({ $0 - first + 1 }) ?? count else {
            let unset = slurmVariables.prefix(4).filter { env[$0] == nil }.joined(separator: ", ")
            throw DirClustError("--shard slurm needs SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_MIN with SLURM_ARRAY_TASK_MAX (or SLURM_ARRAY_TASK_COUNT), which SLURM sets in each task of a job array (sbatch --array=1-16); not set here: \(unset). Outside a job array pass --shard i/n, e.g. --shard 2/3")
        }
        guard step == 1, count.map({ $0 == n }) ?? true else {
            let described = slurmVariables.dropFirst().map { "\($0)=\(env[$0] ?? "unset")" }.joined(separator: ", ")
            throw DirClustError("--shard slurm: the job array is not one contiguous range (\(described)), so its task ids do not number the shards; submit --array=1-N, or pass --shard i/n")
        }
        guard id >= first, id - first < n else {
            throw DirClustError("--shard slurm: SLURM_ARRAY_TASK_ID=\(id) lies outside the array \(first)…\(first + n - 1)")
        }
        return try Shard(index: id - first + 1, count: n)
    }
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

/// 64-bit FNV-1a of a string's UTF-8 bytes (a stable, platform-independent hash for seeds).
func fnv1a64(_ s: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    return h
}
