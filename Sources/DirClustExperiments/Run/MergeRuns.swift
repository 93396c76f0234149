import DirClust
import Foundation

/// `dirclust merge`: joins the run directories of the shards of one config into one. The shards must
/// share `config.json` (same hash), must not disagree on any trial they both hold, and together must
/// cover the plan; the result is the same sorted `trials.csv` an unsharded run writes, plus summaries.
public enum MergeRuns {
    @discardableResult
    public static func merge(_ dirs: [String], into out: String) throws -> [TrialRecord] {
        guard !dirs.isEmpty else { throw DirClustError("merge: no shard directories given; expected DIR [DIR ...] --out DIR") }
        let fm = FileManager.default
        var config: ExperimentConfig?
        var canonical: Data?
        var byKey: [TrialKey: TrialRecord] = [:]
        var timings = StageTimings()
        var environment: [String: String] = [:]
        var wall = 0.0, jobs = 0
        for dir in dirs {
            let configPath = "\(dir)/config.json"
            guard let data = fm.contents(atPath: configPath) else {
                throw DirClustError("merge: \(configPath) is missing; expected a directory written by dirclust run")
            }
            if let c = canonical, c != data {
                throw DirClustError("merge: \(configPath) differs from \(dirs[0])/config.json; only shards of one config can be merged")
            }
            canonical = data
            if config == nil { config = try ExperimentConfig(json: try JSONValue.parse(data, source: configPath), source: configPath) }
            for r in try TrialTable.read(path: "\(dir)/\(TrialTable.fileName)").records {
                if let old = byKey[r.key], !sameMeasurement(old, r) {
                    throw DirClustError("merge: trial \(r.key.columns.joined(separator: ",")) has different results in two shards; re-run one of them")
                }
                byKey[r.key] = r
            }
            if let p = fm.contents(atPath: "\(dir)/provenance.json"), let prov = try? JSONDecoder().decode(Provenance.self, from: p) {
                for (k, v) in prov.stageSeconds { timings.add(k, v) }
                environment.merge(prov.environment.filter { $0.key != "shard" }) { a, _ in a }
                wall = max(wall, prov.wallSeconds)
                jobs += prov.jobs
            }
        }
        let cfg = config!
        let plan = ExperimentPlan(cfg)
        let missing = plan.scenes.flatMap(\.trials).filter { byKey[$0] == nil }
        if let first = missing.first {
            throw DirClustError("merge: \(missing.count) of \(plan.trialCount) planned trials are in none of the shards (first: \(first.columns.joined(separator: ","))); run the missing shards first")
        }
        let records = byKey.values.sorted { $0.key < $1.key }
        try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
        try writeAtomically(Data(TrialTable.text(records).utf8), to: "\(out)/\(TrialTable.fileName)")
        environment["mergedFrom"] = dirs.joined(separator: " ")
        let prov = Provenance(config: cfg, environment: environment, timings: timings, wallSeconds: wall, jobs: jobs,
                              scenes: plan.scenes.count, scenesResumed: 0, trials: records.count)
        try RunOutputs.write(records: records, config: cfg, provenance: prov, to: out)
        return records
    }

    /// Equal up to the fit time (the one column that differs between identical runs).
    static func sameMeasurement(_ a: TrialRecord, _ b: TrialRecord) -> Bool {
        var a = a, b = b
        a.fitSeconds = nil; b.fitSeconds = nil
        return TrialTable.line(a) == TrialTable.line(b)
    }
}
