import ArgumentParser
import DirClust

/// `dirclust run` — placeholder until its issue lands; replaced by its owner.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run an experiment config: render, cluster, mask, evaluate; write trials.csv and summaries.")
    func run() async throws {
        throw ValidationError("run: not built yet")
    }
}
