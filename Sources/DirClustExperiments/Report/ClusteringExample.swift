import DirClust
import Foundation

/// The paper's clustering figure (issue 15, item 5): for one scene — θ = 15° at SNR 0 dB in the lecture —
/// the weighted histogram of θ with each method's fitted components π_k p_k(θ) and mixture Σ_k π_k p_k(θ)
/// (k-means: its centroids), the cluster(s) selected as the target drawn wide, side by side, so a reader can
/// see whether tMM and GGMM give the diffuse noise a broad cluster of its own.
///
/// Recorded while the trial runs (`demo/<scene>/clustering.json`, the very fits that were scored) and drawn
/// from that record (`clustering.svg` in the run directory), so the figure always shows the trial's fit.
public struct ClusteringExample: Codable, Sendable, Equatable {
    public struct MethodFit: Codable, Sendable, Equatable {
        /// The trial's key columns as in `trials.csv`.
        public var trial: [String]
        public var fit: ClusterFit
        /// The clusters (indices into the fit's components, means ascending) that formed the target estimate.
        public var targetClusters: [Int]
        public var sdr: Double
        public var method: String { trial[TrialKey.columnNames.firstIndex(of: "method")!] }
    }

    public var sceneID: String
    /// `bwv66.6 · fan · θ = 15° · noise (SNR 0 dB)`.
    public var title: String
    public var weighting: BinWeighting
    /// The target's direction (degrees).
    public var targetDeg: Double
    /// The fitted θ distribution as a density per degree in 180 bins of 0.5° (`DirectionHistogram.density`).
    public var histogram: [Double]
    /// One per method, in `TrialKey.methodOrder`.
    public var fits: [MethodFit]

    public static let fileName = "clustering.json"
    public static let figureFileName = "clustering.svg"

    /// Which scene of a plan gets the figure: among the demo scenes, the one nearest θ = 15° and SNR 0 dB
    /// (noisy scenes first, then the `fan` layout if present — four distinct directions, as in the paper —
    /// then plan order). nil when the plan has no demo scene.
    public static func scene(of scenes: [ScenePlan], demo: DemoSelection) -> ScenePlan? {
        scenes.filter(demo.includes).enumerated().min { a, b in
            func rank(_ s: ScenePlan) -> [Double] {
                [s.snrDb == nil ? 1 : 0, abs((s.snrDb ?? 0) - 0), abs(s.angleDeg - 15), s.layout == .fan ? 0 : 1]
            }
            let (ra, rb) = (rank(a.element), rank(b.element))
            return ra != rb ? ra.lexicographicallyPrecedes(rb) : a.offset < b.offset
        }?.element
    }

    /// The figure: one `DirectionPlot` per method in rows of three — k-means, tMM and GGMM first (the
    /// lecture's comparison), then the others — each titled with its SDR.
    public func svg() -> String {
        let lead = [ClusteringMethod.kmeans, .tmm, .ggmm].map(\.rawValue)
        let ordered = fits.filter { lead.contains($0.method) }.sorted { compareRank($0.method, $1.method, lead) < 0 }
            + fits.filter { !lead.contains($0.method) }
        let panels = ordered.map { m in
            DirectionPlot(fit: m.fit, histogram: histogram, weighting: weighting, targetDegrees: targetDeg,
                          targetClusters: m.targetClusters, title: "\(m.method): SDR \(String(format: "%.2f", m.sdr)) dB",
                          plotWidth: Self.panelPlotWidth).svg()
        }
        let sizes = panels.map(Self.size)
        let columns = 3, header = 40.0
        let rows = stride(from: 0, to: panels.count, by: columns).map { Array($0..<min($0 + columns, panels.count)) }
        let width = rows.map { r in r.map { sizes[$0].width }.reduce(0, +) }.max() ?? 0
        let rowHeights = rows.map { r in r.map { sizes[$0].height }.max() ?? 0 }
        let height = header + rowHeights.reduce(0, +)
        var s = SVG.start(width: width, height: height, fontFamily: "sans-serif")
        s += SVG.text("\(title): the fitted clusters (target drawn wide)", x: width / 2, y: 26, attributes: "font-size=\"17\" font-weight=\"bold\"")
        var y = header
        for (ri, r) in rows.enumerated() {
            var x = 0.0
            for i in r {
                // A nested <svg> positioned by x/y: each panel keeps its own coordinates.
                s += panels[i].replacingOccurrences(of: "<svg ", with: "<svg x=\"\(SVG.n(x))\" y=\"\(SVG.n(y))\" ", options: [], range: panels[i].range(of: "<svg "))
                x += sizes[i].width
            }
            y += rowHeights[ri]
        }
        return s + SVG.end
    }

    /// The weighted θ distribution of fitting points (radians) as a density per degree in 180 bins of 0.5°.
    static func density(theta: [Double], weights: [Double]) -> [Double] {
        var h = [Double](repeating: 0, count: 180)
        let total = weights.reduce(0, +)
        guard total > 0 else { return h }
        for (x, w) in zip(theta, weights) { h[min(max(Int(x * 180 / .pi / 0.5), 0), 179)] += w / (total * 0.5) }
        return h
    }

    /// Writes `demo/<scene>/clustering.json`.
    func write(runDirectory: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        try writeAtomically(try enc.encode(self), to: "\(runDirectory)/\(demoFolderName)/\(sceneID)/\(Self.fileName)")
    }

    /// Writes `clustering.svg` into a finished run directory from its recorded example, if the run has one
    /// (removes a stale figure otherwise).
    static func writeFigure(runDirectory dir: String, config: ExperimentConfig) throws {
        let figure = "\(dir)/\(figureFileName)"
        guard let scene = scene(of: ExperimentPlan(config).scenes, demo: DemoSelection(config: config, settings: config.report)),
              let data = FileManager.default.contents(atPath: "\(dir)/\(demoFolderName)/\(scene.id)/\(fileName)") else {
            try? FileManager.default.removeItem(atPath: figure)
            return
        }
        let example: ClusteringExample
        do { example = try JSONDecoder().decode(ClusteringExample.self, from: data) } catch {
            throw DirClustError("\(dir)/\(demoFolderName)/\(scene.id)/\(fileName) cannot be read (\(error)); rerun the run with --fresh to record it again")
        }
        try writeAtomically(Data(example.svg().utf8), to: figure)
    }

    /// Narrower plots than `separate`'s, so three fit side by side.
    static let panelPlotWidth = 480.0

    /// The width and height attributes of an SVG document.
    static func size(_ svg: String) -> (width: Double, height: Double) {
        func attribute(_ name: String) -> Double {
            guard let r = svg.range(of: " \(name)=\"") else { return 0 }
            return Double(svg[r.upperBound...].prefix { $0 != "\"" }) ?? 0
        }
        return (attribute("width"), attribute("height"))
    }
}
