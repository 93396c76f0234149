import DirClust
import Foundation

/// `dirclust render`: every scene of a config written as WAVs (`writeScene`: mixture, source images,
/// noise, scene.json) into `<outDir>/<scene_id>/`. Everything is validated before the directory is created;
/// `progress` is told as each scene is written.
public func renderScenes(config: ExperimentConfig, outDir: String,
                         progress: RunProgressHandler? = nil) async throws -> [String] {
    let plan = ExperimentPlan(config)
    try ExperimentRunner.checkPieces(plan)
    let evaluator = try DirectionalSceneEvaluator(config: config)
    try await evaluator.validate(plan.scenes)
    try createOutputFolder(outDir, what: "output directory")
    var written: [String] = []
    for s in plan.scenes {
        let start = ContinuousClock.now
        let scene = try await evaluator.scene(s)
        let dir = "\(outDir)/\(s.id)"
        try writeScene(scene, to: dir)
        written.append(dir)
        progress?(.sceneFinished(SceneProgress(sceneID: s.id, done: written.count, total: plan.scenes.count,
                                               seconds: (ContinuousClock.now - start).seconds)))
    }
    return written
}
