import Foundation

/// One source of a scene: its name (used in file names) and where its dry signal came from.
public struct SceneSource: Sendable, Codable, Hashable {
    /// Letters, digits, '.', '_' and '-' only (it becomes part of `source-<i>-<name>.wav`).
    public var name: String
    /// Free-form identity of the dry signal for provenance, e.g.
    /// "bwv66.6.mid track 1, GM 73, FluidR3_GM.sf2 (sha256 …), 44100 Hz, [0 s, 10 s)".
    public var origin: String

    public init(name: String, origin: String = "") {
        self.name = name
        self.origin = origin
    }
}

/// What the noise power is measured against when setting the SNR.
public enum SNRReference: String, Codable, Sendable, Hashable, CaseIterable {
    /// Σ_i image_i: all source images summed (the paper's "source-image power").
    case allSources
    /// The target's image alone.
    case target
}

/// Everything that defines a scene apart from the dry signals themselves.
public struct SceneSpec: Sendable, Codable, Hashable {
    /// The sources, in order (may be empty: then `makeScene`'s `names` alone describe them).
    public var sources: [SceneSource]
    /// Pan angle φ (degrees, 0…90, 45 = centre) of each source.
    public var anglesDeg: [Double]
    /// The layout the angles came from, if any (recorded in scene.json).
    public var layout: Layout?
    public var panLaw: PanLaw
    /// Index of the target source.
    public var targetIndex: Int
    /// Each dry source is scaled to this RMS before panning (nil: use the signals as given). With
    /// constant-power panning the image then has energy per sample g_L²r² + g_R²r² = r².
    public var sourceRMS: Double?
    /// Signal-to-noise ratio in dB of the diffuse noise (nil: no noise).
    public var snrDB: Double?
    public var snrReference: SNRReference
    /// Inter-channel correlation ρ ∈ [−1, 1] of the noise (0 = independent channels).
    public var noiseCoherence: Double
    public var noiseSeed: UInt64

    /// The default source loudness: RMS 0.05 (−26 dBFS) per dry source.
    public static let defaultSourceRMS = 0.05

    public init(sources: [SceneSource] = [], anglesDeg: [Double], layout: Layout? = nil, panLaw: PanLaw = .constantPower,
                targetIndex: Int = 0, sourceRMS: Double? = SceneSpec.defaultSourceRMS, snrDB: Double? = nil,
                snrReference: SNRReference = .allSources, noiseCoherence: Double = 0, noiseSeed: UInt64 = 0) {
        self.sources = sources
        self.anglesDeg = anglesDeg
        self.layout = layout
        self.panLaw = panLaw
        self.targetIndex = targetIndex
        self.sourceRMS = sourceRMS
        self.snrDB = snrDB
        self.snrReference = snrReference
        self.noiseCoherence = noiseCoherence
        self.noiseSeed = noiseSeed
    }

    /// A spec whose angles come from `layout` (resolved for `sources.count` sources).
    public init(sources: [SceneSource], layout: Layout, panLaw: PanLaw = .constantPower, targetIndex: Int = 0,
                sourceRMS: Double? = SceneSpec.defaultSourceRMS, snrDB: Double? = nil, snrReference: SNRReference = .allSources,
                noiseCoherence: Double = 0, noiseSeed: UInt64 = 0) throws {
        let angles = try layout.anglesDeg(sourceCount: sources.count, targetIndex: targetIndex)
        self.init(sources: sources, anglesDeg: angles, layout: layout, panLaw: panLaw, targetIndex: targetIndex,
                  sourceRMS: sourceRMS, snrDB: snrDB, snrReference: snrReference, noiseCoherence: noiseCoherence,
                  noiseSeed: noiseSeed)
    }
}

