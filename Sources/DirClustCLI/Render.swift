import ArgumentParser
import DirClust

/// `dirclust render`: placeholder until the foundation lands (issue 3).
struct Render: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Render the scenes of a config to WAV files.")
    func run() async throws {
        throw ValidationError("render: not built yet")
    }
}
