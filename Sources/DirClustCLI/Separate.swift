import ArgumentParser
import DirClust
import DirClustExperiments
import Foundation

/// `dirclust separate`: separate a user's own stereo recording by direction. A thin shell over
/// `separateStereoFile`: it parses and validates the options, hands `ProgressReporter` the progress, and
/// prints what was written.
struct Separate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Separate your own stereo WAV by direction: one WAV per source (counted) or per cluster (-K), plus a direction plot.",
        discussion: """
        Every time-frequency bin of the stereo STFT is given a direction θ = atan2(|right|, |left|): 0° is \
        hard left, 45° the centre, 90° hard right (a source panned with constant-power gains cos φ, sin φ \
        sits at θ = φ). Music is sparse in time-frequency, so most bins are dominated by one source and the \
        bins cluster around the sources' directions. dirclust fits K clusters to the θ of all bins (each \
        bin weighted by its power by default), gives every bin to its most probable cluster (binary mask) \
        or shares it by posterior (soft mask), and resynthesises one stereo signal per cluster.

        By default dirclust counts the sources itself: the prominent peaks of the smoothed θ histogram \
        are the sources' directions (--sources N takes the N most prominent instead). It then fits \
        (number of sources + 2) components started at those directions, gives each source every narrow \
        component at its direction and leaves broad components to the residual, and writes one file per \
        source, source-<s>-at-<direction>deg.wav, plus residual.wav (the diffuse part) and sources.json \
        (count, directions, which clusters form each source, and the peak evidence).

        With -K N you get the raw clusters instead (one file per cluster, as in the paper). \
        K is the number of clusters, not of sources: choose it a little larger than the number of sources \
        you expect (6 for about 4). Spare clusters catch the bins between sources — overlaps, reverberation, \
        diffuse noise — instead of pulling a source's cluster off its direction. Sources at the same \
        direction cannot be told apart by direction.

        Defaults for sources (kmeans, one component per counted source, soft masks with 5° transitions \
        between sources, counting: 0.5° smoothing, 20° diffuse floor, 10 % relative prominence) were chosen on held-back speech mixtures (README, "Counting \
        the sources"). Defaults with -K (tmm, K 6, power weighting, binary mask, 2048-sample frames with \
        hop 512) are the settings of the reproduction (configs/paper.json): the Student-t mixture with an over-estimated K is \
        the paper's proposed method, power weighting lets loud bins (whose direction is reliable) dominate, \
        and the binary mask is the paper's.

        Writes into --out (default: <input name>-separated in the current folder): \
        the sources as above, or with -K cluster-<k>-at-<direction>deg.wav for k = 1 … K by ascending direction; target.wav (with \
        --target-direction: the cluster nearest that direction), clusters.json (fitted means, scales, \
        shapes, weights, log-likelihood trace, options) and directions.svg (the histogram of θ with the \
        fitted densities). Outputs appear all at once or not at all; an earlier result in --out is replaced.
        """
    )

    @Argument(help: ArgumentHelp("The stereo mix to separate (a WAV file at any sample rate).", valueName: "IN.wav"))
    var input: String

    @Option(help: ArgumentHelp("Clusterer: \(ClusteringMethod.allCases.map(\.rawValue).joined(separator: ", ")) (default: \(SourceSettings.default.method.rawValue) for sources, \(SeparationOptions.default.method.rawValue) with -K).",
                               valueName: "method"))
    var method: String?

    // `.unconditional`: a negative number is taken as the value (and refused by the range check with a
    // message naming it) instead of being read as an unknown option, which said "Missing value".
    @Option(name: [.customShort("K"), .customLong("clusters")], parsing: .unconditional,
            help: ArgumentHelp("Write K raw clusters instead of counted sources (over-estimate the number of sources).", valueName: "N"))
    var componentCount: Int?

    @Option(name: .customLong("sources"), parsing: .unconditional,
            help: ArgumentHelp("Take this many sources instead of counting them (the most prominent directions).", valueName: "N"))
    var sourceCount: Int?

    @Option(help: ArgumentHelp("Bin weight in the fit: power (|X_L|²+|X_R|²) or none (every bin counts 1).",
                               valueName: "power|none"))
    var weighting: String = SeparationOptions.default.weighting.rawValue

    @Option(help: ArgumentHelp("Mask: binary (each bin to its most probable cluster) or soft (posterior; default for sources, binary with -K).",
                               valueName: "binary|soft"))
    var mask: String?

    @Option(name: .customLong("target-direction"), parsing: .unconditional,
            help: ArgumentHelp("Also write target.wav: the cluster nearest this direction (0 left … 45 centre … 90 right).",
                               valueName: "deg"))
    var targetDirection: Double?

    @Option(help: ArgumentHelp("Output folder (default: <input name>-separated).", valueName: "dir"))
    var out: String?

    @Option(help: "Seed of the clusterer's k-means++ start.")
    var seed: UInt64 = SeparationOptions.default.seed

    @Option(help: ArgumentHelp("Starts per fit: the fit is run from R k-means++ starts (seeds derived from --seed) and the one with the highest log-likelihood is kept (1 = a single start).",
                               valueName: "R"))
    var restarts: Int = SeparationOptions.default.em.restarts

    @Option(name: .customLong("frame-length"), parsing: .unconditional, help: ArgumentHelp("STFT frame length in samples.", valueName: "N"))
    var frameLength: Int = SeparationOptions.default.stft.frameLength

    @Option(parsing: .unconditional, help: ArgumentHelp("STFT hop in samples (at most half the frame length).", valueName: "N"))
    var hop: Int = SeparationOptions.default.stft.hop

    @Flag(help: "No progress line and no summary.")
    var quiet = false

    /// The library options these arguments describe.
    func separationOptions() throws -> SeparationOptions {
        let grouped = componentCount == nil
        let methodName = self.method ?? (grouped ? SourceSettings.default.method : SeparationOptions.default.method).rawValue
        let maskName = self.mask ?? (grouped ? MaskKind.soft : SeparationOptions.default.mask).rawValue
        guard let method = ClusteringMethod(rawValue: methodName) else {
            throw ValidationError("unknown method '\(methodName)'; expected one of \(ClusteringMethod.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard let weighting = BinWeighting(rawValue: weighting) else {
            throw ValidationError("unknown weighting '\(self.weighting)'; expected power or none.")
        }
        guard let mask = MaskKind(rawValue: maskName) else {
            throw ValidationError("unknown mask '\(maskName)'; expected binary or soft.")
        }
        var stft = SeparationOptions.default.stft
        stft.frameLength = frameLength
        stft.hop = hop
        if componentCount != nil, sourceCount != nil {
            throw ValidationError("-K (raw clusters) and --sources (grouped sources) exclude each other; give one of them, or neither to count the sources.")
        }
        var em = SeparationOptions.default.em
        em.restarts = restarts
        var options = SeparationOptions(method: method, componentCount: componentCount ?? SeparationOptions.default.componentCount,
                                        weighting: weighting, mask: mask, targetDirectionDeg: targetDirection, seed: seed, em: em, stft: stft)
        if componentCount == nil { options.sources = sourceCount.map { .fixed($0) } ?? .counted }
        return options
    }

    func validate() throws {
        do {
            try separationOptions().validate()
        } catch let error as DirClustError {
            throw ValidationError(error.message)
        }
    }

    /// `--out`, or `<input file name without extension>-separated` in the current folder.
    var outputFolder: String {
        out ?? URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent + "-separated"
    }

    func run() async throws {
        let options = try separationOptions()
        let reporter = ProgressReporter(quiet: quiet)
        let report = try separateStereoFile(input: input, outputFolder: outputFolder, options: options,
                                            progress: reporter.separationHandler)
        reporter.finish()
        guard !quiet else { return }
        let s = report.summary
        print("\(s.method.rawValue), K = \(s.componentCount): \(s.iterations) iterations\(s.converged ? "" : " (not converged)"); wrote \(report.outputFolder)/")
        if let sources = SourcesSummary(analysis: report.analysis, input: input) {
            print("  \(sources.count) source(s) \(sources.countMode == "fixed" ? "requested" : "counted")")
            for src in sources.sources {
                print("  \(src.file)  clusters \(src.components.map(String.init).joined(separator: ", "))  weight \(String(format: "%.3f", src.weight))")
            }
            print("  \(sources.residualFile)  clusters \(sources.residualComponents.map(String.init).joined(separator: ", "))")
            print("  \(sourcesJSONFileName)")
        }
        for c in s.clusters {
            if let file = c.file { print("  \(file)  weight \(String(format: "%.3f", c.weight))") }
        }
        if let t = s.target { print("  \(t.file) = cluster \(t.cluster) (nearest \(String(format: "%g", t.directionDeg))°)") }
        print("  \(clustersJSONFileName), \(directionPlotFileName)")
    }
}
