import DirClust
import Foundation

/// The picture the paper uses to explain directional clustering: the weighted histogram of the direction
/// θ over 0° … 90° with each fitted component density π_k p_k(θ) and the mixture Σ_k π_k p_k(θ) drawn
/// over it (for k-means, which has no density, vertical lines at the centroids). Built from plain arrays
/// and rendered as a self-contained SVG; every y value is a density per degree, so bars and curves share
/// one axis.
public struct DirectionPlot: Sendable, Equatable {
    public var title: String
    /// Bar heights (density per degree) of equal bins covering 0° … 90°.
    public var histogram: [Double]
    /// Legend text of the bars, e.g. "θ histogram (power-weighted)".
    public var histogramLabel: String
    /// The directions (degrees, ascending) the curves are sampled at.
    public var curveDegrees: [Double]
    /// One curve per component (each the same length as `curveDegrees`), with its legend text.
    public var components: [(label: String, values: [Double])]
    /// The mixture curve, if any.
    public var mixture: [Double]?
    /// Vertical lines (degrees) with their legend text: k-means centroids.
    public var markers: [(label: String, degrees: Double)]
    /// A dashed vertical line at the target direction, if any.
    public var targetDegrees: Double?
    /// Components (or, for k-means, markers) selected as the target: drawn wide and labelled "target".
    public var highlighted: [Int]
    /// Width of the plotting area in SVG units (the legend comes on top of it).
    public var plotWidth: Double

    public init(title: String, histogram: [Double], histogramLabel: String, curveDegrees: [Double] = [],
                components: [(label: String, values: [Double])] = [], mixture: [Double]? = nil,
                markers: [(label: String, degrees: Double)] = [], targetDegrees: Double? = nil,
                highlighted: [Int] = [], plotWidth: Double = DirectionPlot.defaultPlotWidth) {
        self.title = title
        self.histogram = histogram
        self.histogramLabel = histogramLabel
        self.curveDegrees = curveDegrees
        self.components = components
        self.mixture = mixture
        self.markers = markers
        self.targetDegrees = targetDegrees
        self.highlighted = highlighted
        self.plotWidth = plotWidth
    }

    public static func == (a: DirectionPlot, b: DirectionPlot) -> Bool { a.svg() == b.svg() }