/// A rendered scene: the dry sources, their stereo images, the noise and the mixture.
///
///     image_i = (g_L,i · s_i, g_R,i · s_i),  s_i = dry source i after RMS normalisation
///     mixture = Σ_i image_i + noise
public struct Scene: Sendable {
    public var sampleRate: Int
    public var names: [String]
    public var spec: SceneSpec
    /// The mono signals that were panned (after RMS normalisation), one per source.
    public var dry: [[Double]]
    /// Factor each given dry signal was multiplied by (1 without normalisation).
    public var normalisationGains: [Double]
    /// Stereo image of each source.
    public var images: [AudioBuffer]
    /// The scaled diffuse noise (nil when `spec.snrDB` is nil).
    public var noise: AudioBuffer?
    /// Factor c applied to the unit-variance noise of `diffuseNoise`.
    public var noiseScale: Double?
    public var mixture: AudioBuffer
    public var anglesDeg: [Double]
    public var gains: [PanGains]

    public var frameCount: Int { images.first?.frameCount ?? mixture.frameCount }
    public var target: AudioBuffer { images[spec.targetIndex] }

    /// 10·log10(E_ref / E_noise) as realised (E = energy over both channels), nil without noise.
    public var measuredSNRDB: Double? {
        guard let noise else { return nil }
        return 10 * log10(energy(referenceImage(spec.snrReference).channels) / energy(noise.channels))
    }

    /// Σ_i image_i for `.allSources`, the target image for `.target`.
    public func referenceImage(_ reference: SNRReference) -> AudioBuffer {
        switch reference {
        case .target:
            return images[spec.targetIndex]
        case .allSources:
            var sum = [[Double]](repeating: [Double](repeating: 0, count: frameCount), count: 2)
            for image in images {
                for c in 0..<2 {
                    sum[c].withUnsafeMutableBufferPointer { s in
                        image.channels[c].withUnsafeBufferPointer { x in
                            for n in 0..<x.count { s[n] += x[n] }
                        }
                    }
                }
            }
            return AudioBuffer(sampleRate: sampleRate, channels: sum)
        }
    }
}

