import DirClust
import Foundation

/// The science of one scene, end to end: render the parts (each once per run), build the scene, take
/// the mixture's STFT once, and for every planned trial fit the clusterer on the direction feature, mask,
/// resynthesise and score with BSS Eval — one scorer per scene, so the reference Gram matrix is factored
/// once for all estimates. Also scores the two bounds (mixture, ideal binary mask) and, for the `hybrid`
/// stage, the supervised-NMF restoration of each clustering output.
///
/// Metric `sources` (default): the estimate's mid signal (L+R)/2 against the dry mono sources, all of
/// them as references, so the noise counts as artefact. Metric `images`: the stereo estimate against the
/// stereo source images (BSS Eval images; ISR recorded).
public final class DirectionalSceneEvaluator: SceneEvaluator, @unchecked Sendable {
    public let config: ExperimentConfig
    let stft: STFT
    /// Dry renders shared by every scene of the run: each (piece, part, program, SoundFont) once.
    let dryCache = OnceCache<RenderKey, [Double]>()
    /// Target bases per training seed, learned once per run.
    let basesCache = OnceCache<Int, NMFBases>()

    /// Receives every scored signal and the clustering fits, scene by scene (the run's demo clips); nil:
    /// nothing is kept.
    public let estimates: (any EstimateSink)?

    public init(config: ExperimentConfig, estimates: (any EstimateSink)? = nil) throws {
        self.config = config
        self.estimates = estimates
        stft = try STFT(config.stft.stftConfig)
    }

    // MARK: validation (before anything is written)

    public func validate(_ scenes: [ScenePlan]) async throws {
        _ = try SoundFont(path: config.soundFont)
        for plan in scenes {
            do { _ = try plan.sceneLayout.anglesDeg(sourceCount: config.instruments.count, targetIndex: config.target) } catch let e as DirClustError {
                throw DirClustError("layouts: \(plan.layout.rawValue) at θ = \(formatNumber(plan.angleDeg))° cannot place the config's \(config.instruments.count) instruments (\(e.message))")
            }
        }
        for piece in Set(scenes.map(\.midiPath)).sorted() {
            if isStemFolder(piece) {
                let stems = try StemFolder(String(piece.dropLast()))
                guard stems.files.count == config.instruments.count else {
                    throw DirClustError("\(piece) holds \(stems.files.count) stems; the config's instruments list \(config.instruments.count), expected one entry per stem (the programs are not used for stems)")
                }
                continue
            }
            let parts = try voiceParts(piece)
            guard parts.count >= config.instruments.count else {
                throw DirClustError("\(piece) has \(parts.count) parts with notes; the config's instruments list \(config.instruments.count), expected at most \(parts.count)")
            }
            try checkExcerpt(fits: parts, of: piece)
        }
        if config.usesNMF {
            _ = try SoundFont(path: trainingSoundFontPath)
            let parts = try midiParts(of: config.hybrid.trainingMIDI)
            guard parts.contains(where: { $0.noteCount > 0 }) else {
                throw DirClustError("hybrid.trainingMIDI \(config.hybrid.trainingMIDI) has no notes; expected a solo (e.g. scales) to train the target bases on")
            }
        }
    }

    /// The excerpt must lie within the piece (its last note's release): past the end the parts are
    /// digital silence, which renders silent sources (offset past the end) or pads the scene with
    /// silence that no score should count (an excerpt running past the end).
    func checkExcerpt(fits parts: [MIDIPart], of piece: String) throws {
        let length = parts.map(\.endSeconds).max() ?? 0
        let (offset, seconds) = (config.excerpt.offset, config.excerpt.seconds)
        let name = URL(fileURLWithPath: piece).deletingPathExtension().lastPathComponent
        let lasts = "\(name) (\(piece)) lasts \(String(format: "%.2f", length)) s"
        if offset >= length {
            throw DirClustError("excerpt.offset = \(formatNumber(offset)) s is past the end of the piece: \(lasts); expected an offset below \(String(format: "%.2f", length)) s")
        }
        if offset + seconds > length {
            throw DirClustError("excerpt.seconds = \(formatNumber(seconds)) s from excerpt.offset = \(formatNumber(offset)) s runs past the end of the piece: \(lasts); expected excerpt.seconds ≤ \(String(format: "%.2f", length - offset)) s at this offset")
        }
    }

    /// The tracks of a piece that carry notes, in file order: part i plays `instruments[i]`.
    func voiceParts(_ midiPath: String) throws -> [MIDIPart] {
        try midiParts(of: midiPath).filter { $0.noteCount > 0 }
    }

    var trainingSoundFontPath: String { config.hybrid.training == .open ? config.hybrid.openSoundFont : config.soundFont }