    // Geometry of the drawing, in SVG user units.
    public static let defaultPlotWidth = 640.0
    static let height = 460.0
    static let left = 72.0, right = 20.0, top = 42.0, bottom = 62.0
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
                          "#bcbd22", "#7f7f7f"]
    /// Legend rows beyond this many components are summarised in one line.
    static let legendComponentLimit = 10

    /// The SVG document (deterministic: the same plot always gives the same bytes).
    public func svg() -> String {
        // Legend rows; the legend sits right of the plot, so it never hides a peak.
        var rows: [(kind: String, colour: String, label: String)] = [("bar", "#c8c8c8", histogramLabel)]
        for (k, c) in components.enumerated().prefix(Self.legendComponentLimit) {
            rows.append(("line", Self.palette[k % Self.palette.count], c.label))
        }
        if components.count > Self.legendComponentLimit {
            rows.append(("none", "none", "… and \(components.count - Self.legendComponentLimit) more components"))
        }
        if mixture != nil { rows.append(("line", "black", "mixture")) }
        for (k, m) in markers.enumerated().prefix(Self.legendComponentLimit) {
            rows.append(("line", Self.palette[k % Self.palette.count], m.label))
        }
        if markers.count > Self.legendComponentLimit {
            rows.append(("none", "none", "… and \(markers.count - Self.legendComponentLimit) more centroids"))
        }
        if let t = targetDegrees { rows.append(("dash", "black", "target direction \(f1(t))°")) }
        // Width from the longest label at ~6.6 units per character of the 12-unit sans-serif font.
        let legendW = 46 + 6.6 * Double(rows.map(\.label.count).max() ?? 0)
        let plotW = plotWidth, plotH = Self.height - Self.top - Self.bottom
        let width = Self.left + plotW + 24 + legendW + Self.right
        let x0 = Self.left, y0 = Self.top + plotH
        func px(_ deg: Double) -> Double { x0 + deg / 90 * plotW }
        var peak = histogram.max() ?? 0
        for c in components { peak = max(peak, c.values.max() ?? 0) }
        peak = max(peak, mixture?.max() ?? 0)
        let (yMax, yStep) = niceAxis(peak)
        func py(_ v: Double) -> Double { y0 - min(max(v, 0), yMax) / yMax * plotH }

        var s = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(f0(width))" height="\(f0(Self.height))" \
        viewBox="0 0 \(f0(width)) \(f0(Self.height))" font-family="sans-serif" font-size="12">

        """
        s += "<rect x=\"0\" y=\"0\" width=\"\(f0(width))\" height=\"\(f0(Self.height))\" fill=\"white\"/>\n"
        s += "<text x=\"\(f1(x0 + plotW / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">\(escaped(title))</text>\n"

        // Grid and axes.
        s += "<g stroke=\"#e6e6e6\" stroke-width=\"1\">\n"
        for deg in stride(from: 0.0, through: 90.0, by: 15) {
            s += "<line x1=\"\(f1(px(deg)))\" y1=\"\(f1(Self.top))\" x2=\"\(f1(px(deg)))\" y2=\"\(f1(y0))\"/>\n"
        }
        for v in stride(from: 0.0, through: yMax * (1 + 1e-9), by: yStep) {
            s += "<line x1=\"\(f1(x0))\" y1=\"\(f1(py(v)))\" x2=\"\(f1(x0 + plotW))\" y2=\"\(f1(py(v)))\"/>\n"
        }
        s += "</g>\n"

        // Histogram bars.
        if !histogram.isEmpty {
            let binW = 90 / Double(histogram.count)
            s += "<g fill=\"#c8c8c8\" stroke=\"none\" class=\"histogram\">\n"
            for (b, h) in histogram.enumerated() where h > 0 {
                let top = py(h)
                s += "<rect x=\"\(f2(px(Double(b) * binW)))\" y=\"\(f2(top))\" width=\"\(f2(px(binW) - px(0)))\" height=\"\(f2(y0 - top))\"/>\n"
            }
            s += "</g>\n"
        }

        // Fitted curves and markers.
        func polyline(_ values: [Double], colour: String, width: Double, cls: String) -> String {
            precondition(values.count == curveDegrees.count, "DirectionPlot: a curve and curveDegrees differ in length")
            let points = zip(curveDegrees, values).map { "\(f1(px($0))),\(f1(py($1)))" }.joined(separator: " ")
            return "<polyline class=\"\(cls)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"\(f1(width))\" points=\"\(points)\"/>\n"
        }
        // The mixture first and wide, so each component's colour shows on top of it where it dominates.
        if let mixture { s += polyline(mixture, colour: "black", width: 3.2, cls: "mixture") }
        for (k, c) in components.enumerated() {
            s += polyline(c.values, colour: Self.palette[k % Self.palette.count], width: highlighted.contains(k) ? 3.6 : 1.4,
                          cls: highlighted.contains(k) ? "component target-cluster" : "component")
        }
        for (k, m) in markers.enumerated() {
            s += "<line class=\"marker\" x1=\"\(f1(px(m.degrees)))\" y1=\"\(f1(Self.top))\" x2=\"\(f1(px(m.degrees)))\" y2=\"\(f1(y0))\" stroke=\"\(Self.palette[k % Self.palette.count])\" stroke-width=\"\(highlighted.contains(k) ? 4 : 2)\"/>\n"
        }
        if let t = targetDegrees {
            s += "<line class=\"target\" x1=\"\(f1(px(t)))\" y1=\"\(f1(Self.top))\" x2=\"\(f1(px(t)))\" y2=\"\(f1(y0))\" stroke=\"black\" stroke-width=\"1.2\" stroke-dasharray=\"6 4\"/>\n"
        }

        // Axes, ticks and labels.
        s += "<g stroke=\"black\" stroke-width=\"1\">\n"
        s += "<line x1=\"\(f1(x0))\" y1=\"\(f1(y0))\" x2=\"\(f1(x0 + plotW))\" y2=\"\(f1(y0))\"/>\n"
        s += "<line x1=\"\(f1(x0))\" y1=\"\(f1(Self.top))\" x2=\"\(f1(x0))\" y2=\"\(f1(y0))\"/>\n"
        s += "</g>\n"
        for deg in stride(from: 0.0, through: 90.0, by: 15) {
            s += "<text x=\"\(f1(px(deg)))\" y=\"\(f1(y0 + 16))\" text-anchor=\"middle\">\(Int(deg))°</text>\n"
        }
        for (deg, name) in [(0.0, "left"), (45.0, "centre"), (90.0, "right")] {
            s += "<text x=\"\(f1(px(deg)))\" y=\"\(f1(y0 + 30))\" text-anchor=\"middle\" fill=\"#555\">\(name)</text>\n"
        }
        let decimals = yStep >= 1 ? 0 : Int((-log10(yStep)).rounded(.up))
        for v in stride(from: 0.0, through: yMax * (1 + 1e-9), by: yStep) {
            s += "<text x=\"\(f1(x0 - 6))\" y=\"\(f1(py(v) + 4))\" text-anchor=\"end\">\(String(format: "%.\(decimals)f", v))</text>\n"
        }
        s += "<text x=\"\(f1(x0 + plotW / 2))\" y=\"\(f1(Self.height - 8))\" text-anchor=\"middle\">direction θ = atan2(|right|, |left|) in degrees</text>\n"
        s += "<text transform=\"translate(16 \(f1(Self.top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">density (per degree)</text>\n"

        let legendX = x0 + plotW + 32, legendY = Self.top + 8
        s += "<g class=\"legend\">\n"
        s += "<rect x=\"\(f1(legendX - 8))\" y=\"\(f1(legendY - 4))\" width=\"\(f1(legendW))\" height=\"\(f1(Double(rows.count) * 17 + 6))\" fill=\"white\" stroke=\"#999\"/>\n"
        for (i, row) in rows.enumerated() {
            let y = legendY + Double(i) * 17 + 9
            switch row.kind {
            case "bar":
                s += "<rect x=\"\(f1(legendX))\" y=\"\(f1(y - 6))\" width=\"22\" height=\"10\" fill=\"\(row.colour)\"/>\n"
            case "line", "dash":
                let dash = row.kind == "dash" ? " stroke-dasharray=\"6 4\"" : ""
                s += "<line x1=\"\(f1(legendX))\" y1=\"\(f1(y - 1))\" x2=\"\(f1(legendX + 22))\" y2=\"\(f1(y - 1))\" stroke=\"\(row.colour)\" stroke-width=\"2\"\(dash)/>\n"
            default: break
            }
            s += "<text x=\"\(f1(legendX + 30))\" y=\"\(f1(y + 3))\">\(escaped(row.label))</text>\n"
        }
        s += "</g>\n</svg>\n"
        return s
    }
}

extension DirectionPlot {
    /// The plot of a direction analysis: its histogram in 180 bins of 0.5° (weighted as the fit was), and
    /// the fitted densities sampled every 0.1° and at each mean (so narrow peaks are drawn at full height),
    /// converted from per radian to per degree (× π/180).
    public init(analysis: DirectionAnalysis, title: String) {
        self.init(fit: analysis.fit, histogram: analysis.histogram.density(binCount: 180),
                  weighting: analysis.options.weighting, targetDegrees: analysis.options.targetDirectionDeg, title: title)
        markers += Self.sourceMarkers(analysis)
    }

    /// The plot of a fit over a θ histogram (`DirectionHistogram.density`, per degree, weighted as the fit
    /// was); `targetClusters` are drawn wide and labelled as the target.
    public init(fit: ClusterFit, histogram: [Double], weighting: BinWeighting, targetDegrees: Double?,
                targetClusters: [Int] = [], title: String, plotWidth: Double = DirectionPlot.defaultPlotWidth) {
        let weighting = weighting == .power ? "power-weighted" : "unweighted"
        let meansDeg = fit.means.map { $0 * 180 / Double.pi }
        let label = "θ histogram (\(weighting))"
        func target(_ k: Int) -> String { targetClusters.contains(k) ? " (target)" : "" }
        if fit.method == .kmeans {
            self.init(title: title, histogram: histogram, histogramLabel: label,
                      markers: meansDeg.enumerated().map { ("centroid \($0 + 1): \(f1($1))°\(target($0))", $1) },
                      targetDegrees: targetDegrees, highlighted: targetClusters, plotWidth: plotWidth)
            return
        }
        var grid = (0...900).map { Double($0) / 10 }
        grid.append(contentsOf: meansDeg.filter { $0 > 0 && $0 < 90 })
        grid.sort()
        let perDegree = Double.pi / 180
        var curves = [[Double]](repeating: [Double](repeating: 0, count: grid.count), count: fit.means.count)
        var mixture = [Double](repeating: 0, count: grid.count)
        for (i, deg) in grid.enumerated() {
            let densities = fit.componentDensities(at: deg * perDegree) ?? []
            for (k, d) in densities.enumerated() {
                let v = d.isFinite ? d * perDegree : 0
                curves[k][i] = v
                mixture[i] += v
            }
        }
        let shapeName = fit.method == .tmm ? "ν" : fit.method == .ggmm ? "β" : nil
        let components = curves.enumerated().map { k, values in
            var label = "cluster \(k + 1): μ = \(f1(meansDeg[k]))°, π = \(f2(fit.mixtureWeights[k]))"
            if let shapeName, let shape = fit.shapes?[k] { label += ", \(shapeName) = \(f2(shape))" }
            return (label: label + target(k), values: values)
        }
        self.init(title: title, histogram: histogram, histogramLabel: label, curveDegrees: grid,
                  components: components, mixture: mixture, targetDegrees: targetDegrees, highlighted: targetClusters,
                  plotWidth: plotWidth)
    }

    /// One vertical line per grouped source: "source s: φ° (clusters k, …)".
    static func sourceMarkers(_ analysis: DirectionAnalysis) -> [(label: String, degrees: Double)] {
        guard let sources = analysis.sources else { return [] }
        return sources.grouping.sources.enumerated().map { s, g in
            ("source \(s + 1): \(f1(g.directionDeg))° (clusters \(g.components.map { String($0 + 1) }.joined(separator: ", ")))", g.directionDeg)
        }
    }
}

/// A "nice" axis top and tick step for values up to `peak` (1, 2 or 5 × 10^n steps, 4–8 ticks).
func niceAxis(_ peak: Double) -> (top: Double, step: Double) {
    guard peak.isFinite, peak > 0 else { return (1, 0.2) }
    let raw = peak * 1.05 / 5
    let magnitude = pow(10, floor(log10(raw)))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
    return ((peak * 1.05 / step).rounded(.up) * step, step)
}

private func f0(_ x: Double) -> String { String(format: "%.0f", x) }
private func f1(_ x: Double) -> String { String(format: "%.1f", x) }
private func f2(_ x: Double) -> String { String(format: "%.2f", x) }

private func escaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
