import DirClust
import Foundation

/// Everything `report.html` is made of, read from a run directory and checked first (mir_eval style:
/// validate, then render): the config's plan, every planned trial recorded in `trials.csv`, the
/// summaries, figure and provenance of a finished run, and every demo clip on disk. A run that is
/// empty or partial is an error naming what is missing, so a broken page is never written.
struct ReportInputs {
    let runDirectory: String
    let config: ExperimentConfig
    let plan: ExperimentPlan
    /// Every row of `trials.csv` by trial key.
    let records: [TrialKey: TrialRecord]
    let demo: DemoSelection
    /// Each demo scene's clip scores, by scene id (`ClipScores`).
    let clipScores: [String: ClipScores]
    let figureSVG: String
    /// `clustering.svg` when the run recorded a clustering example (a demo scene; `ClusteringExample`).
    let clusteringSVG: String?
    let provenance: Provenance

    /// The files of a finished run the report shows or links, besides `trials.csv`.
    static let runFiles = ["summary.md", "summary.csv", "pairs.md", "figure.svg", "provenance.json", "config.json"]
    /// How many missing trials or clips an error lists by name.
    static let listed = 12

    static func load(runDirectory dir: String, settings: ReportSettings) throws -> ReportInputs {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DirClustError("report: run directory \(dir) does not exist; expected a directory written by dirclust run")
        }
        let configPath = "\(dir)/config.json"
        guard let configData = fm.contents(atPath: configPath) else {
            throw DirClustError("report: \(configPath) is missing, so the run's trials are unknown; expected a directory written by dirclust run")
        }
        let config = try ExperimentConfig(json: try JSONValue.parse(configData, source: configPath), source: configPath)
        let plan = ExperimentPlan(config)
        let planned = plan.scenes.flatMap(\.trials)

        // Every planned trial must have its row.
        let csvPath = "\(dir)/\(TrialTable.fileName)"
        var records: [TrialKey: TrialRecord] = [:]
        if fm.fileExists(atPath: csvPath) {
            for r in try TrialTable.read(path: csvPath).records { records[r.key] = r }
        }
        let missing = planned.filter { records[$0] == nil }
        if !missing.isEmpty {
            let what = records.isEmpty && !fm.fileExists(atPath: csvPath) ? "\(csvPath) is missing: all" : "\(csvPath) lacks"
            throw DirClustError("report: \(what) \(missing.count) of \(planned.count) planned trials (\(list(missing.map(describe)))), so no report was written; finish the run first (rerun the same dirclust run command: it resumes)")
        }

        // A finished run has its summaries, figure and provenance.
        var texts: [String: String] = [:]
        for name in runFiles {
            guard let data = fm.contents(atPath: "\(dir)/\(name)"), let text = String(data: data, encoding: .utf8) else {
                throw DirClustError("report: \(dir)/\(name) is missing or not UTF-8 text although every trial is recorded; expected the outputs of a finished dirclust run (rerun it to write them)")
            }
            texts[name] = text
        }
        let provenance: Provenance
        do { provenance = try JSONDecoder().decode(Provenance.self, from: Data(texts["provenance.json"]!.utf8)) } catch {
            throw DirClustError("report: \(dir)/provenance.json cannot be read as a dirclust provenance record (\(error)); expected the file dirclust run writes")
        }

        // Every demo trial's clip, and each demo scene's reference, must be on disk.
        let demo = DemoSelection(config: config, settings: settings)
        var absent: [String] = []
        var total = 0
        for scene in plan.scenes where demo.includes(scene) {
            for clip in demo.clips(of: scene) {
                total += 1
                let relative = demoAudioRelativePath(sceneID: scene.id, clip: clip, format: settings.audioFormat)
                if !fm.fileExists(atPath: "\(dir)/\(relative)") { absent.append(relative) }
            }
        }
        if !absent.isEmpty {
            throw DirClustError("report: \(absent.count) of \(total) demo clips are missing in \(dir) (\(list(absent))), so no report was written; rerun dirclust run with --fresh (and the same report settings) to write the demo audio")
        }
        var clipScores: [String: ClipScores] = [:]
        for scene in plan.scenes where demo.includes(scene) {
            clipScores[scene.id] = try ClipScores.read(runDirectory: dir, sceneID: scene.id)
        }
        return ReportInputs(runDirectory: dir, config: config, plan: plan, records: records, demo: demo, clipScores: clipScores,
                            figureSVG: texts["figure.svg"]!,
                            clusteringSVG: fm.contents(atPath: "\(dir)/\(ClusteringExample.figureFileName)").flatMap { String(data: $0, encoding: .utf8) },
                            provenance: provenance)
    }

    /// A trial in one line: `scene method/stage K=6 power nearest binary seed=1` (empty fields left out).
    static func describe(_ key: TrialKey) -> String {
        var parts = [key.scene.sceneID, "\(key.method)/\(key.stage)"]
        if !key.K.isEmpty { parts.append("K=\(key.K)") }
        parts += [key.weighting, key.selection, key.mask].filter { !$0.isEmpty }
        if !key.seed.isEmpty { parts.append("seed=\(key.seed)") }
        return parts.joined(separator: " ")
    }

    /// The first `listed` items, then how many more.
    static func list(_ items: [String]) -> String {
        let shown = items.prefix(listed).joined(separator: "; ")
        return items.count > listed ? "\(shown); and \(items.count - listed) more" : shown
    }
}
