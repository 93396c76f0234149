import Foundation

/// What `writeScene` records in `scene.json`: every number needed to rebuild or interpret the scene.
public struct SceneDescription: Codable, Sendable, Equatable {
    public struct Source: Codable, Sendable, Equatable {
        public var index: Int
        public var name: String
        public var origin: String
        /// `source-<index>-<name>.wav`: the stereo image.
        public var file: String
        /// Pan angle φ (degrees).
        public var angleDeg: Double
        /// atan2(g_R, g_L) in degrees: where the source appears to a direction clusterer (= φ for constant power).
        public var directionDeg: Double
        public var gainLeft: Double
        public var gainRight: Double
        /// Factor applied to the dry signal by RMS normalisation.
        public var normalisationGain: Double
        public var dryRMS: Double
    }
    public struct Noise: Codable, Sendable, Equatable {
        public var file: String
        public var snrDB: Double
        public var measuredSNRDB: Double
        public var snrReference: SNRReference
        public var coherence: Double
        public var seed: UInt64
        public var rngStream: UInt64
        /// Factor c applied to the unit-variance noise.
        public var scale: Double
    }
    public var dirclustVersion: String
    public var sampleRate: Int
    public var frames: Int
    public var seconds: Double
    public var sampleFormat: WAVSampleFormat
    public var mixtureFile: String
    public var panLaw: PanLaw
    public var layout: Layout?
    public var targetIndex: Int
    public var sourceRMS: Double?
    public var sources: [Source]
    /// nil when the scene has no noise.
    public var noise: Noise?
}

extension Scene {
    /// File name of source i's image: `source-<i>-<name>.wav` (i from 0, as `spec.targetIndex`).
    public func imageFileName(_ index: Int) -> String { "source-\(index)-\(names[index]).wav" }

    public func sceneDescription(format: WAVSampleFormat) -> SceneDescription {
        let sources = names.indices.map { i in
            SceneDescription.Source(
                index: i, name: names[i], origin: spec.sources.isEmpty ? "" : spec.sources[i].origin,
                file: imageFileName(i), angleDeg: anglesDeg[i], directionDeg: gains[i].directionDeg,
                gainLeft: gains[i].left, gainRight: gains[i].right, normalisationGain: normalisationGains[i],
                dryRMS: (energy([dry[i]]) / Double(frameCount)).squareRoot())
        }
        var noiseDescription: SceneDescription.Noise?
        if let snr = spec.snrDB, let measured = measuredSNRDB, let scale = noiseScale {
            noiseDescription = .init(file: "noise.wav", snrDB: snr, measuredSNRDB: measured, snrReference: spec.snrReference,
                                     coherence: spec.noiseCoherence, seed: spec.noiseSeed, rngStream: diffuseNoiseStream, scale: scale)
        }
        return SceneDescription(
            dirclustVersion: DirClustInfo.version, sampleRate: sampleRate, frames: frameCount,
            seconds: Double(frameCount) / Double(sampleRate), sampleFormat: format, mixtureFile: "mixture.wav",
            panLaw: spec.panLaw, layout: spec.layout, targetIndex: spec.targetIndex, sourceRMS: spec.sourceRMS,
            sources: sources, noise: noiseDescription)
    }
}

/// Writes `mixture.wav`, `source-<i>-<name>.wav` (stereo images, i from 0), `noise.wav` (when the scene
/// has noise) and `scene.json` (a `SceneDescription`, sorted keys) into `directory`, atomically: all
/// files go into a temporary folder beside it, which is renamed to `directory` only when complete (an
/// existing `directory` is replaced). On any error nothing is left behind and an existing `directory`
/// is untouched. The parent folder must exist.
public func writeScene(_ scene: Scene, to directory: String, format: WAVSampleFormat = .float32) throws {
    let fileManager = FileManager.default
    let url = URL(fileURLWithPath: directory).standardizedFileURL
    let parent = url.deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard fileManager.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw DirClustError("cannot write scene to '\(directory)': folder '\(parent)' does not exist.")
    }
    let exists = fileManager.fileExists(atPath: url.path, isDirectory: &isDirectory)
    if exists, !isDirectory.boolValue {
        throw DirClustError("cannot write scene to '\(directory)': a file of that name exists; expected a folder path.")
    }
    let unique = "\(ProcessInfo.processInfo.processIdentifier)-\(temporaryCounter.next())"
    let temporary = parent + "/." + url.lastPathComponent + ".tmp-" + unique
    do {
        try fileManager.createDirectory(atPath: temporary, withIntermediateDirectories: false)
    } catch {
        throw DirClustError("cannot write scene to '\(directory)': could not create '\(temporary)' (\(error.localizedDescription)).")
    }
    do {
        try writeWAV(scene.mixture, to: temporary + "/mixture.wav", format: format)
        for i in scene.images.indices {
            try writeWAV(scene.images[i], to: temporary + "/" + scene.imageFileName(i), format: format)
        }
        if let noise = scene.noise {
            try writeWAV(noise, to: temporary + "/noise.wav", format: format)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json: Data
        do {
            json = try encoder.encode(scene.sceneDescription(format: format))
        } catch {
            throw DirClustError("cannot write scene to '\(directory)': scene.json could not be encoded (\(error)).")
        }
        guard fileManager.createFile(atPath: temporary + "/scene.json", contents: json + Data("\n".utf8)) else {
            throw DirClustError("cannot write scene to '\(directory)': writing scene.json failed.")
        }
        if exists {
            let old = parent + "/." + url.lastPathComponent + ".old-" + unique
            guard rename(url.path, old) == 0 else {
                throw DirClustError("cannot replace scene folder '\(directory)' (errno \(errno)).")
            }
            guard rename(temporary, url.path) == 0 else {
                let code = errno
                _ = rename(old, url.path)
                throw DirClustError("cannot replace scene folder '\(directory)' (errno \(code)).")
            }
            try? fileManager.removeItem(atPath: old)
        } else {
            guard rename(temporary, url.path) == 0 else {
                throw DirClustError("cannot create scene folder '\(directory)' (errno \(errno)).")
            }
        }
    } catch {
        try? fileManager.removeItem(atPath: temporary)
        throw error
    }
}
