import ArgumentParser
import DirClust

/// `dirclust eval` — placeholder until its issue lands; replaced by its owner.
struct Eval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Score estimates against references with BSS Eval v3 (SDR/SIR/SAR/ISR).")
    func run() async throws {
        throw ValidationError("eval: not built yet")
    }
}