    public func provenance() async -> [String: String] {
        var env: [String: String] = ["soundFont": config.soundFont]
        env["soundFontSHA256"] = (try? SoundFont(path: config.soundFont).sha256()) ?? "unreadable"
        if config.usesNMF {
            env["trainingSoundFont"] = trainingSoundFontPath
            env["trainingSoundFontSHA256"] = (try? SoundFont(path: trainingSoundFontPath).sha256()) ?? "unreadable"
        }
        for (k, v) in LibraryVersions.all() { env[k] = v }
        return env
    }

    // MARK: one scene

    public func evaluate(_ plan: ScenePlan) async throws -> SceneOutcome {
        var t = StageTimings()
        let dry = try await t.measure("render") { try await dryParts(plan.midiPath) }
        let scene = try t.measure("scene") { try buildScene(plan, dry: dry) }
        let length = scene.mixture.frameCount, rate = scene.sampleRate
        let X = t.measure("stft") { stft.forward(scene.mixture) }
        let separator = try MixtureSeparator(stft: stft, mixture: X, length: length, sampleRate: rate,
                                             silenceThresholdDB: config.silenceThresholdDB, fitOnHistogram: config.fitOnHistogram)
        // The target's direction in the feature: atan2(g_R, g_L) (= φ for constant-power panning).
        let targetDeg = scene.gains[config.target].directionDeg
        let scorer = try t.measure("eval") { try Scorer(dry: scene.dry, images: scene.images, metric: config.metric) }
        let target = config.target
        var records: [TrialRecord] = []
        let estimates = try self.estimates?.open(plan, scene: scene, targetDeg: targetDeg)

        func score(_ estimate: AudioBuffer) throws -> Scorer.Scores {
            try t.measure("eval") { try scorer.score(estimate, target: target) }
        }
        func record(_ key: TrialKey, _ s: Scorer.Scores, fit: ClusterFit? = nil, targetDeg: Double? = nil, seconds: Double? = nil) {
            records.append(TrialRecord(key: key, sdr: s.sdr, sir: s.sir, sar: s.sar, isr: s.isr, iterations: fit?.iterations,
                                       loglik: fit.map { $0.logLikelihood.isFinite ? $0.logLikelihood : -1e300 },
                                       converged: fit?.converged, targetDeg: targetDeg, fitSeconds: seconds,
                                       restarts: fit?.restarts, loglikSpread: fit?.logLikelihoodSpread))
        }

        // Bounds: the mixture itself and the ideal binary mask.
        for trial in plan.work.bounds {
            let estimate: AudioBuffer
            switch trial.bound {
            case .mixture:
                estimate = scene.mixture
            case .ibm:
                let images = t.measure("stft") { scene.images.map { stft.forward($0) } }
                let noise = t.measure("stft") { scene.noise.map { stft.forward($0) } }
                let ibm = t.measure("mask") { idealBinaryMask(target: target, imageSpectrograms: images, noise: noise) }
                estimate = t.measure("mask") { separator.estimate(ibm) }
            }
            record(trial.key, try score(estimate))
            try estimates?.estimate(estimate, for: trial.key)
        }

        // Clusterers: one feature per weighting, one fit per (K, method, seed), then every mask × selection × stage.
        for w in plan.work.weightings {
            let (feature, points, histogram) = t.measure("feature") { separator.directions(w.weighting) }
            // `grouped` analyses of this weighting by (method, seed), with their fit time, and the target's
            // estimate per mask kind: none of them depends on K, so each is made once.
            var groupedAnalyses: [GroupedKey: (analysis: SourceAnalysis, seconds: Double)] = [:]
            var groupedEstimates: [GroupedEstimateKey: (estimate: AudioBuffer, scores: Scorer.Scores, source: Int)] = [:]
            for f in w.fits {
                // The ordinary fit with this K, only if some selection uses its clusters.
                let needsFit = f.masks.contains { $0.selections.contains { $0.selection != .grouped } }
                var fitted: (model: DirectionalModel, seconds: Double)?
                if needsFit {
                    let t0 = ContinuousClock.now
                    let model = try DirectionalModel(fitting: points, f.settings(em: config.em))
                    fitted = (model, (ContinuousClock.now - t0).seconds)
                    t.add("fit", fitted!.seconds)
                }
                // `grouped`: counted sources, the anchored fit of this method, the target's source (shared by every K).
                let key = GroupedKey(method: f.method, seed: f.seed)
                if f.masks.contains(where: { $0.selections.contains { $0.selection == .grouped } }), groupedAnalyses[key] == nil {
                    let t0 = ContinuousClock.now
                    var settings = SourceSettings.default
                    settings.method = f.method
                    settings.counting = config.counting
                    let analysis = try analyseSources(histogram, points: points, settings: settings, seed: UInt64(f.seed),
                                                      em: config.em)
                    groupedAnalyses[key] = (analysis, (ContinuousClock.now - t0).seconds)
                    t.add("fit", groupedAnalyses[key]!.seconds)
                }
                for m in f.masks {
                    let masks = fitted.map { fitted in t.measure("mask") { fitted.model.masks(for: feature, kind: m.mask) } } ?? []
                    for sel in m.selections {
                        if sel.selection == .grouped, let g = groupedAnalyses[key] {
                            let estimateKey = GroupedEstimateKey(analysis: key, mask: m.mask)
                            if groupedEstimates[estimateKey] == nil {
                                guard let s = g.analysis.grouping.sourceNearest(directionDeg: targetDeg) else {
                                    throw DirClustError("scene \(plan.id): \(f.method.rawValue) grouped no source")
                                }
                                let targetMask = t.measure("mask") { g.analysis.masks(for: feature, kind: m.mask)[s] }
                                let estimate = t.measure("mask") { separator.estimate(targetMask) }
                                groupedEstimates[estimateKey] = (estimate, try score(estimate), s)
                            }
                            let e = groupedEstimates[estimateKey]!
                            for trial in sel.stages where trial.stage == .clustering {
                                record(trial.key, e.scores, fit: g.analysis.fit, targetDeg: g.analysis.grouping.sources[e.source].directionDeg,
                                       seconds: g.seconds)
                                try estimates?.estimate(e.estimate, for: trial.key)
                            }
                            continue
                        }
                        guard let (model, fitSeconds) = fitted else { continue }
                        let fit = model.fit
                        var chosen = model.targetClusters(directionDeg: targetDeg, selection: sel.selection, mask: m.mask)
                        var estimate: AudioBuffer
                        var scores: Scorer.Scores
                        let targetMask: [Double]  // the chosen clusters' mask: the estimate's, and the NMF stages' B
                        if case .oracle = sel.selection {
                            var best: (Int, AudioBuffer, Scorer.Scores)?
                            for k in chosen {
                                let e = t.measure("mask") { separator.estimate(masks[k]) }
                                let s = try score(e)
                                if best == nil || s.sdr > best!.2.sdr { best = (k, e, s) }
                            }
                            guard let b = best else { throw DirClustError("scene \(plan.id): \(f.method.rawValue) left no cluster with bins") }
                            chosen = [b.0]; estimate = b.1; scores = b.2
                            targetMask = combineMasks(masks, selecting: chosen)
                        } else {
                            targetMask = t.measure("mask") { combineMasks(masks, selecting: chosen) }
                            estimate = t.measure("mask") { separator.estimate(targetMask) }
                            scores = try score(estimate)
                        }
                        let meanDeg = chosen.map { fit.means[$0] * 180 / .pi }.reduce(0, +) / Double(max(chosen.count, 1))
                        // The `nmf` and `hybrid` stages share one supervised-NMF fit on the target cluster's bins.
                        var restored: (magnitude: NonnegativeMatrix, restoration: NMFRestoration)?
                        for trial in sel.stages {
                            switch trial.stage {
                            case .clustering:
                                record(trial.key, scores, fit: fit, targetDeg: meanDeg, seconds: fitSeconds)
                                try estimates?.estimate(estimate, for: trial.key)
                                estimates?.fit(fit, points: points, weighting: w.weighting, targetClusters: chosen, sdr: scores.sdr, for: trial.key)
                            case .nmf, .hybrid:
                                var options = config.hybrid.nmfOptions(seed: f.seed)
                                if restored == nil {
                                    let bases = try await t.measure("hybrid") { try await targetBases(seed: f.seed) }
                                    restored = try t.measure("hybrid") {
                                        try restoreTargetCluster(mixture: X, targetMask: targetMask, bases: bases, options: options)
                                    }
                                }
                                options.restoreMissingBins = trial.stage == .hybrid
                                let gain = try t.measure("hybrid") {
                                    try hybridTargetGain(mixtureMagnitude: restored!.magnitude, restoration: restored!.restoration,
                                                         targetMask: targetMask, options: options)
                                }
                                let e = t.measure("hybrid") { separator.estimate(gain) }
                                record(trial.key, try score(e), fit: fit, targetDeg: meanDeg, seconds: fitSeconds)
                                try estimates?.estimate(e, for: trial.key)
                            }
                        }
                    }
                }
            }
        }
        try estimates?.close()
        return SceneOutcome(records: records, timings: t)
    }

