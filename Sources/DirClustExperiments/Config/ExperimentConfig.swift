import DirClust
import Foundation

/// An experiment: which scenes to build, which clusterers to fit on them and how to score the result.
///
/// Every field has a default (documented in the README's config table); a config file only states what
/// differs. Every list-valued field except `instruments` is a **sweep axis**: the trials are the cartesian
/// product of the lists. Decoding is strict (see `ConfigReader`): unknown keys, wrong types and
/// out-of-range values are errors naming the key path and what is allowed.
public struct ExperimentConfig: Codable, Sendable, Equatable {
    /// A label for reports.
    public var name = "experiment"
    /// MIDI files: a bare name `bwv269` means `<midiDirectory>/bwv269.mid`; a value ending in `.mid` is a path;
    /// a value ending in `/` is a folder of stems (`StemFolder`), one per entry of `instruments`.
    public var pieces: [String] = []
    public var midiDirectory = "experiments/midi"
    /// The GM SoundFont every part is rendered with.
    public var soundFont = ExperimentConfig.defaultSoundFont
    public var sampleRate = 16_000
    public var excerpt = Excerpt()
    /// GM program of each MIDI part (track), in track order; its length is the number of sources.
    /// Not a sweep axis: it lists the ensemble.
    public var instruments = [73, 0, 57, 71]
    /// Index into `instruments` of the source to extract.
    public var target = 0
    public var layouts: [LayoutKind] = [.centreTarget]
    /// θ in degrees: sources sit at pan angles 45° ∓ θ (DESIGN.md §1).
    public var angles: [Double] = [15, 45]
    public var panLaw = PanLaw.constantPower
    public var conditions: [Condition] = [Condition(name: "overK", noise: false), Condition(name: "noise", noise: true)]
    /// Number of clusters (over-estimated: 4 sources, K = 6 by default).
    public var K = [6]
    public var methods = ClusteringMethod.allCases
    /// `clustering` = directional clustering + mask; `hybrid` adds the supervised-NMF restoration stage;
    /// `nmf` is that stage without restoration (the target model kept on the cluster's bins only).
    public var stages: [Stage] = [.clustering]
    /// Bin weights w_ft in every M-step: `none` (w = 1, the paper) or `power` (|X_L|² + |X_R|²).
    public var weighting: [BinWeighting] = [.power]
    /// Bins quieter than this (dB relative to the loudest bin) have no direction and are not clustered.
    public var silenceThresholdDB = -80.0
    /// Fit the clusterers on the 0.005° weighted histogram of θ (`DirectionHistogram`: exact up to
    /// O(0.005°²), far below the 0.1° scale floor; ~20× cheaper on 10 s excerpts) instead of every bin.
    public var fitOnHistogram = true
    /// Target cluster(s) (`TargetSelection`): `nearest` mean to the target direction, `merge:δ` all
    /// within ±δ degrees, `oracle` the best single cluster by SDR (an upper bound).
    public var selection: [TargetSelection] = [.nearest]
    public var mask: [MaskKind] = [.binary]
    public var stft = STFTSettings()
    public var em = EMSettings()
    /// Source counting for the `grouped` selection (`SourceCountingOptions`: smoothingDeg,
    /// relativeProminence, gridDeg, maximumSources, logScale). Left out of the canonical form (and hash) while it is the default.
    public var counting = SourceCountingOptions.default
    /// One trial per seed; the seed drives the k-means++ initialisation shared by all methods.
    public var seeds = [1]
    /// Base seed of the diffuse noise; each scene derives its own stream from it and its scene id.
    public var noiseSeed = 1
    /// `sources`: BSS Eval sources on the mid signal (L+R)/2 against the dry mono sources;
    /// `images`: BSS Eval images on the stereo estimate against the stereo source images.
    public var metric = Metric.sources
    /// Also score the mixture (lower bound) and the ideal binary mask (upper bound) per scene.
    public var bounds = true
    public var hybrid = HybridSettings()
    /// Output directory of `dirclust run` when `--out` is not given. Not part of the config hash.
    public var output = "results"
    /// The listening section of `report.html` (`ReportSettings`). Not part of the config hash.
    public var report = ReportSettings()

    public struct Excerpt: Codable, Sendable, Equatable {
        public var offset = 0.0
        public var seconds = 10.0
    }

    public struct Condition: Codable, Sendable, Equatable {
        public var name: String
        /// Diffuse noise on (independent per channel, with inter-channel `coherence`).
        public var noise: Bool
        /// SNR in dB (sweep axis), noise power against `snrReference`; [] without noise. Default [0].
        public var snrDb: [Double]
        public var coherence = 0.0
        /// `allSources`: against the sum of all source images; `target`: against the target's image.
        public var snrReference = SNRReference.allSources

