import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

@Suite struct ExperimentPlanTests {
    func config(_ json: String) throws -> ExperimentConfig {
        try ExperimentConfig(json: try JSONValue.parse(Data(json.utf8), source: "t"), source: "t")
    }

    @Test func sweepIsTheCartesianProduct() throws {
        // 2 pieces × 2 layouts × 3 angles × (overK + noise × 2 SNRs) = 36 scenes.
        let c = try config(#"""
        {"pieces": ["a", "b"], "layouts": ["centreTarget", "fan"], "angles": [5, 15, 45],
         "conditions": [{"name": "overK", "noise": false}, {"name": "noise", "noise": true, "snrDb": [0, 10]}],
         "K": [4, 6], "methods": ["kmeans", "tmm", "ggmm"], "weighting": ["none", "power"], "seeds": [1, 2, 3],
         "stages": ["clustering", "hybrid"]}
        """#)
        let plan = ExperimentPlan(c)
        #expect(plan.scenes.count == 36)
        // Per scene: 2 bounds + 2 stages × 2 K × 3 methods × 2 weightings × 3 seeds = 2 + 72.
        #expect(plan.scenes.allSatisfy { $0.trials.count == 74 })
        #expect(plan.trialCount == 36 * 74)
        #expect(Set(plan.scenes.map(\.id)).count == 36)
        #expect(Set(plan.scenes.flatMap(\.trials)).count == 36 * 74)
        // Scene order is the key order and is independent of the config's list order.
        var shuffled = c
        shuffled.pieces = ["b", "a"]; shuffled.angles = [45, 5, 15]
        #expect(ExperimentPlan(shuffled).scenes.map(\.id) == plan.scenes.map(\.id))
        #expect(plan.scenes.first?.id == "a_centreTarget_5_noise_snr0")
    }

    @Test func noiseSeedIsSharedAcrossAnSNRSweepOnly() throws {
        let c = try config(#"{"pieces": ["a"], "angles": [15, 45], "conditions": [{"name": "n", "noise": true, "snrDb": [0, 10]}]}"#)
        let s = ExperimentPlan(c).scenes
        #expect(s.count == 4)
        #expect(s[0].noiseSeed == s[1].noiseSeed)  // same angle, two SNRs
        #expect(s[0].noiseSeed != s[2].noiseSeed)
    }

    @Test func shardsAreDisjointAndCoverThePlan() throws {
        let c = try config(#"{"pieces": ["a", "b", "c"], "layouts": ["centreTarget", "fan"]}"#)
        let plan = ExperimentPlan(c)
        let parts = try (1...3).map { plan.scenes(in: try Shard(index: $0, count: 3)).map(\.id) }
        #expect(parts.map(\.count) == [8, 8, 8])
        #expect(Set(parts.flatMap { $0 }) == Set(plan.scenes.map(\.id)))
        #expect(Set(parts[0]).isDisjoint(with: parts[1]) && Set(parts[1]).isDisjoint(with: parts[2]))
        #expect(throws: DirClustError.self) { try Shard(parsing: "4/3") }
        #expect(throws: DirClustError.self) { try Shard(parsing: "two") }
        #expect(try Shard(parsing: "2/3") == Shard(index: 2, count: 3))
    }

    /// What SLURM 22.05 set in task 2 of `sbatch --array=1-3` (and kept when that task was requeued).
    static let slurmTask2of3 = ["SLURM_ARRAY_JOB_ID": "1", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_ID": "2",
                                "SLURM_ARRAY_TASK_MAX": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_STEP": "1"]

    @Test func slurmArrayTaskGivesItsShard() throws {
        var env = Self.slurmTask2of3
        #expect(try Shard.fromSLURM(environment: env) == Shard(index: 2, count: 3))
        // A zero-based array 0-15: task 0 is shard 1/16, task 15 is 16/16.
        env = ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "15"]
        #expect(try Shard.fromSLURM(environment: env) == Shard(index: 1, count: 16))
        env["SLURM_ARRAY_TASK_ID"] = "15"
        #expect(try Shard.fromSLURM(environment: env) == Shard(index: 16, count: 16))
        // COUNT stands in for MAX.
        env = ["SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_COUNT": "4"]
        #expect(try Shard.fromSLURM(environment: env) == Shard(index: 3, count: 4))
    }

    @Test func slurmShardRefusesWhatDoesNotNumberShards() throws {
        func message(_ env: [String: String]) -> String {
            do { _ = try Shard.fromSLURM(environment: env); return "accepted" } catch { return "\(error)" }
        }
        // Outside a job array: the error names the variables and the alternative.
        let outside = message(["SLURM_JOB_ID": "9"])
        #expect(outside.contains("SLURM_ARRAY_TASK_ID") && outside.contains("SLURM_ARRAY_TASK_MIN") && outside.contains("--shard i/n"))
        var env = Self.slurmTask2of3
        env["SLURM_ARRAY_TASK_MAX"] = nil
        env["SLURM_ARRAY_TASK_COUNT"] = nil
        #expect(message(env).contains("not set here: SLURM_ARRAY_TASK_MAX, SLURM_ARRAY_TASK_COUNT"))
        // A list (--array=1,4,7) or a step (--array=1-5:2) does not number shards 1…n.
        env = ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "7", "SLURM_ARRAY_TASK_COUNT": "3"]
        #expect(message(env).contains("not one contiguous range"))
        env = ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "5", "SLURM_ARRAY_TASK_STEP": "2"]
        #expect(message(env).contains("not one contiguous range"))
        env = Self.slurmTask2of3
        env["SLURM_ARRAY_TASK_ID"] = "x2"
        #expect(message(env).contains("SLURM_ARRAY_TASK_ID=x2 is not an integer"))
        env["SLURM_ARRAY_TASK_ID"] = "4"
        #expect(message(env).contains("SLURM_ARRAY_TASK_ID=4 lies outside the array 1…3"))
    }

    @Test func keysSortNumericallyAndMethodsInPaperOrder() {
        func key(_ angle: String, _ method: String, _ K: String = "6") -> TrialKey {
            TrialKey(scene: .init(sceneID: "s\(angle)", piece: "p", layout: "fan", angleDeg: angle, condition: "c", snrDb: ""),
                     K: K, method: method, stage: method == "mixture" ? "baseline" : "clustering", weighting: "power",
                     selection: "nearest", mask: "binary", seed: "1")
        }
        let sorted = [key("45", "kmeans"), key("5", "ggmm"), key("5", "mixture"), key("5", "kmeans", "10"), key("5", "kmeans", "2")].sorted()
        #expect(sorted.map { "\($0.scene.angleDeg) \($0.method) \($0.K)" } == ["5 mixture 6", "5 kmeans 2", "5 kmeans 10", "5 ggmm 6", "45 kmeans 6"])
    }
}
