/// The identity of one trial: the columns of `trials.csv` that say *what* was measured (scene, K,
/// method, stage, weighting, selection, mask, seed), as the exact strings written to the CSV so that a
/// row read back matches the planned trial byte for byte (this is what resume and merge rely on).
///
/// Order (the row order of every `trials.csv`): piece, layout, angle, condition, SNR, method (mixture,
/// k-means, GMM, Cauchy, tMM, GGMM, IBM), stage (baseline, clustering, nmf, hybrid), K, weighting, selection,
/// mask, seed; numbers compare numerically. A sorted table is therefore the same however it was produced.
public struct TrialKey: Hashable, Comparable, Sendable {
    public struct SceneFields: Hashable, Comparable, Sendable {
        public var sceneID, piece, layout, angleDeg, condition, snrDb: String

        public static func < (a: Self, b: Self) -> Bool {
            lexicographicLess([
                compareText(a.piece, b.piece), compareText(a.layout, b.layout), compareNumeric(a.angleDeg, b.angleDeg),
                compareText(a.condition, b.condition), compareNumeric(a.snrDb, b.snrDb), compareText(a.sceneID, b.sceneID),
            ])
        }
    }

    public var scene: SceneFields
    public var K, method, stage, weighting, selection, mask, seed: String

    public static let columnNames = ["scene_id", "piece", "layout", "angle_deg", "condition", "snr_db", "K",
                                     "method", "stage", "weighting", "selection", "mask", "seed"]

    public var columns: [String] {
        [scene.sceneID, scene.piece, scene.layout, scene.angleDeg, scene.condition, scene.snrDb, K, method, stage,
         weighting, selection, mask, seed]
    }

    public init(scene: SceneFields, K: String, method: String, stage: String, weighting: String, selection: String,
                mask: String, seed: String) {
        self.scene = scene
        self.K = K; self.method = method; self.stage = stage; self.weighting = weighting
        self.selection = selection; self.mask = mask; self.seed = seed
    }

    /// The row of a bound (`mixture`, or `ibm` with its binary mask).
    public init(scene: SceneFields, bound: Bound) {
        self.init(scene: scene, K: "", method: bound.rawValue, stage: Stage.baselineName, weighting: "", selection: "",
                  mask: bound == .ibm ? MaskKind.binary.rawValue : "", seed: "")
    }

    /// The row of a fitted trial: the typed values written as they are saved.
    public init(scene: SceneFields, K: Int, method: ClusteringMethod, stage: Stage, weighting: BinWeighting,
                selection: TargetSelection, mask: MaskKind, seed: Int) {
        self.init(scene: scene, K: String(K), method: method.rawValue, stage: stage.rawValue, weighting: weighting.rawValue,
                  selection: selection.description, mask: mask.rawValue, seed: String(seed))
    }

    /// From the first `columnNames.count` cells of a CSV row.
    init(columns c: [String]) {
        self.init(scene: SceneFields(sceneID: c[0], piece: c[1], layout: c[2], angleDeg: c[3], condition: c[4], snrDb: c[5]),
                  K: c[6], method: c[7], stage: c[8], weighting: c[9], selection: c[10], mask: c[11], seed: c[12])
    }

    /// Display order of methods (`Bound.methodOrder`) and stages (`Stage.columnOrder`).
    public static let methodOrder = Bound.methodOrder
    public static let stageOrder = Stage.columnOrder

    public static func < (a: Self, b: Self) -> Bool {
        if a.scene != b.scene { return a.scene < b.scene }
        return lexicographicLess([
            compareRank(a.method, b.method, methodOrder), compareRank(a.stage, b.stage, stageOrder),
            compareNumeric(a.K, b.K), compareText(a.weighting, b.weighting), compareText(a.selection, b.selection),
            compareText(a.mask, b.mask), compareNumeric(a.seed, b.seed),
        ])
    }
}

func lexicographicLess(_ results: [Int]) -> Bool {
    for r in results where r != 0 { return r < 0 }
    return false
}

func compareText(_ a: String, _ b: String) -> Int { a == b ? 0 : (a < b ? -1 : 1) }

/// Numbers compare by value; an empty cell sorts first; non-numbers fall back to text order.
func compareNumeric(_ a: String, _ b: String) -> Int {
    if a == b { return 0 }
    if a.isEmpty { return -1 }
    if b.isEmpty { return 1 }
    if let x = Double(a), let y = Double(b), x != y { return x < y ? -1 : 1 }
    return compareText(a, b)
}

/// Known names by their rank in `order`, unknown names after them in text order.
func compareRank(_ a: String, _ b: String, _ order: [String]) -> Int {
    let ra = order.firstIndex(of: a) ?? order.count, rb = order.firstIndex(of: b) ?? order.count
    return ra != rb ? (ra < rb ? -1 : 1) : compareText(a, b)
}
