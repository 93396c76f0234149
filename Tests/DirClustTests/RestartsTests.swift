import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments
@testable import DirClustCLI

/// `Restarts` (scikit-learn's `n_init`): R = 1 is the single-start fit bit for bit, more starts never
/// give a lower objective, the chosen fit is the best of the individual starts, and it is deterministic.
@Suite struct RestartsTests {
    static let methods = ClusteringMethod.allCases

    /// A small, multimodal data set with K over-estimated (where starts disagree).
    static func data(_ index: Int) -> (x: [Double], weights: [Double], k: Int) {
        ClusteringPropertyTests.sweepDataSet(index)
    }

    @Test(arguments: methods)
    func oneStartIsTheSingleStartFitBitForBit(_ method: ClusteringMethod) throws {
        for index in 0..<6 {
            let d = Self.data(index)
            let options = ClusteringOptions(componentCount: d.k, seed: UInt64(index + 1), maxIterations: 60)
            let single = try makeClusterer(method, options: options).fit(d.x, weights: d.weights)
            let wrapped = try Restarts(method, options: options, count: 1).fit(d.x, weights: d.weights)
            #expect(wrapped == single)
            #expect(wrapped.restarts == 1 && wrapped.logLikelihoodSpread == 0)
            #expect(try makeClusterer(method, options: options, restarts: 1).fit(d.x, weights: d.weights) == single)
        }
    }

    /// The chosen fit is the start with the highest final objective (first on ties), its objective is
    /// never below R = 1's, the spread is max − min over the starts, and R = 4 strictly improves on R = 1
    /// somewhere (otherwise the restarts would be doing nothing).
    @Test(arguments: methods)
    func moreStartsKeepTheBestObjective(_ method: ClusteringMethod) throws {
        var improved = 0
        for index in 0..<12 {
            let d = Self.data(index)
            let options = ClusteringOptions(componentCount: d.k, seed: UInt64(index + 1), maxIterations: 60)
            let starts = try (0..<4).map { r -> ClusterFit in
                var o = options
                o.seed = Restarts.seed(restart: r, of: options.seed)
                return try makeClusterer(method, options: o).fit(d.x, weights: d.weights)
            }
            let objectives = starts.map(\.logLikelihood)
            for count in [2, 4] {
                let fit = try Restarts(method, options: options, count: count).fit(d.x, weights: d.weights)
                let prefix = objectives.prefix(count)
                let bestIndex = prefix.indices.first { prefix[$0] == prefix.max()! }!
                var expected = starts[bestIndex]
                expected.restarts = count
                expected.logLikelihoodSpread = prefix.max()! - prefix.min()!
                #expect(fit == expected, "\(method) data set \(index), R = \(count)")
                #expect(fit.logLikelihood >= objectives[0])
                #expect(fit.logLikelihoodSpread >= 0)
            }
            if objectives.max()! > objectives[0] + 1e-9 * abs(objectives[0]) { improved += 1 }
        }
        #expect(improved > 0, "\(method): four starts never beat the first on 12 multimodal data sets")
    }

    @Test func deterministicPerSeedAndDistinctStarts() throws {
        let d = Self.data(3)
        for method in Self.methods {
            let options = ClusteringOptions(componentCount: d.k, seed: 7, maxIterations: 40)
            let a = try Restarts(method, options: options, count: 3).fit(d.x, weights: d.weights)
            let b = try Restarts(method, options: options, count: 3).fit(d.x, weights: d.weights)
            #expect(a == b)
        }
        // Start seeds: s_0 is the trial seed; the others differ from each other and from the trial seeds.
        var all = Set<UInt64>()
        for trial in UInt64(1)...5 {
            #expect(Restarts.seed(restart: 0, of: trial) == trial)
            for r in 0..<64 { all.insert(Restarts.seed(restart: r, of: trial)) }
        }
        #expect(all.count == 5 * 64)
        #expect(Restarts.seed(restart: 3, of: 11) == Restarts.seed(restart: 3, of: 11))
    }

