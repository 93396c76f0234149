import ArgumentParser
import DirClust
import DirClustExperiments

/// `dirclust reproduce` = `dirclust run --config configs/paper.json --out results --fresh`.
struct Reproduce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Regenerate results/ from configs/paper.json (= run --config configs/paper.json --out results --fresh).")

    @Option(help: "The paper's config.")
    var config = "configs/paper.json"
    @Option(help: "Output directory.")
    var out = "results"
    @Option(help: "Scenes evaluated in parallel (default: the number of cores).")
    var jobs: Int?
    @Flag(help: "No progress lines on stderr (they are also off when stderr is not a terminal).")
    var quiet = false

    func run() async throws {
        try await runExperiment(configPath: config, overrides: [], out: out, jobs: jobs, shard: nil, fresh: true, quiet: quiet)
    }
}