        public init(name: String, noise: Bool, snrDb: [Double]? = nil) {
            self.name = name
            self.noise = noise
            self.snrDb = noise ? (snrDb ?? [0]) : []
        }
    }

    /// The STFT (defaults of `STFTConfig`: N = 2048, H = 512, periodic Hann).
    public struct STFTSettings: Codable, Sendable, Equatable {
        public var frameLength = STFTConfig.default.frameLength
        public var hop = STFTConfig.default.hop
        public var window = STFTConfig.default.window
        public var stftConfig: STFTConfig { STFTConfig(frameLength: frameLength, hop: hop, window: window) }
    }

    /// The hybrid stage: supervised NMF with restoration (`NMFOptions`), trained on a solo of the
    /// target's GM program playing `experiments/midi/training/scales.mid`.
    public struct HybridSettings: Codable, Sendable, Equatable {
        /// `closed`: the training solo uses `soundFont`; `open`: it uses `openSoundFont` (the group's practice).
        public var training = NMFTraining.open
        public var openSoundFont = "/usr/share/sounds/sf2/TimGM6mb.sf2"
        public var trainingMIDI = "experiments/midi/training/scales.mid"
        public var targetBases = NMFOptions().targetBases
        public var interfererBases = NMFOptions().interfererBases
        public var iterations = NMFOptions().iterations
        public var trainingIterations = NMFOptions().trainingIterations
        /// `euclidean`, `kl`, `is` or `beta=<number>`.
        public var divergence = NMFOptions().divergence
        public var spectrogramPower = NMFOptions().spectrogramPower
        public var gainExponent = NMFOptions().gainExponent

        /// The NMF options of a trial with clusterer seed `seed`.
        public func nmfOptions(seed: Int) -> NMFOptions {
            NMFOptions(targetBases: targetBases, interfererBases: interfererBases, iterations: iterations,
                       trainingIterations: trainingIterations, divergence: divergence,
                       seed: UInt64(seed), spectrogramPower: spectrogramPower, gainExponent: gainExponent)
        }
    }

    public static let defaultSoundFont = "/usr/share/sounds/sf2/FluidR3_GM.sf2"

    /// Whether any stage runs the supervised NMF (and so needs the training solo and its SoundFont).
    public var usesNMF: Bool { stages.contains(where: \.usesNMF) }

    public init() {}
}

// MARK: - Strict decoding

extension ExperimentConfig {
    static let topKeys = ["name", "pieces", "midiDirectory", "soundFont", "sampleRate", "excerpt", "instruments",
                          "target", "layouts", "angles", "panLaw", "conditions", "K", "methods", "stages",
                          "weighting", "silenceThresholdDB", "fitOnHistogram", "selection", "mask", "stft", "em",
                          "seeds", "noiseSeed", "metric", "bounds", "hybrid", "output", "report", "counting"]

    public init(from decoder: Decoder) throws {
        try self.init(json: try JSONValue(from: decoder), source: "config")
    }

