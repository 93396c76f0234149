import Foundation

/// A folder of stems — the separate tracks of a real multitrack recording — used as a scene's dry sources
/// instead of a MIDI piece.
///
/// Convention: one folder per piece; every `.wav` or `.flac` file directly inside it is one source, in
/// file-name order (so name them `1-vocals.flac`, `2-guitar.flac`, … to fix the order; the first is
/// source 0). Stems may be mono or stereo (a stereo stem is folded to mono, (L + R)/2, before the scene
/// pans it again). All stems must share the config's sample rate (no resampling). Other files (a README,
/// `SOURCES.txt` with the licence) are ignored. The source name is the file name without its extension,
/// reduced to letters, digits, '.', '_' and '-'.
public struct StemFolder: Sendable, Equatable {
    /// The folder.
    public let path: String
    /// The stem files, sorted by name (full paths).
    public let files: [String]
    /// One source name per file.
    public let names: [String]

    public static let extensions: Set<String> = ["wav", "flac"]

    /// Lists the stems of `path`.
    /// - Throws: `DirClustError` when the folder is missing or holds no `.wav`/`.flac` file.
    public init(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DirClustError("stem folder '\(path)' does not exist; expected a folder of .wav or .flac stems, one file per source.")
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let stems = entries.filter { Self.extensions.contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) && !$0.hasPrefix(".") }.sorted()
        guard !stems.isEmpty else {
            throw DirClustError("stem folder '\(path)' holds no .wav or .flac file; expected one audio file per source.")
        }
        self.path = path
        files = stems.map { path + "/" + $0 }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        var names = stems.map { name -> String in
            let base = URL(fileURLWithPath: name).deletingPathExtension().lastPathComponent
            let clean = String(base.filter { allowed.contains($0) })
            return clean.isEmpty ? "stem" : clean
        }
        for i in names.indices where names.filter({ $0 == names[i] }).count > 1 { names[i] += "\(i + 1)" }
        self.names = names
    }

    /// The dry mono signals over [offset, offset + seconds) at `sampleRate` (zero-padded where a stem ends
    /// early), one per stem in file order.
    /// - Throws: `DirClustError` naming the stem for an unreadable file, another sample rate, more than two
    ///   channels, or an excerpt that starts after the stem ends.
    public func read(sampleRate: Int, offset: Double, seconds: Double) throws -> [[Double]] {
        let start = Int((offset * Double(sampleRate)).rounded()), length = Int((seconds * Double(sampleRate)).rounded())
        return try files.map { file in
            let audio = try readWAV(file)
            guard audio.sampleRate == sampleRate else {
                throw DirClustError("stem '\(file)' has sample rate \(audio.sampleRate) Hz; expected \(sampleRate) Hz (the config's sampleRate; stems are not resampled).")
            }
            guard (1...2).contains(audio.channelCount) else {
                throw DirClustError("stem '\(file)' has \(audio.channelCount) channels; expected a mono or stereo stem.")
            }
            guard start < audio.frameCount else {
                throw DirClustError("stem '\(file)' is \(formatSeconds(audio.seconds)) s long; the excerpt starts at \(formatSeconds(offset)) s, after its end.")
            }
            var mono = [Double](repeating: 0, count: length)
            let available = min(length, audio.frameCount - start)
            let scale = 1 / Double(audio.channelCount)
            for channel in audio.channels {
                for i in 0..<available { mono[i] += scale * channel[start + i] }
            }
            return mono
        }
    }
}

private func formatSeconds(_ s: Double) -> String { String(format: "%.2f", s) }
