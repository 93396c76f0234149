import ArgumentParser
import DirClust

/// `dirclust separate` — placeholder until its issue lands; replaced by its owner.
struct Separate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Separate your own stereo WAV by direction: one WAV per cluster plus a direction plot.")
    func run() async throws {
        throw ValidationError("separate: not built yet")
    }
}
