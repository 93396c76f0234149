import Foundation
@testable import DirClust
@testable import DirClustExperiments

/// Scratch folders and signals shared by the Audio, MIDI and Scene tests.
enum AudioTestSupport {
    /// A fresh, empty folder under the system temporary directory.
    static func scratchFolder(_ tag: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("dirclust-\(tag)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Gaussian noise of the given peak-ish scale from a fixed seed.
    static func noise(_ count: Int, seed: UInt64, scale: Double = 0.3) -> [Double] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in scale * rng.gaussian() }
    }

    /// The folder holding the committed MIDI files (`experiments/midi`), found from this source file.
    static var midiFolder: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("experiments/midi").path
    }

    static func rms(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return 0 }
        return (x.reduce(0) { $0 + $1 * $1 } / Double(x.count)).squareRoot()
    }
}