    /// Reads and checks a config tree; `source` (the file name) prefixes every error.
    public init(json: JSONValue, source: String) throws {
        let r = try ConfigReader(json, source: source, path: "", allowed: Self.topKeys)
        let d = ExperimentConfig()
        name = try r.string("name", default: d.name)
        guard r.has("pieces") else {
            throw DirClustError("\(source): missing key 'pieces'; expected a list of MIDI pieces, e.g. [\"bwv66.6\"] (files in \(d.midiDirectory)/)")
        }
        pieces = try r.strings("pieces", default: [])
        for (i, p) in pieces.enumerated() where !Self.isIdentifier(Self.pieceName(p).replacingOccurrences(of: ".", with: "_")) {
            throw DirClustError("\(source): pieces[\(i)] = \"\(p)\" is invalid; expected a name of letters, digits, '.', '_' or '-' (optionally a path ending in .mid)")
        }
        midiDirectory = try r.string("midiDirectory", default: d.midiDirectory)
        soundFont = try r.string("soundFont", default: d.soundFont)
        sampleRate = try r.int("sampleRate", default: d.sampleRate, in: 8_000...96_000)
        if let e = r.raw("excerpt") {
            let er = try ConfigReader(e, source: source, path: "excerpt", allowed: ["offset", "seconds"])
            excerpt.offset = try er.double("offset", default: d.excerpt.offset, in: 0...3600)
            excerpt.seconds = try er.double("seconds", default: d.excerpt.seconds, in: 0.25...600)
        }
        if let items = try r.elements("instruments") {
            instruments = try items.map { try ConfigReader.int($0, at: $1, source: source, range: 0...127) }
            guard instruments.count >= 2 else {
                throw DirClustError("\(source): instruments lists \(instruments.count) part; expected the GM programs of at least 2 parts")
            }
        }
        target = try r.int("target", default: d.target, in: 0...(instruments.count - 1))
        layouts = try r.choices("layouts", default: d.layouts)
        angles = try r.doubles("angles", default: d.angles, in: 0...45)
        panLaw = try r.choice("panLaw", default: d.panLaw)
        if let items = try r.elements("conditions") {
            conditions = try items.map { try Self.condition($0, at: $1, source: source) }
            var names = Set<String>()
            for (i, c) in conditions.enumerated() where !names.insert(c.name).inserted {
                throw DirClustError("\(source): conditions[\(i)].name = \"\(c.name)\" is used twice; expected distinct condition names")
            }
        }
        K = try r.ints("K", default: d.K, in: 1...64)
        methods = try r.choices("methods", default: d.methods)
        stages = try r.choices("stages", default: d.stages)
        weighting = try r.choices("weighting", default: d.weighting)
        silenceThresholdDB = try r.double("silenceThresholdDB", default: d.silenceThresholdDB, in: -300...0)
        fitOnHistogram = try r.bool("fitOnHistogram", default: d.fitOnHistogram)
        selection = try r.selections("selection", default: d.selection)
        mask = try r.choices("mask", default: d.mask)
        if let s = r.raw("stft") {
            let sr = try ConfigReader(s, source: source, path: "stft", allowed: ["frameLength", "hop", "window"])
            stft.frameLength = try sr.int("frameLength", default: d.stft.frameLength, in: 16...65_536)
            stft.hop = try sr.int("hop", default: d.stft.hop, in: 1...stft.frameLength / 2)  // STFTConfig.maxHop
            stft.window = try sr.choice("window", default: d.stft.window)
        }
        if let e = r.raw("em") {
            let er = try ConfigReader(e, source: source, path: "em", allowed: ["maxIterations", "tolerance", "restarts", "coarseCellDeg"])
            em.maxIterations = try er.int("maxIterations", default: d.em.maxIterations, in: 1...100_000)
            em.tolerance = try er.double("tolerance", default: d.em.tolerance, in: 0...1)
            em.restarts = try er.int("restarts", default: d.em.restarts, in: 1...Restarts.maximumCount)
            em.coarseCellDeg = try er.double("coarseCellDeg", default: d.em.coarseCellDeg, in: 0...5)
        }
        if let c = r.raw("counting") {
            let cr = try ConfigReader(c, source: source, path: "counting",
                                      allowed: ["smoothingDeg", "relativeProminence", "gridDeg", "maximumSources", "logScale", "floorWidthDeg"])
            counting.smoothingDeg = try cr.double("smoothingDeg", default: d.counting.smoothingDeg, in: 0.01...10)
            counting.logScale = try cr.bool("logScale", default: d.counting.logScale)
            counting.relativeProminence = try cr.double("relativeProminence", default: d.counting.relativeProminence,
                                                        in: 1e-6...(counting.logScale ? 49.9 : 0.999))
            counting.gridDeg = try cr.double("gridDeg", default: d.counting.gridDeg, in: 0.005...1)
            counting.maximumSources = try cr.int("maximumSources", default: d.counting.maximumSources, in: 1...64)
            counting.floorWidthDeg = try cr.double("floorWidthDeg", default: d.counting.floorWidthDeg, in: 0...45)
            do { try counting.validate() } catch let e as DirClustError { throw DirClustError("\(source): counting: \(e.message)") }
        }
        seeds = try r.ints("seeds", default: d.seeds, in: 0...Int(Int32.max))
        noiseSeed = try r.int("noiseSeed", default: d.noiseSeed, in: 0...Int(Int32.max))
        metric = try r.choice("metric", default: d.metric)
        bounds = try r.bool("bounds", default: d.bounds)
        if let h = r.raw("hybrid") {
            let hr = try ConfigReader(h, source: source, path: "hybrid",
                                      allowed: ["training", "openSoundFont", "trainingMIDI", "targetBases", "interfererBases",
                                                "iterations", "trainingIterations", "divergence", "spectrogramPower", "gainExponent"])
            let dh = d.hybrid
            hybrid.training = try hr.choice("training", default: dh.training)
            hybrid.openSoundFont = try hr.string("openSoundFont", default: dh.openSoundFont)
            hybrid.trainingMIDI = try hr.string("trainingMIDI", default: dh.trainingMIDI)
            hybrid.targetBases = try hr.int("targetBases", default: dh.targetBases, in: 1...1000)
            hybrid.interfererBases = try hr.int("interfererBases", default: dh.interfererBases, in: 0...1000)
            hybrid.iterations = try hr.int("iterations", default: dh.iterations, in: 0...100_000)
            hybrid.trainingIterations = try hr.int("trainingIterations", default: dh.trainingIterations, in: 1...100_000)
            let divergence = try hr.string("divergence", default: dh.divergence.description)
            guard let dv = NMFDivergence(divergence), (0...3).contains(dv.beta) else {
                throw hr.fail("divergence", .string(divergence), "euclidean, kl, is or beta=<number in 0…3>")
            }
            hybrid.divergence = dv
            hybrid.spectrogramPower = try hr.int("spectrogramPower", default: dh.spectrogramPower, in: 1...2)
            hybrid.gainExponent = try hr.double("gainExponent", default: dh.gainExponent, in: 0.1...10)
        }
        output = try r.string("output", default: d.output)
        if let rp = r.raw("report") {
            let rr = try ConfigReader(rp, source: source, path: "report", allowed: ["demoPieces", "demoSeconds", "audioFormat"])
            report.demoPieces = try rr.int("demoPieces", default: d.report.demoPieces, in: 0...pieces.count)
            report.demoSeconds = try rr.double("demoSeconds", default: d.report.demoSeconds, in: 0.5...600)
            report.audioFormat = try rr.choice("audioFormat", default: d.report.audioFormat)
        }
    }

