import DirClust
import Foundation

/// `demo/<scene_id>/clip-scores.json`: BSS Eval of each demo clip itself — the estimate's first
/// `seconds` against the references' first `seconds`, with the trial's metric (`sources`: the mid signal
/// against the dry sources; `images`: the stereo image against the source images) — so the report can
/// label what is played with its own score, next to the whole trial's (`trials.csv`).
public struct ClipScores: Codable, Sendable, Equatable {
    public struct Score: Codable, Sendable, Equatable {
        public var sdr, sir, sar: Double
        public var isr: Double?
    }

    /// The clip length in seconds.
    public var seconds: Double
    /// Per clip name (`mixture`, `ibm`, `<method>-<stage>`; not the reference).
    public var clips: [String: Score]

    public static let fileName = "clip-scores.json"

    static func path(runDirectory: String, sceneID: String) -> String {
        "\(runDirectory)/\(demoFolderName)/\(sceneID)/\(fileName)"
    }

    func json() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try enc.encode(self)
    }

    static func read(runDirectory: String, sceneID: String) throws -> ClipScores {
        let path = path(runDirectory: runDirectory, sceneID: sceneID)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DirClustError("report: \(path) is missing; rerun dirclust run with --fresh to score the demo clips")
        }
        let dec = JSONDecoder()
        dec.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return try dec.decode(ClipScores.self, from: data) } catch {
            throw DirClustError("report: \(path) cannot be read as demo clip scores (\(error)); rerun dirclust run with --fresh to score the demo clips")
        }
    }
}
