import DirClust

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