/// Builds a scene from dry mono sources.
///
/// 1. Normalise: s_i = x_i · r / RMS(x_i) when `spec.sourceRMS` = r is set.
/// 2. Pan: image_i = (g_L s_i, g_R s_i) with `PanGains(angleDeg: φ_i, law: spec.panLaw)`.
/// 3. Noise (when `spec.snrDB` is set): n = c · `diffuseNoise(frames:coherence:seed:)` with
///    c² = E_ref · 10^(−SNR/10) / E_n, where E_ref is the energy (both channels) of Σ_i image_i
///    (`.allSources`) or of the target image (`.target`) and E_n that of the unscaled noise, so that
///    E_noise / E_ref = 10^(−SNR/10) holds exactly (up to rounding).
/// 4. Mix: mixture = Σ_i image_i + n.
/// - Throws: `DirClustError` for mismatched counts or lengths, empty or non-finite signals, a silent
///   source (cannot be normalised), bad names, angles, coherence, SNR or target index.
public func makeScene(dry sources: [[Double]], names: [String], spec: SceneSpec, sampleRate: Int) throws -> Scene {
    let count = sources.count
    guard count >= 1 else { throw DirClustError("scene: no sources; expected at least one dry signal.") }
    guard sampleRate > 0 else { throw DirClustError("scene: sample rate \(sampleRate) Hz; expected a positive rate.") }
    guard names.count == count else {
        throw DirClustError("scene: \(names.count) names for \(count) sources; expected one name per source.")
    }
    guard spec.anglesDeg.count == count else {
        throw DirClustError("scene: spec.anglesDeg has \(spec.anglesDeg.count) angles for \(count) sources; expected one per source.")
    }
    if !spec.sources.isEmpty, spec.sources.map(\.name) != names {
        throw DirClustError("scene: spec.sources names \(spec.sources.map(\.name)) differ from the names given \(names).")
    }
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
    for name in names where name.isEmpty || !name.allSatisfy(allowed.contains) {
        throw DirClustError("scene: source name '\(name)' is not usable in a file name; expected letters, digits, '.', '_' or '-'.")
    }
    guard Set(names).count == count else { throw DirClustError("scene: source names \(names) repeat; expected unique names.") }
    guard (0..<count).contains(spec.targetIndex) else {
        throw DirClustError("scene: spec.targetIndex \(spec.targetIndex) is out of range; expected 0…\(count - 1).")
    }
    for (i, angle) in spec.anglesDeg.enumerated() where !(angle.isFinite && (0...90).contains(angle)) {
        throw DirClustError("scene: source \(i) '\(names[i])' pan angle \(angle)° is outside [0°, 90°].")
    }
    let frames = sources[0].count
    guard frames > 0 else { throw DirClustError("scene: source 0 '\(names[0])' is empty; expected samples.") }
    for (i, source) in sources.enumerated() {
        guard source.count == frames else {
            throw DirClustError("scene: source \(i) '\(names[i])' has \(source.count) samples, source 0 has \(frames); expected equal lengths.")
        }
        if let n = source.firstIndex(where: { !$0.isFinite }) {
            throw DirClustError("scene: source \(i) '\(names[i])' sample \(n) is \(source[n]); expected finite samples.")
        }
    }
    if let rms = spec.sourceRMS, !(rms.isFinite && rms > 0) {
        throw DirClustError("scene: spec.sourceRMS \(rms) is invalid; expected a positive RMS (or none to keep levels).")
    }
    if let snr = spec.snrDB, !snr.isFinite {
        throw DirClustError("scene: spec.snrDB \(snr) is invalid; expected a finite SNR in dB (or none for no noise).")
    }
    guard spec.noiseCoherence.isFinite, (-1...1).contains(spec.noiseCoherence) else {
        throw DirClustError("scene: spec.noiseCoherence \(spec.noiseCoherence) is outside [−1, 1].")
    }

    // 1. Normalise.
    var dry = sources
    var normalisationGains = [Double](repeating: 1, count: count)
    if let r = spec.sourceRMS {
        for i in 0..<count {
            let rms = (energy([dry[i]]) / Double(frames)).squareRoot()
            guard rms > 0 else {
                throw DirClustError("scene: source \(i) '\(names[i])' is silent (RMS 0); it cannot be normalised to RMS \(r).")
            }
            normalisationGains[i] = r / rms
            dry[i] = dry[i].map { $0 * normalisationGains[i] }
        }
    }

    // 2. Pan.
    let gains = spec.anglesDeg.map { PanGains(angleDeg: $0, law: spec.panLaw) }
    let images = (0..<count).map { i in
        AudioBuffer(sampleRate: sampleRate, channels: [dry[i].map { gains[i].left * $0 }, dry[i].map { gains[i].right * $0 }])
    }
    var scene = Scene(sampleRate: sampleRate, names: names, spec: spec, dry: dry, normalisationGains: normalisationGains,
                      images: images, noise: nil, noiseScale: nil,
                      mixture: AudioBuffer(sampleRate: sampleRate, channels: [[], []]), anglesDeg: spec.anglesDeg, gains: gains)
    var mixture = scene.referenceImage(.allSources).channels

    // 3. Noise at the requested SNR.
    if let snr = spec.snrDB {
        let referenceEnergy = energy(scene.referenceImage(spec.snrReference).channels)
        guard referenceEnergy > 0 else {
            throw DirClustError("scene: the SNR reference (\(spec.snrReference.rawValue)) is silent; noise cannot be scaled to \(snr) dB.")
        }
        var noise = diffuseNoise(frames: frames, coherence: spec.noiseCoherence, seed: spec.noiseSeed)
        let c = (referenceEnergy * pow(10, -snr / 10) / energy(noise)).squareRoot()
        for ch in 0..<2 {
            noise[ch] = noise[ch].map { c * $0 }
            mixture[ch].withUnsafeMutableBufferPointer { m in
                noise[ch].withUnsafeBufferPointer { x in
                    for n in 0..<frames { m[n] += x[n] }
                }
            }
        }
        scene.noise = AudioBuffer(sampleRate: sampleRate, channels: noise)
        scene.noiseScale = c
    }

    // 4. Mix.
    scene.mixture = AudioBuffer(sampleRate: sampleRate, channels: mixture)
    return scene
}
