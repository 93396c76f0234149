import ArgumentParser
import DirClust
import DirClustExperiments
import Foundation

/// `dirclust run`: render, cluster, mask and score every trial of a config; write trials.csv and summaries.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an experiment config: render, cluster, mask, evaluate; write trials.csv and summaries.",
        discussion: """
        Writes trials.csv (one row per trial), summary.csv, summary.md, figure.svg, config.json and \
        provenance.json into the output directory. An interrupted run resumes: rerunning the same command \
        keeps every finished scene and does the rest. --shard i/n runs a disjoint part of the grid; \
        --shard slurm takes i/n from the SLURM job array task (SLURM_ARRAY_TASK_ID, _MIN, _MAX), so each task of \
        `sbatch --array=1-N` runs its own part (see scripts/slurm/). `dirclust merge` joins the parts.
        """)

    @Option(help: "Experiment config (JSON), e.g. configs/paper.json.")
    var config: String
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a config value by dotted key path (repeatable), e.g. --set excerpt.seconds=2 --set 'K=[4,6]'.", valueName: "key=value"))
    var overrides: [String] = []
    @Option(help: "Output directory (default: the config's `output` field).")
    var out: String?
    @Option(help: "Scenes evaluated in parallel (default: the number of cores).")
    var jobs: Int?
    @Option(help: ArgumentHelp("Run only part i of n (1-based), e.g. 2/3; `slurm`: the part of this SLURM array task.", valueName: "i/n|slurm"))
    var shard: String?
    @Flag(help: "Discard an earlier run in the output directory instead of resuming it.")
    var fresh = false
    @Flag(help: "No progress lines on stderr (they are also off when stderr is not a terminal).")
    var quiet = false
    @Option(help: .hidden)
    var sceneLimit: Int?

    func run() async throws {
        try await runExperiment(configPath: config, overrides: overrides, out: out, jobs: jobs, shard: shard,
                                fresh: fresh, quiet: quiet, sceneLimit: sceneLimit)
    }
}

/// Shared by `run` and `reproduce`: load and check the config, run it, print where the results are.
func runExperiment(configPath: String, overrides: [String], out: String?, jobs: Int?, shard: String?,
                   fresh: Bool, quiet: Bool, sceneLimit: Int? = nil) async throws {
    let shard = try shard.map {
        $0 == "slurm" ? try Shard.fromSLURM(environment: ProcessInfo.processInfo.environment) : try Shard(parsing: $0)
    }
    let config = try ExperimentConfig.load(path: configPath, overrides: overrides)
    var options = RunOptions(outDir: out ?? config.output)
    if let jobs { options.jobs = jobs }
    options.shard = shard
    options.fresh = fresh
    options.progress = ProgressReporter(quiet: quiet).runHandler
    options.sceneLimit = sceneLimit
    options.report = config.report
    let evaluator = try DirectionalSceneEvaluator(config: config, estimates: DemoClipWriter(config: config, runDirectory: options.outDir))
    let report = try await ExperimentRunner(config: config, evaluator: evaluator, options: options).run()
    if report.finished {
        let run = "dirclust: \(report.records.count) trials in \(options.outDir)/trials.csv (\(report.scenesEvaluated) scenes run, \(report.scenesResumed) resumed); summary in \(options.outDir)/summary.md"
        // A shard writes no report (its trials are part of the grid): say what comes next instead.
        if let shard { print(run + "; shard \(shard) of the config: `dirclust merge` the shard folders for the report") }
        else { print(run + ", report in \(options.outDir)/\(reportFileName)") }
    } else {
        print("dirclust: stopped after \(report.scenesEvaluated) scenes; rerun the same command to resume")
    }
}
