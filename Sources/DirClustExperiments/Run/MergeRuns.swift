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
        if let input = dirs.first(where: { sameFolder($0, out) }) {
            throw DirClustError("merge: --out \(out) is one of the shards (\(input)); merging into it would overwrite that shard's trials.csv. Choose a new folder for --out")
        }
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
            try TrialTable.index(try TrialTable.read(path: "\(dir)/\(TrialTable.fileName)").records, into: &byKey) { key in
                DirClustError("merge: trial \(key.columns.joined(separator: ",")) has different results in two shards; re-run one of them")
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
        try createOutputFolder(out, what: "merge: --out")
        let lock = try OutputFolderLock(folder: out, command: "dirclust merge")
        defer { lock.release() }
        try writeAtomically(Data(TrialTable.text(records).utf8), to: "\(out)/\(TrialTable.fileName)")
        environment["mergedFrom"] = dirs.joined(separator: " ")
        let prov = Provenance(config: cfg, environment: environment, timings: timings, wallSeconds: wall, jobs: jobs,
                              scenes: plan.scenes.count, scenesResumed: 0, trials: records.count)
        try RunOutputs.write(records: records, config: cfg, provenance: prov, to: out)
        return records
    }

    /// Whether two paths name one folder (`sh1`, `./sh1/`, `x/../sh1`, a symbolic link to it).
    static func sameFolder(_ a: String, _ b: String) -> Bool {
        let canonical = { (p: String) in URL(fileURLWithPath: p).standardizedFileURL.resolvingSymlinksInPath().path }
        return canonical(a) == canonical(b)
    }

    /// Equal up to the fit time (the one column that differs between identical runs).
    static func sameMeasurement(_ a: TrialRecord, _ b: TrialRecord) -> Bool {
        var a = a, b = b
        a.fitSeconds = nil; b.fitSeconds = nil
        return TrialTable.line(a) == TrialTable.line(b)
    }
}
