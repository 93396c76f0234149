import Foundation

/// A SoundFont 2 bank (`.sf2`, or `.sf3`) used by the MIDI renderer, checked when constructed.
public struct SoundFont: Sendable, Hashable, Codable {
    public let path: String

    /// Fluid R3 GM (MIT licence; Debian package `fluid-soundfont-gm`): the reference General MIDI bank.
    public static let defaultGM = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
    /// TimGM6mb (GPL-2; Debian package `timgm6mb-soundfont`): a small, different GM bank ("open" training data).
    public static let timGM6mb = "/usr/share/sounds/sf2/TimGM6mb.sf2"

    /// - Throws: `DirClustError` if the file is missing, unreadable or not a RIFF `sfbk` SoundFont.
    public init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DirClustError("SoundFont '\(path)' does not exist; install it (`make deps` installs fluid-soundfont-gm and timgm6mb-soundfont) or give the path of a .sf2 file.")
        }
        guard !isDirectory.boolValue else {
            throw DirClustError("SoundFont '\(path)' is a folder; expected the path of a .sf2 (or .sf3) file, e.g. \(Self.defaultGM).")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw DirClustError("SoundFont '\(path)' could not be opened for reading.")
        }
        defer { try? handle.close() }
        let header = [UInt8](handle.readData(ofLength: 12))
        guard header.count == 12, Array(header[0..<4]) == Array("RIFF".utf8), Array(header[8..<12]) == Array("sfbk".utf8) else {
            throw DirClustError("SoundFont '\(path)' is not a SoundFont 2 file (no RIFF 'sfbk' header); expected a .sf2 file.")
        }
        self.path = path
    }

    /// Decodes from a path string, with the same checks as `init(path:)`.
    public init(from decoder: Decoder) throws {
        try self.init(path: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(path)
    }

    /// The file's SHA-256 as 64 hex digits (what `sha256sum` prints), for provenance. Hashing FluidR3
    /// (148 MB) takes about a second, so the result is remembered per (path, size, modification time).
    public func sha256() throws -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let key = "\(path)|\(attributes?[.size] ?? "")|\(attributes?[.modificationDate] ?? "")"
        if let known = soundFontDigests.withLock({ $0[key] }) { return known }
        let digest = try sha256Hex(ofFile: path)
        soundFontDigests.withLock { $0[key] = digest }
        return digest
    }
}

private let soundFontDigests = LockedDictionary()

/// A `[String: String]` behind a lock.
private final class LockedDictionary: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String: String] = [:]
    func withLock<T>(_ body: (inout [String: String]) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&storage)
    }
}