    /// Source names for file names: the GM instrument, lower-case letters and digits (`flute`,
    /// `acousticgrandpiano`), with the part number appended when an instrument repeats.
    var sourceNames: [String] {
        let base = config.instruments.map { String(GeneralMIDI.programNames[$0].lowercased().filter { $0.isLetter || $0.isNumber }) }
        return base.enumerated().map { i, n in base.filter { $0 == n }.count > 1 ? "\(n)\(i + 1)" : n }
    }

    /// The scene of a plan: the dry parts RMS-normalised, panned by the layout at θ, plus diffuse noise.
    public func buildScene(_ plan: ScenePlan, dry: [[Double]]) throws -> Scene {
        let stems = isStemFolder(plan.midiPath) ? try StemFolder(String(plan.midiPath.dropLast())) : nil
        let names = stems?.names ?? sourceNames
        let excerpt = "\(config.sampleRate) Hz, [\(formatNumber(config.excerpt.offset)) s, +\(formatNumber(config.excerpt.seconds)) s)"
        let sources = names.enumerated().map { i, n in
            SceneSource(name: n, origin: stems.map { "\($0.files[i]), \(excerpt)" }
                ?? "\(plan.midiPath) part \(i + 1), GM \(config.instruments[i]), \(config.soundFont), \(excerpt)")
        }
        let spec = try SceneSpec(sources: sources, layout: plan.sceneLayout, panLaw: config.panLaw,
                                 targetIndex: config.target, snrDB: plan.snrDb,
                                 snrReference: plan.condition.snrReference,
                                 noiseCoherence: plan.condition.coherence, noiseSeed: plan.noiseSeed)
        return try makeScene(dry: dry, names: names, spec: spec, sampleRate: config.sampleRate)
    }