    @Test func refusesWhatCannotBeRestarted() throws {
        let d = Self.data(0)
        let options = ClusteringOptions(componentCount: d.k, seed: 1)
        for bad in [0, -1, Restarts.maximumCount + 1] {
            #expect(throws: DirClustError.self) { try Restarts(.gmm, options: options, count: bad).fit(d.x, weights: d.weights) }
        }
        var fixed = options
        fixed.initialization = .parameters(means: (0..<d.k).map { 0.1 + 0.2 * Double($0) },
                                           scales: [Double](repeating: 0.05, count: d.k),
                                           mixtureWeights: [Double](repeating: 1, count: d.k))
        #expect(throws: DirClustError.self) { try Restarts(.gmm, options: fixed, count: 2).fit(d.x, weights: d.weights) }
        #expect(try Restarts(.gmm, options: fixed, count: 1).fit(d.x, weights: d.weights).restarts == 1)
    }
}

/// `em.restarts` in configs (part of the hash only when ≠ 1), `--restarts` for `separate`, and the core.
@Suite struct RestartsWiringTests {
    static func config(_ em: String) throws -> ExperimentConfig {
        try ExperimentConfig.decode(Data(#"{"pieces": ["bwv66.6"]\#(em)}"#.utf8), source: "t.json")
    }

    @Test func configKeyAndHash() throws {
        // A config without `em.restarts` gets the default R = 4, written into the canonical JSON (it is ≠ 1);
        // `restarts: 1` is the one value left out, so runs made before restarts existed keep their hash.
        let plain = try Self.config("")
        #expect(plain.em.restarts == EMSettings.defaultRestarts)
        let one = try Self.config(#", "em": {"restarts": 1}"#)
        #expect(one.em.restarts == 1 && one.hash != plain.hash)
        #expect(!String(decoding: one.canonicalJSON(), as: UTF8.self).contains("restarts"))
        let four = try Self.config(#", "em": {"restarts": 4}"#)
        #expect(four.em.restarts == 4 && four.hash == plain.hash)
        #expect(String(decoding: four.canonicalJSON(), as: UTF8.self).contains("\"restarts\" : 4"))
        // The canonical JSON reads back to the same config (what resume and merge compare).
        #expect(try ExperimentConfig(json: try JSONValue.parse(four.canonicalJSON(), source: "c"), source: "c") == four)
        for bad in ["0", "-2", "1001", "1.5", "\"4\""] {
            #expect(throws: DirClustError.self) { try Self.config(#", "em": {"restarts": \#(bad)}"#) }
        }
    }

    @Test func separateTakesRestarts() throws {
        let command = try DirClustCommand.parseAsRoot(["separate", "in.wav", "--restarts", "3"])
        let separate = try #require(command as? Separate)
        #expect(try separate.separationOptions().em.restarts == 3)
        #expect(try separate.separationOptions().fitSettings.em.restarts == 3)
        #expect(throws: (any Error).self) { try DirClustCommand.parseAsRoot(["separate", "in.wav", "--restarts", "0"]) }
    }

    @Test func theCoreFitsWithRestarts() throws {
        let d = ClusteringPropertyTests.sweepDataSet(4)
        let feature = DirectionFeature(frequencyCount: d.x.count, frameCount: 1, theta: d.x, weight: d.weights,
                                       activeBins: Array(d.x.indices))
        let points = FittingPoints(bins: feature)
        for method in ClusteringMethod.allCases {
            let settings = FitSettings(method: method, componentCount: d.k, seed: 5, em: EMSettings(restarts: 3))
            let model = try DirectionalModel(fitting: points, settings)
            #expect(model.fit == (try Restarts(method, options: settings.clusteringOptions, count: 3).fit(d.x, weights: d.weights)))
            #expect(model.fit.restarts == 3)
        }
    }
}
