import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// `clustering.svg`: the paper's clustering figure from the recorded fits of one scene.
@Suite struct ClusteringExampleTests {
    /// Three sources at 30°, 45° and 60° plus a uniform floor (the diffuse noise), as a weighted histogram.
    static func example() throws -> ClusteringExample {
        var rng = SeededRandom(seed: 3)
        var h = [Double](repeating: 0, count: 180)
        var x: [Double] = []
        for i in 0..<3000 {
            let deg = i % 4 == 3 ? 90 * rng.uniform() : [30.0, 45, 60][i % 3] + 0.8 * rng.gaussian()
            x.append(deg * .pi / 180)
            h[min(Int(deg / 0.5), 179)] += 1 / (3000 * 0.5)
        }
        let fits = try [ClusteringMethod.kmeans, .gmm, .tmm, .ggmm].map { m -> ClusteringExample.MethodFit in
            let fit = try makeClusterer(m, options: ClusteringOptions(componentCount: 4, seed: 1)).fit(x, weights: nil)
            let target = fit.means.indices.min { abs(fit.means[$0] - .pi / 4) < abs(fit.means[$1] - .pi / 4) }!
            return .init(trial: ["s", "p", "fan", "15", "noise", "0", "4", m.rawValue, "clustering", "none", "nearest", "binary", "1"],
                         fit: fit, targetClusters: [target], sdr: 1.5)
        }
        return ClusteringExample(sceneID: "s", title: "p · fan · θ = 15° · noise (SNR 0 dB)", weighting: .none, targetDeg: 45,
                                 histogram: h, fits: fits)
    }

    @Test func figureHasOnePanelPerMethodWithTheTargetMarked() throws {
        let e = try Self.example()
        let svg = e.svg()
        let parser = XMLParser(data: Data(svg.utf8))
        let counter = SeparatePlotTests.ElementCounter()
        parser.delegate = counter
        #expect(parser.parse(), "clustering.svg is not well-formed XML")
        #expect(counter.counts["svg"] == 1 + 4)
        // Mixtures: one wide target curve each; k-means: its target centroid drawn 4 wide.
        #expect(counter.classes["component target-cluster"] == 3)
        #expect(svg.components(separatedBy: "stroke-width=\"4.0\"").count - 1 == 1)
        #expect(svg.components(separatedBy: "(target)").count - 1 == 4)
        // Lead row: k-means, tMM, GGMM; then GMM.
        let order = ["kmeans: SDR", "tmm: SDR", "ggmm: SDR", "gmm: SDR"].map { svg.range(of: $0)!.lowerBound }
        #expect(order == order.sorted())
        // The record round-trips through JSON (what the runner writes and reads back).
        let back = try JSONDecoder().decode(ClusteringExample.self, from: JSONEncoder().encode(e))
        #expect(back == e && back.svg() == svg)
    }

    @Test func theFigureSceneIsTheDemoSceneNearest15DegreesAt0dB() throws {
        let json = #"{"pieces": ["bwv66.6", "bwv267"], "layouts": ["centreTarget", "fan"], "angles": [15, 45], "conditions": [{"name": "overK", "noise": false}, {"name": "noise", "noise": true, "snrDb": [-5, 0, 5]}]}"#
        let config = try ExperimentConfig.decode(Data(json.utf8), source: "t.json")
        let plan = ExperimentPlan(config)
        let demo = DemoSelection(config: config, settings: ReportSettings())
        #expect(ClusteringExample.scene(of: plan.scenes, demo: demo)?.id == "bwv66.6_fan_15_noise_snr0")
        let none = DemoSelection(config: config, settings: ReportSettings(demoPieces: 0))
        #expect(ClusteringExample.scene(of: plan.scenes, demo: none) == nil)
    }
}