    /// The scene of a plan, rendering its parts as needed (for `dirclust render`).
    public func scene(_ plan: ScenePlan) async throws -> Scene {
        try buildScene(plan, dry: try await dryParts(plan.midiPath))
    }

    /// The dry mono parts of a piece at the config's excerpt, rendered once per run.
    func dryParts(_ midiPath: String) async throws -> [[Double]] {
        if isStemFolder(midiPath) {
            return try StemFolder(String(midiPath.dropLast())).read(sampleRate: config.sampleRate, offset: config.excerpt.offset,
                                                                     seconds: config.excerpt.seconds)
        }
        let parts = try voiceParts(midiPath)
        var out: [[Double]] = []
        for (i, program) in config.instruments.enumerated() {
            let key = RenderKey(midiPath: midiPath, track: parts[i].track, program: program, soundFont: config.soundFont)
            out.append(try await dryCache.value(key) { [config] in
                try renderMIDIPart(midiPath: midiPath, track: key.track, program: program, soundFont: try SoundFont(path: config.soundFont),
                                   sampleRate: config.sampleRate, offset: config.excerpt.offset, seconds: config.excerpt.seconds)
            })
        }
        return out
    }

    /// Target bases W_t: NMF of the target instrument's solo (the training MIDI rendered with the target's
    /// GM program, with the open or closed SoundFont), learned once per seed and run.
    func targetBases(seed: Int) async throws -> NMFBases {
        let options = config.hybrid.nmfOptions(seed: seed)
        return try await basesCache.value(seed) { [config, stft, trainingSoundFontPath] in
            let midi = config.hybrid.trainingMIDI
            guard let part = try midiParts(of: midi).first(where: { $0.noteCount > 0 }) else {
                throw DirClustError("hybrid.trainingMIDI \(midi) has no notes")
            }
            let solo = try renderMIDIPart(midiPath: midi, track: part.track, program: config.instruments[config.target],
                                          soundFont: try SoundFont(path: trainingSoundFontPath), sampleRate: config.sampleRate,
                                          offset: 0, seconds: max(part.endSeconds, 1))
            return try trainTargetBases(solo: [stft.forward(solo)], options: options)
        }
    }
}

/// One dry part of a run: which piece, track, GM program and SoundFont it is rendered from.
struct RenderKey: Hashable, Sendable { var midiPath: String; var track: Int; var program: Int; var soundFont: String }

/// A piece that names a folder of stems (ends in "/"), not a MIDI file.
func isStemFolder(_ piece: String) -> Bool { piece.hasSuffix("/") }

/// A `grouped` source analysis is one per (method, seed) of a weighting: counting and its anchored fit do not use K.
private struct GroupedKey: Hashable {
    var method: ClusteringMethod
    var seed: Int
}

/// The target's grouped estimate is one per analysis and mask kind.
private struct GroupedEstimateKey: Hashable {
    var analysis: GroupedKey
    var mask: MaskKind
}
