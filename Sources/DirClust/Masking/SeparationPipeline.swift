#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The stages of separating a recording, in order, for progress reports.
public enum SeparationStage: Int, Sendable, CaseIterable {
    case reading, level, directions, fitting, resynthesis, writing

    public var label: String {
        switch self {
        case .reading: "reading the mix"
        case .level: "finding the loudest bin"
        case .directions: "measuring directions"
        case .fitting: "fitting the clusters"
        case .resynthesis: "masking and resynthesising"
        case .writing: "writing the outputs"
        }
    }
}

/// Called with a stage and the fraction of it done (0 … 1); every stage ends with a call with 1.
public typealias SeparationProgressHandler = @Sendable (_ stage: SeparationStage, _ fraction: Double) -> Void

/// What the direction analysis of a recording found: the θ histogram, the fitted clusters and the target.
public struct DirectionAnalysis: Sendable {
    public let options: SeparationOptions
    public let sampleRate: Int
    /// L, samples per channel.
    public let signalLength: Int
    /// The weighted distribution of θ over the active bins (what the clusterer was fitted on).
    public let histogram: DirectionHistogram
    /// The fitted model (`DirectionalModel`): cluster k of the outputs is component k here.
    public let model: DirectionalModel
    /// The fitted clusters, means ascending.
    public var fit: ClusterFit { model.fit }
    /// The output nearest `options.targetDirectionDeg` (0-based: a cluster that owns bins, or a source when
    /// `sources` is set), if a target direction was given.
    public let targetCluster: Int?
    /// max_n |X_L(n)|² + |X_R(n)|² over the whole file: the level the silence threshold is relative to.
    public let loudestBinPower: Double
    /// With `options.sources` set: the count, the anchored fit (= `fit`) and the grouping.
    public var sources: SourceAnalysis? = nil

    /// Outputs per analysis: one per cluster, or one per source plus the residual (last).
    public var outputCount: Int { sources.map { $0.grouping.sources.count + 1 } ?? fit.means.count }
}

/// Throws a `DirClustError` naming `name` unless `audio` is a usable stereo mix: exactly two channels,
/// at least one sample, every sample finite.
public func validateStereoMix(_ audio: AudioBuffer, name: String) throws {
    guard audio.channelCount == 2 else {
        let what = audio.channelCount == 1 ? "is mono (1 channel)" : "has \(audio.channelCount) channels"
        throw DirClustError("\(name) \(what); directional clustering needs a stereo mix (2 channels), because a source's direction is the level ratio θ = atan2(|right|, |left|) between its two channels.")
    }
    guard audio.frameCount > 0 else {
        throw DirClustError("\(name) is empty (0 samples); expected a stereo recording with sound in it.")
    }
    for (c, channel) in audio.channels.enumerated() {
        if let n = channel.firstIndex(where: { !$0.isFinite }) {
            throw DirClustError("\(name) has a non-finite sample (\(channel[n])) at sample \(n) of channel \(c + 1); expected finite audio.")
        }
    }
}

/// Clusters the directions of a stereo mix: the θ histogram of its active bins (see `directionFeature`;
/// the silence threshold is relative to the loudest bin of the whole file), and the fitted clusterer.
///
/// Two block passes over the STFT (the loudest bin, then the directions) and one fit on the 18 000-cell
/// histogram (`DirectionHistogram`); memory is O(block + cells), independent of the file's length.
/// - Throws: `DirClustError` naming `name` for invalid options, a mono/empty/non-finite mix, a silent mix,
///   or a mix whose bins point in fewer than K distinct directions.
public func analyseDirections(_ audio: AudioBuffer, name: String = "the mix", options: SeparationOptions = .default,
                              blockFrames: Int = separationBlockFrames,
                              progress: SeparationProgressHandler? = nil) throws -> DirectionAnalysis {
    try options.validate()
    try validateStereoMix(audio, name: name)
    let stft = try STFT(options.stft)
    let blocks = FrameBlocks(stft: stft, signalLength: audio.frameCount, blockFrames: blockFrames)
    let cores = blocks.blocks

    var loudest = 0.0
    for (i, core) in cores.enumerated() {
        let left = blocks.forward(audio.channels[0], frames: core)
        let right = blocks.forward(audio.channels[1], frames: core)
        loudest = max(loudest, loudestBinPower(left, right))
        progress?(.level, Double(i + 1) / Double(cores.count))
    }
    guard loudest > 0, loudest.isFinite else {
        throw DirClustError("\(name) is silent (every sample is 0); expected a stereo recording with sound in it.")
    }

    var histogram = DirectionHistogram()
    for (i, core) in cores.enumerated() {
        let left = blocks.forward(audio.channels[0], frames: core)
        let right = blocks.forward(audio.channels[1], frames: core)
        histogram.add(blockFeature(left, right, options: options, loudest: loudest))
        progress?(.directions, Double(i + 1) / Double(cores.count))
    }

    let points = FittingPoints(histogram: histogram)
    if options.sources != nil {
        progress?(.fitting, 0)
        var settings = options.sourceSettings
        settings.method = options.method
        let fixed: Int? = if case .fixed(let n)? = options.sources { n } else { nil }
        let sources = try analyseSources(histogram, points: points, settings: settings, fixedSourceCount: fixed, seed: options.seed, em: options.em)
        progress?(.fitting, 1)
        let target = options.targetDirectionDeg.flatMap { sources.grouping.sourceNearest(directionDeg: $0) }
        return DirectionAnalysis(options: options, sampleRate: audio.sampleRate, signalLength: audio.frameCount,
                                 histogram: histogram, model: sources.model, targetCluster: target, loudestBinPower: loudest,
                                 sources: sources)
    }
    let k = options.componentCount
    guard points.theta.count >= k else {
        let directions = points.theta.map { String(Int(($0 * 180 / Double.pi).rounded())) + "°" }.joined(separator: ", ")
        throw DirClustError("\(name) has sound in only \(points.theta.count) distinct direction(s) (\(directions)), fewer than K = \(k) clusters; expected a stereo mix with sources at several directions, or a smaller -K (identical left and right channels all lie at 45°).")
    }
    progress?(.fitting, 0)
    let model = try DirectionalModel(fitting: points, options.fitSettings)
    progress?(.fitting, 1)
    let target = options.targetDirectionDeg.flatMap {
        model.targetClusters(directionDeg: $0, selection: .nearest, mask: options.mask).first
    }
    return DirectionAnalysis(options: options, sampleRate: audio.sampleRate, signalLength: audio.frameCount,
                             histogram: histogram, model: model, targetCluster: target, loudestBinPower: loudest)
}

