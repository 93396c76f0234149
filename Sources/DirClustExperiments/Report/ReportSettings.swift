import DirClust
import Foundation

/// The `report` block of a config: which trials the listening section of `report.html` plays.
/// Like `output`, it does not change any trial, so it is not part of the config hash.
public struct ReportSettings: Codable, Sendable, Equatable {
    /// The scenes of the first `demoPieces` pieces of the config get demo audio (0: no listening section).
    public var demoPieces = 1
    /// Length of each demo clip in seconds, from the start of the excerpt (the whole excerpt when shorter).
    public var demoSeconds = 5.0
    /// File format of the clips: lossless 16-bit `flac` (≈ 60 % of the size) or `wav`.
    public var audioFormat = AudioContainer.flac

    public init(demoPieces: Int = 1, demoSeconds: Double = 5.0, audioFormat: AudioContainer = .flac) {
        self.demoPieces = demoPieces
        self.demoSeconds = demoSeconds
        self.audioFormat = audioFormat
    }
}