    private static func condition(_ v: JSONValue, at path: String, source: String) throws -> Condition {
        let r = try ConfigReader(v, source: source, path: path, allowed: ["name", "noise", "snrDb", "coherence", "snrReference"])
        guard r.has("name") else { throw DirClustError("\(source): \(path) has no 'name'; expected e.g. {\"name\": \"noise\", \"noise\": true, \"snrDb\": [0]}") }
        let name = try r.string("name", default: "")
        guard isIdentifier(name) else { throw r.fail("name", .string(name), "a name of letters, digits, '_' or '-'") }
        var c = Condition(name: name, noise: try r.bool("noise", default: false))
        // Without noise there is no SNR: the field is ignored (and written as []).
        if c.noise { c.snrDb = try r.doubles("snrDb", default: [0], in: -60...100) }
        c.coherence = try r.double("coherence", default: c.coherence, in: -1...1)
        c.snrReference = try r.choice("snrReference", default: c.snrReference)
        return c
    }

    static func isIdentifier(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    /// `bwv269` for both `bwv269` and `some/dir/bwv269.mid`.
    static func pieceName(_ piece: String) -> String {
        let last = piece.split(separator: "/").last.map(String.init) ?? piece
        return last.hasSuffix(".mid") ? String(last.dropLast(4)) : last
    }

    /// Loads a config file, applies `--set key=value` overrides (dotted paths) and checks it.
    public static func load(path: String, overrides: [String] = []) throws -> ExperimentConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DirClustError("config file \(path) cannot be read; expected a JSON file such as configs/paper.json")
        }
        return try decode(data, source: path, overrides: overrides)
    }

    /// Decodes config text, then applies the overrides to the complete config (file values over defaults),
    /// so `--set conditions.1.snrDb=[0,10]` works whether or not the file states `conditions`.
    public static func decode(_ data: Data, source: String, overrides: [String] = []) throws -> ExperimentConfig {
        let fromFile = try ExperimentConfig(json: try JSONValue.parse(data, source: source), source: source)
        guard !overrides.isEmpty else { return fromFile }
        var tree = try fromFile.tree()
        for o in overrides {
            guard let eq = o.firstIndex(of: "="), eq != o.startIndex else {
                throw DirClustError("--set \(o): expected key=value, e.g. --set excerpt.seconds=2")
            }
            tree = try tree.setting(String(o[..<eq]), to: JSONValue.overrideValue(String(o[o.index(after: eq)...])))
        }
        return try ExperimentConfig(json: tree, source: "\(source) with --set")
    }

    /// The complete config as a JSON tree (every field, defaults included).
    func tree() throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(self))
    }
}

// MARK: - Resolved paths, canonical form, hash

extension ExperimentConfig {
    /// The MIDI file of a piece, resolved against `midiDirectory` (relative paths from the working directory).
    public func midiPath(of piece: String) -> String {
        piece.hasSuffix(".mid") || isStemFolder(piece) ? piece : "\(midiDirectory)/\(piece).mid"
    }

    /// Canonical JSON (sorted keys, `output` and `report` excluded): what the config hash is taken over and what is
    /// saved as `config.json` next to the results.
    public func canonicalJSON() -> Data {
        var tree = (try? tree()) ?? .null
        if case .object(var o) = tree {
            o["output"] = nil; o["report"] = nil
            if counting == .default { o["counting"] = nil }
            tree = .object(o)
        }
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = (try? enc.encode(tree)) ?? Data()
        data.append(0x0A)
        return data
    }

    /// SHA-256 of `canonicalJSON()`, hex: identifies the experiment in provenance and guards resume/merge.
    public var hash: String { sha256Hex(canonicalJSON()) }
}
