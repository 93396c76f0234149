import ArgumentParser
import DirClust

/// `dirclust reproduce` — placeholder until its issue lands; replaced by its owner.
struct Reproduce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Regenerate results/ from configs/paper.json (= run --config configs/paper.json --out results).")
    func run() async throws {
        throw ValidationError("reproduce: not built yet")
    }
}