/// The stereo signal of every cluster: Ŷ_k,c = M_k ∘ X_c (M_k from the fitted posteriors, binary = MAP or
/// soft, see `clusterMasks`), inverted by the least-squares iSTFT — delivered a block at a time, in order:
/// `output(k, samples)` receives the next consecutive samples of cluster k (0-based, ascending direction).
/// With `analysis.sources` the outputs are the sources instead (`SourceAnalysis.masks`: Laplace transitions
/// or posterior sums, or the MAP group), ascending direction, then the residual.
/// Concatenating them gives exactly the whole-file result (see `FrameBlocks`).
public func resynthesiseClusters(_ audio: AudioBuffer, analysis: DirectionAnalysis, blockFrames: Int = separationBlockFrames,
                                 progress: SeparationProgressHandler? = nil,
                                 output: (_ cluster: Int, _ samples: AudioBuffer) throws -> Void) throws {
    let options = analysis.options
    precondition(audio.channelCount == 2 && audio.frameCount == analysis.signalLength,
                 "resynthesiseClusters: audio is not the analysed mix")
    let stft = try STFT(options.stft)
    let blocks = FrameBlocks(stft: stft, signalLength: audio.frameCount, blockFrames: blockFrames)
    let cores = blocks.blocks
    let outputs = analysis.outputCount
    for (i, core) in cores.enumerated() {
        let frames = blocks.extended(core)
        let left = blocks.forward(audio.channels[0], frames: frames)
        let right = blocks.forward(audio.channels[1], frames: frames)
        let feature = blockFeature(left, right, options: options, loudest: analysis.loudestBinPower)
        let masks = analysis.sources?.masks(for: feature, kind: options.mask) ?? analysis.model.masks(for: feature, kind: options.mask)
        let length = blocks.inverseLength(core: core)
        for cluster in 0..<outputs {
            let y = applyMask(masks[cluster], to: [left, right], stft: stft, length: length, sampleRate: audio.sampleRate)
            try output(cluster, blocks.coreSamples(of: y, core: core))
        }
        progress?(.resynthesis, Double(i + 1) / Double(cores.count))
    }
}

/// Separates a stereo mix in memory: the analysis and one stereo signal per cluster (ascending direction).
/// For long files prefer `separateStereoFile`, which streams the clusters to disk.
public func separateStereo(_ audio: AudioBuffer, name: String = "the mix", options: SeparationOptions = .default,
                           blockFrames: Int = separationBlockFrames,
                           progress: SeparationProgressHandler? = nil) throws -> (analysis: DirectionAnalysis, clusters: [AudioBuffer]) {
    let analysis = try analyseDirections(audio, name: name, options: options, blockFrames: blockFrames, progress: progress)
    var channels = [[[Double]]](repeating: [[], []], count: analysis.outputCount)
    for k in channels.indices {
        for c in 0..<2 { channels[k][c].reserveCapacity(audio.frameCount) }
    }
    try resynthesiseClusters(audio, analysis: analysis, blockFrames: blockFrames, progress: progress) { k, samples in
        for c in 0..<2 { channels[k][c].append(contentsOf: samples.channels[c]) }
    }
    return (analysis, channels.map { AudioBuffer(sampleRate: audio.sampleRate, channels: $0) })
}

/// The direction feature of one block with the silence floor taken from the loudest bin of the whole
/// file: p_max · 10^(τ/10), the floor `directionFeature` gives the whole file at once.
func blockFeature(_ left: Spectrogram, _ right: Spectrogram, options: SeparationOptions,
                  loudest: Double) -> DirectionFeature {
    directionFeature(left: left, right: right, weighting: options.weighting,
                     floorPower: loudest * pow(10, options.silenceThresholdDB / 10))
}
