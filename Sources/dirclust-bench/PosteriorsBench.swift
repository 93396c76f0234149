import DirClust
import DirClustExperiments
import Foundation

/// `dirclust-bench posteriors [CONFIG]` (default `configs/ci.json`): where the core evaluates posteriors,
/// measured. For every scene of the config and every clusterer × K × seed × mask of its plan, one fit on the
/// histogram (as the runner makes it), then the masks two ways:
///
/// - **per cell** (what the core does): r_jk at each occupied 0.005° cell's mean θ̄_j, copied to the bins of
///   the cell (`DirectionalModel`);
/// - **per bin** (exact): r_nk at every active bin's own θ_n (`ClusterFit.posteriors` on the active bins).
///
/// Reports per method the bins whose MAP cluster differs, the SDR of the target estimate both ways
/// (BSS Eval v3 sources, mid (L+R)/2 against the dry sources; the same clusters, those the core selects)
/// and the time to build the masks from the fit (wall clock; posteriors + masks).
func benchPosteriors(_ arguments: [String]) async throws {
    let path = arguments.first ?? "configs/ci.json"
    let config = try ExperimentConfig.load(path: path)
    let plan = ExperimentPlan(config)
    let evaluator = try DirectionalSceneEvaluator(config: config)
    let stft = try STFT(config.stft.stftConfig)
    print("posteriors  \(path): \(plan.scenes.count) scenes, per cell (the core) vs per bin (exact)")

    struct Tally { var bins = 0, changed = 0, trials = 0; var dSum = 0.0, dMax = 0.0, cellSeconds = 0.0, binSeconds = 0.0 }
    var tally: [ClusteringMethod: Tally] = [:]
    for scenePlan in plan.scenes {
        let scene = try await evaluator.scene(scenePlan)
        let separator = try MixtureSeparator(stft: stft, mixture: stft.forward(scene.mixture), length: scene.mixture.frameCount,
                                             sampleRate: scene.sampleRate, silenceThresholdDB: config.silenceThresholdDB)
        let scorer = try SourcesScorer(references: scene.dry)
        let targetDeg = scene.gains[config.target].directionDeg
        func sdr(_ mask: [Double]) throws -> Double {
            let e = separator.estimate(mask)
            let mid = zip(e.channels[0], e.channels[1]).map { 0.5 * ($0 + $1) }
            return try scorer.score(estimate: mid, target: config.target).sdr
        }
        for w in scenePlan.work.weightings {
            let (feature, points, _) = separator.directions(w.weighting)
            let theta = feature.activeTheta()
            for f in w.fits {
                let fit = try DirectionalModel(fitting: points, f.settings(em: config.em)).fit
                for m in f.masks {
                    var t0 = ContinuousClock.now
                    let model = DirectionalModel(fit: fit, points: points)
                    let cellMasks = model.masks(for: feature, kind: m.mask)
                    let cellSeconds = (ContinuousClock.now - t0).seconds
                    t0 = ContinuousClock.now
                    let binMasks = clusterMasks(posteriors: fit.posteriors(theta), componentCount: model.componentCount,
                                                feature: feature, kind: m.mask)
                    let binSeconds = (ContinuousClock.now - t0).seconds
                    var t = tally[f.method] ?? Tally()
                    t.cellSeconds += cellSeconds; t.binSeconds += binSeconds
                    t.bins += feature.activeBins.count
                    for n in feature.activeBins where !cellMasks.indices.allSatisfy({ cellMasks[$0][n] == binMasks[$0][n] }) {
                        t.changed += 1
                    }
                    for sel in m.selections where sel.selection != .grouped {
                        let chosen = model.targetClusters(directionDeg: targetDeg, selection: sel.selection, mask: m.mask)
                        let d = try sdr(combineMasks(binMasks, selecting: chosen)) - sdr(combineMasks(cellMasks, selecting: chosen))
                        t.trials += 1; t.dSum += d; t.dMax = max(t.dMax, abs(d))
                    }
                    tally[f.method] = t
                }
            }
        }
        print("  \(scenePlan.id) done")
    }
    print("\n| method | bins | bins whose mask differs | trials | mean SDR per bin − per cell (dB) | max abs (dB) | masks per cell (s) | masks per bin (s) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    var all = Tally()
    for method in ClusteringMethod.allCases {
        guard let t = tally[method] else { continue }
        row(method.rawValue, t)
        all.bins += t.bins; all.changed += t.changed; all.trials += t.trials; all.dSum += t.dSum
        all.dMax = max(all.dMax, t.dMax); all.cellSeconds += t.cellSeconds; all.binSeconds += t.binSeconds
    }
    row("all", all)

    func row(_ name: String, _ t: Tally) {
        print("| \(name) | \(t.bins) | \(t.changed) (\(String(format: "%.3f", 100 * Double(t.changed) / Double(max(t.bins, 1)))) %) | \(t.trials) | "
              + String(format: "%+.4f | %.4f | %.2f | %.2f |", t.dSum / Double(max(t.trials, 1)), t.dMax, t.cellSeconds, t.binSeconds))
    }
}
