import ArgumentParser
import DirClust

/// `dirclust merge` — placeholder until its issue lands; replaced by its owner.
struct Merge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Join the trials.csv of several shards into one run directory.")
    func run() async throws {
        throw ValidationError("merge: not built yet")
    }
}
