import ArgumentParser
import DirClust
import DirClustExperiments

/// `dirclust merge`: join the run directories of the shards of one config.
struct Merge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the trials.csv of several shards into one run directory.",
        discussion: "The shards must come from the same config (same config.json) and together cover its grid; the merged trials.csv equals that of an unsharded run.")

    @Argument(help: "Shard output directories.")
    var shards: [String]
    @Option(help: "Output directory of the merged run.")
    var out: String

    func run() async throws {
        let records = try MergeRuns.merge(shards, into: out)
        print("dirclust: merged \(shards.count) shards, \(records.count) trials in \(out)/trials.csv")
    }
}
